"""Summaries from the text the generators' own feeds pick (read.site_summary), against the real
jekyll-feed expression and Hugo's `.Summary` on two fixture sites (golden file where a
generator is missing). Compared as visible text, whitespace collapsed and entities decoded; the
smart quotes, dashes and ellipses each generator's Markdown makes must match too. Where Jekyll's excerpt is empty (a post that opens
with an image), feedpub gives the first paragraph with text instead.
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedpub.publish.cold_build import load_site
from feedpub.read.site_summary import hugo_automatic_summary, jekyll_excerpt
from feedpub.read.summary import html_to_text

from . import summaries_real
from .test_feedpub_on_sites import site_settings

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def visible(text: str) -> str:
    return " ".join(html.unescape(text).split())


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("summaries")
    try:
        built = {
            "jekyll": summaries_real.jekyll_summaries(work),
            "hugo": summaries_real.hugo_summaries(work),
        }
    except pytest.skip.Exception:
        return summaries_real.read_golden()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        summaries_real.write_golden(built)
    return built


def our_summaries(tmp_path: Path, fixture: str) -> dict[str, str]:
    settings = site_settings(tmp_path, fixture, feeds={"limit": 100, "summary_length": 100_000})
    result = load_site(settings, NOW)
    assert not [p for p in result.problems if not p.warning], result.problems
    return {post.source: post.summary for post in result.posts}


@pytest.mark.slow
def test_golden_is_what_the_generators_give(real: dict[str, Any]) -> None:
    assert summaries_real.read_golden() == real, "UPDATE_GOLDEN=1 rewrites it from jekyll and hugo"


@pytest.mark.slow
def test_jekyll_summaries_are_jekyll_feeds(tmp_path: Path, real: dict[str, Any]) -> None:
    ours = our_summaries(tmp_path, summaries_real.JEKYLL_FIXTURE)
    assert sorted(ours) == sorted(real["jekyll"])
    for path, theirs in real["jekyll"].items():
        if theirs:
            assert visible(ours[path]) == visible(theirs), path
        else:  # an excerpt of nothing but an image: the first paragraph with words
            assert ours[path] == "The paragraph after the image is where the words start.", path


@pytest.mark.slow
def test_hugo_summaries_are_hugos(tmp_path: Path, real: dict[str, Any]) -> None:
    ours = our_summaries(tmp_path, summaries_real.HUGO_FIXTURE)
    assert {f"posts/{Path(p).name}" for p in ours} == set(real["hugo"])
    for path, theirs in real["hugo"].items():
        if path == "posts/raw-html.md":  # Hugo counts the words of its own `<!-- raw HTML omitted -->`
            continue  # markers (four a tag): its summary ends a paragraph sooner than the text says
        assert visible(ours[path]) == visible(html_to_text(theirs["summary"])), path


@pytest.mark.slow
def test_hugo_content_is_hugos_with_its_default_markup(tmp_path: Path, real: dict[str, Any]) -> None:
    """Goldmark's defaults: the typographer on, raw HTML omitted (`unsafe = false`)."""
    settings = site_settings(tmp_path, summaries_real.HUGO_FIXTURE, feeds={"limit": 100})
    ours = {f"posts/{Path(p.source).name}": p.body for p in load_site(settings, NOW).posts}
    for path, theirs in real["hugo"].items():
        assert visible(html_to_text(ours[path])) == visible(html_to_text(theirs["content"])), path
    assert "omitted" not in ours["posts/raw-html.md"] and "tags go" in ours["posts/raw-html.md"]


def test_summaries_are_cut_near_the_configured_length(tmp_path: Path) -> None:
    settings = site_settings(
        tmp_path, summaries_real.HUGO_FIXTURE, feeds={"limit": 100, "summary_length": 60}
    )
    posts = {post.source: post.summary for post in load_site(settings, NOW).posts}
    assert posts["posts/auto.md"] == "The first paragraph has exactly eight words here."
    assert all(len(summary) <= 4 * 60 + 1 for summary in posts.values())


def test_a_jekyll_excerpt_keeps_the_link_definitions_it_uses() -> None:
    body = (
        "See [the news][n] and [x].\n\nMore.\n\n[n]: https://e.org/n\n[other]: https://e.org/o\n  [x]: /x\n"
    )
    assert jekyll_excerpt(body, "\n\n") == "See [the news][n] and [x].\n\n[n]: https://e.org/n\n[x]: /x"
    assert jekyll_excerpt(body, "<!--more-->") == body  # the separator never comes: all of it
    assert jekyll_excerpt(body, "") is None  # excerpts off


def test_hugo_counts_no_tag_or_attribute_as_a_word() -> None:
    page = '<p><img src="a.png" alt="x"> one two</p><p>three four five</p><p>six</p>'
    assert (
        hugo_automatic_summary(page, 4, cjk=False)
        == '<p><img src="a.png" alt="x"> one two</p><p>three four five</p>'
    )
    chinese = "<p>一二三</p><p>四五六</p><p>七</p>"
    assert hugo_automatic_summary(chinese, 4, cjk=True) == "<p>一二三</p><p>四五六</p>"
    assert hugo_automatic_summary(chinese, 4, cjk=False) == chinese


def test_no_template_or_markup_syntax_reaches_a_summary(tmp_path: Path) -> None:
    """Front-matter texts go through the templates and the Markdown the body goes through (the
    generators' own feeds print `{{ site.motto }}` and `**` as they are)."""
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: T\nurl: https://t.example\nmotto: Small notes\n")
    (site / "_posts" / "2024-01-01-a.md").write_text(
        '---\ntitle: A\ndescription: "{{ site.motto }} in **bold**{: .x} {% unknown %}"\n---\nBody.\n'
    )
    (site / "_posts" / "2024-01-02-b.md").write_text(
        "---\ntitle: B\n---\n{% include missing.html %}\n\n*Words* of {{ site.motto }}.\n"
    )
    (tmp_path / "config.yaml").write_text("site: {source: site}\npaths: {feeds: feeds, cache: cache}\n")
    from feedpub.sites.load import load_site_settings

    posts = {
        p.source: p.summary for p in load_site(load_site_settings(tmp_path / "config.yaml", {}), NOW).posts
    }
    assert posts == {
        "_posts/2024-01-01-a.md": "Small notes in bold",
        "_posts/2024-01-02-b.md": "Words of Small notes.",
    }

"""Labels in the site's language (render.messages): every page, the 410 page, the statistics page,
the OPML and every feed's title and description of an `en` site and a `zh-CN` site hold no label
of the other language, and the catalogues are complete and chosen by BCP 47 lookup."""

from __future__ import annotations

import json
from dataclasses import replace
from string import Formatter

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from feedpub.publish.cold_build import build
from feedpub.render.gone_page import gone_page
from feedpub.render.messages import CATALOGUES, DEFAULT, catalogue_tag, messages
from feedpub.serve.stats_page import page as stats_page

from ..conftest import with_site
from ..validators import check_any

# Site-provided text is neutral (ASCII, no word any catalogue holds), so what is found is a label.
POSTS = {
    "p1.md": "---\ntitle: P1\ndate: 2025-01-01T00:00:00Z\ncategories: [c1]\ntags: [x1, x2]\n---\nq\n",
    "p2.md": "---\ntitle: P2\ndate: 2025-01-02T00:00:00Z\ncategories: [c2]\ntags: [x1]\n---\nq\n",
}
STATS = {
    "feeds": [
        {
            "path": "atom.xml",
            "subscribers": 3,
            "direct": 1,
            "requests": 9,
            "ratio_304": 0.5,
            "aggregators": {"Feedly": 2},
            "history": [{"day": "2025-01-01", "subscribers": 3}],
        }
    ]
}


def fragments(language: str) -> set[str]:
    """The literal text of every message (a pattern's text between its fields), where it holds a
    letter: punctuation alone is no label of one language."""
    found = set()
    for message in CATALOGUES[language].values():
        for literal, *_ in Formatter().parse(message):
            if any(c.isalpha() for c in literal):
                found.add(literal.strip())
    return found


def html_text(data: bytes) -> str:
    """What a reader sees of a page: its text (title included, style left out) and the text of
    the attributes browsers show (link titles, alt, aria-label)."""
    root = lxml_html.fromstring(data)
    for style in root.iter("style"):
        style.drop_tree()
    shown = [root.text_content()]
    for attribute in ("title", "alt", "aria-label"):
        shown += root.xpath(f"//@{attribute}")
    return "\n".join(shown)


def opml_text(data: bytes) -> str:
    root = etree.fromstring(data)
    return "\n".join([root.findtext("head/title") or "", *root.xpath("//outline/@text | //outline/@title")])


def feed_text(path: str, data: bytes) -> str:
    """A feed's own title and description (entries hold only the posts' text)."""
    if path.endswith(".json"):
        feed = json.loads(data)
        return f"{feed['title']}\n{feed.get('description', '')}"
    parsed = feedparser.parse(data).feed
    return f"{parsed.title}\n{parsed.get('subtitle', '')}"


def visible_texts(settings, result) -> dict[str, str]:
    """path → visible text of every page, the OPML, every feed, the 410 and statistics pages."""
    texts = {"(410)": html_text(gone_page(settings)), "(stats)": html_text(stats_page(settings, STATS))}
    for path, data in result.files.items():
        if path.endswith(".html"):
            texts[path] = html_text(data)
        elif path == "opml.xml":
            texts[path] = opml_text(data)
        elif path.endswith(("rss.xml", "atom.xml", "feed.json")) and "/archive/" not in path:
            check_any(path, data, len(result.taxonomy.scopes[_key(result, path)]))
            texts[path] = feed_text(path, data)
    return texts


def _key(result, path: str):
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    return next(k for k in result.taxonomy.scopes if k.path == folder)


@pytest.mark.parametrize(
    ("language", "other"),
    [("en", "zh-CN"), ("zh-CN", "en"), ("en-GB", "zh-TW"), ("zh-Hans-CN", "zh-TW"), ("zh-Hant-TW", "zh-CN")],
)
def test_every_label_is_in_the_sites_language(site, write_post, now, language, other):
    settings = with_site(site, language=language, title="Example")
    settings = replace(settings, pages=replace(settings.pages, per_page=1))  # x1 has a second page
    for name, text in POSTS.items():
        write_post(name, text)
    result = build(settings, now)
    texts = visible_texts(settings, result)
    pages = {"index.html", "categories/index.html", "tags/index.html", "posts/p1/index.html"}
    pages |= {
        "categories/c1/index.html",
        "categories/c2/index.html",
        "tags/x1/index.html",
        "tags/x2/index.html",
    }
    pages |= {"archives/index.html", "archives/2025/01/index.html", "tags/x1/page/2/index.html"}
    assert {p for p in texts if p.endswith(".html")} == pages | {"posts/p2/index.html"}
    assert {"opml.xml", "tags/x2/feed.json", "categories/c1/rss.xml", "atom.xml"} <= set(texts)
    foreign = fragments(other) - fragments(catalogue_tag(language))
    assert foreign
    for path, text in texts.items():
        found = sorted(label for label in foreign if label in text)
        assert not found, (path, found, text)
    words = messages(language)
    assert words["categories"] in texts["index.html"] and words["subscribe"] in texts["tags/x1/index.html"]
    assert words["tag"] in texts["tags/x1/atom.xml"] and words["categories"] in texts["opml.xml"]
    assert words["gone_title"] in texts["(410)"] and words["stats_title"] in texts["(stats)"]
    # the labels of issue 19's pages: archive, month names, previous/next, pages, combine with…
    january = words["year_month"].format(year=2025, month=words["month_1"])
    assert words["all_posts"] in texts["index.html"] and january in texts["archives/index.html"]
    assert (
        words["archives"] in texts["archives/2025/01/index.html"]
        and january in texts["archives/2025/01/index.html"]
    )
    assert words["next"] in texts["posts/p1/index.html"] and words["previous"] in texts["posts/p2/index.html"]
    assert (
        words["combine"] in texts["tags/x1/index.html"]
        and words["older_posts"] in texts["tags/x1/index.html"]
    )
    second = texts["tags/x1/page/2/index.html"]
    assert words["newer_posts"] in second and words["page_of"].format(page=2, pages=2) in second


@pytest.mark.parametrize(
    ("tag", "catalogue"),
    [
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("zh_CN", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("zh-SG", "zh-CN"),
        ("zh-TW", "zh-TW"),
        ("zh-Hant", "zh-TW"),
        ("zh-Hant-TW", "zh-TW"),
        ("zh-Hant-CN", "zh-TW"),  # the script decides before the region
        ("zh-HK", "zh-TW"),
        ("en", "en"),
        ("en-GB", "en"),
        ("en-Latn-US", "en"),
        ("EN-us", "en"),
        ("fr", "en"),
        ("de-CH-x-private", "en"),
        ("", "en"),
        ("x-klingon", "en"),
    ],
)
def test_the_catalogue_is_chosen_by_bcp47_lookup(tag, catalogue):
    assert catalogue_tag(tag) == catalogue


def test_every_catalogue_has_every_message_with_the_same_fields():
    def fields(message: str) -> set[str]:
        return {name for _, name, *_ in Formatter().parse(message) if name}

    english = CATALOGUES[DEFAULT]
    for language, catalogue in CATALOGUES.items():
        assert set(catalogue) == set(english), language
        for key, message in catalogue.items():
            assert fields(message) == fields(english[key]), (language, key)
            assert message.strip() == message and message, (language, key)


def test_a_catalogue_is_read_only():
    with pytest.raises(TypeError):
        messages("en")["tags"] = "x"  # type: ignore[index]

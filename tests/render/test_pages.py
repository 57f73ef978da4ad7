"""HTML pages: a post page (its shell rendered once for every post) is byte for byte what
post.html renders on its own, and stays valid, escaped HTML with discovery links."""

from __future__ import annotations

import lxml.html
import pytest

from feedpub.model import FeedKey, Scope
from feedpub.publish.cold_build import build
from feedpub.render.pages import PageRenderer

from .test_pages_fast import jinja_post_page


@pytest.fixture
def rendered(sample_site, now):
    result = build(sample_site, now)
    return sample_site, result, PageRenderer(result.taxonomy, sample_site)


def test_post_pages_match_a_whole_render_of_the_template(rendered):
    _settings, result, pages = rendered
    posts = result.taxonomy.scopes[FeedKey(Scope.SITE)]
    assert len(posts) >= 5
    for post in posts:
        whole = jinja_post_page(pages, post)
        path, data = pages.post_page(post)
        assert data == whole, path
        assert result.files[path] == data


def test_post_page_escapes_its_title_and_links_its_feeds(site, write_post, now):
    write_post(
        "a.md", '---\ntitle: "<b>A & B</b> 芯片"\ndate: 2025-01-01T00:00:00+08:00\ntags: [x]\n---\nbody\n'
    )
    result = build(site, now)
    page = result.files["posts/a/index.html"].decode("utf-8")
    assert "<title>&lt;b&gt;A &amp; B&lt;/b&gt; 芯片 · Test Site</title>" in page
    tree = lxml.html.fromstring(page)
    assert tree.findtext(".//h1") == "<b>A & B</b> 芯片"
    alternates = tree.xpath("//link[@rel='alternate']/@type")
    assert sorted(alternates) == ["application/atom+xml", "application/feed+json", "application/rss+xml"]
    assert page.count("<main>") == 1 and page.count("</main>") == 1

"""HTML pages: a post page (its shell rendered once for every post) is byte for byte what
post.html renders on its own, and stays valid, escaped HTML with discovery links."""

from __future__ import annotations

from dataclasses import replace

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


# ---- issue 19: the index, the archive, previous/next, subscribe, combine with… ---------------


def _main(page: bytes):
    return lxml.html.fromstring(page).find(".//main")


def test_the_index_shows_the_title_once_the_newest_posts_and_the_archive(rendered):
    settings, result, _pages = rendered
    page = result.files["index.html"]
    body = lxml.html.fromstring(page).find("body")
    assert body.text_content().count(settings.site.title) == 2  # the header's link and the footer
    assert _main(page).find(".//h1") is None and settings.site.title not in _main(page).text_content()
    site = result.taxonomy.scopes[FeedKey(Scope.SITE)]
    listed = _main(page).xpath("//ul[@class='posts']/li/a/text()")
    assert listed == [post.title for post in site[:30]]
    assert _main(page).xpath("//p[@class='more']/a/@href") == ["/archives/"]
    assert "/archives/" in [a.get("href").removeprefix(settings.site.base_url[:-1]) for a in body.iter("a")]


def test_the_archive_lists_every_post_by_year_and_month_newest_first(rendered):
    _settings, result, _pages = rendered
    site = result.taxonomy.scopes[FeedKey(Scope.SITE)]
    index = _main(result.files["archives/index.html"])
    assert [h.text.strip() for h in index.iter("h2")] == sorted(
        {f"{p.published.year}" for p in site}, reverse=True
    )
    months = index.xpath("//ul[@class='terms']/li/a/@href")
    expected = sorted({(p.published.year, p.published.month) for p in site}, reverse=True)
    assert months == [f"/archives/{y:04d}/{m:02d}/" for y, m in expected]
    counts = [int(c) for c in index.xpath("//ul[@class='terms']/li/span[@class='count']/text()")]
    assert sum(counts) == len(site)
    listed = []
    for year, month in expected:
        page = _main(result.files[f"archives/{year:04d}/{month:02d}/index.html"])
        assert page.findtext(".//h1") == f"{year}年{month}月"  # zh-CN: through the catalogue
        listed += page.xpath("//ul[@class='archive']/li/a/text()")
    assert listed == [post.title for post in site]  # every post once, newest first


def test_a_post_page_links_its_neighbours_and_every_terms_feeds(rendered):
    _settings, result, pages = rendered
    site = result.taxonomy.scopes[FeedKey(Scope.SITE)]
    for at, post in enumerate(site):
        path, data = pages.post_page(post)
        main = _main(data)
        older = main.xpath("//nav[@class='pager']/a[@rel='prev']/@href")
        newer = main.xpath("//nav[@class='pager']/a[@rel='next']/@href")
        assert older == ([pages.links.post(site[at + 1])] if at + 1 < len(site) else []), path
        assert newer == ([pages.links.post(site[at - 1])] if at > 0 else []), path
        items = main.xpath("//section[@class='subscribe']/ul/li")
        terms = [(Scope.CATEGORY, t.key) for t in post.categories] + [(Scope.TAG, t.key) for t in post.tags]
        assert len(items) == len(terms)
        for item, (scope, key) in zip(items, terms, strict=True):
            feed_key = result.taxonomy.feed_key(scope, key)
            hrefs = item.xpath(".//a/@href")
            assert hrefs[0] == pages.links.page(feed_key.path)
            assert hrefs[1:] == [
                pages.links.page(feed_key.path + name) for name in ("rss.xml", "atom.xml", "feed.json")
            ]


def test_a_term_page_offers_its_most_frequent_companions_as_combined_feeds(site, write_post, now):
    for n, tags in enumerate(["[a, b, c]", "[a, b]", "[a, b, d]", "[a, c]", "[a, e]", "[a, f]", "[a, g]"]):
        write_post(f"p{n}.md", f"---\ntitle: P{n}\ndate: 2025-01-0{n + 1}T00:00:00Z\ntags: {tags}\n---\nx\n")
    result = build(site, now)
    main = _main(result.files["tags/a/index.html"])
    companions = main.xpath("//section[@class='combine']/ul/li/a[1]/text()")
    assert companions == ["b", "c", "d", "e", "f"]  # most posts in common first, then by slug; five
    feeds = main.xpath("//section[@class='combine']/ul/li[1]//span[@class='feeds']/a/@href")
    assert feeds == ["/feeds/?tags=a+b&format=rss", "/feeds/?tags=a+b", "/feeds/?tags=a+b&format=json"]
    site = replace(site, feeds=replace(site.feeds, limit=2))  # counted over the feed's posts: p6, p5
    main = _main(build(site, now).files["tags/a/index.html"])
    assert main.xpath("//section[@class='combine']/ul/li/a[1]/text()") == ["f", "g"]

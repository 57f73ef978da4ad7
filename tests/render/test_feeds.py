"""Every feed built from the sample posts passes third-party parsers and validators."""

from __future__ import annotations

import json
from urllib.parse import quote

import feedparser
import pytest
from lxml import etree

from feedpub.model import Scope
from feedpub.publish.cold_build import build
from feedpub.publish.store import publish

from ..conftest import with_site
from ..validators import check_any, check_atom, check_feedparser, check_jing, check_json_feed, check_rss


@pytest.fixture
def built(sample_site, now):
    result = build(sample_site, now)
    publish(result.files, sample_site.feeds_dir)
    return sample_site, result


def expected_counts(result, limit):
    """Path of every feed → how many entries it must hold."""
    counts = {}
    for key, posts in result.taxonomy.scopes.items():
        for name in ("rss.xml", "atom.xml", "feed.json"):
            counts[key.path + name] = min(len(posts), limit)
    return counts


def test_every_feed_passes_every_validator(built):
    settings, result = built
    counts = expected_counts(result, settings.feeds.limit)
    assert set(counts) <= set(result.files)
    assert len(counts) >= 3 * 20, "the sample posts should give the site and many term feeds"
    for path, expected in counts.items():
        check_any(path, result.files[path], expected)


def test_site_feed_counts_only_published_posts(built):
    _settings, result = built
    parsed = check_feedparser(result.files["atom.xml"], 7)
    titles = [e.title for e in parsed.entries]
    assert "量子芯片离实用还有多远？（草稿）" not in titles  # draft
    assert "未公开的旧文" not in titles  # Jekyll published: false
    assert not any("2099" in t for t in titles)  # scheduled
    # newest first
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_atom_files_pass_jing(built):
    settings, result = built
    paths = [settings.feeds_dir / p for p in result.files if p.endswith("atom.xml")]
    assert len(paths) > 20
    check_jing(*paths)


def test_tag_variants_share_one_feed(built):
    _settings, result = built
    # AI芯片 (seed), ai芯片 (Jekyll list), ＡＩ芯片 (TOML, full width) and `AI芯片` (HTML post) are one tag
    atom = result.files["tags/ai芯片/atom.xml"]
    parsed = check_feedparser(atom, 4)
    assert parsed.feed.title == "Test Site · 标签：AI芯片"  # the site is zh-CN: labels from its catalogue
    assert "标签：AI芯片" in parsed.feed.title


def test_categories_and_tags_on_entries(built):
    _settings, result = built
    parsed = feedparser.parse(result.files["atom.xml"])
    seed = next(e for e in parsed.entries if e.title.startswith("商汤重塑"))
    terms = {(t.scheme, t.term) for t in seed.tags}
    assert ("https://news.example.org/categories/", "算力与芯片") in terms
    assert ("https://news.example.org/tags/", "AI芯片") in terms
    rss = feedparser.parse(result.files["rss.xml"])
    seed_rss = next(e for e in rss.entries if e.title.startswith("商汤重塑"))
    assert {t.term for t in seed_rss.tags} >= {"算力与芯片", "AI芯片", "徐冰"}
    feed = json.loads(result.files["feed.json"])
    item = next(i for i in feed["items"] if i["title"].startswith("商汤重塑"))
    assert "算力与芯片" in item["tags"] and "AI芯片" in item["tags"]


def test_images_are_absolute_and_percent_encoded(built):
    _settings, result = built
    parsed = feedparser.parse(result.files["atom.xml"])
    seed = next(e for e in parsed.entries if e.title.startswith("商汤重塑"))
    thumb = seed.media_thumbnail[0]["url"]
    assert (
        thumb
        == "https://news.example.org/newsimages/selected_image_YYYY-06-Jun%2024,%202025_09-00-21-469.jpg"
    )
    feed = json.loads(result.files["feed.json"])
    item = next(i for i in feed["items"] if i["title"].startswith("商汤重塑"))
    assert item["image"] == thumb
    root = etree.fromstring(result.files["rss.xml"])
    urls = [el.get("url") for el in root.iter("{http://search.yahoo.com/mrss/}thumbnail")]
    assert thumb in urls


def test_feed_level_dates_are_newest_entry_not_build_time(built):
    _settings, result = built
    parsed = feedparser.parse(result.files["atom.xml"])
    assert parsed.feed.updated == "2025-06-24T09:10:04+08:00"
    rss = etree.fromstring(result.files["rss.xml"])
    assert rss.findtext("channel/lastBuildDate") == "Tue, 24 Jun 2025 09:10:04 +0800"


def test_self_links_and_ids(built):
    _settings, result = built
    root = check_atom(result.files["tags/ai芯片/atom.xml"])
    self_href = next(
        link.get("href")
        for link in root.findall("{http://www.w3.org/2005/Atom}link")
        if link.get("rel") == "self"
    )
    assert self_href == "https://news.example.org/tags/" + quote("ai芯片") + "/atom.xml"
    feed = check_json_feed(result.files["tags/ai芯片/feed.json"])
    assert feed["feed_url"] == "https://news.example.org/tags/" + quote("ai芯片") + "/feed.json"
    entry_ids = [e.id for e in feedparser.parse(result.files["atom.xml"]).entries]
    assert "https://news.example.org/posts/sensetime-xu-bing-ai-chips/" in entry_ids


def test_content_is_full_html_with_xml_base(built):
    _settings, result = built
    root = etree.fromstring(result.files["atom.xml"])
    content = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert content.get("type") == "html"
    assert content.get("{http://www.w3.org/XML/1998/namespace}base").startswith(
        "https://news.example.org/posts/"
    )
    rss = check_rss(result.files["rss.xml"])
    encoded = rss.find("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "<p>" in encoded.text


def test_summary_only_mode(sample_site, now):
    from dataclasses import replace

    settings = replace(sample_site, feeds=replace(sample_site.feeds, content="summary"))
    files = build(settings, now).files
    assert b"<content" not in files["atom.xml"]
    assert b"content:encoded" not in files["rss.xml"]
    feed = check_json_feed(files["feed.json"])
    assert all("content_text" in item for item in feed["items"])
    check_atom(files["atom.xml"])


def test_a_post_too_long_for_feed_readers_has_summary_and_link_only(site, write_post, now):
    """Readers built on libxml2 refuse a text node over 10 MB; a few-megabyte post must not
    make its feeds unreadable. Over `limits.max_entry_content` an entry has no content."""
    write_post("short.md", "---\ntitle: Short\ndate: 2025-01-02\ntags: [t]\n---\nshort body\n")
    paragraph = "一段很长的正文，带有[链接](/x)和*强调*。" * 20 + "\n\n"
    write_post("long.md", "---\ntitle: Long\ndate: 2025-01-01\ntags: [t]\n---\n" + paragraph * 3000)
    files = build(site, now).files
    assert len(files["posts/long/index.html"]) > 2_000_000  # its page keeps everything
    for path in ("atom.xml", "tags/t/atom.xml"):
        atom = check_atom(files[path])  # lxml's default parser: no huge_tree
        entries = {e.findtext("{http://www.w3.org/2005/Atom}title"): e for e in atom.iter("{*}entry")}
        assert entries["Long"].find("{http://www.w3.org/2005/Atom}content") is None
        assert entries["Long"].findtext("{http://www.w3.org/2005/Atom}summary").startswith("一段很长的正文")
        assert entries["Short"].find("{http://www.w3.org/2005/Atom}content") is not None
    rss = check_rss(files["rss.xml"])
    assert [i.find("{*}encoded") is None for i in rss.iter("item")] == [False, True]
    items = check_json_feed(files["feed.json"])["items"]
    assert "content_html" in items[0] and "content_html" not in items[1] and items[1]["content_text"]
    assert len(files["atom.xml"]) < 100_000
    check_feedparser(files["atom.xml"], 2)


def test_limit_keeps_newest(sample_site, now):
    from dataclasses import replace

    settings = replace(sample_site, feeds=replace(sample_site.feeds, limit=2))
    result = build(settings, now)
    parsed = check_feedparser(result.files["atom.xml"], 2)
    assert parsed.entries[0].title.startswith("商汤重塑")
    assert parsed.feed.updated == "2025-06-24T09:10:04+08:00"


def test_opml_lists_every_feed(built):
    _settings, result = built
    root = etree.fromstring(result.files["opml.xml"])
    urls = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    expected = {
        "https://news.example.org/" + quote(k.path, safe="/") + "rss.xml" for k in result.taxonomy.scopes
    }
    assert urls == expected
    assert root.get("version") == "2.0" and root.findtext("head/title")
    groups = [o.get("text") for o in root.find("body") if o.get("xmlUrl") is None]
    assert groups == ["分类", "标签"]  # the site's feed first, then one folder per taxonomy (zh-CN)
    for outline in root.iter("outline"):
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss" and outline.get("text") and outline.get("title")
            assert outline.get("htmlUrl").startswith("https://news.example.org/")


def test_empty_site_still_gives_valid_feeds(site, now):
    result = build(site, now)
    check_atom(result.files["atom.xml"])
    check_rss(result.files["rss.xml"])
    check_json_feed(result.files["feed.json"])
    check_feedparser(result.files["atom.xml"], 0)


def test_only_configured_formats(sample_site, now):
    from dataclasses import replace

    settings = replace(sample_site, feeds=replace(sample_site.feeds, formats=("atom",)))
    files = build(settings, now).files
    assert not any(p.endswith(("rss.xml", "feed.json")) for p in files)
    root = etree.fromstring(files["opml.xml"])
    assert all(o.get("xmlUrl").endswith("atom.xml") for o in root.iter("outline") if o.get("xmlUrl"))


def test_building_twice_gives_identical_bytes(sample_site, now, tmp_path):
    first = build(sample_site, now).files
    second = build(sample_site, now).files
    assert first == second
    other = with_site(sample_site)  # same settings, a fresh object
    assert build(other, now).files == first


def test_feed_scopes_cover_every_term(built):
    _settings, result = built
    tag_keys = {k.key for k in result.taxonomy.scopes if k.scope is Scope.TAG}
    assert {"ai芯片", "财联社新闻", "hbm", "nvidia"} <= tag_keys
    category_keys = {k.key for k in result.taxonomy.scopes if k.scope is Scope.CATEGORY}
    assert {"cailianshe", "semiconductors", "world markets", "算力与芯片"} <= category_keys
    assert "archive" not in category_keys  # only on an unpublished post

"""Adversarial inputs, Unicode: titles, slugs, file names and tag spellings.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from feedpub.model import Scope
from feedpub.publish.store import publish

from ..adversarial import BASE, HUGO, JEKYLL, build_ok, is_http_url, names
from ..helpers import post

TRICKY_TITLE = "🚀 Launch: \u202eRTL override\u202c עברית العربية e\u0301cole ＦＵＬＬ width 〈AI〉 a\u00a0b"


def test_unicode_titles_round_trip_through_every_format(site, write_post, now):
    write_post("u.md", f'---\ntitle: "{TRICKY_TITLE}"\ndate: 2025-01-01T00:00:00Z\n---\n正文 🚀\n')
    got = post(site, "u.md")
    assert got.title == " ".join(TRICKY_TITLE.split())
    result = build_ok(site, now)
    for path in ("rss.xml", "atom.xml"):
        assert feedparser.parse(result.files[path]).entries[0].title == got.title
    assert json.loads(result.files["feed.json"])["items"][0]["title"] == got.title


HOSTILE_SLUGS = [
    ("🚀-ünïcode", "🚀-ünïcode"),
    ("ＦＵＬＬ width", "FULL-width"),
    ("e\u0301cole", "école"),  # NFKC composes
    ("עברית", "עברית"),
    ("a/b?c#d%e\\f", "a-b-c-d-e-f"),
    ("../../etc/passwd", None),  # any single safe segment
    ("   spaced   out  ", "spaced-out"),
]


@pytest.mark.parametrize(("slug", "expected"), HOSTILE_SLUGS)
def test_unicode_and_hostile_slugs_stay_one_safe_segment(site, write_post, slug, expected):
    write_post("h.md", HUGO + f"slug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n")
    got = post(site, "h.md")
    assert expected is None or got.slug == expected
    assert "/" not in got.slug and not got.slug.startswith(".")
    path = urlsplit(got.url).path
    assert path.startswith("/posts/") and path.count("/") == 3 and is_http_url(got.url)


def test_hostile_slugs_in_one_site_publish_inside_feeds_dir(site, write_post, now):
    for i, (slug, _expected) in enumerate(HOSTILE_SLUGS):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nslug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n",
        )
    result = build_ok(site, now)
    assert len({p.slug for p in result.posts}) == len(HOSTILE_SLUGS)
    publish(result.files, site.feeds_dir)
    root = site.feeds_dir.resolve()
    assert all(root in p.resolve().parents for p in site.feeds_dir.rglob("*"))
    assert not (site.root / "etc").exists()


def test_tab_and_newline_in_a_slug_separate_words(site, write_post):
    write_post("h.md", HUGO + 'slug: "tab\\there\\nnewline"\n---\nx\n')
    assert post(site, "h.md").slug == "tab-here-newline"


@pytest.mark.parametrize("slug", ["...", ".", "-", "///", "?#%", "  "])
def test_slugs_of_nothing_but_separators_get_a_hash(site, write_post, slug):
    write_post("h.md", HUGO + f"slug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n")
    got = post(site, "h.md")
    assert re.fullmatch(r"[0-9a-f]{8}|h", got.slug), got.slug


ODD_FILE_NAMES = [
    "2022-03-18-中文 标题 #1?.md",
    "2022-03-18-emoji-🚀.md",
    "2022-03-18-CamelCase.MD",
    "sub dir/ü ber.markdown",
    "2022-03-18-100%-sure.html",
    "deep/nested/path/2022-03-18-x.md",
]


@pytest.mark.parametrize("name", ODD_FILE_NAMES)
def test_odd_file_names_give_safe_urls(site, write_post, name):
    write_post(name, "---\nlayout: post\ndate: 2022-03-18 09:00:00 +0800\n---\nBody.\n")
    got = post(site, name)
    assert got.source == name and is_http_url(got.url)
    assert urlsplit(got.url).path.count("/") == 3
    assert "#" not in got.url and "?" not in got.url


def test_odd_file_names_in_one_site_build_valid_feeds(site, write_post, now):
    for name in ODD_FILE_NAMES:
        write_post(name, "---\nlayout: post\ndate: 2022-03-18 09:00:00 +0800\n---\nBody.\n")
    result = build_ok(site, now)
    assert sorted(p.source for p in result.posts) == sorted(ODD_FILE_NAMES)


def test_tag_spellings_merge_and_display_the_most_used(site, write_post, now):
    spellings = [
        ["Go", "école", "ＡＩ芯片", "Ω", "straße"],
        ["go", "e\u0301cole", "AI芯片", "ω", "STRASSE"],
        ["GO", "École", "ai芯片"],
    ]
    for i, tags in enumerate(spellings):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\ntags: {json.dumps(tags, ensure_ascii=False)}\n---\nx\n",
        )
    result = build_ok(site, now)
    tag_keys = {k.key: k for k in result.taxonomy.scopes if k.scope is Scope.TAG}
    assert set(tag_keys) == {"go", "école", "ai芯片", "ω", "strasse"}
    for key, count in (("go", 3), ("école", 3), ("ai芯片", 3), ("ω", 2), ("strasse", 2)):
        assert len(result.taxonomy.scopes[tag_keys[key]]) == count
    assert tag_keys["ai芯片"].name in ("AI芯片", "ai芯片", "ＡＩ芯片")
    title = feedparser.parse(result.files["tags/" + tag_keys["ai芯片"].slug + "/atom.xml"]).feed.title
    assert title == f"Test Site · 标签：{tag_keys['ai芯片'].name}"  # a zh-CN site's label


HOSTILE_TAGS = [
    "a/b",
    "a b",
    "a-b",
    "a\\b",
    "what?",
    "c#",
    "C++",
    "100%",
    "%2F",
    "%2e%2e",
    "..",
    ".",
    "...",
    ".hidden",
    "../etc",
    "/",
    "-",
    "?",
    "#",
    "]]>",
    "<script>",
    "x&y",
    '"quoted"',
    "🚀 launch",
    "עברית",
    "العربية",
    "CON",
    "opml.xml",
    "rss.xml",
]


def test_hostile_tag_names_get_unique_single_segment_slugs(site, write_post, now):
    write_post(
        "h.md",
        HUGO + f'tags: {json.dumps(HOSTILE_TAGS, ensure_ascii=False)}\ncategories: ["..", "a/b"]\n---\nx\n',
    )
    got = post(site, "h.md")
    assert len(got.tags) == len(HOSTILE_TAGS)
    result = build_ok(site, now)
    slugs = [k.slug for k in result.taxonomy.scopes if k.scope is Scope.TAG]
    assert len(slugs) == len(set(slugs)) == len(HOSTILE_TAGS)
    for slug in slugs:
        assert slug and "/" not in slug and "\\" not in slug and not slug.startswith(".")
        assert not set(slug) & set("?#%") and not any(c.isspace() for c in slug)
    entry = feedparser.parse(result.files["atom.xml"]).entries[0]
    assert {t.term for t in entry.tags} >= set(HOSTILE_TAGS)
    report = publish(result.files, site.feeds_dir)
    assert report.written
    root = site.feeds_dir.resolve()
    assert all(root in p.resolve().parents for p in site.feeds_dir.rglob("*"))
    assert not (site.root / "etc").exists()
    for slug in slugs:
        assert (site.feeds_dir / "tags" / slug / "atom.xml").is_file()


def test_tag_named_like_an_output_file(site, write_post, now):
    write_post("h.md", HUGO + "tags: [index.html, feed.json]\ncategories: [index.html]\n---\nx\n")
    result = build_ok(site, now)
    publish(result.files, site.feeds_dir)
    for key in result.taxonomy.scopes:
        assert (site.feeds_dir / key.path / "atom.xml").is_file()


def test_tag_that_looks_like_another_tags_slug_does_not_collide(site, write_post, now):
    write_post("a.md", HUGO + 'tags: ["a b"]\n---\nx\n')
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\ntags: [a-b]\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\ntags: [a/b]\n---\nx\n")
    result = build_ok(site, now)
    tag_feeds = {k.name: k.slug for k in result.taxonomy.scopes if k.scope is Scope.TAG}
    assert tag_feeds["a-b"] == "a-b" and len(set(tag_feeds.values())) == 3
    for name, title in (("a b", "A"), ("a-b", "B"), ("a/b", "C")):
        parsed = feedparser.parse(result.files[f"tags/{tag_feeds[name]}/atom.xml"])
        assert [e.title for e in parsed.entries] == [title]


@pytest.mark.parametrize(
    ("raw", "length"), [("x" * 300, 100), ("长" * 300, 100), ("🚀" * 150, 100), ("a " * 200, 99)]
)
def test_very_long_tags_are_bounded(site, write_post, now, raw, length):
    write_post("h.md", HUGO + f"tags: [{json.dumps(raw, ensure_ascii=False)}]\n---\nx\n")
    (tag,) = post(site, "h.md").tags
    assert len(tag.name) == length
    result = build_ok(site, now)
    (key,) = [k for k in result.taxonomy.scopes if k.scope is Scope.TAG]
    assert len(key.slug.encode("utf-8")) <= 120


def test_jekyll_string_tags_split_only_on_whitespace(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + 'tags: "ai\u3000芯片\tGPU,CUDA  c++"\ncategories: 新闻 国际\ncategory: Hong Kong\n---\nx\n',
    )
    got = post(site, "2022-03-18-j.md")
    assert names(got.tags) == ["ai", "芯片", "GPU,CUDA", "c++"]  # ideographic space splits too
    assert names(got.categories) == ["新闻", "国际", "Hong Kong"]
    build_ok(site, now)


def test_same_name_as_category_and_tag_gives_two_feeds(site, write_post, now):
    write_post("h.md", HUGO + "categories: [芯片]\ntags: [芯片, 芯片]\n---\nx\n")
    result = build_ok(site, now)
    assert "categories/芯片/atom.xml" in result.files and "tags/芯片/atom.xml" in result.files
    atom = etree.fromstring(result.files["atom.xml"])
    schemes = [c.get("scheme") for c in atom.iter("{http://www.w3.org/2005/Atom}category")]
    assert sorted(schemes) == [BASE + "categories/", BASE + "tags/"]


def test_invisible_characters_do_not_make_new_tags(site, write_post):
    write_post("a.md", HUGO + 'tags: ["AI芯片\\u200b", "\\ufeffGPU", "\\u200b", "\\u2060"]\n---\nx\n')
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\ntags: [AI芯片, GPU]\n---\nx\n")
    assert [t.key for t in post(site, "a.md").tags] == ["ai芯片", "gpu"]

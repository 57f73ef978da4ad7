"""Adversarial inputs, URLs, permalinks, ids, images and authors.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from feedpub.model import Problem

from ..adversarial import BASE, HUGO, JEKYLL, build_ok, is_http_url
from ..helpers import post, problem, read_one


@pytest.mark.parametrize(
    ("front", "url"),
    [
        ("url: /2025/06/a/", BASE + "2025/06/a/"),
        ("url: 2025/a", BASE + "2025/a"),
        ("url: /a b/ü/", BASE + "a%20b/%C3%BC/"),
        ("url: /x/#frag", BASE + "x/#frag"),
        ("url: 5", BASE + "5"),
        ("permalink: /:year/:month/:day/:title/", BASE + "2025/01/01/h/"),
        ("permalink: /:slug/:i_month/:i_day/", BASE + "h/1/1/"),
        ("permalink: /:categories/:title/\ncategories: [新闻, a b]", BASE + "%E6%96%B0%E9%97%BB/a%20b/h/"),
    ],
)
def test_url_and_permalink_forms(site, write_post, now, front, url):
    write_post("h.md", HUGO + front + "\n---\nx\n")
    got = post(site, "h.md")
    assert got.url == url and got.id == url
    build_ok(site, now)


def test_absolute_urls_of_migrated_posts_are_kept(site, write_post):
    cases = [
        ("url: https://news.example.org/2025/x/", BASE + "2025/x/"),
        ("permalink: https://news.example.org/:year/:title/", BASE + "2025/p1/"),
        ("url: //news.example.org/2025/y/", BASE + "2025/y/"),
    ]
    for i, (front, _url) in enumerate(cases):
        write_post(f"p{i}.md", HUGO + front + "\n---\nx\n")
    assert [post(site, f"p{i}.md").url for i in range(len(cases))] == [url for _front, url in cases]


def test_jekyll_output_ext_placeholder(site, write_post):
    write_post("2022-03-18-j.md", JEKYLL + "permalink: /:year/:month/:day/:title:output_ext\n---\nx\n")
    assert post(site, "2022-03-18-j.md").url == BASE + "2022/03/18/j.html"


def test_post_url_must_be_http(site, write_post, now):
    values = ["javascript:alert(1)", "mailto:desk@example.org", "data:text/html,x", "ftp://x.example/a"]
    for i, value in enumerate(values):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nurl: {json.dumps(value)}\n---\nx\n",
        )
        found = read_one(site, f"p{i}.md")
        assert isinstance(found, Problem) or is_http_url(found.url), found
    build_ok(site, now)


def test_post_url_equal_to_site_root(site, write_post, now):
    write_post("h.md", HUGO + "url: /\n---\nx\n")
    build_ok(site, now)


def test_id_forms(site, write_post, now):
    write_post("a.md", HUGO + "id: tag:example.org,2005:post-1\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nguid: 12345\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nid: a b/c ü\n---\nx\n")
    write_post("d.md", "---\ntitle: D\ndate: 2025-01-04T00:00:00Z\nid: 0\n---\nx\n")
    assert post(site, "a.md").id == "tag:example.org,2005:post-1"
    assert post(site, "b.md").id == "urn:feedpub:12345"
    assert post(site, "c.md").id == "urn:feedpub:a%20b%2Fc%20%C3%BC"
    assert post(site, "d.md").id == "urn:feedpub:0"
    result = build_ok(site, now)
    rss = etree.fromstring(result.files["rss.xml"])
    assert {g.get("isPermaLink") for g in rss.iter("guid")} == {"false"}


def test_id_that_differs_only_in_case_is_a_different_entry(site, write_post, now):
    write_post("a.md", HUGO + "id: urn:x:ABC\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nid: urn:x:abc\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nid: urn:x:ABC\n---\nx\n")
    assert {p.source for p in build_ok(site, now).posts} == {"a.md", "b.md"}
    assert "same id" in problem(site, "c.md").message


def test_two_posts_claiming_one_url(site, write_post, now):
    write_post("a.md", HUGO + "url: /same/\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\npermalink: /same/\n---\nx\n")
    write_post("Same.md", "---\ntitle: S1\ndate: 2025-01-03T00:00:00Z\n---\nx\n")
    write_post("x/same.md", "---\ntitle: S2\ndate: 2025-01-04T00:00:00Z\n---\nx\n")
    result = build_ok(site, now)
    assert "same id" in problem(site, "b.md").message
    urls = [p.url for p in result.posts]
    assert len(urls) == len({u.casefold() for u in urls}) == 3


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("image: /img/a.png", BASE + "img/a.png"),
        ("image: https://cdn.example.org/a b.png", "https://cdn.example.org/a%20b.png"),
        ("image: {path: 封面.png}", BASE + "posts/h/%E5%B0%81%E9%9D%A2.png"),
        ("featured_image: //cdn.example.org/c.jpg\nimage: /ignored.png", "https://cdn.example.org/c.jpg"),
        ("cover: {image: /cover.png}", BASE + "cover.png"),
    ],
)
def test_image_forms(site, write_post, now, front, expected):
    write_post("h.md", HUGO + front + "\n---\nx\n")
    assert post(site, "h.md").image == expected
    result = build_ok(site, now)
    if expected:
        item = json.loads(result.files["feed.json"])["items"][0]
        assert item["image"] == expected


def test_image_must_be_an_http_url(site, write_post, now):
    values = ["javascript:alert(1)", "data:image/png;base64,AAAA", "http://[::1", "vbscript:x"]
    for i, value in enumerate(values):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nimage: {json.dumps(value)}\n---\nx\n",
        )
        found = read_one(site, f"p{i}.md")
        assert isinstance(found, Problem) or found.image is None or is_http_url(found.image), found
    build_ok(site, now)


def test_author_url_is_absolute_http_or_dropped(site, write_post):
    for i, url in enumerate(["javascript:alert(1)", "/about/", "data:text/html,x"]):
        write_post(f"p{i}.md", HUGO + f"author: {{name: Ann, url: {json.dumps(url)}}}\n---\nx\n")
        got = post(site, f"p{i}.md")
        assert got.author.name == "Ann"
        assert got.author.url is None or is_http_url(got.author.url), got.author


def test_author_forms(site, write_post, now):
    write_post("a.md", HUGO + 'author: "  王  五  "\n---\nx\n')
    write_post(
        "b.md",
        "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nauthors: [{name: Li, email: li@example.org}, Zhang]\n---\nx\n",
    )
    write_post(
        "c.md",
        '---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nauthor: {name: "<b>Bold</b> & co", url: https://a.example/}\n---\nx\n',
    )
    assert post(site, "a.md").author.name == "王 五"
    assert (post(site, "b.md").author.name, post(site, "b.md").author.email) == ("Li", "li@example.org")
    assert post(site, "c.md").author.name == "<b>Bold</b> & co"
    result = build_ok(site, now)
    creators = [
        c.text
        for c in etree.fromstring(result.files["rss.xml"]).iter("{http://purl.org/dc/elements/1.1/}creator")
    ]
    assert creators == ["<b>Bold</b> & co", "Li", "王 五"]

"""Adversarial inputs, HTML: scripts and other XSS vectors, hidden elements, broken and deeply nested markup.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import feedparser
import lxml.html
import pytest

from ..adversarial import FEED_NAMES, HUGO, JEKYLL, build_ok, unsafe_markup
from ..helpers import post, xss_vectors

XSS = xss_vectors("read")  # tests/data/xss_vectors.txt


@pytest.mark.parametrize("dirty", XSS)
def test_xss_vectors_are_removed_from_content(site, write_post, dirty):
    for name in ("x.html", "x.md"):
        write_post(name, HUGO + f"---\n<p>safe text</p>\n\n{dirty}\n\n<p>more text</p>\n")
        got = post(site, name)
        assert unsafe_markup(got.content_html) == []
        assert "safe text" in got.content_html and "more text" in got.content_html
        low = got.content_html.lower()
        for bad in ("javascript:", "vbscript:", "data:text", "<script", "alert(1)</"):
            assert bad not in low, got.content_html
        assert "javascript:" not in got.summary.lower() and "vbscript:" not in got.summary.lower()


def test_srcset_with_script_urls_is_cleaned(site, write_post):
    write_post(
        "h.html",
        HUGO + '---\n<img srcset="javascript:alert(1) 1x, /ok.png 2x"><picture><source srcset="vbscript:x">'
        '<img src="a.png"></picture><img srcset="data:text/html,x 1x">\n',
    )
    assert unsafe_markup(post(site, "h.html").content_html) == []


def test_cite_with_script_urls_is_cleaned(site, write_post):
    write_post(
        "h.html",
        HUGO + '---\n<blockquote cite="javascript:alert(1)">q</blockquote><q cite="vbscript:x">q</q>'
        '<del cite="javascript:x">d</del><ins cite=" javascript:x">i</ins>\n',
    )
    assert unsafe_markup(post(site, "h.html").content_html) == []


def test_all_xss_vectors_together_in_one_build(site, write_post, now):
    """Every vector above as an HTML and a Markdown post: all feeds validate, none holds a script URL."""
    for i, dirty in enumerate(XSS):
        for suffix in (".html", ".md"):
            write_post(
                f"x{i:02d}{suffix}",
                f"---\ntitle: X{i}\ndate: 2025-01-{i % 28 + 1:02d}T00:00:00Z\n---\n{dirty}\n\n<p>tail</p>\n",
            )
    settings = replace(site, feeds=replace(site.feeds, limit=100))
    result = build_ok(settings, now)
    assert result.problems == []
    assert len(json.loads(result.files["feed.json"])["items"]) == 2 * len(XSS)
    for path in FEED_NAMES:
        data = result.files[path].lower()
        assert b"javascript:" not in data and b"vbscript:" not in data


def test_hidden_elements_and_comments_do_not_reach_summaries(site, write_post, now):
    write_post(
        "2022-03-18-j.html",
        JEKYLL + "---\n"
        '<p style="display:none">HIDDEN1</p><div hidden>HIDDEN2</div>'
        '<span style="visibility: hidden">HIDDEN3</span><!-- HIDDEN4 --><p>Visible first.</p><p>Second.</p>\n',
    )
    got = post(site, "2022-03-18-j.html")
    assert got.summary == "Visible first."
    assert "HIDDEN" not in got.content_html
    build_ok(site, now)


def test_broken_and_misnested_html_comes_out_well_formed(site, write_post, now):
    write_post(
        "h.html",
        HUGO + "---\n<p>unclosed <b>bold <i>it <div>div</p></span></table><td>cell<li>item"
        '<img src="a.png"<br><a href="x">no close <p title="x>y">attr</p></ul></ol><tr>\n',
    )
    got = post(site, "h.html")
    lxml.html.fragments_fromstring(got.content_html)
    result = build_ok(site, now)
    assert len(feedparser.parse(result.files["rss.xml"]).entries) == 1


def test_deeply_nested_html_is_bounded_and_fast(site, write_post, now):
    write_post("h.md", HUGO + "---\n" + "<div><span>" * 5000 + "deep" + "</span></div>" * 5000 + "\n")
    write_post(
        "l.md",
        "---\ntitle: L\ndate: 2025-01-02T00:00:00Z\n---\n" + "".join("  " * i + "- x\n" for i in range(300)),
    )
    started = time.monotonic()
    assert "deep" in post(site, "h.md").content_html
    build_ok(site, now)
    assert time.monotonic() - started < 5

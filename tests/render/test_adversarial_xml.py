"""Adversarial inputs, XML-hostile text: CDATA ends, markup and characters XML cannot carry,
foreign encodings; every feed still parses.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import html
import json
import re

import feedparser
import pytest
from lxml import etree

from ..adversarial import HUGO, build_ok, names
from ..helpers import post, problem


def test_cdata_end_and_markup_in_text_fields_round_trip(site, write_post, now):
    write_post(
        "h.md",
        '---\ntitle: "a ]]> b <c> & d"\ndate: 2025-01-01T00:00:00Z\nsummary: "s ]]> <i>t</i> & u"\n'
        'tags: ["x]]>y", "<tag>"]\nauthor: "O\'Brien <ob@example.org> & co"\n---\n'
        "Body ]]> <b>bold</b> & <![CDATA[x]]> end\n\n```\n]]>\n```\n",
    )
    result = build_ok(site, now)
    for path in ("rss.xml", "atom.xml"):
        entry = feedparser.parse(result.files[path]).entries[0]
        assert entry.title == "a ]]> b <c> & d"
        # RSS <description> is HTML by convention, so the plain-text summary goes out escaped
        assert (html.unescape(entry.summary) if path == "rss.xml" else entry.summary) == "s ]]> t & u"
        assert {t.term for t in entry.tags} == {"x]]>y", "<tag>"}
    item = json.loads(result.files["feed.json"])["items"][0]
    assert (
        item["title"] == "a ]]> b <c> & d" and item["authors"][0]["name"] == "O'Brien <ob@example.org> & co"
    )
    encoded = etree.fromstring(result.files["rss.xml"]).find(
        ".//{http://purl.org/rss/1.0/modules/content/}encoded"
    )
    assert "]]>" not in encoded.text and "Body ]]&gt;" in encoded.text


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_raw_xml_forbidden_characters_are_dropped(site, write_post, now, suffix):
    body = "<p>a\x01b\x08c\x0bd\x0ce\x1ff\ufffeg\uffffh\x7fi\u0085j</p>\n"
    write_post("h" + suffix, HUGO + "---\n" + body)
    got = post(site, "h" + suffix)
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", got.content_html + got.summary) is None
    assert re.sub("[^a-j]", "", got.summary) == "abcdefghij"
    build_ok(site, now)


def test_escaped_forbidden_characters_in_json_and_toml_front_matter(site, write_post, now):
    write_post(
        "j.md",
        '{"title": "A\\u0001\\ufffeB", "date": "2025-01-01", "tags": ["t\\u0001x", "\\ud800"], '
        '"summary": "s\\u000bt", "author": "W\\u0000ho"}\nbody\n',
    )
    write_post("t.md", '+++\ntitle = "C\\u0001D"\ndate = 2025-01-02\ntags = ["u\\u000bv"]\n+++\nbody\n')
    j, t = post(site, "j.md"), post(site, "t.md")
    assert (j.title, names(j.tags), j.summary, j.author.name) == ("AB", ["tx"], "st", "Who")
    assert (t.title, names(t.tags)) == ("CD", ["uv"])
    build_ok(site, now)


def test_nul_bytes_and_foreign_encodings(site, write_post, now):
    write_post("nul.md", b"---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n---\na\x00b\n")
    write_post("latin1.md", "---\ntitle: Café\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("latin-1"))
    write_post("gbk.md", "---\ntitle: 中文\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("gbk"))
    write_post("u16.md", "---\ntitle: 十六\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("utf-16"))
    write_post("bom.md", "\ufeff---\ntitle: BOM\ndate: 2025-01-02T00:00:00Z\n---\nx\n".encode("utf-8"))
    write_post("cr.md", b"---\rtitle: CR\rdate: 2025-01-03T00:00:00Z\r---\rx\r")
    assert "NUL" in problem(site, "nul.md").message
    assert "UTF-8" in problem(site, "latin1.md").message
    assert "UTF-8" in problem(site, "gbk.md").message
    assert post(site, "u16.md").title == "十六"
    assert post(site, "bom.md").title == "BOM"
    assert post(site, "cr.md").title == "CR"
    result = build_ok(site, now)
    assert {p.source for p in result.problems} == {"nul.md", "latin1.md", "gbk.md"}


def test_character_references_to_forbidden_characters(site, write_post, now):
    references = ["&#x1;", "&#11;", "&#xFFFF;", "&#xFFFE;", "&#x1F;"]
    for i, reference in enumerate(references):
        write_post(
            f"p{i}.html", f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\n---\n<p>a {reference} b</p>\n"
        )
    result = build_ok(site, now)
    assert result.problems == []
    assert len(feedparser.parse(result.files["atom.xml"]).entries) == len(references)

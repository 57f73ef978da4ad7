"""Adversarial inputs, Markdown: features, links resolved against the post's URL, more markers, summaries.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import html
import re

import feedparser
import pytest
from lxml import etree

from ..adversarial import BASE, HUGO, JEKYLL, build_ok, unsafe_markup
from ..helpers import post

MARKDOWN = """\
Intro with a note[^1], a [reference link][ref], a [second][Ref] and `inline <code>`.

| Col A | Col B |
|:------|------:|
| 1     | **2** |

<span style="color:red" class="x" onclick="evil()">raw span</span> and <kbd>Ctrl</kbd>.

[rel](rel/x) [up](../up/) [root](/root) [proto](//cdn.example.com/y) [frag](#sec)
[query](?page=2) [mail](mailto:a@example.org) [abs](https://other.example/z) [empty]()
<https://auto.example/link> ![img](pic.png "T") ![root img](/img/a%20b.png)

[^1]: The footnote text.

[ref]: /reference/target "Title"
"""


def test_markdown_features_and_every_kind_of_link(site, write_post, now):
    write_post("md-post.md", HUGO + "---\n" + MARKDOWN)
    got = post(site, "md-post.md")
    content = got.content_html
    own = BASE + "posts/md-post/"
    for expected in (
        f'href="{own}#fn1"',  # footnote reference, against the post's own URL
        'class="footnotes"',
        "The footnote text.",
        f'href="{BASE}reference/target"',
        "<table>",
        "<strong>2</strong>",
        "<span>raw span</span>",
        "<kbd>Ctrl</kbd>",
        "<code>inline &lt;code&gt;</code>",
        f'href="{own}rel/x"',
        f'href="{BASE}posts/up/"',
        f'href="{BASE}root"',
        'href="https://cdn.example.com/y"',
        f'href="{own}#sec"',
        f'href="{own}?page=2"',
        'href="mailto:a@example.org"',
        'href="https://other.example/z"',
        'href="https://auto.example/link"',
        f'src="{own}pic.png"',
        f'src="{BASE}img/a%20b.png"',
    ):
        assert expected in content, expected
    assert content.count(f'href="{BASE}reference/target"') == 2  # reference labels are case-insensitive
    assert "[^1]" not in content and "[ref]:" not in content
    assert unsafe_markup(content) == []
    # Hugo's automatic summary: no footnote markers, no raw markup
    assert got.summary.startswith("Intro with a note, a reference link, a second and inline <code>.")
    result = build_ok(site, now)
    atom_content = etree.fromstring(result.files["atom.xml"]).find(".//{http://www.w3.org/2005/Atom}content")
    assert atom_content.get("{http://www.w3.org/XML/1998/namespace}base") == own


def test_jekyll_first_paragraph_skips_footnotes_tables_and_images(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + "---\n[^1]: A footnote first.\n\n![only](a.png)\n\n| a |\n|---|\n| 1 |\n\n"
        "<script>var p = '<p>not this</p>';</script>\n\nReal first[^1] paragraph.\n\nSecond.\n",
    )
    assert post(site, "2022-03-18-j.md").summary == "Real first paragraph."
    build_ok(site, now)


def test_links_resolve_against_a_custom_permalink(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + "permalink: /blog/:year/:title.html\n---\n[img](img.png) [frag](#x) [up](../other.html)\n",
    )
    got = post(site, "2022-03-18-j.md")
    assert got.url == BASE + "blog/2022/j.html"
    assert f'href="{BASE}blog/2022/img.png"' in got.content_html
    assert f'href="{BASE}blog/2022/j.html#x"' in got.content_html
    assert f'href="{BASE}blog/other.html"' in got.content_html
    build_ok(site, now)


def test_page_bundle_resources_resolve_into_the_bundle(site, write_post, now):
    write_post(
        "bundle/index.md",
        "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nfeatured_image: cover.jpg\n---\n![x](images/a.png)\n"
        '<img srcset="s.png 1x, /l.png 2x" src="s.png">\n',
    )
    got = post(site, "bundle/index.md")
    own = BASE + "posts/bundle/"
    assert got.image == own + "cover.jpg"
    assert f'src="{own}images/a.png"' in got.content_html
    assert f'srcset="{own}s.png 1x, {BASE}l.png 2x"' in got.content_html
    result = build_ok(site, now)
    atom = etree.fromstring(result.files["atom.xml"])
    assert atom.find(".//{http://search.yahoo.com/mrss/}thumbnail").get("url") == own + "cover.jpg"


def test_srcset_urls_with_commas_survive(site, write_post):
    url1 = "https://res.cloudinary.com/demo/image/upload/w_300,h_200,c_fill/sample.jpg"
    url2 = "https://res.cloudinary.com/demo/image/upload/w_600,h_400,c_fill/sample.jpg"
    write_post("h.html", HUGO + f'---\n<img src="{url1}" srcset="{url1} 300w, {url2} 600w">\n')
    assert f'srcset="{url1} 300w, {url2} 600w"' in post(site, "h.html").content_html


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (
            "http://例子.测试/路径?q=值#片",
            "http://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84?q=%E5%80%BC#%E7%89%87",
        ),
        ("/a b/c d.png", BASE + "a%20b/c%20d.png"),
        ("HTTPS://Example.ORG/X", "https://Example.ORG/X"),
        ("../../../../../../etc/passwd", BASE + "etc/passwd"),
    ],
)
def test_links_are_encoded_and_never_leave_the_site_root_by_dots(site, write_post, href, expected):
    write_post("h.md", HUGO + f'---\n<a href="{href}">x</a>\n')
    got = post(site, "h.md")
    (found,) = re.findall(r'href="([^"]*)"', got.content_html)
    assert found.lower() == expected.lower()


def test_unparseable_link_urls_are_dropped_not_fatal(site, write_post, now):
    write_post(
        "h.html",
        HUGO
        + '---\n<a href="http://[::1">v6</a><a href="http://exa mple.com/ x">sp</a><img src="http://[bad">\n',
    )
    got = post(site, "h.html")
    assert "v6" in got.content_html and "sp" in got.content_html
    build_ok(site, now)


def test_more_marker_variants(site, write_post, now):
    write_post("a.md", HUGO + "---\nBefore more.\n<!--more-->\nAfter.\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\n---\nA <!-- MORE --> B\n")
    write_post(
        "c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\n---\n**Bold** intro.<!--more-->\n\nRest.\n"
    )
    assert post(site, "a.md").summary == "Before more."
    assert post(site, "b.md").summary == "A"
    assert post(site, "c.md").summary == "Bold intro."
    assert "<!--" not in post(site, "a.md").content_html
    build_ok(site, now)


def test_more_marker_inside_code_is_content(site, write_post):
    write_post("h.md", HUGO + "---\nIntro.\n\n```html\nput <!--more--> here\n```\n\nLater text.\n")
    summary = post(site, "h.md").summary
    assert summary != "Intro. put" and "Later text." in summary


def test_more_marker_summary_keeps_footnotes_and_reference_links(site, write_post):
    write_post(
        "h.md",
        HUGO
        + "---\n**Bold** intro[^1] with [a link][ref].<!--more-->\n\nRest.\n\n[^1]: A note.\n\n[ref]: /x\n",
    )
    assert post(site, "h.md").summary == "Bold intro with a link."


def test_rss_description_shows_summary_text_not_markup(site, write_post, now):
    write_post("h.md", HUGO + "---\nUse `<img src=x onerror=alert(1)>` and `<b>bold</b>` & `&amp;`.\n")
    got = post(site, "h.md")
    assert got.summary == "Use <img src=x onerror=alert(1)> and <b>bold</b> & &amp;."
    result = build_ok(site, now)
    entry = feedparser.parse(result.files["rss.xml"]).entries[0]
    assert "<img" not in entry.summary and "<b>" not in entry.summary
    assert html.unescape(entry.summary) == got.summary


def test_long_summaries_are_cut_at_sentences_and_bounded(site, write_post, now):
    write_post("a.md", HUGO + "---\n" + "这是一个没有标点的很长很长的中文句子" * 40 + "\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\n---\n" + "word " * 400 + "\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\n---\n" + "第一句。" * 100 + "\n")
    write_post("d.md", '---\ntitle: D\ndate: 2025-01-04T00:00:00Z\nsummary: "' + "S" * 5000 + '"\n---\nx\n')
    for name in ("a.md", "b.md", "c.md"):
        summary = post(site, name).summary
        assert 100 <= len(summary) <= 201, (name, len(summary))
    assert post(site, "a.md").summary.endswith("…")
    assert post(site, "b.md").summary.endswith("word…")
    assert post(site, "c.md").summary.endswith("。")
    assert len(post(site, "d.md").summary) <= 801
    build_ok(site, now)

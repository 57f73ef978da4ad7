"""Attribute lists of kramdown (Jekyll) and Goldmark (Hugo) never reach a reader as text."""

from __future__ import annotations

import pytest

from feedpub.read.attribute_lists import strip_attribute_lists
from feedpub.read.markdown import markdown_to_html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("A paragraph.\n{: .lead}\n\nNext.", "<p>A paragraph.</p>\n<p>Next.</p>\n"),
        ('![cat](c.png){: .border-0 width="50%"}', '<p><img src="c.png" alt="cat" /></p>\n'),
        ('*word*{: .red} and [link](u){:target="_blank"}', '<p><em>word</em> and <a href="u">link</a></p>\n'),
        ("{:refdef: .x}\n\nText", "<p>Text</p>\n"),
        ("```\n{: .kept in code}\n```", "<pre><code>{: .kept in code}\n</code></pre>\n"),
        ("    {: .indented code}", "<pre><code>{: .indented code}\n</code></pre>\n"),
        ("Set {a} and {b: c} stay.", "<p>Set {a} and {b: c} stay.</p>\n"),
    ],
)
def test_kramdown_lists_go_and_braces_that_are_text_stay(markdown, expected):
    assert markdown_to_html(strip_attribute_lists(markdown, "kramdown")) == expected


def test_goldmark_heading_attributes_go_and_block_ones_only_when_the_site_reads_them():
    text = "## 标题 {#intro .wide}\n\nPara\n{.border-0}\n"
    assert (
        markdown_to_html(strip_attribute_lists(text, "goldmark"))
        == "<h2>标题</h2>\n<p>Para\n{.border-0}</p>\n"
    )
    assert markdown_to_html(strip_attribute_lists(text, "goldmark", block_attributes=True)) == (
        "<h2>标题</h2>\n<p>Para</p>\n"
    )


def test_text_without_braces_is_returned_as_it_is():
    text = "No lists here.\n"
    assert strip_attribute_lists(text, "kramdown") is text


def test_kramdown_table_of_contents_placeholder_goes():
    text = "Intro\n\n* Table of Contents\n{:toc .large-only}\n\n## One\n\nText\n"
    html = markdown_to_html(strip_attribute_lists(text, "kramdown"))
    assert "Table of Contents" not in html and "<h2>One</h2>" in html and "toc" not in html

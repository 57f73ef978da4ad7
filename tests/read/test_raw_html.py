"""read.markdown.omit_raw_html: Hugo's Goldmark with `unsafe = false` omits raw HTML."""

from __future__ import annotations

from feedpub.read.markdown import omit_raw_html


def test_raw_html_omitted_as_goldmark_omits_it() -> None:
    text = "中文 <b>x</b> y\n\n<div>\nblock\n</div>\n\n<!--more-->\n\n`<i>` and\n\n    <p>code</p>\n"
    assert omit_raw_html(text) == "中文 x y\n\n\n\n<!--more-->\n\n`<i>` and\n\n    <p>code</p>\n"
    deep = ">" * 3000 + " <b>x</b>"  # too deep to parse: left for the renderer to report
    assert omit_raw_html(deep) == deep

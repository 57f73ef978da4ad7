"""read.typography: the generators' smart quotes and symbols in text, never in code or tags."""

from __future__ import annotations

import time

from feedpub.read.markdown import markdown_to_html
from feedpub.read.typography import Typography, goldmark_typography, kramdown_typography, smarten


def smart(markdown: str, typography: Typography | None = None) -> str:
    return smarten(markdown_to_html(markdown), typography or Typography())


def test_quotes_dashes_and_ellipses_in_text() -> None:
    assert smart("He said \"hi\" -- it's 'ok'... --- done") == ("<p>He said “hi” – it’s ‘ok’… — done</p>\n")


def test_code_attributes_and_comments_are_left_as_typed() -> None:
    html = smart('`"a" -- b` [x](/a--b "t--t")\n\n    "code" -- here\n\n<!-- a -- b -->\n<kbd>--</kbd>')
    assert "<code>&quot;a&quot; -- b</code>" in html
    assert 'href="/a--b"' in html and 'title="t--t"' in html
    assert "<pre><code>&quot;code&quot; -- here" in html
    assert "<!-- a -- b -->" in html and "<kbd>--</kbd>" in html


def test_quotes_around_inline_markup_open_and_close() -> None:
    assert smart('"*word*" and "[link](/x)".') == ('<p>“<em>word</em>” and “<a href="/x">link</a>”.</p>\n')
    assert smart("- \"item\"\n- 'one'") == "<ul>\n<li>“item”</li>\n<li>‘one’</li>\n</ul>\n"


def test_kramdown_options_decide() -> None:
    assert kramdown_typography({}) == Typography()
    assert kramdown_typography({"markdown": "CommonMarkGhPages"}) is None
    ascii_quotes = kramdown_typography({"kramdown": {"smart_quotes": "apos,apos,quot,quot"}})
    assert ascii_quotes is not None and smart("\"a\" 'b'", ascii_quotes) == "<p>&quot;a&quot; 'b'</p>\n"
    symbols = kramdown_typography({"kramdown": {"typographic_symbols": {"hellip": "...", "mdash": "&"}}})
    assert symbols is not None and smart("a... b---c", symbols) == "<p>a... b&amp;c</p>\n"


def test_goldmark_typographer_decides() -> None:
    assert goldmark_typography({}) == Typography(("‘", "’", "“", "”"), None, goldmark=True)
    off = {"markup": {"goldmark": {"extensions": {"typographer": {"disable": True}}}}}
    assert goldmark_typography(off) is None
    german = {
        "markup": {
            "goldmark": {"extensions": {"typographer": {"leftdoublequote": "&bdquo;", "ellipsis": "..."}}}
        }
    }
    typography = goldmark_typography(german)
    assert typography is not None and smart('"a"...', typography) == "<p>&bdquo;a”...</p>\n"


def test_hostile_text_takes_linear_time() -> None:
    text = ("\"'--...<<>>" * 20_000 + "\n\n") * 5
    html = markdown_to_html(text)
    started = time.process_time()
    smarten(html, Typography())
    assert time.process_time() - started < 2.0


def test_chinese_text_with_ascii_quotes_follows_each_generator() -> None:
    """kramdown's `\\w` is ASCII, so a quote after a Chinese character closes; Goldmark leaves a
    quote between two letters straight (both checked with the real generators: summaries fixtures)."""
    text = '有点"闷"的声音，"春秋"时代'
    assert smart(text) == "<p>有点”闷”的声音，”春秋”时代</p>\n"
    goldmark = goldmark_typography({})
    assert goldmark is not None
    assert (
        smart(text, goldmark) == "<p>有点&quot;闷&quot;的声音，“春秋&quot;时代</p>\n"
    )  # after "，" it opens

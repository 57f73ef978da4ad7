"""Safe HTML → plain text, and summaries cut at a sentence end ("Content" in docs/architecture.md)."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

from feedpub.read.sanitize import strip_xml_forbidden

_FOOTNOTES = re.compile(
    r'<sup class="footnote-ref">.*?</sup>|<hr class="footnotes-sep">|<section class="footnotes">.*?</section>',
    re.DOTALL,
)
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|tr|td|th|pre|figure|figcaption|dd|dt)>|<br>", re.I)
_FIRST_PARAGRAPH = re.compile(r"<p[ >].*?</p>", re.DOTALL)
_SENTENCE_END = re.compile(r"(?:[。！？!?…]+|\.(?=\s|$))[\"'”’」』）)\]]*")


@lru_cache(maxsize=1)
def _text_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, link_rel=None)


def html_to_text(fragment_html: str) -> str:
    """Visible text of safe HTML, whitespace collapsed, footnote markers left out."""
    text = _FOOTNOTES.sub("", fragment_html)
    text = _BLOCK_END.sub(lambda m: m.group(0) + " ", text)
    text = html.unescape(_text_cleaner().clean(text))
    return strip_xml_forbidden(" ".join(text.split()))


_ANY_TAG = re.compile(r"<[^>]*>")


def first_paragraph_text(fragment_html: str) -> str:
    """Text of the first paragraph that has any, else of the whole fragment (Jekyll's excerpt)."""
    for match in _FIRST_PARAGRAPH.finditer(_FOOTNOTES.sub("", fragment_html)):
        # Text in safe HTML never holds a raw "<", so cutting from each "<" to the next ">" can
        # leave attribute text behind but never removes text: a paragraph with nothing left has
        # no text, and a post of 100 000 image-only paragraphs need not be sanitised 100 000 times.
        if not html.unescape(_ANY_TAG.sub("", match.group(0))).split():
            continue
        text = html_to_text(match.group(0))
        if text:
            return text
    return html_to_text(fragment_html)


def cut_summary(text: str, limit: int) -> str:
    """Cut plain text at a sentence end near `limit` characters; never by words (Chinese has none)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].strip()
    cut = window
    if text[limit : limit + 1].isalnum() and text[limit].isascii():
        space = window.rfind(" ")
        if space >= limit // 2:
            cut = window[:space]
    return cut.rstrip(" ,;:，、；：") + "…"

"""A site post's summary, from the text its generator's own feed picks, as plain text cut near
`feeds.summary_length` ("Summaries" in docs/architecture.md).

- Jekyll (jekyll-feed 0.17): front matter `description`, else `excerpt`, else Jekyll's excerpt:
  the body before `excerpt_separator` (a blank line unless the site or post says otherwise),
  with the link definitions it uses from the rest (`Excerpt#extract_excerpt`), rendered.
- Hugo (0.16x `.Summary`): the content before `<!--more-->`, else front matter `summary`, else
  whole paragraphs until `summaryLength` words (`page.ExtractSummaryFromHTML`, CJK characters
  counted one by one on a page in a CJK language).

Where the generator's text would be empty (an excerpt that is only an image or an include), the
first paragraph with text stands in: an empty summary helps no reader. Explicit texts run through
the same template and Markdown rendering as the body, so no template code reaches a summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from feedpub.read.fields import given_text
from feedpub.read.summary import cut_summary, first_paragraph_text, html_to_text
from feedpub.sites.cjk import CJK_CHARACTER

Render = Callable[[str], str]  # text in the post's markup → safe HTML

_LINK_DEFINITION = re.compile(r"^ {0,3}(\[[^\]]+\])(:.+)$", re.MULTILINE)
_TAG_TOKEN = re.compile(r"</?[A-Za-z]+>?")
_ATTRIBUTE_TOKEN = re.compile(r"[A-Za-z]+=[\"']")
_ANY_TAG = re.compile(r"<[^>]*>")
_PARAGRAPH_END = "</p>"


def jekyll_summary(
    meta: Mapping[str, Any],
    body: str,
    separator: str | None,
    content_html: str,
    render: Render,
    render_given: Render,
    length: int,
) -> str:
    """`body` is the post's text after Liquid, before Markdown; `render` renders a part of it,
    `render_given` a front-matter text (templates first)."""
    for key in ("description", "excerpt"):
        given = given_text(meta, key)
        if given is not None:
            return cut_summary(html_to_text(render_given(given)), length * 4)
    excerpt = jekyll_excerpt(body, separator or "")
    text = html_to_text(render(excerpt)) if excerpt is not None else ""
    if not text:
        return cut_summary(first_paragraph_text(content_html), length)
    # a separator the author placed marks the summary they chose; the blank line only a paragraph
    return cut_summary(text, length if separator in (None, "\n\n") else length * 4)


def jekyll_excerpt(body: str, separator: str) -> str | None:
    """Jekyll's `Excerpt#extract_excerpt`: the body up to the separator (all of it when the
    separator is absent) and the link definitions the part uses; None when excerpts are off."""
    if not separator:
        return None
    head, _, tail = body.partition(separator)
    if not tail or "[" not in head:
        return head
    definitions = [m.group(1) + m.group(2) for m in _LINK_DEFINITION.finditer(tail) if m.group(1) in head]
    return head + "\n\n" + "\n".join(definitions) if definitions else head


def hugo_summary(
    meta: Mapping[str, Any],
    more_html: str | None,
    content_html: str,
    render_given: Render,
    words: int,
    cjk: bool,
    length: int,
) -> str:
    """`.Summary`: the manual divider, then front matter `summary`, then the automatic one."""
    if more_html:
        text = html_to_text(more_html)
        if text:
            return cut_summary(text, length * 4)
    given = given_text({k.lower(): v for k, v in meta.items()}, "summary")
    if given is not None:
        return cut_summary(html_to_text(render_given(given)), length * 4)
    automatic = hugo_automatic_summary(content_html, words, cjk) if words > 0 else content_html
    return cut_summary(html_to_text(automatic), length)


def hugo_is_cjk(meta: Mapping[str, Any], body: str, has_cjk_language: bool) -> bool:
    """A page's `isCJKLanguage`: its front matter, else the site's `hasCJKLanguage` and a CJK
    character in the page's source."""
    for key, value in meta.items():
        if key.lower() == "iscjklanguage" and isinstance(value, bool):
            return value
    return has_cjk_language and CJK_CHARACTER.search(body) is not None


def hugo_automatic_summary(html: str, words: int, cjk: bool) -> str:
    """The HTML up to the end of the paragraph in which the word count reaches `words`, counted
    as Hugo counts them: tokens that look like tags or attributes are not words."""
    count = 0
    start = 0
    while True:
        close = html.find(_PARAGRAPH_END, start)
        if close < 0:
            return html
        segment = html[start:close]
        word_start = 0
        for index, char in enumerate(segment):
            if char.isspace() or index + 1 == len(segment):
                count += _word_count(segment[word_start:index], cjk)
                word_start = index
                if count >= words:
                    return html[: close + len(_PARAGRAPH_END)]
        start = close + len(_PARAGRAPH_END)


def _word_count(word: str, cjk: bool) -> int:
    word = word.strip()
    if not word or word == ">" or _TAG_TOKEN.fullmatch(word) or _ATTRIBUTE_TOKEN.match(word):
        return 0
    if cjk:
        word = _ANY_TAG.sub("", word)
        return 1 if word.isascii() else len(word)
    return 1

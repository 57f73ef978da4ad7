"""Markdown → HTML with markdown-it.rs, guarded against the texts that would crash it.

The renderer is Rust: too deep a nesting overflows the C stack, and some inputs make it panic. So
nesting is bounded from the text before rendering, and a panic is retried once with unmatched
backticks escaped, then without tables, then shown as plain paragraphs.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it_pyrs import MarkdownIt

from feedpub.errors import PostError


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # markdown-it.rs: the markdown-it rules (CommonMark, raw HTML on) at Rust speed, ten times
    # faster than markdown-it-py on our posts with the same output for footnotes and tables;
    # task lists as kramdown's GFM parser and Goldmark read them (`- [ ] x` shows no "[ ]")
    return MarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote", "tasklist"])


# markdown-it.rs recurses once per level of nesting and has no nesting limit: ">" * 90_000 or
# "1. " * 25_000 overflows the C stack and kills the process (SIGSEGV), in a thread with a small
# stack far sooner. Before rendering, nesting is bounded from the text: a line's container prefix
# (quote markers, list markers, indentation: at most two levels per character) and, per
# paragraph, the emphasis delimiters (each level needs an opener and a closer).
MAX_MARKDOWN_PREFIX = 2_000
MAX_MARKDOWN_DELIMITERS = 20_000
_LONG_PREFIX = re.compile(
    rf"^(?:[ \t>]|[-+*](?=[ \t])|\d{{1,9}}[.)](?=[ \t])){{{MAX_MARKDOWN_PREFIX + 1},}}", re.MULTILINE
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A fenced code block's opening line (CommonMark: a backtick fence's info string holds no backtick,
# so "```a``` b" is a paragraph with a code span) and its closing line (the fence alone). Indented
# any amount: a fence in a list item sits under the item's text.
FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}(?=[^`\n]*$)|~{3,})")
FENCE_CLOSE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")


def closes_fence(line: str, fence: str) -> bool:
    """Whether `line` closes the code block `fence` opened (same character, at least as long)."""
    closing = FENCE_CLOSE.match(line)
    return closing is not None and closing[1][0] == fence[0] and len(closing[1]) >= len(fence)


def _delimiters(text: str) -> int:
    return text.count("*") + text.count("_") + text.count("~")


def check_markdown_nesting(text: str) -> None:
    """Raise PostError when `text` might nest deeper than the Markdown renderer can survive."""
    if len(text) > MAX_MARKDOWN_PREFIX and _LONG_PREFIX.search(text):
        raise PostError(
            f"Markdown nested too deeply: a line starts with more than {MAX_MARKDOWN_PREFIX} "
            "quote or list markers or indentation"
        )
    if _delimiters(text) > MAX_MARKDOWN_DELIMITERS and any(
        _delimiters(chunk) > MAX_MARKDOWN_DELIMITERS for chunk in _BLANK_LINE.split(text)
    ):
        raise PostError(
            f"Markdown nested too deeply: a paragraph holds more than {MAX_MARKDOWN_DELIMITERS} "
            "emphasis delimiters (* _ ~)"
        )


def is_panic(exc: BaseException) -> bool:
    """A Rust panic surfacing through pyo3: a BaseException, so `except Exception` misses it."""
    return type(exc).__name__ == "PanicException"


_BACKTICKS = re.compile(r"\\.|`+", re.DOTALL)


def escape_unmatched_backticks(text: str) -> str:
    """Backslash every run of backticks that no later run of the same length closes (within its
    paragraph). CommonMark reads such a run as literal text anyway, so the result renders the same;
    markdown-it.rs 0.6 panics on one inside link text, as in "[`x"."""
    out: list[str] = []
    for chunk in re.split(r"(\n[ \t]*\n)", text):
        runs = [m for m in _BACKTICKS.finditer(chunk) if m.group(0)[0] == "`"]
        position, index = 0, 0
        while index < len(runs):
            run = runs[index]
            closer = next(
                (j for j in range(index + 1, len(runs)) if len(runs[j].group(0)) == len(run.group(0))), None
            )
            if closer is None:
                out.append(chunk[position : run.start()] + "\\`" * len(run.group(0)))
                position = run.end()
                index += 1
            else:
                index = closer + 1
        out.append(chunk[position:])
    return "".join(out)


@lru_cache(maxsize=1)
def _markdown_without_tables() -> MarkdownIt:
    return MarkdownIt("commonmark").enable_many(["strikethrough", "footnote", "tasklist"])


def markdown_to_html(text: str) -> str:
    """CommonMark + footnotes + tables; raw HTML passes through to the sanitiser.

    Raises PostError for text nested too deeply to render (see `check_markdown_nesting`). A text
    the renderer panics on is tried again with unmatched backticks escaped, then without the
    table extension (markdown-it.rs 0.4 panics on "|[`|`](#x)|" in a table cell), then shown as
    plain paragraphs: a post is never lost to a bug of the renderer."""
    check_markdown_nesting(text)
    for attempt in range(3):
        renderer = _markdown_without_tables() if attempt == 2 else _markdown()
        try:  # the second try: "[" followed by an unclosed "`" made markdown-it.rs panic
            return renderer.render(text if attempt == 0 else escape_unmatched_backticks(text))
        except BaseException as exc:
            if not is_panic(exc):
                raise
    return "".join(
        f"<p>{html.escape(part.strip())}</p>\n" for part in _BLANK_LINE.split(text) if part.strip()
    )


_RAW_HTML = ("html_block", "html_inline")


def omit_raw_html(text: str) -> str:
    """`text` without the raw HTML CommonMark would pass through (blocks and inline tags), as
    Goldmark renders it with `unsafe = false`, Hugo's default (it writes `<!-- raw HTML omitted
    -->`, which no reader sees). Text the renderer cannot parse is returned as it is: rendering
    it reports the problem."""
    if "<" not in text:
        return text
    try:
        check_markdown_nesting(text)
        tree = _markdown().tree(text)
    except PostError:
        return text
    except BaseException as exc:
        if not is_panic(exc):
            raise
        return text
    spans = sorted(
        node.srcmap
        for node in tree.walk()
        if node.name in _RAW_HTML
        and node.srcmap
        and not str(node.meta.get("content", "")).lstrip().startswith("<!--")  # `<!--more-->` marks
    )
    if not spans:
        return text
    data, kept, position = text.encode("utf-8"), [], 0  # the renderer's offsets count bytes
    for start, end in spans:
        if start >= position:
            kept.append(data[position:start])
            position = end
    kept.append(data[position:])
    return b"".join(kept).decode("utf-8", errors="replace")

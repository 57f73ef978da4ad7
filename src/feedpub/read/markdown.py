"""Markdown → HTML with markdown-it.rs, guarded against the texts that would crash it.

The renderer is Rust: too deep a nesting overflows the C stack, and some inputs make it panic. So
nesting is bounded from the text before rendering, and a panic is retried once with unmatched
backticks escaped, then becomes a PostError.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it_pyrs import MarkdownIt

from feedpub.errors import PostError


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # markdown-it.rs: the markdown-it rules (CommonMark, raw HTML on) at Rust speed, ten times
    # faster than markdown-it-py on our posts with the same output for footnotes and tables.
    return MarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote"])


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


def markdown_to_html(text: str) -> str:
    """CommonMark + footnotes + tables; raw HTML passes through to the sanitiser.

    Raises PostError for text nested too deeply to render (see `check_markdown_nesting`), or that
    the renderer still fails on once unmatched backticks are escaped."""
    check_markdown_nesting(text)
    try:
        return _markdown().render(text)
    except BaseException as exc:
        if not is_panic(exc):
            raise
    try:  # markdown-it.rs panics on "[" followed by an unclosed backtick run
        return _markdown().render(escape_unmatched_backticks(text))
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise PostError(f"the Markdown renderer failed on this text ({exc})"[:300]) from None

"""kramdown's math: `$$…$$` in a Jekyll post is TeX, kept as it is for MathJax (`\\(…\\)` inline,
`\\[…\\]` for a paragraph of its own), never read as Markdown.

CommonMark knows no math: it took `\\{` for an escaped brace, `a_1 … b_2` for emphasis and `\\\\`
for one backslash, so formulas reached the feed mangled (one real blog: 383 backslashes lost). The
math is cut out before the Markdown renderer sees it (a letters-and-digits placeholder) and put
back, escaped, in the HTML. Code (fenced, indented, spans) keeps its dollars.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable

from feedpub.read.kramdown import code_lines

PREFIX = "FEEDPUBMATH"
_MATH = re.compile(r"(\\)?\$\$(.*?)\$\$", re.DOTALL)
_BLANK = re.compile(r"[ \t]*(?:\n|$)")
# a code span: a run of backticks, then the same run, within one paragraph
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)", re.DOTALL)


def cut_math(text: str) -> tuple[str, Callable[[str], str] | None]:
    """The text with each `$$…$$` a placeholder, and what puts the math back in the HTML."""
    if "$$" not in text:
        return text, None
    prefix = PREFIX + "X" * text.count(PREFIX)
    code = _code_offsets(text)
    starts = [start for start, _ in code]
    fragments: dict[str, str] = {}
    out: list[str] = []
    position = 0
    search = 0
    while (match := _MATH.search(text, search)) is not None:
        start = match.start()
        if match[1] or _in_code(start, code, starts):  # `\$$`, or `$$` in code: no math opens
            search = start + (3 if match[1] else 2)
            continue
        key = f"{prefix}{len(fragments)}E"
        data = html.escape(match[2].strip(), quote=False)
        fragments[key] = f"\\[{data}\\]" if _is_block(text, match) else f"\\({data}\\)"
        out.append(text[position:start] + key)
        position = search = match.end()
    if not fragments:
        return text, None
    out.append(text[position:])
    pattern = re.compile(f"<p>({re.escape(prefix)}\\d+E)</p>|({re.escape(prefix)}\\d+E)")

    def restore(page: str) -> str:
        return pattern.sub(lambda m: fragments.get(m[1] or m[2], m[0]), page)

    return "".join(out), restore


def _is_block(text: str, match: re.Match[str]) -> bool:
    """kramdown's block math: `$$` opens a line (indented at most three spaces) after a blank line
    or at the start, and only blanks, then a blank line or the end, follow the closing `$$`."""
    start = match.start()
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    if indent.strip(" ") or len(indent) > 3:
        return False
    if line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        if text[previous_start : line_start - 1].strip():
            return False
    rest = _BLANK.match(text, match.end())
    if rest is None:
        return False
    return rest.end() >= len(text) or _BLANK.match(text, rest.end()) is not None


def _code_offsets(text: str) -> list[tuple[int, int]]:
    """Where code lies (fenced, indented, spans), as sorted (start, end) offsets."""
    lines = text.split("\n")
    mask = code_lines(lines, liquid=False)
    spans: list[tuple[int, int]] = []
    offset = 0
    previous_blank = True
    for line, fenced in zip(lines, mask, strict=True):
        indented = previous_blank and line.startswith(("    ", "\t"))
        if fenced or indented:
            spans.append((offset, offset + len(line)))
        previous_blank = not line.strip() or (indented and previous_blank)
        offset += len(line) + 1
    spans += [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _in_code(position: int, code: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether `position` lies in one of the sorted, non-overlapping `code` ranges."""
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and position < code[index][1]

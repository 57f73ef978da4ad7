"""Attribute lists of the generators' Markdown flavours, consumed before CommonMark sees them.

kramdown (Jekyll) reads `{: .class #id key="v"}` on a line of its own after a block, and right
after a span (`*word*{: .x}`, `[link](u){:target="_blank"}`), plus `{:name: .class}` definitions;
Goldmark (Hugo) reads `{#id .class}` at the end of a heading line, and on a line of its own after
a block when the site turns `markup.goldmark.parser.attribute.block` on. CommonMark knows none of
them, so they would show as text in every feed. The classes and attributes themselves do not
survive the sanitiser, so dropping the lists loses nothing a reader sees. kramdown's `{:toc}`
turns the list above it into a table of contents: on a kramdown site `read.kramdown_toc` has made
it a placeholder first; elsewhere the placeholder list goes too. Code (fenced or indented) is left
as it is.
"""

from __future__ import annotations

import re

from feedpub.read.markdown import FENCE_OPEN, closes_fence

_KRAMDOWN_LINE = re.compile(r"^ {0,3}\{:[^{}\n]*\}[ \t]*$")  # `{: .class}`, `{:ref: .x}`, `{::options …}`
_KRAMDOWN_SPAN = re.compile(r"(?<=[*_`)\]>])\{:[^{}\n]*\}")
_KRAMDOWN_TOC = re.compile(r"^ {0,3}\{:\s*toc\b")  # the list above it becomes a table of contents
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
_GOLDMARK_HEADING = re.compile(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{[ \t]*[#.][^{}\n]*\}[ \t]*$")
_GOLDMARK_LINE = re.compile(r"^ {0,3}\{[ \t]*[#.][^{}\n]*\}[ \t]*$")


def strip_attribute_lists(markdown: str, flavour: str, block_attributes: bool = False) -> str:
    """`markdown` without the attribute lists of `flavour` ("kramdown" or "goldmark")."""
    if "{" not in markdown:
        return markdown
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        if fence is not None:
            if closes_fence(line, fence):
                fence = None
            out.append(line)
            continue
        opened = FENCE_OPEN.match(line)
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        if line.startswith(("    ", "\t")):  # indented code (or a list's continuation: left alone)
            out.append(line)
            continue
        if flavour == "kramdown" and _KRAMDOWN_TOC.match(line):
            while out and _LIST_ITEM.match(out[-1]):  # kramdown's placeholder (`* TOC`): feeds get
                out.pop()  # no table of contents, and not the placeholder either
        kept = _strip_line(line, flavour, block_attributes)
        out.append("" if kept is None else kept)  # a list on a line of its own ends its block
    return "\n".join(out)


def _strip_line(line: str, flavour: str, block_attributes: bool) -> str | None:
    """The line without its attribute lists; None when it was nothing but one."""
    if flavour == "kramdown":
        if _KRAMDOWN_LINE.match(line):
            return None
        return _KRAMDOWN_SPAN.sub("", line) if "{:" in line else line
    heading = _GOLDMARK_HEADING.match(line)
    if heading:
        return heading.group(1)
    if block_attributes and _GOLDMARK_LINE.match(line):
        return None
    return line

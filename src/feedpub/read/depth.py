"""Raw HTML nested too deeply, flattened before the sanitiser (whose cost grows with the square
of nesting depth) sees it.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
# Elements that never nest (void) or whose end tag browsers imply; they do not deepen a tree.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
    ]
)


def limit_depth(fragment_html: str, max_depth: int) -> str:
    """Drop the tags (not the text) of elements nested deeper than `max_depth`.

    The sanitiser's cost grows with the square of nesting depth, so a post of ten thousand
    nested <div>s would stall a build; no real post nests a hundred levels deep.
    """
    if fragment_html.count("<") - fragment_html.count("</") <= max_depth:  # at most that many opened
        return fragment_html
    stack: list[tuple[str, bool]] = []
    out: list[str] = []
    position = 0
    # No tag ends after the last ">": searching past it would scan to the end of the text from
    # every "<" there (a post of a million "<a " took minutes).
    for match in _TAG.finditer(fragment_html, 0, fragment_html.rfind(">") + 1):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if name not in _FLAT and not self_closing:
            if not closing:
                keep = len(stack) < max_depth
                stack.append((name, keep))
            elif stack and stack[-1][0] == name:
                keep = stack.pop()[1]
        if not keep:
            out.append(fragment_html[position : match.start()])
            position = match.end()
    out.append(fragment_html[position:])
    return "".join(out)

"""Elements a browser would not show (`display:none`, `visibility:hidden`, `hidden`), dropped
content and all before the sanitiser runs, while their style and attributes can still be seen.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_HIDDEN_HINT = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|\bhidden\b", re.IGNORECASE)
# An element holding only text and void tags, e.g. the seeds' `<p style="display:none"><br /></p>`:
# its extent is plain to see, so it can be dropped without parsing the whole fragment.
_SIMPLE_ELEMENT = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>((?:[^<]|<(?:br|wbr|img)\b[^<>]*>)*)</\1\s*>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _is_hidden(attributes: dict[str, str | None]) -> bool:
    style = re.sub(r"\s+", "", (attributes.get("style") or "").lower())
    return "hidden" in attributes or "display:none" in style or "visibility:hidden" in style


_HINT_WORDS = ("hidden", "display", "visibility")


def _hint_positions(lowered: str) -> list[int]:
    """Where the words of a hiding style or attribute start: str.find is many times faster than
    a case-insensitive regex over Chinese text."""
    found = []
    for word in _HINT_WORDS:
        index = lowered.find(word)
        while index >= 0:
            found.append(index)
            index = lowered.find(word, index + 1)
    return sorted(found)


def _drop_simple_hidden(fragment_html: str, lowered: str) -> str:
    """Cut the simple hidden elements, looking only where a hint word is."""
    kept: list[str] = []
    position = 0
    # Each "<" before a hint and the ">" after it are looked for once, and each tag is matched
    # once, however many hint words it holds: a post of a million "hidden" words, or one tag
    # with a million in an attribute, would otherwise cost time quadratic in its length.
    searched = start = gt = -1
    tried = -1
    for hint in _hint_positions(lowered):
        if hint < position:
            continue
        found = fragment_html.rfind("<", max(position, searched), hint)
        searched = hint
        if found >= 0:
            start, gt = found, fragment_html.find(">", found)
        if start < position or 0 <= gt < hint:
            continue  # not inside a tag
        if start == tried:
            continue  # this tag was looked at for an earlier hint
        tried = start
        match = _SIMPLE_ELEMENT.match(fragment_html, start)
        if match is None or hint >= match.start(3):
            continue  # not in the opening tag of a simple element
        attributes: dict[str, str | None] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(match.group(2)):
            value = double or single or bare
            attributes.setdefault(name.lower(), html.unescape(value) if value else None)
        if _is_hidden(attributes):
            kept.append(fragment_html[position:start])
            position = match.end()
    kept.append(fragment_html[position:])
    return "".join(kept)


def drop_hidden(fragment_html: str) -> str:
    """Drop elements a browser would not show (`display:none`, `hidden`), content and all."""
    lowered = fragment_html.lower()
    if not any(word in lowered for word in _HINT_WORDS):
        return fragment_html
    if len(lowered) == len(fragment_html):  # positions agree: cut simple elements without a parser
        fragment_html = _drop_simple_hidden(fragment_html, lowered)
        lowered = fragment_html.lower()
        if not any(word in lowered for word in _HINT_WORDS):
            return fragment_html
    if not _HIDDEN_HINT.search(fragment_html):
        return fragment_html
    try:
        root = lxml.html.fragment_fromstring(fragment_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment_html
    dropped = False
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        if _is_hidden(dict(element.attrib)):
            element.drop_tree()
            dropped = True
    if not dropped:
        return fragment_html
    inner = [root.text or ""]
    inner.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(inner)

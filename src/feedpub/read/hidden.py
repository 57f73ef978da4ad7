"""Elements a browser would not show (`display:none`, `visibility:hidden`, `hidden`), dropped
content and all before the sanitiser runs, while their style and attributes can still be seen.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

# A fragment without these words hides nothing (entities such as `display&#58;none` keep the words),
# so only the others are parsed.
_HINT_WORDS = ("hidden", "display", "visibility")


def _is_hidden(attributes: dict[str, str | None]) -> bool:
    style = re.sub(r"\s+", "", (attributes.get("style") or "").lower())
    return "hidden" in attributes or "display:none" in style or "visibility:hidden" in style


def drop_hidden(fragment_html: str) -> str:
    """Drop elements a browser would not show (`display:none`, `hidden`), content and all."""
    lowered = fragment_html.lower()
    if not any(word in lowered for word in _HINT_WORDS):
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

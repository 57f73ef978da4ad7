"""Shared lxml plumbing: feeds are a serialized head with pre-rendered entries spliced in.

Each entry is rendered once per format and reused in every feed that holds the post. An entry
is built as its own root with the feed's namespace map, so its serialization repeats the
namespace declarations; we drop exactly those, since the feed root declares the same ones.
"""

from __future__ import annotations

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
MEDIA = "http://search.yahoo.com/mrss/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str) -> etree._Element:
    """Append a child element with optional text and attributes (in the given order)."""
    element = etree.SubElement(parent, tag)
    for name, value in attrs.items():
        element.set(name, value)
    if text is not None:
        element.text = text
    return element


def fragment(element: etree._Element, nsmap: dict[str | None, str]) -> bytes:
    """Serialize an entry without the namespace declarations its feed root already makes."""
    data = etree.tostring(element, encoding="utf-8")
    empty = etree.tostring(etree.Element(element.tag, nsmap=nsmap), encoding="utf-8")  # b'<tag xmlns..."/>'
    declared = empty[:-2]
    plain = b"<" + etree.QName(element).localname.encode()
    if data.startswith(declared) and data[len(declared) : len(declared) + 1] in (b">", b" ", b"/"):
        return plain + data[len(declared) :]
    return data


def splice(root: etree._Element, entries: list[bytes], close: bytes) -> bytes:
    """The serialized document `root` with `entries` inserted just before its tail `close`.

    `close` is what the serialization ends with, e.g. b"</feed>" or b"</channel></rss>".
    """
    head = XML_DECLARATION + etree.tostring(root, encoding="utf-8")
    if not head.endswith(close):
        raise ValueError(f"document does not end with {close!r}")
    body = b"".join(b"\n" + entry for entry in entries)
    return head[: -len(close)] + body + b"\n" + close + b"\n"

"""read_simple(raw): plain front matter (`key: value` lines and lists of scalars) without libyaml.

Nearly every post's front matter is a flat mapping of one-line scalars and lists of them, yet
PyYAML's composer calls back into Python for every scalar: a tenth of a millisecond per post,
a tenth of a cold build. This reader accepts only that plain subset and answers None for
anything else (nesting, anchors, tags, block scalars, multi-line or escaped strings, comments
after values, tabs, unusual characters), which then goes to the full loader. What it accepts it
reads exactly as the full loader does: plain scalars are resolved and constructed through the
loader's own tables (YAML 1.2 core schema), so `true` is a bool and `2024-03-09` stays text.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

MERGE_TAG = "tag:yaml.org,2002:merge"

# Characters other than those libyaml reads without complaint and never takes for a line break or
# a BOM (it treats U+0085, U+2028 and U+2029 as line breaks); tabs go to the full loader as well.
_UNUSUAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# Every line of plain front matter is one of: `key: value` or `key:` at the margin, a list item
# `- value` below such a key, or blank (or a comment). A line that is none of these (a nested
# mapping, a continued value) makes `findall` return fewer matches than there are lines.
_LINE = re.compile(
    r"^(?:([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +(.*))?|( *-)(?: +(.*))?| *(?:#.*)?)$", re.MULTILINE
)
# one-line quoted scalars, nothing but spaces after them (double-quoted ones without escapes)
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)" *$')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)' *$")
# a plain scalar cannot start with an indicator, except `-`, `?` and `:` before a non-space
_PLAIN_START = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ]|[-?:][^ ]")
_FLOW_ITEM = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ][^,\[\]{}#:'\"]*")


_SCALARS = SafeConstructor()  # what the loader's scalar constructors (bool, int, …) are called on


def _plain(value: str, resolvers: dict[Any, list[Any]], constructors: dict[Any, Any]) -> tuple[Any] | None:
    """(the value of a plain scalar,), as the loader resolves and constructs it; None when it is
    not one this reader is sure about."""
    if value and (not _PLAIN_START.match(value) or ": " in value or " #" in value or value.endswith(":")):
        return None
    for tag, pattern in resolvers.get(value[:1], ()):
        if pattern.match(value):
            if tag == MERGE_TAG:
                return None
            return (constructors[tag](_SCALARS, ScalarNode(tag, value)),)
    return (value,)


def _scalar(text: str, resolvers: dict[Any, list[Any]], constructors: dict[Any, Any]) -> tuple[Any] | None:
    """(the value of the one-line scalar `text`,), or None when it is anything else."""
    if text.startswith('"'):
        match = _DOUBLE_QUOTED.match(text)
        return (match.group(1),) if match else None
    if text.startswith("'"):
        match = _SINGLE_QUOTED.match(text)
        return (match.group(1).replace("''", "'"),) if match else None
    if text.startswith("["):
        return _flow_sequence(text, resolvers, constructors)
    return _plain(text.rstrip(" "), resolvers, constructors)


def _flow_sequence(
    text: str, resolvers: dict[Any, list[Any]], constructors: dict[Any, Any]
) -> tuple[Any] | None:
    """`[a, b, c]` of plain scalars on one line."""
    text = text.rstrip(" ")
    if not text.endswith("]"):
        return None
    inner = text[1:-1].strip(" ")
    if not inner:
        return ([],)
    parts = [part.strip(" ") for part in inner.split(",")]
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()  # a trailing comma
    items = []
    for part in parts:
        if not _FLOW_ITEM.fullmatch(part) or " #" in part:
            return None
        item = _plain(part, resolvers, constructors)
        if item is None:
            return None
        items.append(item[0])
    return (items,)


# scalar texts read before, per loader: a tag or category recurs in thousands of posts
_known: dict[type, dict[str, tuple[Any] | None]] = {}
_KNOWN_MAX = 100_000


def _cached_scalar(text: str, loader: Any, known: dict[str, tuple[Any] | None]) -> tuple[Any] | None:
    """`_scalar`, remembered in `known`. Lists (flow sequences) are mutable: read each time."""
    value = known.get(text)
    if value is None and text not in known:
        value = _scalar(text, loader.yaml_implicit_resolvers, loader.yaml_constructors)
        if value is not None and isinstance(value[0], list):
            return value
        if len(known) >= _KNOWN_MAX:
            known.clear()
        known[text] = value
    return value


def read_simple(raw: str, loader: type) -> dict[str, Any] | None:
    """The mapping `raw` holds when it is plain front matter, read as `loader` would; else None."""
    if "\t" in raw or _UNUSUAL.search(raw):
        return None
    lines = _LINE.findall(raw)
    if len(lines) != raw.count("\n") + 1:
        return None
    known = _known.setdefault(loader, {})
    result: dict[str, Any] = {}
    key_of_items: str | None = None  # the key whose list items the next lines may be
    items: list[Any] = []
    margin = ""  # the items' indentation and dash, the same for every item of one list
    for key, text, dash, item_text in lines:
        if key:
            if key_of_items is not None:
                result[key_of_items] = items or None
            if _cached_scalar(key, loader, known) != (key,):
                return None  # `true:` or `null:` are keys of other types
            if text.strip(" "):
                value = _cached_scalar(text, loader, known)
                if value is None:
                    return None
                result[key] = value[0]
                key_of_items = None
            else:
                key_of_items, items, margin = key, [], ""
        elif dash:
            if key_of_items is None or (margin and dash != margin):
                return None
            margin = dash
            value = _cached_scalar(item_text, loader, known) if item_text.strip(" ") else (None,)
            if value is None or isinstance(value[0], list):
                return None
            items.append(value[0])
    if key_of_items is not None:
        result[key_of_items] = items or None
    return result

"""Jekyll's `absolute_url` filter, which jekyll-feed puts on every `<link>` and `<id>`.

`absolute_url` is `url` + (`baseurl` without its trailing `/`) + the path, each step through
Addressable's `normalize`: percent-escapes are upper-cased, escaped unreserved and sub-delim
characters are decoded (`%7E` → `~`, but `%2F` and `%25` stay), raw non-ASCII is encoded, dot
segments are removed, the host is lower-cased and a default port dropped. A `url` ending in `/`
gives `//` before the path, as in Jekyll.
"""

from __future__ import annotations

import re
from typing import Final

from feedpub.sites.jekyll_permalinks import PCHAR, percent

_URI = re.compile(
    r"^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL
)
_DEFAULT_PORTS: Final = {"http": "80", "https": "443"}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def absolute_url(path: str, url: str | None, baseurl: str | None) -> str:
    """`path | absolute_url` for a site whose config has `url` and `baseurl` (either may be None)."""
    if _SCHEME.match(path):  # already absolute
        return path
    relative = relative_url(path, baseurl)
    if not url:
        return relative
    return normalize(url + relative)


def relative_url(path: str, baseurl: str | None) -> str:
    """`path | relative_url`: baseurl (trailing `/` removed) and path, each with a leading `/`."""
    parts = [(baseurl or "").removesuffix("/"), path]
    return normalize("".join(p if not p or p.startswith("/") else "/" + p for p in parts))


def _component(text: str, allowed: frozenset[str], decoded: frozenset[str]) -> str:
    """Addressable's normalize_component: escapes of `decoded` characters are decoded, the other
    escapes upper-cased, raw characters outside `allowed` encoded."""
    out: list[str] = []
    position = 0
    while position < len(text):
        escape = _ESCAPE.match(text, position)
        if escape is not None:
            char = chr(int(escape[1], 16))
            out.append(char if char in decoded else "%" + escape[1].upper())
            position = escape.end()
            continue
        char = text[position]
        out.append(char if char in allowed and char != "%" else percent(char))
        position += 1
    return "".join(out)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1 or (output and output[0]):
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)


def _authority(scheme: str, authority: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    host, colon, port = hostport.partition(":")
    host = host.lower()
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    if port == _DEFAULT_PORTS.get(scheme) or not port:
        colon, port = "", ""
    return f"{userinfo}{at}{host}{colon}{port}"


def normalize(uri: str) -> str:
    """Addressable::URI.parse(uri).normalize.to_s, for the URLs Jekyll sites make."""
    found = _URI.match(uri)
    assert found is not None  # the pattern matches every string
    scheme, authority, path, query, fragment = found.groups()
    result = ""
    if scheme:
        scheme = scheme.lower()
        result += scheme + ":"
    if authority is not None:
        result += "//" + _authority(scheme or "", authority)
        path = path or "/"
    clean = _component(path, PCHAR | {"/"}, PCHAR)
    result += remove_dot_segments(clean) if clean.startswith("/") else clean
    tail = PCHAR | {"/", "?"}
    if query is not None:
        result += "?" + _component(query, tail, tail - set("&+;"))
    if fragment is not None:
        result += "#" + _component(fragment, tail, tail)
    return result

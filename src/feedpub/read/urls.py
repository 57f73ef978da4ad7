"""URLs in a post made absolute against the post's own URL, and kept only for allowed schemes.

Every href, src and srcset the sanitiser keeps passes through here, so the common cases (already
absolute, a footnote link, a rooted path) are answered without urljoin.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*)?$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
PLAIN_FRAGMENT = re.compile(r"#[A-Za-z0-9\-._~:/?@!$&'()*+,;=]+$")
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?=[/?#]|$)")
# a rooted path of plain characters, without query, fragment or `/.` (dot segments, which
# urljoin collapses, take the long way)
_PLAIN_ROOTED = re.compile(r"/[A-Za-z0-9\-._~:@!$&'()*+,=%/]*$")  # no ';' (urljoin's path params)


def absolute_url(url: str, base: str) -> str:
    """Resolve `url` against `base` and percent-encode what a URL may not hold raw (spaces, Unicode)."""
    url = url.strip()
    if url.startswith("#"):
        if PLAIN_FRAGMENT.match(url) and PLAIN_ABSOLUTE.match(base):
            return base.split("#", 1)[0] + url  # a footnote link: what urljoin gives, far cheaper
    elif url.startswith("/") and not url.startswith("//"):
        origin = _PLAIN_ORIGIN.match(base)
        if origin and "/." not in url:
            if _PLAIN_ROOTED.match(url) and not _BAD_ESCAPE.search(url):
                return origin.group(0) + url  # `/images/a.png` (Hugo's featured_image): the same, cheaper
            if not _NOT_PATH_ONLY.search(url):  # `/img/Jun 24, 2025.jpg`: only the path to encode
                return origin.group(0) + quote(url, safe=_PATH_SAFE)
    elif PLAIN_ABSOLUTE.match(url) and not _BAD_ESCAPE.search(url):
        return url  # already absolute, ASCII and encoded: nothing to do (the common case)
    return _resolve(url, base)


_PATH_SAFE = "/%:@!$&'()*+,;=~"
# what makes a rooted URL more than a path to percent-encode: a query, a fragment, `;` params,
# or the tab and line breaks urlsplit deletes
_NOT_PATH_ONLY = re.compile("[?#;\t\r\n]")


def _resolve(url: str, base: str) -> str:
    """What `absolute_url` means, the long way: join, IDNA host, percent-encode each part."""
    try:
        parts = urlsplit(urljoin(base, url))
        netloc = parts.netloc
        if not netloc.isascii():
            netloc = netloc.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return quote(url, safe="")
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=_PATH_SAFE),
            quote(parts.query, safe="/%:@!$&'()*+,;=~?"),
            quote(parts.fragment, safe="/%:@!$&'()*+,;=~?#"),
        )
    )


LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
MEDIA_SCHEMES = frozenset({"http", "https"})


def safe_url(url: str, base: str, schemes: frozenset[str] = MEDIA_SCHEMES) -> str | None:
    """`absolute_url`, or None when the result is not of an allowed scheme (javascript:, data:, …)."""
    result = absolute_url(url, base)
    if PLAIN_ABSOLUTE.match(result):
        return result  # http(s) with a host, allowed everywhere: the common case, once per attribute
    scheme = result.split(":", 1)[0].lower() if ":" in result else ""
    if scheme not in schemes:
        return None
    if scheme in ("http", "https") and not urlsplit(result).netloc:
        return None
    return result


def _srcset_candidates(value: str) -> list[tuple[str, str]]:
    """(url, descriptors) pairs, parsed as the HTML standard does: URLs may contain commas."""
    candidates: list[tuple[str, str]] = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        if not url:
            break
        if url.endswith(","):
            candidates.append((url.rstrip(","), ""))
            continue
        start, depth = position, 0
        while position < length and (value[position] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[position], 0)
            position += 1
        candidates.append((url, " ".join(value[start:position].split())))
        position += 1
    return candidates


def absolute_srcset(value: str, base: str) -> str | None:
    """Every candidate made absolute; candidates with other schemes dropped; None if none is left."""
    kept = []
    for url, descriptors in _srcset_candidates(value):
        absolute = safe_url(url, base)
        if absolute is not None:
            kept.append(f"{absolute} {descriptors}".strip())
    return ", ".join(kept) or None

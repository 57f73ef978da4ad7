"""Hugo's string rules for paths and URLs, ported from its Go source so URLs match byte for byte.

`sanitize` is `common/paths.Sanitize`, `make_path_sanitized` is `helpers.PathSpec.MakePathSanitized`
(accent removal, lower-casing), `urlize` is `PathSpec.URLize`, and `path_escape` reproduces Go's
`url.Parse(s).EscapedPath()`, which keeps a path already validly %-encoded as it is and escapes
everything else (UTF-8 bytes as upper-case %XX). Globs are gobwas/glob with `/` as separator,
matched lower-case, as Hugo's cascade and permalink targets use them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import unquote_to_bytes

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~$&+,/:;=@")
_VALID_ENCODED_EXTRA = frozenset(b"!$&'()*+,;=:@[]%")
_HEX = "0123456789abcdefABCDEF"


def _allowed(s: str, i: int, ch: str) -> bool:
    if ch == " ":
        return False
    if ch.isalpha() or unicodedata.category(ch) == "Nd" or ch in "./\\_#+~-@":
        return True
    if unicodedata.category(ch).startswith("M"):
        return True
    return ch == "%" and i + 2 < len(s) and s[i + 1] in _HEX and s[i + 2] in _HEX


_ALL_KEPT = re.compile(r"[A-Za-z0-9./\\_#+~@-]*")  # nothing to drop: the common case, at C speed


def sanitize(s: str) -> str:
    """Keep letters, digits, marks and `./\\_#+~-@` (and %XX); runs of spaces become one hyphen."""
    if _ALL_KEPT.fullmatch(s):
        return s
    out: list[str] = []
    prepend_hyphen = was_hyphen = False
    for i, ch in enumerate(s):
        if _allowed(s, i, ch):
            was_hyphen = ch == "-"
            if prepend_hyphen:
                if not was_hyphen:
                    out.append("-")
                prepend_hyphen = False
            out.append(ch)
        elif out and not was_hyphen and ch.isspace():
            prepend_hyphen = True
    return "".join(out)


def remove_accents(s: str) -> str:
    """NFD, drop non-spacing marks (Mn), NFC: `text.RemoveAccentsString`."""
    decomposed = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def make_path_sanitized(s: str, *, to_lower: bool = True, remove_path_accents: bool = False) -> str:
    """What every URL path element goes through unless front matter `url` set it."""
    s = sanitize(s)
    if remove_path_accents:
        s = remove_accents(s)
    return s.lower() if to_lower else s


def urlize(s: str, *, to_lower: bool = True, remove_path_accents: bool = False) -> str:
    """`URLize`: sanitize, then Go's url.Parse(...).String() (a `#` starts a fragment there)."""
    sanitized = make_path_sanitized(s, to_lower=to_lower, remove_path_accents=remove_path_accents)
    path, hash_, fragment = sanitized.partition("#")
    return path_escape(path) + (hash_ + path_escape(fragment) if hash_ else "")


def _escape(raw: bytes) -> str:
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in raw)


def _valid_encoded(s: str) -> bool:
    data = s.encode("utf-8")
    return all(b in _UNRESERVED or b in _VALID_ENCODED_EXTRA for b in data)


def _unescape_ok(s: str) -> bool:
    return all(s[i + 1 : i + 3] and all(c in _HEX for c in s[i + 1 : i + 3]) for i in _percents(s))


def _percents(s: str) -> list[int]:
    return [i for i, c in enumerate(s) if c == "%"]


def path_escape(s: str) -> str:
    """Go's `url.Parse(s).EscapedPath()` for a path without scheme, query or fragment."""
    if not _unescape_ok(s):
        raise ValueError(f"invalid URL escape in {s!r}")
    decoded = unquote_to_bytes(s)
    escaped = _escape(decoded)
    if escaped == s:
        return s
    if _valid_encoded(s) and unquote_to_bytes(s) == decoded:
        return s
    return escaped


def query_unescape(s: str) -> str | None:
    """Go's `url.QueryUnescape`: `+` is a space, %XX decoded; None where Go reports an error."""
    if not _unescape_ok(s):
        return None
    return unquote_to_bytes(s.replace("+", " ")).decode("utf-8", errors="replace")


def clean(path: str) -> str:
    """Go's `path.Clean`."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    joined = "/".join(parts)
    return ("/" + joined) if rooted else (joined or ".")


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        i += 1
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        elif ch == "[":
            end = pattern.find("]", i)
            body = pattern[i:end] if end >= 0 else ""
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1 if end >= 0 else len(pattern)
        elif ch == "\\" and i < len(pattern):
            out.append(re.escape(pattern[i]))
            i += 1
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_match(pattern: str, value: str) -> bool:
    """gobwas/glob with `/` as separator, lower-cased as Hugo's `hglob.GetGlob` compiles it."""
    return _glob_regex(pattern.lower()).match(value) is not None

"""What a shortcode template sees and how Go's html/template prints it.

`Call` is the template's `.`: `.Get` by position or name (Hugo's rules: a name on positional
args is nil, a missing one is ""), `.Inner`, `.InnerDeindent`, the page and site params.
`text`, `attr` and `url_attr` are html/template's escapers for text, quoted attributes and
URL attributes (`urlFilter` + `urlNormalizer`); `go_print` is `{{ . }}` of a Go value;
`markdownify` is Hugo's (render, then drop the `<p>` of a single paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Resolver = Callable[[str, bool], str | None]
Markdown = Callable[[str], str]

_TEXT = {"\0": "\ufffd", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;", "<": "&lt;", ">": "&gt;"}
_TEXT_RE = re.compile("[\0\"&'+<>]")
_NORM_RE = re.compile("[\0\"'+<>]")  # html/template's normaliser: trusted HTML keeps its entities
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_URL_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!#$&*+,/:;=?@[]%")
_SAFE_SCHEMES = ("http", "https", "mailto")


def text(value: Any) -> str:
    """`{{ . }}` in HTML text or a quoted attribute: printed, then escaped."""
    return _TEXT_RE.sub(lambda m: _TEXT[m.group(0)], go_print(value))


def trusted_attr(html: str) -> str:
    """template.HTML in an attribute: tags stripped, entities kept (`htmlNospaceEscaper`)."""
    return _NORM_RE.sub(lambda m: _TEXT[m.group(0)], plainify(html))


def url_attr(value: Any) -> str:
    """A URL in href/src: an unsafe scheme becomes #ZgotmplZ, bytes outside RFC 3986 are
    %-escaped (lower-case hex, as Go prints them), then the attribute is escaped."""
    url = go_print(value)
    scheme, colon, _ = url.partition(":")
    if colon and "/" not in scheme and scheme.lower() not in _SAFE_SCHEMES:
        return "#ZgotmplZ"
    out = "".join(c if c in _URL_KEEP else "".join(f"%{b:02x}" for b in c.encode()) for c in url)
    return text(out)


def plainify(html: str) -> str:
    """`plainify`: every tag and comment removed."""
    return _TAG_RE.sub("", html)


def go_print(value: Any) -> str:
    """fmt.Sprint of the Go value a YAML/TOML/JSON value decodes to."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, datetime):
        offset = value.strftime("%z") or "+0000"
        return value.strftime("%Y-%m-%d %H:%M:%S ") + offset + " " + (value.tzname() or "UTC")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d 00:00:00 +0000 UTC")
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_print(value[k])}" for k in sorted(value, key=str)) + "]"
    return str(value)


def _go_float(value: float) -> str:
    """%v of a float64: shortest repr, exponent form from 1e21 and below 1e-4."""
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    out = repr(value)
    if "e" in out:
        mantissa, exp = out.split("e")
        sign = "-" if exp.startswith("-") else "+"
        return f"{mantissa}e{sign}{exp.lstrip('+-').zfill(2)}"
    return out


def truthy(value: Any) -> bool:
    """Go template truth: zero values, empty strings and empty collections are false."""
    return bool(value) if value is not None else False


def trim_short_html(html: str) -> str:
    """`TrimShortHTML`: one paragraph loses its `<p>`…`</p>` (markdownify, RenderString inline)."""
    if html.count("<p>") == 1:
        stripped = html.strip()
        if stripped.startswith("<p>") and stripped.endswith("</p>"):
            return stripped[3:-4].strip()
    return html


@dataclass
class Env:
    """What every shortcode on the page shares."""

    site_params: Mapping[str, Any]
    page_params: Mapping[str, Any]
    config: Mapping[str, Any]
    resolve: Resolver
    markdown: Markdown | None
    bundle: tuple[str, tuple[str, ...]] = ("", ())  # the page's URL and its resources' paths
    base_path: str = ""
    assets: Callable[[str], bool] = field(default=lambda path: False)
    problems: list[tuple[int, str, str]] = field(default_factory=list)

    def markdownify(self, value: Any) -> str:
        """Hugo's `markdownify`; without a renderer, the text escaped."""
        source = go_print(value)
        if self.markdown is None:
            return text(source)
        return trim_short_html(self.markdown(source))

    def render_block(self, source: str) -> str | None:
        """`.Page.RenderString (dict "display" "block")`, or None without a renderer."""
        return None if self.markdown is None else self.markdown(source)


@dataclass
class Call:
    """A shortcode's `.` in its template."""

    name: str
    params: list[Any] | dict[str, Any]
    inner: str | None
    indentation: str
    line: int
    markup: bool
    env: Env

    def get(self, key: int | str) -> Any:
        """`.Get`: a position on named args (or a name on positional ones) is nil; missing is ""."""
        if not self.params:
            return None
        if isinstance(key, int):
            if isinstance(self.params, dict):
                return None
            return self.params[key] if key < len(self.params) else ""
        if isinstance(self.params, list):
            return None
        return self.params.get(key, "")

    def flag(self, key: str, default: bool) -> bool:
        """`in (slice "true" true 1) (.Get key)` and its false twin; anything else: the default."""
        value = self.get(key)
        if value in ("true", True, 1) and not isinstance(value, float):
            return True
        if value in ("false", False, 0) and not isinstance(value, float):
            return False
        return default

    @property
    def inner_deindent(self) -> str:
        """`.InnerDeindent`: the tag's own indentation removed from each inner line."""
        inner = self.inner or ""
        if not self.indentation:
            return inner
        lines = inner.splitlines(keepends=True)
        return "".join(line.removeprefix(self.indentation) for line in lines)

    def warn(self, message: str) -> None:
        self.env.problems.append((self.line, self.name, message))

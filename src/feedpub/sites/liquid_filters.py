"""Jekyll's string, URL and date filters (Jekyll::Filters, 4.3), over python-liquid's standard ones.

Dates are read as Liquid::Utils.to_date reads them (a time, a date, epoch seconds, "now", or a
date string) and shown in the site's zone (Jekyll's `.localtime` under the site's `timezone`).
`smartify` is SmartyPants' quotes, dashes and ellipses, not kramdown's full parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, quote_plus

from liquid.filter import with_environment
from liquid.undefined import Undefined

from feedpub.sites.cjk import CJK_CHARACTER, CJK_RANGES
from feedpub.sites.jekyll_absolute_url import absolute_url, relative_url
from feedpub.sites.jekyll_permalinks import ruby_to_s, slugify
from feedpub.sites.liquid_env import state
from feedpub.sites.liquid_tags import hooks_of

_WORD = re.compile(rf"[^{CJK_RANGES}\s]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class RubyTime(datetime):
    """A datetime shown as Ruby's Time#to_s shows it: `2024-01-01 10:00:00 +0000`."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z")


def ruby_time(moment: datetime) -> RubyTime:
    return (
        RubyTime.fromtimestamp(moment.timestamp(), moment.tzinfo)
        if moment.tzinfo
        else RubyTime(*moment.timetuple()[:6], moment.microsecond)
    )


def text(value: object) -> str:
    return "" if isinstance(value, Undefined) else ruby_to_s(value)


def to_time(value: object, zone: tzinfo) -> datetime | None:
    """Liquid::Utils.to_date, then `.localtime` in the site's zone; None when not a date."""
    found: datetime | None
    if isinstance(value, datetime):
        found = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, date):
        found = datetime.combine(value, time(), zone)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = datetime.fromtimestamp(value, zone)
    elif isinstance(value, str) and value.strip():
        found = _parse_date(value.strip(), zone)
    else:
        return None
    return ruby_time(found.astimezone(zone)) if found else None


def _parse_date(value: str, zone: tzinfo) -> datetime | None:
    if value.lower() in ("now", "today"):
        return datetime.now(zone)
    if value.isdigit():
        return datetime.fromtimestamp(int(value), zone)
    try:
        found = datetime.fromisoformat(value.replace(" +", "+").replace(" -", "-"))
        return found if found.tzinfo else found.replace(tzinfo=zone)
    except ValueError:
        pass
    for form in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=zone)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _date_filter(name: str, show: Callable[..., str]) -> Callable[..., object]:
    @with_environment
    def apply(value: object, *args: object, environment: Any) -> object:
        if text(value) == "":
            return value
        moment = to_time(value, hooks_of(environment).zone)
        if moment is None:
            state().warn(f"{name}: invalid date '{text(value)}'")
            return value
        return show(moment, *args)

    return apply


def _ordinal(day: int) -> str:
    return "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _stringify_date(month: str) -> Callable[..., str]:
    def show(moment: datetime, kind: object = None, style: object = None) -> str:
        if kind == "ordinal":
            day = f"{moment.day}{_ordinal(moment.day)}"
            return moment.strftime(f"{month} {day}, %Y" if style == "US" else f"{day} {month} %Y")
        return moment.strftime(f"%d {month} %Y")

    return show


def _xmlschema(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset[:3] + ":" + offset[3:]


@with_environment
def relative_url_filter(value: object, *, environment: Any) -> object:
    if value is None or isinstance(value, Undefined):
        return None
    path = text(value)
    return path if _SCHEME.match(path) else relative_url(path, hooks_of(environment).baseurl)


@with_environment
def absolute_url_filter(value: object, *, environment: Any) -> object:
    if value is None or isinstance(value, Undefined):
        return None
    hooks = hooks_of(environment)
    return absolute_url(text(value), hooks.url, hooks.baseurl)


@with_environment
def markdownify(value: object, *, environment: Any) -> object:
    render = hooks_of(environment).markdownify
    if render is None:
        state().warn("markdownify: no Markdown renderer given, text left as it is")
        return text(value)
    return render(text(value))


def xml_escape(value: object) -> str:
    return text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_SMART = [
    (re.compile(r"---"), "\u2014"),
    (re.compile(r"--"), "\u2013"),
    (re.compile(r"\.\.\.|\. \. \."), "\u2026"),
    (re.compile(r"<<"), "\u00ab"),
    (re.compile(r">>"), "\u00bb"),
    (re.compile(r"(?<=\w)'(?=\w)|(?<=[\w.,!?])'|'(?=\d\ds)"), "\u2019"),
    (re.compile(r"'"), "\u2018"),
    (re.compile(r"(?<=[\w.,!?)])\"|\"(?=[\s.,;:!?)]|$)"), "\u201d"),
    (re.compile(r"\""), "\u201c"),
]


def smartify(value: object) -> str:
    out = re.sub(r"&(?!#?\w+;)", "&amp;", text(value))
    for pattern, replacement in _SMART:
        out = pattern.sub(replacement, out)
    return out


def number_of_words(value: object, mode: object = None) -> int:
    words = text(value)
    cjk = len(CJK_CHARACTER.findall(words))
    if mode == "cjk" or (mode == "auto" and cjk):
        return cjk + len(_WORD.findall(words))
    return len(words.split())


def to_integer(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    found = re.match(r"\s*([-+]?\d[\d_]*)", text(value))
    return int(found[1].replace("_", "")) if found else 0


def jsonify(value: object) -> str:
    return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"), default=str)


def plain(value: object, depth: int = 0) -> object:
    """Liquid values as JSON-able Python (Undefined is null); nesting beyond 50 is cut."""
    if depth > 50 or isinstance(value, Undefined):
        return None
    if isinstance(value, Mapping):
        return {text(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, date | datetime):
        return str(value)
    return value


def ruby_inspect(value: object, depth: int = 0) -> str:
    if depth > 50:
        return "..."
    if value is None or isinstance(value, Undefined):
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\\u001b", "\\e")
    if isinstance(value, Mapping):
        pairs = (f"{ruby_inspect(k, depth + 1)}=>{ruby_inspect(v, depth + 1)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(ruby_inspect(v, depth + 1) for v in value) + "]"
    return str(value)


def _slugify(value: object, mode: object = None) -> object:
    return slugify(text(value), mode if isinstance(mode, str) else None)


FILTERS: dict[str, Callable[..., object]] = {
    "relative_url": relative_url_filter,
    "absolute_url": absolute_url_filter,
    "date_to_xmlschema": _date_filter("date_to_xmlschema", _xmlschema),
    "date_to_rfc822": _date_filter("date_to_rfc822", lambda m: m.strftime("%a, %d %b %Y %H:%M:%S %z")),
    "date_to_string": _date_filter("date_to_string", _stringify_date("%b")),
    "date_to_long_string": _date_filter("date_to_long_string", _stringify_date("%B")),
    "xml_escape": xml_escape,
    "cgi_escape": lambda value: quote_plus(text(value), safe=""),
    "uri_escape": lambda value: quote(text(value), safe="!#$&'()*+,/:;=?@[]~%"),
    "slugify": _slugify,
    "markdownify": markdownify,
    "smartify": smartify,
    "jsonify": jsonify,
    "to_integer": to_integer,
    "number_of_words": number_of_words,
    "normalize_whitespace": lambda value: re.sub(r"\s+", " ", text(value)).strip(),
    "inspect": lambda value: xml_escape(ruby_inspect(value)),
}

"""Front-matter fields read one at a time: each reader checks the value's type and raises PostError
naming the key, so `tags: {a: 1}` or `date: [1]` is a clear problem, not a crash or a guess.

What the dialects share; which keys feed which field is `dialects`' business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import Author, Term, shared_term
from feedpub.read.dates import DateError, parse_date
from feedpub.read.sanitize import strip_xml_forbidden
from feedpub.read.terms import clean_name, term_key
from feedpub.read.urls import safe_url

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")
# URL paths a post may not claim: they are the site's own pages and feeds.
_RESERVED_NAMES = ("rss.xml", "atom.xml", "feed.json", "opml.xml", "manifest.json")


def text_value(value: Any, key: str) -> str:
    """Text, or a number written as text; anything else (lists, sets, bytes, booleans) is an error."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PostError(f"{key}: expected text, got {type(value).__name__}")
    return strip_xml_forbidden(str(value))


def given_text(meta: Mapping[str, Any], key: str) -> str | None:
    """The stripped text of `key`, or None when it is absent, empty or only whitespace."""
    value = meta.get(key)
    if value is None:
        return None
    text = text_value(value, key).strip()
    return text or None


def flag_value(value: Any, key: str) -> bool:
    """A boolean, or a word for one (`yes`, `off`, …); anything else is an error."""
    if isinstance(value, bool):
        return value
    words = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise PostError(f"{key}: expected true or false, got {value!r}"[:200])


def date_value(meta: Mapping[str, Any], key: str, settings: Settings) -> datetime | None:
    """The instant `key` gives (naive dates in `site.timezone`), None when it is absent or empty."""
    if key not in meta or meta[key] in (None, ""):
        return None
    try:
        return parse_date(meta[key], settings.tz)
    except DateError as exc:
        raise PostError(f"{key}: {exc}") from exc


def first_date(meta: Mapping[str, Any], keys: tuple[str, ...], settings: Settings) -> datetime | None:
    """The date of the first of `keys` that gives one (Jekyll's boolean `published` is no date)."""
    for key in keys:
        if key == "published" and isinstance(meta.get(key), bool):
            continue
        moment = date_value(meta, key, settings)
        if moment is not None:
            return moment
    return None


def term_list(
    meta: Mapping[str, Any], keys: tuple[str, ...], split_strings: frozenset[str], settings: Settings
) -> tuple[Term, ...]:
    """Collect terms from every mapped key, first spelling of each key wins, bounded in count; the
    string values of `split_strings` keys are space-separated lists."""
    limit = settings.limits
    seen: dict[str, Term] = {}
    for field_key in keys:
        value = meta.get(field_key)
        if value is None:
            continue
        if isinstance(value, str):
            names = value.split() if field_key in split_strings else [value]
        elif isinstance(value, list):
            names = []
            for item in value:
                if item is None:  # `- ` with nothing after it
                    continue
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise PostError(f"{field_key}: expected a list of names, found {type(item).__name__}")
                names.append(str(item))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            names = [str(value)]
        else:
            raise PostError(f"{field_key}: expected a name or a list of names, got {type(value).__name__}")
        for raw in names:
            name = clean_name(strip_xml_forbidden(raw))[: limit.max_term_length].strip()
            key = term_key(name)
            if key and key not in seen:
                if len(seen) >= limit.max_terms_per_post:
                    raise PostError(
                        f"{field_key}: more than {limit.max_terms_per_post} terms (limits.max_terms_per_post)"
                    )
                seen[key] = shared_term(key, name)
    return tuple(seen.values())


def first_image(meta: Mapping[str, Any], keys: tuple[str, ...], base: str) -> str | None:
    """The first image given, as an absolute http(s) URL; other schemes (data:, javascript:) give none."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("path") or value.get("image") or value.get("src") or value.get("url")
        if isinstance(value, str) and value.strip():
            return safe_url(strip_xml_forbidden(value.strip()), base)
    return None


def first_author(meta: Mapping[str, Any], base: str) -> Author | None:
    """The first author given, by name or as a mapping with a name (an email or URL only if valid)."""
    value = meta.get("author", meta.get("authors"))
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and name.strip():
            email, url = value.get("email"), value.get("url")
            email = email.strip() if isinstance(email, str) else ""
            return Author(
                clean_name(strip_xml_forbidden(name)),
                email if _EMAIL.match(email) is not None else None,
                safe_url(strip_xml_forbidden(url), base) if isinstance(url, str) and url.strip() else None,
            )
        return None
    if isinstance(value, str) and value.strip():
        return Author(clean_name(strip_xml_forbidden(value)))
    return None


# ---- permalinks ------------------------------------------------------------------------------


def expand_permalink(pattern: str, slug: str, published: datetime, categories: tuple[Term, ...]) -> str:
    """Jekyll permalink placeholders (`/:categories/:year/:month/:day/:title/`), for migrated sites."""
    values = {
        "year": f"{published.year:04d}",
        "month": f"{published.month:02d}",
        "day": f"{published.day:02d}",
        "i_month": str(published.month),
        "i_day": str(published.day),
        "hour": f"{published.hour:02d}",
        "minute": f"{published.minute:02d}",
        "second": f"{published.second:02d}",
        "title": slug,
        "slug": slug,
        "categories": "/".join(quote(t.key, safe="") for t in categories),
        "output_ext": ".html",
    }
    whole_url = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/]*", pattern)
    authority = whole_url.group(0) if whole_url else ""
    path = pattern[len(authority) :]
    expanded = re.sub(
        r":(i_month|i_day|output_ext|[a-z]+)", lambda m: values.get(m.group(1), m.group(0)), path
    )
    return authority + re.sub(r"/{2,}", "/", expanded)


def post_url(given: str, key: str, base: str) -> str:
    """An absolute http(s) permalink that is not one of the site's own pages or feeds."""
    url = safe_url(given, base)
    if url is None:
        raise PostError(f"{key}: expected an http(s) URL or a path, got {given!r}"[:200])
    path = urlsplit(url).path
    if url.rstrip("/") == base.rstrip("/") or path.rsplit("/", 1)[-1] in _RESERVED_NAMES:
        raise PostError(f"{key}: {given!r} is the address of the site's own home page or feeds")
    return url

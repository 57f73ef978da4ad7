"""A page's four dates as Hugo computes them (`resources/page/pagemeta/page_frontmatter.go`).

Each date is the first hit of a chain of front matter keys and special sources. Defaults:
date ← date, publishDate, pubdate, published, lastmod, modified; publishDate ← publishDate,
pubdate, published, date; lastmod ← :git, lastmod, modified, date, publishDate…; expiryDate ←
expiryDate, unpublishdate. `[frontmatter]` replaces a chain (`:default` splices the default in);
`:filename` reads `2024-03-05-name` (and then also sets the slug), `:fileModTime` the file's mtime.
A value without an offset (a date alone too) is read in the site's `timeZone` (UTC when unset).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from feedpub.errors import ConfigError, PostError

_ALIASES = {
    "date": (),
    "lastmod": ("modified",),
    "publishdate": ("pubdate", "published"),
    "expirydate": ("unpublishdate",),
}
_DEFAULTS = {
    "date": ("date", "publishdate", "lastmod"),
    "lastmod": (":git", "lastmod", "date", "publishdate"),
    "publishdate": ("publishdate", "date"),
    "expirydate": ("expirydate",),
}
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?)?"
    r"(?:(?<=\d)(?: ?)(Z|[+-]\d{2}:?\d{2}))?"
)


@dataclass(frozen=True)
class FrontmatterConfig:
    """The key chain for each date, lower-case, aliases expanded (`DecodeFrontMatterConfig`)."""

    date: tuple[str, ...]
    lastmod: tuple[str, ...]
    publishdate: tuple[str, ...]
    expirydate: tuple[str, ...]


@dataclass(frozen=True)
class HugoDates:
    """Aware datetimes, None where Hugo has its zero time; `slug` set by a `:filename` date."""

    date: datetime | None
    publish_date: datetime | None
    lastmod: datetime | None
    expiry_date: datetime | None
    filename_slug: str | None = None


def decode_frontmatter(value: Any, where: str) -> FrontmatterConfig:
    """`[frontmatter]` → chains; a non-list, non-string entry is a ConfigError at `where`."""
    given: dict[str, list[str]] = {}
    if value is not None and not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
    for key, chain in (value or {}).items():
        items = [chain] if isinstance(chain, str) else chain
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}.{key}: expected a list of keys, got {chain!r}")
        given[str(key).lower()] = [i.lower() for i in items]
    chains = {}
    for name, default in _DEFAULTS.items():
        raw = [d for v in given.get(name, list(default)) for d in (default if v == ":default" else (v,))]
        expanded: list[str] = []
        for key in raw:
            for k in (key, *_ALIASES.get(key, ())):
                if k not in expanded:
                    expanded.append(k)
        chains[name] = tuple(expanded)
    return FrontmatterConfig(**chains)


def parse_hugo_date(value: Any, tz: tzinfo, key: str) -> datetime | None:
    """One front matter value as an aware datetime; None for empty; PostError names the key."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    parsed = parse_date_text(value.strip(), tz) if isinstance(value, str) else None
    if parsed is None:
        raise PostError(f"the {key!r} front matter field is not a parsable date: {value!r}")
    return parsed


def parse_date_text(text: str, tz: tzinfo) -> datetime | None:
    """The layouts spf13/cast tries (RFC 3339 and its relatives, RFC 1123/822, `02 Jan 2006`)."""
    match = _ISO.fullmatch(text)
    if match:
        return _from_iso(match, tz)
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    try:
        return datetime.strptime(text, "%d %b %Y").replace(tzinfo=tz)
    except ValueError:
        return None


def _from_iso(match: re.Match[str], tz: tzinfo) -> datetime | None:
    year, month, day, _sep, hour, minute, second, frac, offset = match.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    zone: tzinfo = tz
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        zone = timezone(-delta if offset[0] == "-" else delta)
    elif offset == "Z":
        zone = UTC
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro, zone
        )
    except ValueError:
        return None


def date_from_filename(base: str, tz: tzinfo) -> tuple[datetime | None, str]:
    """`dateAndSlugFromBaseFilename`: `2024-03-05-title` or `2024-03-05-10-30-00-title`."""
    if len(base) < 10:
        return None, ""
    if len(base) >= 19:
        stamp = parse_date_text(base[:10] + "T" + base[11:19].replace("-", ":"), tz)
        if stamp is not None:
            return stamp, base[19:].strip(" -_")
    day = parse_date_text(base[:10], tz)
    return (day, base[10:].strip(" -_")) if day is not None else (None, "")


def hugo_dates(
    meta: Mapping[str, Any],
    config: FrontmatterConfig,
    tz: tzinfo,
    content_base_name: str,
    mtime: datetime | None = None,
) -> HugoDates:
    """Run the four chains over `meta` (lower-case keys, cascade applied)."""
    slug: list[str] = []

    def chain(keys: tuple[str, ...]) -> datetime | None:
        for key in keys:
            if key == ":filename":
                found, name = date_from_filename(content_base_name, tz)
                if found is not None:
                    slug.append(name)
                    return found
            elif key == ":filemodtime":
                if mtime is not None:
                    return mtime if mtime.tzinfo else mtime.replace(tzinfo=UTC)
            elif not key.startswith(":"):
                found = parse_hugo_date(meta.get(key), tz, key)
                if found is not None:
                    return found
        return None

    # Each found date is also stored as a param when the page has none under that name, so a
    # date from :filename or :fileModTime feeds the later chains (`setParamIfNotSet`).
    meta = dict(meta)
    dates = {}
    for name, keys in (
        ("date", config.date),
        ("lastmod", config.lastmod),
        ("publishdate", config.publishdate),
        ("expirydate", config.expirydate),
    ):
        dates[name] = chain(keys)
        if dates[name] is not None:
            meta.setdefault(name, dates[name])
    filename_slug = slug[0] if slug and "slug" not in meta else None
    return HugoDates(
        dates["date"], dates["publishdate"], dates["lastmod"], dates["expirydate"], filename_slug
    )

"""A post's date as Jekyll computes it: `Utils.parse_date(value.to_s)`, i.e. Ruby's Time.parse, then
`.localtime` in the site's time zone (Jekyll sets TZ from `timezone:`).

What follows from that: a date-only value or file-name date is local midnight; a value with an
offset keeps its instant but its wall clock (and so :year/:month/:day in the URL) moves into the
site's zone; an unknown zone word is ignored (local time); `2024-02-30` is 1 March, because
Ruby's Time.local rolls an impossible day over; a two-digit year is 1969-2068. Psych Times
(`jekyll_yaml`) are already aware and only change zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Final

from feedpub.errors import PostError

_ZONE: Final = r"(?P<zone>[A-Za-z]+|[+-]\d+(?::\d+)*)"
_CLOCK: Final = (
    r"(?:(?:[Tt]|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:[.,](?P<frac>\d+))?)?"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?))?)?"
)
_NUMERIC: Final = re.compile(
    rf"^\s*(?P<year>\d+)(?P<sep>[-/])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}}){_CLOCK}\s*{_ZONE}?\s*$",
    re.ASCII | re.IGNORECASE,
)
_COMPACT: Final = re.compile(
    rf"^\s*(?P<year>\d{{4}})(?P<month>\d\d)(?P<day>\d\d){_CLOCK}\s*{_ZONE}?\s*$", re.ASCII
)
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WORDY: Final = re.compile(
    r"^\s*(?:[a-z]+,?\s+)?(?:(?P<day>\d{1,2})\s+(?P<mon>[a-z]{3})[a-z]*\.?|(?P<mon2>[a-z]{3})[a-z]*\.?\s+"
    rf"(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?)\s+(?P<year>\d{{4}}){_CLOCK}\s*{_ZONE}?\s*$",
    re.ASCII | re.IGNORECASE,
)
# Ruby's Time::ZoneOffset (lib/time.rb), hours east of UTC; the military letters follow.
_ZONE_HOURS: Final = {
    "UTC": 0, "Z": 0, "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    **{letter: hours for hours, letter in enumerate("ABCDEFGHI", 1)},
    **{letter: hours for hours, letter in enumerate("KLM", 10)},
    **{letter: -hours for hours, letter in enumerate("NOPQRSTUVWXY", 1)},
}  # fmt: skip


def jekyll_date(value: object, zone: tzinfo, key: str = "date") -> datetime:
    """`value` (front matter, a default, or a file name's date) as the aware time Jekyll uses.

    A naive datetime is taken as UTC (what Psych makes of an unquoted `2024-05-01 10:00:00`);
    a string or a date goes through Ruby's Time.parse in `zone`. Raises PostError naming `key`.
    """
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.replace(microsecond=0).astimezone(zone)  # Time#to_s drops the fraction
    if isinstance(value, date):
        return local_time(zone, value.year, value.month, value.day)
    if isinstance(value, str):
        parsed = ruby_time_parse(value, zone)
        if parsed is not None:
            return parsed
    raise PostError(f"{key}: invalid date {value!r} (Jekyll reads dates with Ruby's Time.parse)")


def local_time(zone: tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:  # fmt: skip
    """Ruby's Time.local: day 29-31 past the month's end rolls over, second 60 is the next minute,
    and a wall time in a DST gap moves forward by the gap."""
    naive = datetime(year, month, 1) + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def ruby_time_parse(text: str, zone: tzinfo) -> datetime | None:
    """The common shapes of Ruby's Time.parse (ISO-like, slashes, compact, `1 May 2024`), or None."""
    for pattern in (_NUMERIC, _COMPACT, _WORDY):
        found = pattern.match(text)
        if found is not None:
            try:
                return _build(found, zone)
            except (ValueError, OverflowError):
                return None
    return None


def _year(digits: str) -> int:
    """Date._parse's `comp`: a year written with one or two digits is 1969-2068."""
    year = int(digits)
    if len(digits) <= 2:
        year += 1900 if year >= 69 else 2000
    return year


def _build(found: re.Match[str], zone: tzinfo) -> datetime | None:
    parts = found.groupdict()
    month_name = (parts.get("mon") or parts.get("mon2") or "").lower()
    month = _MONTHS.index(month_name) + 1 if month_name in _MONTHS else int(parts.get("month") or 0)
    day = int(parts.get("day") or parts.get("day2") or 0)
    year = _year(parts["year"])
    hour, minute, second = (int(parts[name] or 0) for name in ("hour", "minute", "second"))
    if parts["ampm"]:
        hour = hour % 12 + (12 if parts["ampm"].lower().startswith("p") else 0)
    if not (1 <= month <= 12 and 1 <= day <= 31 and year >= 1 and minute < 60 and second <= 60):
        return None
    if hour > 24 or (hour == 24 and (minute or second)):
        return None
    offset = zone_offset(parts["zone"], year, zone) if parts["zone"] else None
    if offset is None:
        return local_time(zone, year, month, day, hour, minute, second)
    naive = datetime(year, month, 1) + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)
    return (naive - offset).replace(tzinfo=UTC).astimezone(zone)


def zone_offset(name: str, year: int, zone: tzinfo) -> timedelta | None:
    """Ruby's Time.zone_offset: `+hh:mm`, `+hhmm`, `+hh`, the names it knows, or the local zone's own
    abbreviation in January or July; anything else (`+8`, `JST` elsewhere) is None: local time."""
    upper = name.upper()
    numeric = re.fullmatch(r"([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?", upper)
    if numeric is not None:
        sign = -1 if numeric[1] == "-" else 1
        return sign * timedelta(hours=int(numeric[2]), minutes=int(numeric[4]), seconds=int(numeric[5] or 0))
    if re.fullmatch(r"[+-]\d\d", upper):
        return timedelta(hours=int(upper))
    if upper in _ZONE_HOURS:
        return timedelta(hours=_ZONE_HOURS[upper])
    for month in (1, 7):
        probe = datetime(year, month, 1, tzinfo=zone)
        if (probe.tzname() or "").upper() == upper:
            return probe.utcoffset()
    return None

"""Turn front-matter dates of both dialects into aware datetimes, strictly.

PyYAML already builds datetimes for ISO 8601 with a colon offset and dates for `2023-05-03`; it
leaves Jekyll's `2022-03-18 09:01:56 +0800` as a string. We parse such strings with one
explicit pattern and never guess: anything else is an error for that file.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import format_datetime

# Matched against stripped text, with no `\s*` beside another: two adjacent optional runs of
# spaces made a long run of them before a wrong character cost time quadratic in its length.
_DATE_TIME = re.compile(
    r"""^
    (?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
    (?:
        (?:[Tt]|\s+)
        (?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?
        (?:\s*(?P<tz>[Zz]|(?:UTC|GMT)|[+-]\d{1,2}(?::?\d{2})?))?
    )?
    $""",
    re.VERBOSE,
)

_FILE_NAME_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")  # Jekyll takes `2024-8-21-slug` too


class DateError(ValueError):
    """A value that is not a date we can read without guessing."""


def parse_date(value: object, default_tz: tzinfo) -> datetime:
    """Return an aware datetime for a front-matter value; naive values take `default_tz`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=default_tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=default_tz)
    if isinstance(value, str):
        return _parse_string(value, default_tz)
    raise DateError(f"expected a date, got {type(value).__name__} {value!r}"[:200])


# The longest date we read, `2022-03-18 09:01:56.123456789 +08:00`, is 36 characters.
MAX_DATE_LENGTH = 64


def _parse_string(text: str, default_tz: tzinfo) -> datetime:
    text = text.strip()
    if len(text) > MAX_DATE_LENGTH:
        raise DateError(f"cannot parse date {text[:40]!r}…: longer than {MAX_DATE_LENGTH} characters")
    match = _DATE_TIME.match(text)
    if match is None:
        raise DateError(f"cannot parse date {text!r}"[:200])
    parts = match.groupdict()
    frac = (parts["frac"] or "0")[:6].ljust(6, "0")
    try:
        naive = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int(frac),
        )
        return naive.replace(tzinfo=_zone(parts["tz"], default_tz))
    except ValueError as exc:
        raise DateError(f"invalid date {text.strip()!r}: {exc}") from exc


def _zone(spec: str | None, default_tz: tzinfo) -> tzinfo:
    if spec is None:
        return default_tz
    if spec in ("Z", "z", "UTC", "GMT"):
        return UTC
    sign = -1 if spec[0] == "-" else 1
    body = spec[1:]
    if ":" in body:
        hours_text, minutes_text = body.split(":")
    else:
        hours_text, minutes_text = (body[:-2], body[-2:]) if len(body) > 2 else (body, "0")
    hours, minutes = int(hours_text), int(minutes_text)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {spec} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def file_name_date(stem: str, default_tz: tzinfo) -> tuple[datetime, str] | None:
    """`2022-03-18-slug` → (midnight of that day in `default_tz`, 'slug'); None if no date prefix."""
    match = _FILE_NAME_DATE.match(stem)
    if match is None:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return datetime.combine(day, time(0, 0), tzinfo=default_tz), match.group(4)


def _whole_minute_offset(moment: datetime) -> datetime:
    """Historical zone offsets (Shanghai before 1901: +08:05:43) cannot be written in RFC 3339 or
    RFC 822; such moments are written in UTC instead, the same instant."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset.total_seconds() % 60:
        return moment
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01 at +08:05:43 is in year 0 in UTC: keep the whole minutes
        return moment.replace(tzinfo=timezone(timedelta(minutes=int(offset.total_seconds() // 60))))


def rfc3339(moment: datetime) -> str:
    """`2025-06-24T09:10:04+08:00`: Atom and JSON Feed dates, offset kept, no microseconds."""
    return _whole_minute_offset(moment).replace(microsecond=0).isoformat()


def rfc822(moment: datetime) -> str:
    """`Tue, 24 Jun 2025 09:10:04 +0800`: RSS 2.0 dates, English names whatever the locale."""
    return format_datetime(_whole_minute_offset(moment))

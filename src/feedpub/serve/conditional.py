"""The HTTP rules both serving layers follow (the fast path and the Flask app): conditional GET
(RFC 9110 §13) and whether a client takes gzip. Pure functions over header strings, so the two
layers cannot drift apart."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_TIME = r"(\d\d):(\d\d):(\d\d)"
_MONTH = "(" + "|".join(_MONTH_NAMES) + ")"
# RFC 9110 §5.6.7: IMF-fixdate, the obsolete rfc850-date and asctime-date; (day, month, year, time)
_IMF = re.compile(rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) {_MONTH} (\d{{4}}) {_TIME} GMT")
_RFC850 = re.compile(rf"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d\d)-{_MONTH}-(\d\d) {_TIME} GMT")
_ASCTIME = re.compile(rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) {_MONTH} ([ \d]\d) {_TIME} (\d{{4}})")


def http_date(text: str) -> datetime | None:
    """The instant an HTTP-date names, or None when `text` is not a valid one (RFC 9110 §5.6.7):
    any other form, a day or time that does not exist, a year outside 1–9999. Strict, because a
    client's header must never reach a date library that overflows (a 500) or guesses."""
    text = text.strip()
    if match := _IMF.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
    elif match := _RFC850.fullmatch(text):
        day, month, short, hour, minute, second = match.groups()
        year = str(_full_year(int(short), datetime.now(UTC).year))
    elif match := _ASCTIME.fullmatch(text):
        month, day, hour, minute, second, year = match.groups()
    else:
        return None
    try:
        return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return None


def _full_year(short: int, this_year: int) -> int:
    """rfc850-date's two-digit year: the most recent one with those digits not more than 50
    years ahead of `this_year` (RFC 9110 §5.6.7)."""
    year = this_year - this_year % 100 + short
    return year - 100 if year - this_year > 50 else year


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etags: set[str], modified: datetime
) -> bool:
    """True when a 304 is the answer: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        return any(tag.strip().removeprefix("W/").strip('"') in etags for tag in if_none_match.split(","))
    if if_modified_since:
        when = http_date(if_modified_since)  # not a valid HTTP-date: ignored (RFC 9110 §13.1.3)
        return when is not None and modified <= when
    return False


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether Accept-Encoding allows gzip: named (gzip or x-gzip) with q > 0, else through `*`."""
    if not accept_encoding:
        return False
    named: list[float] = []
    star: float | None = None
    for part in accept_encoding.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if name in ("gzip", "x-gzip"):
            named.append(_quality(params))
        elif name == "*":
            star = _quality(params)
    if named:
        return max(named) > 0
    return star is not None and star > 0

"""The HTTP rules both serving layers follow (the fast path and the Flask app): conditional GET
(RFC 9110 §13) and whether a client takes gzip. Pure functions over header strings, so the two
layers cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etags: set[str], modified: datetime
) -> bool:
    """True when a 304 is the answer: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        return any(tag.strip().removeprefix("W/").strip('"') in etags for tag in if_none_match.split(","))
    if if_modified_since:
        try:
            when = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and modified <= when
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

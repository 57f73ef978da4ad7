"""The conditional-GET and gzip rules shared by the fast path and the Flask app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedpub.serve.conditional import accepts_gzip, not_modified

MODIFIED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("inm", "ims", "expected"),
    [
        ('"abc"', None, True),
        ('W/"abc"', None, True),
        ('"x", "abc"', None, True),
        ("*", None, True),
        ('"x"', None, False),
        ('"x"', "Fri, 02 Jan 2026 00:00:00 GMT", False),  # If-None-Match wins
        (None, "Fri, 02 Jan 2026 00:00:00 GMT", True),
        (None, "Thu, 01 Jan 2026 12:00:00 GMT", True),
        (None, "Thu, 01 Jan 2026 11:59:59 GMT", False),
        (None, "not a date", False),
        (None, "Sun, 06 Nov 99999999999999 08:49:37 GMT", False),  # out of range: ignored
        (None, "Sat, 01 Jan 0000 00:00:00 GMT", False),
        (None, "Fri, 31 Dec 9999 23:59:59 GMT", True),
        (None, "Fri Dec 31 23:59:59 9999", True),  # asctime-date
        (None, "Fri, 02 Jan 2026 00:00:00 +0000", False),  # not an HTTP-date (RFC 9110 §5.6.7)
        (None, "Fri, 30 Feb 2026 00:00:00 GMT", False),
        (None, None, False),
    ],
)
def test_not_modified(inm, ims, expected):
    assert not_modified(inm, ims, {"abc"}, MODIFIED) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip;q=0, deflate", False),
        ("x-gzip", True),
        ("*", True),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("deflate, br", False),
        ("identity", False),
        ("", False),
        (None, False),
    ],
)
def test_accepts_gzip(header, expected):
    assert accepts_gzip(header) is expected

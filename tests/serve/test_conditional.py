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

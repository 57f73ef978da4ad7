"""Adversarial inputs, dates: YAML, TOML and JSON timestamps, impossible and extreme dates, time zones.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest
from lxml import etree

from feedpub.model import Status, status_at

from ..adversarial import CST, HUGO, JEKYLL, assert_problem, build_ok
from ..conftest import with_site
from ..helpers import post

YAML_DATES = [
    # YAML timestamps, as the YAML 1.1 spec writes them
    (
        "2001-12-14t21:59:43.10-05:00",
        datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=timezone(-timedelta(hours=5))),
    ),
    (
        "2001-12-14 21:59:43.10 -5",
        datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=timezone(-timedelta(hours=5))),
    ),
    ("2001-12-15T02:59:43.1Z", datetime(2001, 12, 15, 2, 59, 43, 100000, tzinfo=UTC)),
    ("2001-12-15 2:59:43.10", datetime(2001, 12, 15, 2, 59, 43, 100000, tzinfo=CST)),
    ("2001-12-14 21:59:43.10 Z", datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=UTC)),
    # nanoseconds are cut to microseconds, not rounded into the next second
    ("2022-03-18T09:01:56.999999999Z", datetime(2022, 3, 18, 9, 1, 56, 999999, tzinfo=UTC)),
    ("2022-03-18 09:01:56,5 +0800", datetime(2022, 3, 18, 9, 1, 56, 500000, tzinfo=CST)),
    ("2022-03-18 9:01:56 +8", datetime(2022, 3, 18, 9, 1, 56, tzinfo=CST)),
    ("2022-03-18 09:01:56 -05", datetime(2022, 3, 18, 9, 1, 56, tzinfo=timezone(-timedelta(hours=5)))),
    (
        "2022-03-18 09:01:56 +0545",
        datetime(2022, 3, 18, 9, 1, 56, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    ),
    ("2022-03-18 09:01:56 UTC", datetime(2022, 3, 18, 9, 1, 56, tzinfo=UTC)),
    ("2022-3-8 9:01", datetime(2022, 3, 8, 9, 1, tzinfo=CST)),
    ('"  2022-03-18  "', datetime(2022, 3, 18, tzinfo=CST)),
    ("2024-02-29", datetime(2024, 2, 29, tzinfo=CST)),
    ("2024-02-29 23:59:59 +0800", datetime(2024, 2, 29, 23, 59, 59, tzinfo=CST)),
    ("0001-01-01 00:00:00 -0800", datetime(1, 1, 1, tzinfo=timezone(-timedelta(hours=8)))),
    ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("value", "expected"), YAML_DATES)
def test_yaml_date_variants(site, write_post, value, expected):
    write_post("2022-03-18-d.md", f"---\nlayout: post\ntitle: D\ndate: {value}\n---\nbody\n")
    got = post(site, "2022-03-18-d.md")
    assert got.published == expected
    assert got.published.utcoffset() == expected.utcoffset()
    assert got.updated == got.published


TOML_DATES = [
    ("2025-06-24", datetime(2025, 6, 24, tzinfo=CST)),  # TOML local date
    ("2025-06-24T09:10:04", datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),  # local date-time
    ("2025-06-24 09:10:04", datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),  # space instead of T
    (
        "2025-06-24T09:10:04.5-05:00",
        datetime(2025, 6, 24, 9, 10, 4, 500000, tzinfo=timezone(-timedelta(hours=5))),
    ),
    ("2025-06-24T01:10:04Z", datetime(2025, 6, 24, 1, 10, 4, tzinfo=UTC)),
    ('"2025-06-24T09:10:04+08:00"', datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),  # a string
    ("2024-02-29T12:00:00+08:00", datetime(2024, 2, 29, 12, tzinfo=CST)),
]


@pytest.mark.parametrize(("value", "expected"), TOML_DATES)
def test_toml_date_variants(site, write_post, value, expected):
    write_post("t.md", f'+++\ntitle = "T"\ndate = {value}\n+++\nbody\n')
    got = post(site, "t.md")
    assert got.dialect == "hugo" and got.published == expected


JSON_DATES = [
    ('"2025-06-24T09:10:04+08:00"', datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),
    ('"2025-06-24T01:10:04.123Z"', datetime(2025, 6, 24, 1, 10, 4, 123000, tzinfo=UTC)),
    ('"2025-06-24"', datetime(2025, 6, 24, tzinfo=CST)),
    ('"2022-03-18 09:01:56 +0800"', datetime(2022, 3, 18, 9, 1, 56, tzinfo=CST)),
]


@pytest.mark.parametrize(("value", "expected"), JSON_DATES)
def test_json_date_strings(site, write_post, value, expected):
    write_post("j.md", f'{{"title": "J", "date": {value}}}\nbody\n')
    got = post(site, "j.md")
    assert got.dialect == "hugo" and got.published == expected


def test_every_date_variant_in_one_site_builds_valid_feeds(site, write_post, now):
    for i, (value, _expected) in enumerate(YAML_DATES):
        write_post(f"2022-03-18-y{i}.md", f"---\nlayout: post\ntitle: Y{i}\ndate: {value}\n---\nbody\n")
    for i, (value, _expected) in enumerate(TOML_DATES):
        write_post(f"t{i}.md", f'+++\ntitle = "T{i}"\ndate = {value}\n+++\nbody\n')
    for i, (value, _expected) in enumerate(JSON_DATES):
        write_post(f"j{i}.md", f'{{"title": "J{i}", "date": {value}}}\nbody\n')
    settings = replace(site, feeds=replace(site.feeds, limit=100))
    result = build_ok(settings, now)
    assert result.problems == []
    assert len(result.posts) == len(YAML_DATES) + len(TOML_DATES) + len(JSON_DATES)


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-29",  # not a leap year
        "2024-02-30",
        "2022-13-01",
        "2022-00-10",
        "2022-03-18 24:00:00",
        "2022-03-18 09:60",
        "2022-03-18 09:01:60 +0000",  # leap second
        "2022-03-18 09:01:56 +2400",
        "2022-03-18 09:01:56 +0860",
        "2022-03-18 09:01:56 +08:00:00",
        "2022-03-18 09:01:56 PST",
        "2022-03-18T09:01:56+08:00[Asia/Shanghai]",
        "0000-01-01",
        "10000-01-01",
        "March 18, 2022",
        "2022/03/18",
        "now",
        "1647565316",  # epoch seconds: an int, not a date
        "20220318",
        "{a: 1}",
        "[2022-03-18]",
        "true",
        "3.5",
    ],
)
def test_bad_jekyll_dates_are_problems_on_their_line(site, write_post, now, value):
    write_post("2022-03-18-bad.md", f"---\nlayout: post\ntitle: Bad\ndate: {value}\n---\nbody\n")
    assert_problem(site, now, "2022-03-18-bad.md", "date", line=4)


@pytest.mark.parametrize(
    ("front", "word"),
    [
        ("date = 09:10:04", "date"),  # TOML local time: no day
        ('date = "yesterday"', "date"),
        ("date = 1750000000", "date"),
        ("date = true", "date"),
        ("date = [2025-01-01]", "date"),
        ('date = 2025-01-01\nlastmod = "soon"', "lastmod"),
        ("date = 2025-01-01\nexpiryDate = 5", "expirydate"),
        ("date = 2025-01-01\npublishDate = {a = 1}", "publishdate"),
    ],
)
def test_bad_toml_dates_are_problems(site, write_post, now, front, word):
    write_post("t.md", f'+++\ntitle = "T"\n{front}\n+++\nbody\n')
    assert_problem(site, now, "t.md", word)


@pytest.mark.parametrize(
    ("front", "word"),
    [
        ('"date": 1750000000', "date"),
        ('"date": "24/06/2025"', "date"),
        ('"date": {"y": 2025}', "date"),
        ('"date": null', "no date"),
        ('"date": ""', "no date"),
        ('"date": "2025-01-01", "lastmod": [1]', "lastmod"),
    ],
)
def test_bad_json_dates_are_problems(site, write_post, now, front, word):
    write_post("j.md", f'{{"title": "J", {front}}}\nbody\n')
    assert_problem(site, now, "j.md", word)


def test_empty_date_falls_back_to_the_file_name(site, write_post, now):
    write_post("2021-02-28-a.md", "---\nlayout: post\ntitle: A\ndate:\n---\nx\n")
    write_post("2024-02-29-b.md", '---\nlayout: post\ntitle: B\ndate: ""\n---\nx\n')
    write_post("c.md", "---\ntitle: C\ndate:\n---\nx\n")
    assert post(site, "2021-02-28-a.md").published == datetime(2021, 2, 28, tzinfo=CST)
    assert post(site, "2024-02-29-b.md").published == datetime(2024, 2, 29, tzinfo=CST)
    assert_problem(site, now, "c.md", "no date")


def test_one_digit_months_and_days_in_file_names_as_jekyll_reads_them(site, write_post, now):
    """A real Chinese blog names its posts `2024-8-21-eslint-plugin.md`: Jekyll publishes them."""
    write_post("2024-8-21-eslint-plugin.md", "---\nlayout: post\ntitle: ESLint 插件\n---\nx\n")
    write_post("2024-12-3-x.md", "---\nlayout: post\ntitle: X\n---\nx\n")
    got = post(site, "2024-8-21-eslint-plugin.md")
    assert (got.published, got.slug) == (datetime(2024, 8, 21, tzinfo=CST), "eslint-plugin")
    assert post(site, "2024-12-3-x.md").published == datetime(2024, 12, 3, tzinfo=CST)


@pytest.mark.parametrize("name", ["2023-02-29-not-leap.md", "0000-01-01-zero.md", "2022-03-18-.md"])
def test_impossible_file_name_dates_are_problems(site, write_post, now, name):
    write_post(name, "---\nlayout: post\ntitle: X\n---\nx\n")
    assert_problem(site, now, name, "date")


def test_extreme_years_build_valid_feeds(site, write_post, now):
    write_post(
        "2022-01-01-one.md", "---\nlayout: post\ntitle: Year one\ndate: 0001-01-01 00:00:00 +0000\n---\nx\n"
    )
    write_post(
        "2022-01-02-far.md", "---\nlayout: post\ntitle: Far\ndate: 9999-12-31 23:59:59 -1200\n---\nx\n"
    )
    write_post("2022-01-03-max.md", "---\nlayout: post\ntitle: Max\ndate: 9999-12-31T23:59:59Z\n---\nx\n")
    write_post("2022-01-04-epoch.md", "---\nlayout: post\ntitle: Epoch\ndate: 1970-01-01T00:00:00Z\n---\nx\n")
    write_post(
        "2022-01-05-pre.md", "---\nlayout: post\ntitle: Pre\ndate: 1969-12-31 23:59:59 +0000\n---\nx\n"
    )
    far = post(site, "2022-01-02-far.md")
    assert far.published.year == 9999 and status_at(far, now) is Status.SCHEDULED
    result = build_ok(site, now)
    titles = [e.title for e in feedparser.parse(result.files["atom.xml"]).entries]
    assert titles == ["Epoch", "Pre", "Year one"]  # newest first; the 9999 posts are scheduled


def test_old_naive_dates_in_site_zone_give_valid_offsets(site, write_post, now):
    write_post("2022-01-01-old.md", "---\nlayout: post\ntitle: Old\ndate: 1850-06-01 12:00\n---\nx\n")
    for tz in ("Asia/Shanghai", "America/New_York", "Asia/Kathmandu"):
        result = build_ok(with_site(site, timezone=tz), now)
        published = etree.fromstring(result.files["atom.xml"]).findtext(
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}published"
        )
        assert re.search(r"(Z|[+-]\d\d:\d\d)$", published), published


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-09 02:30:00",  # does not exist in New York (spring forward)
        "2025-11-02 01:30:00",  # exists twice in New York (fall back)
        "2025-03-09T02:30:00",
    ],
)
def test_dst_gaps_and_overlaps_in_site_zone(site, write_post, now, value):
    settings = with_site(site, timezone="America/New_York")
    write_post("2025-01-01-dst.md", f"---\nlayout: post\ntitle: DST\ndate: {value}\n---\nx\n")
    got = post(settings, "2025-01-01-dst.md")
    assert got.published.utcoffset() in (timedelta(hours=-4), timedelta(hours=-5))
    build_ok(settings, now)


def test_lastmod_before_date_never_makes_updated_earlier(site, write_post, now):
    write_post("h.md", HUGO + "lastmod: 2020-01-01T00:00:00Z\n---\nx\n")
    write_post("2022-03-18-j.md", JEKYLL + "last_modified_at: 1999-01-01\n---\nx\n")
    assert post(site, "h.md").updated == post(site, "h.md").published
    assert post(site, "2022-03-18-j.md").updated == post(site, "2022-03-18-j.md").published
    build_ok(site, now)


def test_feed_updated_is_newest_entry_not_the_clock(site, write_post, now):
    write_post("a.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nlastmod: 2025-05-05T05:05:05Z\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-03-01T00:00:00Z\n---\nx\n")
    first = build_ok(site, now)
    later = build_ok(site, now + timedelta(days=400))
    assert first.files["atom.xml"] == later.files["atom.xml"]
    assert first.files["rss.xml"] == later.files["rss.xml"]
    atom = etree.fromstring(first.files["atom.xml"])
    assert atom.findtext("{http://www.w3.org/2005/Atom}updated") == "2025-05-05T05:05:05+00:00"

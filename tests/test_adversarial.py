"""Adversarial inputs: what real Jekyll and Hugo sites contain, and what hostile files look like.

Every case ends in one of two places: a normalised Post with the fields a feed reader's user would
expect, or a Problem that names the file (and the key, where there is one). Whenever we build, the
build must not raise and every feed it writes must pass the validators in tests/validators.py.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from feedpub.model import Post, Problem, Scope, Status, status_at
from feedpub.publish.cold_build import BuildResult, build
from feedpub.publish.store import publish

from .conftest import with_site
from .helpers import post, problem, read_one
from .validators import check_any, check_json_feed

CST = timezone(timedelta(hours=8))
BASE = "https://news.example.org/"
FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")

# Front matter openings of each dialect; the next key is on line 4 (Hugo) or line 5 (Jekyll).
HUGO = "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n"
JEKYLL = "---\nlayout: post\ntitle: A\ndate: 2022-03-18 09:01:56 +0800\n"
DIALECTS = {"hugo": ("h.md", HUGO, 4), "jekyll": ("2022-03-18-j.md", JEKYLL, 5)}

SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "tel"}
URL_ATTRIBUTES = {"href", "src", "cite", "poster", "action", "formaction", "background", "data", "longdesc"}
FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "base",
    "meta",
    "link",
    "frame",
    "frameset",
    "applet",
    "noscript",
    "template",
}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE_IN_URLS = re.compile(r"[\x00-\x20]")


# ---- helpers -----------------------------------------------------------------------------------


def build_ok(settings, now) -> BuildResult:
    """Build, then hold every feed to every validator; also the OPML and the output paths."""
    result = build(settings, now)
    limit = settings.feeds.limit
    for key, members in result.taxonomy.scopes.items():
        for name in FEED_NAMES:
            path = key.path + name
            assert path in result.files, f"{path} missing"
            check_any(path, result.files[path], min(len(members), limit))
    etree.fromstring(result.files["opml.xml"])
    for path in result.files:
        pure = PurePosixPath(path)
        assert not pure.is_absolute() and "\\" not in path and "\x00" not in path, path
        assert all(part not in ("", ".", "..") for part in pure.parts), path
    directories = {str(parent) for path in result.files for parent in PurePosixPath(path).parents}
    assert not directories & set(result.files), "an output file is also another output's directory"
    for content in feed_html(result):
        assert unsafe_markup(content) == [], content
    return result


def feed_html(result: BuildResult) -> list[str]:
    """Every HTML content string that goes out in any feed."""
    out: list[str] = []
    for path, data in result.files.items():
        if path.endswith("atom.xml"):
            root = etree.fromstring(data)
            out += [c.text or "" for c in root.iter("{http://www.w3.org/2005/Atom}content")]
        elif path.endswith("rss.xml"):
            root = etree.fromstring(data)
            out += [c.text or "" for c in root.iter("{http://purl.org/rss/1.0/modules/content/}encoded")]
        elif path.endswith("feed.json"):
            out += [item.get("content_html", "") for item in json.loads(data)["items"]]
    return out


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_INVISIBLE_IN_URLS.sub("", value))
    return match.group(1).lower() if match else None


def unsafe_markup(fragment: str) -> list[str]:
    """Scripts, event handlers, styles and URLs of schemes a reader must never follow."""
    if not fragment.strip():
        return []
    found = []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "style":
                found.append(f"{element.tag}@{name}")
            elif name == "srcset":
                for candidate in value.split(", "):
                    bits = candidate.split()
                    scheme = _scheme(bits[0]) if bits else None
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        found.append(f"{element.tag}@srcset={value}")
            elif name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{element.tag}@{name}={value}")
    return found


def is_http_url(url: str | None) -> bool:
    if url is None:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def assert_problem(settings, now, source: str, *words: str, line: int | None = None) -> Problem:
    """`source` is a Problem naming it (and `words`); a build reports it and still succeeds."""
    found = problem(settings, source)
    assert found.source == source
    for word in words:
        assert word in found.message, found
    if line is not None:
        assert found.line == line, found
    build_reports(settings, now, source)
    return found


def build_reports(settings, now, source: str) -> None:
    """A build lists `source` among its problems, leaves it out, and still writes the site feeds."""
    result = build(settings, now)
    assert any(p.source == source for p in result.problems)
    assert all(p.source != source for p in result.posts)
    for name in FEED_NAMES:
        assert result.files[name]


def names(terms) -> list[str]:
    return [t.name for t in terms]


# ---- dates ------------------------------------------------------------------------------------


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


# ---- draft, published and other flags ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ('draft: "true"', Status.DRAFT),
        ('draft: "True"', Status.DRAFT),
        ('draft: " TRUE "', Status.DRAFT),
        ('draft: "yes"', Status.DRAFT),
        ("draft: yes", Status.DRAFT),
        ("draft: True", Status.DRAFT),
        ('draft: "false"', Status.PUBLISHED),
        ('draft: "no"', Status.PUBLISHED),
        ("draft: false", Status.PUBLISHED),
        ("draft:", Status.PUBLISHED),
        ("draft: ~", Status.PUBLISHED),
    ],
)
def test_hugo_draft_values(site, write_post, line, status):
    write_post("h.md", HUGO + line + "\n---\nx\n")
    got = post(site, "h.md")
    assert got.status is status


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ('published: "false"', Status.DRAFT),
        ('published: "no"', Status.DRAFT),
        ("published: False", Status.DRAFT),
        ("published: off", Status.DRAFT),
        ('published: "true"', Status.PUBLISHED),
        ("published: true", Status.PUBLISHED),
        ("published:", Status.PUBLISHED),
    ],
)
def test_jekyll_published_values(site, write_post, line, status):
    write_post("2022-03-18-j.md", JEKYLL + line + "\n---\nx\n")
    got = post(site, "2022-03-18-j.md")
    assert got.dialect == "jekyll" and got.status is status


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("t.md", '+++\ntitle = "T"\ndate = 2025-01-01\ndraft = "true"\ntags = ["secret"]\n+++\nx\n'),
        ("j.md", '{"title": "J", "date": "2025-01-01", "draft": "TRUE", "tags": ["secret"]}\nx\n'),
        ("y.md", "---\ntitle: Y\ndate: 2025-01-01T00:00:00Z\nDraft: yes\nTags: [secret]\n---\nx\n"),
    ],
)
def test_string_drafts_in_every_format_stay_out_of_every_feed(site, write_post, now, name, text):
    write_post(name, text)
    assert post(site, name).status is Status.DRAFT
    result = build_ok(site, now)
    assert list(result.taxonomy.scopes) == [next(iter(result.taxonomy.scopes))]  # site only, empty
    assert not any("secret" in path for path in result.files)
    assert b"<entry>" not in result.files["atom.xml"]


@pytest.mark.parametrize(
    "line",
    ["draft: maybe", "draft: 2", "draft: [true]", "draft: {a: 1}", "published: nope", "published: [false]"],
)
def test_unreadable_flags_are_problems_not_guesses(site, write_post, now, line):
    write_post("h.md", HUGO + line + "\n---\nx\n")
    assert_problem(site, now, "h.md", line.split(":")[0], line=4)


@pytest.mark.parametrize("line", ['draft: ""', 'published: ""', "published: 0", "draft: 0", "draft: 1"])
def test_odd_flags_never_publish_by_accident_nor_crash(site, write_post, now, line):
    """Either a Problem naming the key, or a post; `draft: 1` must never be published."""
    write_post("h.md", HUGO + line + "\n---\nx\n")
    result = read_one(site, "h.md")
    if isinstance(result, Problem):
        assert result.message.startswith(line.split(":")[0])
    elif line == "draft: 1":
        assert result.status is Status.DRAFT
    build_ok(site, now)


def test_hugo_expired_and_future_publish_date_stay_out(site, write_post, now):
    write_post("e.md", HUGO + "expiryDate: 2025-06-01\ntags: [gone]\n---\nx\n")
    write_post("f.md", HUGO + "publishDate: 2099-01-01T00:00:00Z\ntags: [soon]\n---\nx\n")
    write_post("ok.md", "---\ntitle: OK\ndate: 2025-02-01T00:00:00Z\ntags: [gone, soon]\n---\nx\n")
    result = build_ok(site, now)
    assert status_at(post(site, "e.md"), now) is Status.EXPIRED
    assert status_at(post(site, "f.md"), now) is Status.SCHEDULED
    for path in ("atom.xml", "tags/gone/atom.xml", "tags/soon/atom.xml"):
        assert [e.title for e in feedparser.parse(result.files[path]).entries] == ["OK"]


# ---- empty values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front",
    [
        "tags:",
        "tags: []",
        'tags: ""',
        'tags: [""]',
        'tags: ["", "  "]',
        "categories:",
        "categories: []",
        'category: ""',
        "main_topics: []",
        'tags:\n  - ""\n',
    ],
)
def test_empty_term_values_mean_no_terms(site, write_post, front):
    for name, head, _line in DIALECTS.values():
        write_post(name, head + front + "\n---\nx\n")
        got = post(site, name)
        assert got.tags == () and got.categories == (), name


def test_empty_item_in_a_tag_list_is_skipped(site, write_post):
    write_post("h.md", HUGO + "tags:\n  - AI\n  -\n  - 芯片\n---\nx\n")
    assert names(post(site, "h.md").tags) == ["AI", "芯片"]


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("h.md", '---\ntitle: ""\ndate: 2025-01-01T00:00:00Z\n---\nx\n', "h"),
        ("h.md", '---\ntitle: "   "\ndate: 2025-01-01T00:00:00Z\n---\nx\n', "h"),
        ("h.md", "---\ntitle:\ndate: 2025-01-01T00:00:00Z\n---\nx\n", "h"),
        ("2022-03-18-hello-world.md", '---\nlayout: post\ntitle: ""\n---\nx\n', "hello world"),
        ("t.md", '+++\ntitle = ""\ndate = 2025-01-01\n+++\nx\n', "t"),
        ("j.md", '{"title": "", "date": "2025-01-01"}\nx\n', "j"),
        ("my-bundle/index.md", '---\ntitle: ""\ndate: 2025-01-01T00:00:00Z\n---\nx\n', "my bundle"),
    ],
)
def test_empty_titles_fall_back_to_the_file_name(site, write_post, name, text, title):
    write_post(name, text)
    assert post(site, name).title == title


def test_other_empty_values_are_unset(site, write_post, now):
    write_post(
        "h.md",
        '---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nslug: ""\nurl: ""\nid: ""\nsummary: ""\nimage: ""\n'
        'featured_image: ""\nimages: []\nauthor: ""\nlastmod: ""\nexpiryDate: ""\npublishDate: ""\n---\nBody text.\n',
    )
    got = post(site, "h.md")
    assert (got.slug, got.url, got.id) == ("h", BASE + "posts/h/", BASE + "posts/h/")
    assert got.summary == "Body text." and got.image is None and got.author is None
    assert got.updated == got.published and got.expires is None and got.available is None
    build_ok(site, now)


def test_empty_front_matter_and_empty_body(site, write_post, now):
    write_post("2022-03-18-empty.md", "---\n---\n")
    write_post("2022-03-18-blank.md", "---\nlayout: post\n---\n\n   \n\n")
    write_post("2022-03-18-nothing.html", "---\n---")
    for name in ("2022-03-18-empty.md", "2022-03-18-blank.md", "2022-03-18-nothing.html"):
        got = post(site, name)
        assert got.content_html == "" and got.summary == "" and got.title
    result = build_ok(site, now)
    feed = check_json_feed(result.files["feed.json"])
    assert all(item.get("content_text") or item.get("content_html") for item in feed["items"])


def test_whitespace_only_url_and_id_are_unset(site, write_post, now):
    lines = ['url: "   "', 'id: "   "', 'guid: "\\t"', 'permalink: " "']
    for i, line in enumerate(lines):
        write_post(f"p{i}.md", f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\n{line}\n---\nx\n")
    assert [post(site, f"p{i}.md").id for i in range(len(lines))] == [
        f"{BASE}posts/p{i}/" for i in range(len(lines))
    ]
    build_ok(site, now)


# ---- wrong types in every field ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("title: [1]", "title"),
        ("title: {a: 1}", "title"),
        ("title: true", "title"),
        ("slug: [x]", "slug"),
        ("slug: {a: b}", "slug"),
        ("url: [x]", "url"),
        ("permalink: {a: 1}", "permalink"),
        ("id: [1]", "id"),
        ("guid: {a: 1}", "guid"),
        ("summary: [1]", "summary"),
        ("description: {a: 1}", "description"),
        ("excerpt: [x]", "excerpt"),
        ("tags: {a: 1}", "tags"),
        ("tags: true", "tags"),
        ("tags: [[a]]", "tags"),
        ("categories: {a: 1}", "categories"),
        ("category: [{a: 1}]", "category"),
        ("tag: [[x]]", "tag"),
        ("main_topics: [{a: 1}]", "main_topics"),
        ("last_modified_at: [1]", "last_modified_at"),
        ("lastmod: {a: 1}", "lastmod"),
    ],
)
def test_wrong_types_are_problems_naming_key_and_line(site, write_post, now, line, key):
    for name, head, key_line in DIALECTS.values():
        if key == "title":  # replace the head's own title instead of repeating the key
            head, key_line = head.replace("title: A\n", ""), key_line - 1
        write_post(name, head + line + "\n---\nx\n")
        found = read_one(site, name)
        assert isinstance(found, Problem), found
        assert found.source == name and found.message.lower().startswith(key.lower()), found
        assert found.line == key_line, found
        build_reports(site, now, name)


@pytest.mark.parametrize("value", ["{a: 1}", "[1]", "true", "5", "[]", "{}"])
def test_wrong_date_types_in_hugo(site, write_post, now, value):
    for name, key in (("h.md", "date"), ("k.md", "Date")):
        write_post(name, f"---\ntitle: A\n{key}: {value}\n---\nx\n")
        found = read_one(site, name)
        assert isinstance(found, Problem) and found.source == name
        assert "date" in found.message.lower()
        build_reports(site, now, name)


OPTIONAL_WRONG_TYPES = [
    "image: 5",
    "image: true",
    "image: [5]",
    "image: [[a.png]]",
    "image: {path: 5}",
    "image: {}",
    "featured_image: {path: [x]}",
    "images: [{}]",
    "images: []",
    "author: 7",
    "author: [7]",
    "author: true",
    "author: {name: 7}",
    "author: {email: a@b.c}",
    "authors: []",
    "author: {name: A, email: 7, url: [x]}",
]


@pytest.mark.parametrize("line", OPTIONAL_WRONG_TYPES)
def test_wrong_types_in_optional_fields_are_dropped_or_reported(site, write_post, line):
    """Images and authors are decoration: a wrong type loses the field or the post, never the build."""
    write_post("h.md", HUGO + line + "\n---\nx\n")
    found = read_one(site, "h.md")
    if isinstance(found, Post):
        assert found.image is None or is_http_url(found.image)
        assert found.author is None or isinstance(found.author.name, str)
        if found.author is not None:
            assert found.author.email is None and found.author.url is None
    else:
        assert found.source == "h.md" and found.message.startswith(line.split(":")[0])


def test_all_optional_wrong_types_in_one_site_build_valid_feeds(site, write_post, now):
    for i, line in enumerate(OPTIONAL_WRONG_TYPES):
        write_post(f"p{i:02d}.md", f"---\ntitle: P{i}\ndate: 2025-01-{i + 1:02d}T00:00:00Z\n{line}\n---\nx\n")
    result = build_ok(site, now)
    assert len(result.posts) + len(result.problems) == len(OPTIONAL_WRONG_TYPES)
    for item in json.loads(result.files["feed.json"])["items"]:
        assert "image" not in item
        assert item.get("authors", [{"name": "A"}]) == [{"name": "A"}]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("title: 12", "12"),
        ("title: 3.5", "3.5"),
        ("title: 2025-01-01", "2025-01-01"),
        ("title: 0x1F", "0x1F"),  # YAML 1.2 core ints are plain decimals: the author's text is kept
        ("slug: 5", "A"),
    ],
)
def test_scalar_titles_and_slugs_become_text(site, write_post, line, title):
    write_post(
        "h.md",
        "---\ndate: 2025-01-01T00:00:00Z\n" + ("title: A\n" if "slug" in line else "") + line + "\n---\nx\n",
    )
    got = post(site, "h.md")
    assert got.title == title


def test_exotic_yaml_types_are_not_python_reprs(site, write_post):
    for i, value in enumerate(["!!set {a, b}", "!!binary aGVsbG8="]):
        write_post(f"p{i}.md", f"---\ntitle: {value}\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
        found = read_one(site, f"p{i}.md")
        if isinstance(found, Post):
            assert not re.search(r"^[{\[(]|^b'", found.title), found.title
        else:
            assert found.message.startswith("title")


def test_non_string_keys_are_ignored(site, write_post, now):
    write_post(
        "h.md",
        "---\n1: one\ntrue: yes\nnull: x\n2025-01-01: d\n3.5: f\n? !!binary aGk=\n: bin\n"
        "title: Keys\ndate: 2025-01-01T00:00:00Z\ntags: [k]\n---\nx\n",
    )
    write_post("j.md", '{"1": 2, "": "empty key", "title": "J", "date": "2025-01-01"}\nx\n')
    assert post(site, "h.md").title == "Keys" and names(post(site, "h.md").tags) == ["k"]
    assert post(site, "j.md").title == "J"
    build_ok(site, now)


def test_unhashable_yaml_keys_are_a_problem(site, write_post, now):
    write_post("h.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n[1, 2]: list\n? {a: 1}\n: map\n---\nx\n")
    assert_problem(site, now, "h.md", "YAML")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("---\n- a\n- b\n---\nx\n", ("mapping",)),
        ("---\njust a string\n---\nx\n", ("mapping",)),
        ("---\n42\n---\nx\n", ("mapping",)),
        ("---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n", ("not closed",)),
        ("---\ntitle: [unclosed\ndate: 2025-01-01T00:00:00Z\n---\nx\n", ("YAML",)),
        ("---\ntitle: A\n\tdate: 2025-01-01T00:00:00Z\n---\nx\n", ("YAML",)),
        ("---\ntitle: A\n  date: x\n---\nx\n", ("YAML",)),
        ('---\ntitle: "A\x01B"\ndate: 2025-01-01T00:00:00Z\n---\nx\n', ("YAML",)),
        ("---\ntitle: !custom A\ndate: 2025-01-01T00:00:00Z\n---\nx\n", ("YAML",)),
        ("---\ntitle: *undefined\n---\nx\n", ("YAML",)),
        ("+++\ntitle = A\n+++\nx\n", ("TOML",)),
        ('+++\ntitle = "A"\ntitle = "B"\n+++\nx\n', ("TOML",)),
        ('+++\ntitle = "A"\n', ("not closed",)),
        ('{"title": "A", "date": "2025-01-01",}\nx\n', ("JSON",)),
        ('{"title": "A"\nx\n', ("JSON",)),
        ("[1, 2]\nx\n", ("no front matter",)),
        ("no front matter at all\n", ("no front matter",)),
        ("", ("no front matter",)),
        ("\n---\ntitle: A\n---\nx\n", ("no front matter",)),
    ],
)
def test_malformed_front_matter_is_a_problem(site, write_post, now, text, words):
    write_post("bad.md", text.encode("utf-8"))
    assert_problem(site, now, "bad.md", *words)


def test_yaml_cannot_run_code(site, write_post, now, tmp_path):
    marker = tmp_path / "pwned"
    write_post(
        "h.md",
        f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\ndate: 2025-01-01T00:00:00Z\n---\nx\n',
    )
    write_post(
        "i.md",
        f'---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nx: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]\n---\nx\n',
    )
    assert_problem(site, now, "h.md", "YAML")
    assert_problem(site, now, "i.md", "YAML")
    assert not marker.exists()


def test_yaml_merge_keys_and_duplicates(site, write_post, now):
    write_post(
        "h.md",
        "---\ndefaults: &d {tags: [合并], author: 李四}\n<<: *d\ntitle: A\ntitle: B\ndate: 2025-01-01T00:00:00Z\n---\nx\n",
    )
    got = post(site, "h.md")
    assert got.title == "B" and names(got.tags) == ["合并"] and got.author.name == "李四"
    build_ok(site, now)


def test_content_key_does_not_replace_the_body(site, write_post, now):
    write_post("h.md", HUGO + "content: from front matter\n---\nThe real body.\n")
    assert "The real body." in post(site, "h.md").content_html
    build_ok(site, now)


def test_norway_problem_in_hugo_tags(site, write_post):
    write_post("h.md", "---\ntitle: 北欧\ndate: 2025-01-01T09:00:00+08:00\ntags: [NO, SE, DK, FI]\n---\nx\n")
    assert names(post(site, "h.md").tags) == ["NO", "SE", "DK", "FI"]


# ---- Unicode -----------------------------------------------------------------------------------


TRICKY_TITLE = "🚀 Launch: \u202eRTL override\u202c עברית العربية e\u0301cole ＦＵＬＬ width 〈AI〉 a\u00a0b"


def test_unicode_titles_round_trip_through_every_format(site, write_post, now):
    write_post("u.md", f'---\ntitle: "{TRICKY_TITLE}"\ndate: 2025-01-01T00:00:00Z\n---\n正文 🚀\n')
    got = post(site, "u.md")
    assert got.title == " ".join(TRICKY_TITLE.split())
    result = build_ok(site, now)
    for path in ("rss.xml", "atom.xml"):
        assert feedparser.parse(result.files[path]).entries[0].title == got.title
    assert json.loads(result.files["feed.json"])["items"][0]["title"] == got.title


HOSTILE_SLUGS = [
    ("🚀-ünïcode", "🚀-ünïcode"),
    ("ＦＵＬＬ width", "FULL-width"),
    ("e\u0301cole", "école"),  # NFKC composes
    ("עברית", "עברית"),
    ("a/b?c#d%e\\f", "a-b-c-d-e-f"),
    ("../../etc/passwd", None),  # any single safe segment
    ("   spaced   out  ", "spaced-out"),
]


@pytest.mark.parametrize(("slug", "expected"), HOSTILE_SLUGS)
def test_unicode_and_hostile_slugs_stay_one_safe_segment(site, write_post, slug, expected):
    write_post("h.md", HUGO + f"slug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n")
    got = post(site, "h.md")
    assert expected is None or got.slug == expected
    assert "/" not in got.slug and not got.slug.startswith(".")
    path = urlsplit(got.url).path
    assert path.startswith("/posts/") and path.count("/") == 3 and is_http_url(got.url)


def test_hostile_slugs_in_one_site_publish_inside_feeds_dir(site, write_post, now):
    for i, (slug, _expected) in enumerate(HOSTILE_SLUGS):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nslug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n",
        )
    result = build_ok(site, now)
    assert len({p.slug for p in result.posts}) == len(HOSTILE_SLUGS)
    publish(result.files, site.feeds_dir)
    root = site.feeds_dir.resolve()
    assert all(root in p.resolve().parents for p in site.feeds_dir.rglob("*"))
    assert not (site.root / "etc").exists()


def test_tab_and_newline_in_a_slug_separate_words(site, write_post):
    write_post("h.md", HUGO + 'slug: "tab\\there\\nnewline"\n---\nx\n')
    assert post(site, "h.md").slug == "tab-here-newline"


@pytest.mark.parametrize("slug", ["...", ".", "-", "///", "?#%", "  "])
def test_slugs_of_nothing_but_separators_get_a_hash(site, write_post, slug):
    write_post("h.md", HUGO + f"slug: {json.dumps(slug, ensure_ascii=False)}\n---\nx\n")
    got = post(site, "h.md")
    assert re.fullmatch(r"[0-9a-f]{8}|h", got.slug), got.slug


ODD_FILE_NAMES = [
    "2022-03-18-中文 标题 #1?.md",
    "2022-03-18-emoji-🚀.md",
    "2022-03-18-CamelCase.MD",
    "sub dir/ü ber.markdown",
    "2022-03-18-100%-sure.html",
    "deep/nested/path/2022-03-18-x.md",
]


@pytest.mark.parametrize("name", ODD_FILE_NAMES)
def test_odd_file_names_give_safe_urls(site, write_post, name):
    write_post(name, "---\nlayout: post\ndate: 2022-03-18 09:00:00 +0800\n---\nBody.\n")
    got = post(site, name)
    assert got.source == name and is_http_url(got.url)
    assert urlsplit(got.url).path.count("/") == 3
    assert "#" not in got.url and "?" not in got.url


def test_odd_file_names_in_one_site_build_valid_feeds(site, write_post, now):
    for name in ODD_FILE_NAMES:
        write_post(name, "---\nlayout: post\ndate: 2022-03-18 09:00:00 +0800\n---\nBody.\n")
    result = build_ok(site, now)
    assert sorted(p.source for p in result.posts) == sorted(ODD_FILE_NAMES)


def test_tag_spellings_merge_and_display_the_most_used(site, write_post, now):
    spellings = [
        ["Go", "école", "ＡＩ芯片", "Ω", "straße"],
        ["go", "e\u0301cole", "AI芯片", "ω", "STRASSE"],
        ["GO", "École", "ai芯片"],
    ]
    for i, tags in enumerate(spellings):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\ntags: {json.dumps(tags, ensure_ascii=False)}\n---\nx\n",
        )
    result = build_ok(site, now)
    tag_keys = {k.key: k for k in result.taxonomy.scopes if k.scope is Scope.TAG}
    assert set(tag_keys) == {"go", "école", "ai芯片", "ω", "strasse"}
    for key, count in (("go", 3), ("école", 3), ("ai芯片", 3), ("ω", 2), ("strasse", 2)):
        assert len(result.taxonomy.scopes[tag_keys[key]]) == count
    assert tag_keys["ai芯片"].name in ("AI芯片", "ai芯片", "ＡＩ芯片")
    title = feedparser.parse(result.files["tags/" + tag_keys["ai芯片"].slug + "/atom.xml"]).feed.title
    assert title == f"Test Site · Tag: {tag_keys['ai芯片'].name}"


HOSTILE_TAGS = [
    "a/b",
    "a b",
    "a-b",
    "a\\b",
    "what?",
    "c#",
    "C++",
    "100%",
    "%2F",
    "%2e%2e",
    "..",
    ".",
    "...",
    ".hidden",
    "../etc",
    "/",
    "-",
    "?",
    "#",
    "]]>",
    "<script>",
    "x&y",
    '"quoted"',
    "🚀 launch",
    "עברית",
    "العربية",
    "CON",
    "opml.xml",
    "rss.xml",
]


def test_hostile_tag_names_get_unique_single_segment_slugs(site, write_post, now):
    write_post(
        "h.md",
        HUGO + f'tags: {json.dumps(HOSTILE_TAGS, ensure_ascii=False)}\ncategories: ["..", "a/b"]\n---\nx\n',
    )
    got = post(site, "h.md")
    assert len(got.tags) == len(HOSTILE_TAGS)
    result = build_ok(site, now)
    slugs = [k.slug for k in result.taxonomy.scopes if k.scope is Scope.TAG]
    assert len(slugs) == len(set(slugs)) == len(HOSTILE_TAGS)
    for slug in slugs:
        assert slug and "/" not in slug and "\\" not in slug and not slug.startswith(".")
        assert not set(slug) & set("?#%") and not any(c.isspace() for c in slug)
    entry = feedparser.parse(result.files["atom.xml"]).entries[0]
    assert {t.term for t in entry.tags} >= set(HOSTILE_TAGS)
    report = publish(result.files, site.feeds_dir)
    assert report.written
    root = site.feeds_dir.resolve()
    assert all(root in p.resolve().parents for p in site.feeds_dir.rglob("*"))
    assert not (site.root / "etc").exists()
    for slug in slugs:
        assert (site.feeds_dir / "tags" / slug / "atom.xml").is_file()


def test_tag_named_like_an_output_file(site, write_post, now):
    write_post("h.md", HUGO + "tags: [index.html, feed.json]\ncategories: [index.html]\n---\nx\n")
    result = build_ok(site, now)
    publish(result.files, site.feeds_dir)
    for key in result.taxonomy.scopes:
        assert (site.feeds_dir / key.path / "atom.xml").is_file()


def test_tag_that_looks_like_another_tags_slug_does_not_collide(site, write_post, now):
    write_post("a.md", HUGO + 'tags: ["a b"]\n---\nx\n')
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\ntags: [a-b]\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\ntags: [a/b]\n---\nx\n")
    result = build_ok(site, now)
    tag_feeds = {k.name: k.slug for k in result.taxonomy.scopes if k.scope is Scope.TAG}
    assert tag_feeds["a-b"] == "a-b" and len(set(tag_feeds.values())) == 3
    for name, title in (("a b", "A"), ("a-b", "B"), ("a/b", "C")):
        parsed = feedparser.parse(result.files[f"tags/{tag_feeds[name]}/atom.xml"])
        assert [e.title for e in parsed.entries] == [title]


@pytest.mark.parametrize(
    ("raw", "length"), [("x" * 300, 100), ("长" * 300, 100), ("🚀" * 150, 100), ("a " * 200, 99)]
)
def test_very_long_tags_are_bounded(site, write_post, now, raw, length):
    write_post("h.md", HUGO + f"tags: [{json.dumps(raw, ensure_ascii=False)}]\n---\nx\n")
    (tag,) = post(site, "h.md").tags
    assert len(tag.name) == length
    result = build_ok(site, now)
    (key,) = [k for k in result.taxonomy.scopes if k.scope is Scope.TAG]
    assert len(key.slug.encode("utf-8")) <= 120


def test_jekyll_string_tags_split_only_on_whitespace(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + 'tags: "ai\u3000芯片\tGPU,CUDA  c++"\ncategories: 新闻 国际\ncategory: Hong Kong\n---\nx\n',
    )
    got = post(site, "2022-03-18-j.md")
    assert names(got.tags) == ["ai", "芯片", "GPU,CUDA", "c++"]  # ideographic space splits too
    assert names(got.categories) == ["新闻", "国际", "Hong Kong"]
    build_ok(site, now)


def test_same_name_as_category_and_tag_gives_two_feeds(site, write_post, now):
    write_post("h.md", HUGO + "categories: [芯片]\ntags: [芯片, 芯片]\n---\nx\n")
    result = build_ok(site, now)
    assert "categories/芯片/atom.xml" in result.files and "tags/芯片/atom.xml" in result.files
    atom = etree.fromstring(result.files["atom.xml"])
    schemes = [c.get("scheme") for c in atom.iter("{http://www.w3.org/2005/Atom}category")]
    assert sorted(schemes) == [BASE + "categories/", BASE + "tags/"]


def test_invisible_characters_do_not_make_new_tags(site, write_post):
    write_post("a.md", HUGO + 'tags: ["AI芯片\\u200b", "\\ufeffGPU", "\\u200b", "\\u2060"]\n---\nx\n')
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\ntags: [AI芯片, GPU]\n---\nx\n")
    assert [t.key for t in post(site, "a.md").tags] == ["ai芯片", "gpu"]


# ---- XML-hostile text --------------------------------------------------------------------------


def test_cdata_end_and_markup_in_text_fields_round_trip(site, write_post, now):
    write_post(
        "h.md",
        '---\ntitle: "a ]]> b <c> & d"\ndate: 2025-01-01T00:00:00Z\nsummary: "s ]]> <i>t</i> & u"\n'
        'tags: ["x]]>y", "<tag>"]\nauthor: "O\'Brien <ob@example.org> & co"\n---\n'
        "Body ]]> <b>bold</b> & <![CDATA[x]]> end\n\n```\n]]>\n```\n",
    )
    result = build_ok(site, now)
    for path in ("rss.xml", "atom.xml"):
        entry = feedparser.parse(result.files[path]).entries[0]
        assert entry.title == "a ]]> b <c> & d"
        # RSS <description> is HTML by convention, so the plain-text summary goes out escaped
        assert (html.unescape(entry.summary) if path == "rss.xml" else entry.summary) == "s ]]> t & u"
        assert {t.term for t in entry.tags} == {"x]]>y", "<tag>"}
    item = json.loads(result.files["feed.json"])["items"][0]
    assert (
        item["title"] == "a ]]> b <c> & d" and item["authors"][0]["name"] == "O'Brien <ob@example.org> & co"
    )
    encoded = etree.fromstring(result.files["rss.xml"]).find(
        ".//{http://purl.org/rss/1.0/modules/content/}encoded"
    )
    assert "]]>" not in encoded.text and "Body ]]&gt;" in encoded.text


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_raw_xml_forbidden_characters_are_dropped(site, write_post, now, suffix):
    body = "<p>a\x01b\x08c\x0bd\x0ce\x1ff\ufffeg\uffffh\x7fi\u0085j</p>\n"
    write_post("h" + suffix, HUGO + "---\n" + body)
    got = post(site, "h" + suffix)
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", got.content_html + got.summary) is None
    assert re.sub("[^a-j]", "", got.summary) == "abcdefghij"
    build_ok(site, now)


def test_escaped_forbidden_characters_in_json_and_toml_front_matter(site, write_post, now):
    write_post(
        "j.md",
        '{"title": "A\\u0001\\ufffeB", "date": "2025-01-01", "tags": ["t\\u0001x", "\\ud800"], '
        '"summary": "s\\u000bt", "author": "W\\u0000ho"}\nbody\n',
    )
    write_post("t.md", '+++\ntitle = "C\\u0001D"\ndate = 2025-01-02\ntags = ["u\\u000bv"]\n+++\nbody\n')
    j, t = post(site, "j.md"), post(site, "t.md")
    assert (j.title, names(j.tags), j.summary, j.author.name) == ("AB", ["tx"], "st", "Who")
    assert (t.title, names(t.tags)) == ("CD", ["uv"])
    build_ok(site, now)


def test_nul_bytes_and_foreign_encodings(site, write_post, now):
    write_post("nul.md", b"---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n---\na\x00b\n")
    write_post("latin1.md", "---\ntitle: Café\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("latin-1"))
    write_post("gbk.md", "---\ntitle: 中文\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("gbk"))
    write_post("u16.md", "---\ntitle: 十六\ndate: 2025-01-01T00:00:00Z\n---\nx\n".encode("utf-16"))
    write_post("bom.md", "\ufeff---\ntitle: BOM\ndate: 2025-01-02T00:00:00Z\n---\nx\n".encode("utf-8"))
    write_post("cr.md", b"---\rtitle: CR\rdate: 2025-01-03T00:00:00Z\r---\rx\r")
    assert "NUL" in problem(site, "nul.md").message
    assert "UTF-8" in problem(site, "latin1.md").message
    assert "UTF-8" in problem(site, "gbk.md").message
    assert post(site, "u16.md").title == "十六"
    assert post(site, "bom.md").title == "BOM"
    assert post(site, "cr.md").title == "CR"
    result = build_ok(site, now)
    assert {p.source for p in result.problems} == {"nul.md", "latin1.md", "gbk.md"}


def test_character_references_to_forbidden_characters(site, write_post, now):
    references = ["&#x1;", "&#11;", "&#xFFFF;", "&#xFFFE;", "&#x1F;"]
    for i, reference in enumerate(references):
        write_post(
            f"p{i}.html", f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\n---\n<p>a {reference} b</p>\n"
        )
    result = build_ok(site, now)
    assert result.problems == []
    assert len(feedparser.parse(result.files["atom.xml"]).entries) == len(references)


# ---- HTML: scripts and other XSS vectors ----------------------------------------------------------


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x oNeRrOr=alert(1)//",
    "<svg/onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="java\tscript:alert(1)">a</a>',
    '<a href="java&#x09;script:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">a</a>',
    '<a href=" &#14;javascript:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>',
    '<details open ontoggle="alert(1)">d</details>',
    '<video poster="javascript:alert(1)" src="javascript:alert(2)"></video>',
    '<audio src="javascript:alert(1)" onplay="alert(2)"></audio>',
    '<body onload="alert(1)">b</body>',
    '<div style="background:url(javascript:alert(1))">d</div>',
    '<p style="behavior:url(x.htc)">p</p>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<table background="javascript:alert(1)"><tr><td>t</td></tr></table>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="#" onclick="alert(1)">c</a>',
    "<isindex type=image src=1 onerror=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    '<marquee onstart="alert(1)">m</marquee>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    '<a href="http://example.org/" target="_blank" rel="opener" id="x" class="evil">ok</a>',
]


@pytest.mark.parametrize("dirty", XSS)
def test_xss_vectors_are_removed_from_content(site, write_post, dirty):
    for name in ("x.html", "x.md"):
        write_post(name, HUGO + f"---\n<p>safe text</p>\n\n{dirty}\n\n<p>more text</p>\n")
        got = post(site, name)
        assert unsafe_markup(got.content_html) == []
        assert "safe text" in got.content_html and "more text" in got.content_html
        low = got.content_html.lower()
        for bad in ("javascript:", "vbscript:", "data:text", "<script", "alert(1)</"):
            assert bad not in low, got.content_html
        assert "javascript:" not in got.summary.lower() and "vbscript:" not in got.summary.lower()


def test_srcset_with_script_urls_is_cleaned(site, write_post):
    write_post(
        "h.html",
        HUGO + '---\n<img srcset="javascript:alert(1) 1x, /ok.png 2x"><picture><source srcset="vbscript:x">'
        '<img src="a.png"></picture><img srcset="data:text/html,x 1x">\n',
    )
    assert unsafe_markup(post(site, "h.html").content_html) == []


def test_cite_with_script_urls_is_cleaned(site, write_post):
    write_post(
        "h.html",
        HUGO + '---\n<blockquote cite="javascript:alert(1)">q</blockquote><q cite="vbscript:x">q</q>'
        '<del cite="javascript:x">d</del><ins cite=" javascript:x">i</ins>\n',
    )
    assert unsafe_markup(post(site, "h.html").content_html) == []


def test_all_xss_vectors_together_in_one_build(site, write_post, now):
    """Every vector above as an HTML and a Markdown post: all feeds validate, none holds a script URL."""
    for i, dirty in enumerate(XSS):
        for suffix in (".html", ".md"):
            write_post(
                f"x{i:02d}{suffix}",
                f"---\ntitle: X{i}\ndate: 2025-01-{i % 28 + 1:02d}T00:00:00Z\n---\n{dirty}\n\n<p>tail</p>\n",
            )
    settings = replace(site, feeds=replace(site.feeds, limit=100))
    result = build_ok(settings, now)
    assert result.problems == []
    assert len(json.loads(result.files["feed.json"])["items"]) == 2 * len(XSS)
    for path in FEED_NAMES:
        data = result.files[path].lower()
        assert b"javascript:" not in data and b"vbscript:" not in data


def test_hidden_elements_and_comments_do_not_reach_summaries(site, write_post, now):
    write_post(
        "2022-03-18-j.html",
        JEKYLL + "---\n"
        '<p style="display:none">HIDDEN1</p><div hidden>HIDDEN2</div>'
        '<span style="visibility: hidden">HIDDEN3</span><!-- HIDDEN4 --><p>Visible first.</p><p>Second.</p>\n',
    )
    got = post(site, "2022-03-18-j.html")
    assert got.summary == "Visible first."
    assert "HIDDEN" not in got.content_html
    build_ok(site, now)


def test_broken_and_misnested_html_comes_out_well_formed(site, write_post, now):
    write_post(
        "h.html",
        HUGO + "---\n<p>unclosed <b>bold <i>it <div>div</p></span></table><td>cell<li>item"
        '<img src="a.png"<br><a href="x">no close <p title="x>y">attr</p></ul></ol><tr>\n',
    )
    got = post(site, "h.html")
    lxml.html.fragments_fromstring(got.content_html)
    result = build_ok(site, now)
    assert len(feedparser.parse(result.files["rss.xml"]).entries) == 1


def test_deeply_nested_html_is_bounded_and_fast(site, write_post, now):
    write_post("h.md", HUGO + "---\n" + "<div><span>" * 5000 + "deep" + "</span></div>" * 5000 + "\n")
    write_post(
        "l.md",
        "---\ntitle: L\ndate: 2025-01-02T00:00:00Z\n---\n" + "".join("  " * i + "- x\n" for i in range(300)),
    )
    started = time.monotonic()
    assert "deep" in post(site, "h.md").content_html
    build_ok(site, now)
    assert time.monotonic() - started < 5


# ---- Markdown ----------------------------------------------------------------------------------


MARKDOWN = """\
Intro with a note[^1], a [reference link][ref], a [second][Ref] and `inline <code>`.

| Col A | Col B |
|:------|------:|
| 1     | **2** |

<span style="color:red" class="x" onclick="evil()">raw span</span> and <kbd>Ctrl</kbd>.

[rel](rel/x) [up](../up/) [root](/root) [proto](//cdn.example.com/y) [frag](#sec)
[query](?page=2) [mail](mailto:a@example.org) [abs](https://other.example/z) [empty]()
<https://auto.example/link> ![img](pic.png "T") ![root img](/img/a%20b.png)

[^1]: The footnote text.

[ref]: /reference/target "Title"
"""


def test_markdown_features_and_every_kind_of_link(site, write_post, now):
    write_post("md-post.md", HUGO + "---\n" + MARKDOWN)
    got = post(site, "md-post.md")
    content = got.content_html
    own = BASE + "posts/md-post/"
    for expected in (
        f'href="{own}#fn1"',  # footnote reference, against the post's own URL
        'class="footnotes"',
        "The footnote text.",
        f'href="{BASE}reference/target"',
        "<table>",
        "<strong>2</strong>",
        "<span>raw span</span>",
        "<kbd>Ctrl</kbd>",
        "<code>inline &lt;code&gt;</code>",
        f'href="{own}rel/x"',
        f'href="{BASE}posts/up/"',
        f'href="{BASE}root"',
        'href="https://cdn.example.com/y"',
        f'href="{own}#sec"',
        f'href="{own}?page=2"',
        'href="mailto:a@example.org"',
        'href="https://other.example/z"',
        'href="https://auto.example/link"',
        f'src="{own}pic.png"',
        f'src="{BASE}img/a%20b.png"',
    ):
        assert expected in content, expected
    assert content.count(f'href="{BASE}reference/target"') == 2  # reference labels are case-insensitive
    assert "[^1]" not in content and "[ref]:" not in content
    assert unsafe_markup(content) == []
    # Hugo's automatic summary: no footnote markers, no raw markup
    assert got.summary.startswith("Intro with a note, a reference link, a second and inline <code>.")
    result = build_ok(site, now)
    atom_content = etree.fromstring(result.files["atom.xml"]).find(".//{http://www.w3.org/2005/Atom}content")
    assert atom_content.get("{http://www.w3.org/XML/1998/namespace}base") == own


def test_jekyll_first_paragraph_skips_footnotes_tables_and_images(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + "---\n[^1]: A footnote first.\n\n![only](a.png)\n\n| a |\n|---|\n| 1 |\n\n"
        "<script>var p = '<p>not this</p>';</script>\n\nReal first[^1] paragraph.\n\nSecond.\n",
    )
    assert post(site, "2022-03-18-j.md").summary == "Real first paragraph."
    build_ok(site, now)


def test_links_resolve_against_a_custom_permalink(site, write_post, now):
    write_post(
        "2022-03-18-j.md",
        JEKYLL + "permalink: /blog/:year/:title.html\n---\n[img](img.png) [frag](#x) [up](../other.html)\n",
    )
    got = post(site, "2022-03-18-j.md")
    assert got.url == BASE + "blog/2022/j.html"
    assert f'href="{BASE}blog/2022/img.png"' in got.content_html
    assert f'href="{BASE}blog/2022/j.html#x"' in got.content_html
    assert f'href="{BASE}blog/other.html"' in got.content_html
    build_ok(site, now)


def test_page_bundle_resources_resolve_into_the_bundle(site, write_post, now):
    write_post(
        "bundle/index.md",
        "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nfeatured_image: cover.jpg\n---\n![x](images/a.png)\n"
        '<img srcset="s.png 1x, /l.png 2x" src="s.png">\n',
    )
    got = post(site, "bundle/index.md")
    own = BASE + "posts/bundle/"
    assert got.image == own + "cover.jpg"
    assert f'src="{own}images/a.png"' in got.content_html
    assert f'srcset="{own}s.png 1x, {BASE}l.png 2x"' in got.content_html
    result = build_ok(site, now)
    atom = etree.fromstring(result.files["atom.xml"])
    assert atom.find(".//{http://search.yahoo.com/mrss/}thumbnail").get("url") == own + "cover.jpg"


def test_srcset_urls_with_commas_survive(site, write_post):
    url1 = "https://res.cloudinary.com/demo/image/upload/w_300,h_200,c_fill/sample.jpg"
    url2 = "https://res.cloudinary.com/demo/image/upload/w_600,h_400,c_fill/sample.jpg"
    write_post("h.html", HUGO + f'---\n<img src="{url1}" srcset="{url1} 300w, {url2} 600w">\n')
    assert f'srcset="{url1} 300w, {url2} 600w"' in post(site, "h.html").content_html


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (
            "http://例子.测试/路径?q=值#片",
            "http://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84?q=%E5%80%BC#%E7%89%87",
        ),
        ("/a b/c d.png", BASE + "a%20b/c%20d.png"),
        ("HTTPS://Example.ORG/X", "https://Example.ORG/X"),
        ("../../../../../../etc/passwd", BASE + "etc/passwd"),
    ],
)
def test_links_are_encoded_and_never_leave_the_site_root_by_dots(site, write_post, href, expected):
    write_post("h.md", HUGO + f'---\n<a href="{href}">x</a>\n')
    got = post(site, "h.md")
    (found,) = re.findall(r'href="([^"]*)"', got.content_html)
    assert found.lower() == expected.lower()


def test_unparseable_link_urls_are_dropped_not_fatal(site, write_post, now):
    write_post(
        "h.html",
        HUGO
        + '---\n<a href="http://[::1">v6</a><a href="http://exa mple.com/ x">sp</a><img src="http://[bad">\n',
    )
    got = post(site, "h.html")
    assert "v6" in got.content_html and "sp" in got.content_html
    build_ok(site, now)


def test_more_marker_variants(site, write_post, now):
    write_post("a.md", HUGO + "---\nBefore more.\n<!--more-->\nAfter.\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\n---\nA <!-- MORE --> B\n")
    write_post(
        "c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\n---\n**Bold** intro.<!--more-->\n\nRest.\n"
    )
    assert post(site, "a.md").summary == "Before more."
    assert post(site, "b.md").summary == "A"
    assert post(site, "c.md").summary == "Bold intro."
    assert "<!--" not in post(site, "a.md").content_html
    build_ok(site, now)


def test_more_marker_inside_code_is_content(site, write_post):
    write_post("h.md", HUGO + "---\nIntro.\n\n```html\nput <!--more--> here\n```\n\nLater text.\n")
    summary = post(site, "h.md").summary
    assert summary != "Intro. put" and "Later text." in summary


def test_more_marker_summary_keeps_footnotes_and_reference_links(site, write_post):
    write_post(
        "h.md",
        HUGO
        + "---\n**Bold** intro[^1] with [a link][ref].<!--more-->\n\nRest.\n\n[^1]: A note.\n\n[ref]: /x\n",
    )
    assert post(site, "h.md").summary == "Bold intro with a link."


def test_rss_description_shows_summary_text_not_markup(site, write_post, now):
    write_post("h.md", HUGO + "---\nUse `<img src=x onerror=alert(1)>` and `<b>bold</b>` & `&amp;`.\n")
    got = post(site, "h.md")
    assert got.summary == "Use <img src=x onerror=alert(1)> and <b>bold</b> & &amp;."
    result = build_ok(site, now)
    entry = feedparser.parse(result.files["rss.xml"]).entries[0]
    assert "<img" not in entry.summary and "<b>" not in entry.summary
    assert html.unescape(entry.summary) == got.summary


def test_long_summaries_are_cut_at_sentences_and_bounded(site, write_post, now):
    write_post("a.md", HUGO + "---\n" + "这是一个没有标点的很长很长的中文句子" * 40 + "\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\n---\n" + "word " * 400 + "\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\n---\n" + "第一句。" * 100 + "\n")
    write_post("d.md", '---\ntitle: D\ndate: 2025-01-04T00:00:00Z\nsummary: "' + "S" * 5000 + '"\n---\nx\n')
    for name in ("a.md", "b.md", "c.md"):
        summary = post(site, name).summary
        assert 100 <= len(summary) <= 201, (name, len(summary))
    assert post(site, "a.md").summary.endswith("…")
    assert post(site, "b.md").summary.endswith("word…")
    assert post(site, "c.md").summary.endswith("。")
    assert len(post(site, "d.md").summary) <= 801
    build_ok(site, now)


# ---- URLs, permalinks, ids, images, authors ----------------------------------------------------


@pytest.mark.parametrize(
    ("front", "url"),
    [
        ("url: /2025/06/a/", BASE + "2025/06/a/"),
        ("url: 2025/a", BASE + "2025/a"),
        ("url: /a b/ü/", BASE + "a%20b/%C3%BC/"),
        ("url: /x/#frag", BASE + "x/#frag"),
        ("url: 5", BASE + "5"),
        ("permalink: /:year/:month/:day/:title/", BASE + "2025/01/01/h/"),
        ("permalink: /:slug/:i_month/:i_day/", BASE + "h/1/1/"),
        ("permalink: /:categories/:title/\ncategories: [新闻, a b]", BASE + "%E6%96%B0%E9%97%BB/a%20b/h/"),
    ],
)
def test_url_and_permalink_forms(site, write_post, now, front, url):
    write_post("h.md", HUGO + front + "\n---\nx\n")
    got = post(site, "h.md")
    assert got.url == url and got.id == url
    build_ok(site, now)


def test_absolute_urls_of_migrated_posts_are_kept(site, write_post):
    cases = [
        ("url: https://news.example.org/2025/x/", BASE + "2025/x/"),
        ("permalink: https://news.example.org/:year/:title/", BASE + "2025/p1/"),
        ("url: //news.example.org/2025/y/", BASE + "2025/y/"),
    ]
    for i, (front, _url) in enumerate(cases):
        write_post(f"p{i}.md", HUGO + front + "\n---\nx\n")
    assert [post(site, f"p{i}.md").url for i in range(len(cases))] == [url for _front, url in cases]


def test_jekyll_output_ext_placeholder(site, write_post):
    write_post("2022-03-18-j.md", JEKYLL + "permalink: /:year/:month/:day/:title:output_ext\n---\nx\n")
    assert post(site, "2022-03-18-j.md").url == BASE + "2022/03/18/j.html"


def test_post_url_must_be_http(site, write_post, now):
    values = ["javascript:alert(1)", "mailto:desk@example.org", "data:text/html,x", "ftp://x.example/a"]
    for i, value in enumerate(values):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nurl: {json.dumps(value)}\n---\nx\n",
        )
        found = read_one(site, f"p{i}.md")
        assert isinstance(found, Problem) or is_http_url(found.url), found
    build_ok(site, now)


def test_post_url_equal_to_site_root(site, write_post, now):
    write_post("h.md", HUGO + "url: /\n---\nx\n")
    build_ok(site, now)


def test_id_forms(site, write_post, now):
    write_post("a.md", HUGO + "id: tag:example.org,2005:post-1\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nguid: 12345\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nid: a b/c ü\n---\nx\n")
    write_post("d.md", "---\ntitle: D\ndate: 2025-01-04T00:00:00Z\nid: 0\n---\nx\n")
    assert post(site, "a.md").id == "tag:example.org,2005:post-1"
    assert post(site, "b.md").id == "urn:feedpub:12345"
    assert post(site, "c.md").id == "urn:feedpub:a%20b%2Fc%20%C3%BC"
    assert post(site, "d.md").id == "urn:feedpub:0"
    result = build_ok(site, now)
    rss = etree.fromstring(result.files["rss.xml"])
    assert {g.get("isPermaLink") for g in rss.iter("guid")} == {"false"}


def test_id_that_differs_only_in_case_is_a_different_entry(site, write_post, now):
    write_post("a.md", HUGO + "id: urn:x:ABC\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nid: urn:x:abc\n---\nx\n")
    write_post("c.md", "---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nid: urn:x:ABC\n---\nx\n")
    assert {p.source for p in build_ok(site, now).posts} == {"a.md", "b.md"}
    assert "same id" in problem(site, "c.md").message


def test_two_posts_claiming_one_url(site, write_post, now):
    write_post("a.md", HUGO + "url: /same/\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\npermalink: /same/\n---\nx\n")
    write_post("Same.md", "---\ntitle: S1\ndate: 2025-01-03T00:00:00Z\n---\nx\n")
    write_post("x/same.md", "---\ntitle: S2\ndate: 2025-01-04T00:00:00Z\n---\nx\n")
    result = build_ok(site, now)
    assert "same id" in problem(site, "b.md").message
    urls = [p.url for p in result.posts]
    assert len(urls) == len({u.casefold() for u in urls}) == 3


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("image: /img/a.png", BASE + "img/a.png"),
        ("image: https://cdn.example.org/a b.png", "https://cdn.example.org/a%20b.png"),
        ("image: {path: 封面.png}", BASE + "posts/h/%E5%B0%81%E9%9D%A2.png"),
        ("featured_image: //cdn.example.org/c.jpg\nimage: /ignored.png", "https://cdn.example.org/c.jpg"),
        ("cover: {image: /cover.png}", BASE + "cover.png"),
    ],
)
def test_image_forms(site, write_post, now, front, expected):
    write_post("h.md", HUGO + front + "\n---\nx\n")
    assert post(site, "h.md").image == expected
    result = build_ok(site, now)
    if expected:
        item = json.loads(result.files["feed.json"])["items"][0]
        assert item["image"] == expected


def test_image_must_be_an_http_url(site, write_post, now):
    values = ["javascript:alert(1)", "data:image/png;base64,AAAA", "http://[::1", "vbscript:x"]
    for i, value in enumerate(values):
        write_post(
            f"p{i}.md",
            f"---\ntitle: P{i}\ndate: 2025-01-0{i + 1}T00:00:00Z\nimage: {json.dumps(value)}\n---\nx\n",
        )
        found = read_one(site, f"p{i}.md")
        assert isinstance(found, Problem) or found.image is None or is_http_url(found.image), found
    build_ok(site, now)


def test_author_url_is_absolute_http_or_dropped(site, write_post):
    for i, url in enumerate(["javascript:alert(1)", "/about/", "data:text/html,x"]):
        write_post(f"p{i}.md", HUGO + f"author: {{name: Ann, url: {json.dumps(url)}}}\n---\nx\n")
        got = post(site, f"p{i}.md")
        assert got.author.name == "Ann"
        assert got.author.url is None or is_http_url(got.author.url), got.author


def test_author_forms(site, write_post, now):
    write_post("a.md", HUGO + 'author: "  王  五  "\n---\nx\n')
    write_post(
        "b.md",
        "---\ntitle: B\ndate: 2025-01-02T00:00:00Z\nauthors: [{name: Li, email: li@example.org}, Zhang]\n---\nx\n",
    )
    write_post(
        "c.md",
        '---\ntitle: C\ndate: 2025-01-03T00:00:00Z\nauthor: {name: "<b>Bold</b> & co", url: https://a.example/}\n---\nx\n',
    )
    assert post(site, "a.md").author.name == "王 五"
    assert (post(site, "b.md").author.name, post(site, "b.md").author.email) == ("Li", "li@example.org")
    assert post(site, "c.md").author.name == "<b>Bold</b> & co"
    result = build_ok(site, now)
    creators = [
        c.text
        for c in etree.fromstring(result.files["rss.xml"]).iter("{http://purl.org/dc/elements/1.1/}creator")
    ]
    assert creators == ["<b>Bold</b> & co", "Li", "王 五"]


# ---- whole-site builds ------------------------------------------------------------------------


def _hostile_site(write_post) -> None:
    write_post("2022-03-18-jekyll.md", JEKYLL + "categories: news world\ntags: AI芯片 ]]>\n---\nJ ]]> body\n")
    write_post(
        "hugo.md", HUGO + "tags: [ai芯片, 🚀, a/b]\nmain_topics: [算力与芯片]\n---\nH body[^1]\n\n[^1]: n\n"
    )
    write_post(
        "toml.md", '+++\ntitle = "T"\ndate = 2025-02-01T08:00:00\ntags = ["ＡＩ芯片", ".."]\n+++\nT body\n'
    )
    write_post("json.md", '{"title": "J\\u0001", "date": "2025-03-01", "tags": ["C#"]}\nJSON body\n')
    write_post(
        "page.html", "---\ntitle: P\ndate: 2025-04-01T00:00:00Z\n---\n<p onclick=x>P</p><script>x</script>\n"
    )
    write_post(
        "draft.md", "---\ntitle: Draft\ndate: 2025-01-01T00:00:00Z\ndraft: 'true'\ntags: [secret]\n---\nx\n"
    )
    write_post("broken.md", "---\ntitle: [\n---\nx\n")
    write_post("typed.md", "---\ntitle: A\ndate: {a: 1}\n---\nx\n")
    write_post("nul.md", b"---\ntitle: N\x00\n---\n")
    write_post("2099-01-01-future.md", "---\nlayout: post\ntitle: Future\ntags: [later]\n---\nx\n")


def test_a_site_of_hostile_posts_builds_valid_deterministic_feeds(site, write_post, now):
    _hostile_site(write_post)
    first = build_ok(site, now)
    second = build_ok(site, now + timedelta(hours=1))
    assert first.files == second.files
    assert {p.source for p in first.problems} == {"broken.md", "typed.md", "nul.md"}
    assert {p.source for p in first.posts} >= {"hugo.md", "toml.md", "json.md", "page.html", "draft.md"}
    assert not any("secret" in p or "later" in p for p in first.files)
    tag = "tags/" + next(k.slug for k in first.taxonomy.scopes if k.key == "ai芯片") + "/atom.xml"
    assert len(feedparser.parse(first.files[tag]).entries) == 3
    publish(first.files, site.feeds_dir)
    assert publish(second.files, site.feeds_dir).written == []


def test_hostile_posts_beside_the_samples(sample_site, now):
    before = build(sample_site, now)  # test_feeds validates the samples themselves
    posts_dir = sample_site.posts_dir
    (posts_dir / "zz-hostile.md").write_text(
        HUGO + "tags: [AI芯片, '..', '<x>']\n---\n<script>x</script>ok\n", encoding="utf-8"
    )
    (posts_dir / "zz-broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    after = build_ok(sample_site, now)
    assert len(after.posts) == len(before.posts) + 1
    assert len(after.problems) == len(before.problems) + 1
    site_key = next(iter(after.taxonomy.scopes))
    assert len(after.taxonomy.scopes[site_key]) == len(before.taxonomy.scopes[site_key]) + 1
    ai = next(k for k in after.taxonomy.scopes if k.scope is Scope.TAG and k.key == "ai芯片")
    parsed = feedparser.parse(after.files[ai.path + "atom.xml"])
    assert "A" in [e.title for e in parsed.entries]


def test_many_posts_with_identical_dates_order_stably(site, write_post, now):
    for i in range(30):
        write_post(f"p{i:02d}.md", f"---\ntitle: P{i}\ndate: 2025-01-01T00:00:00Z\ntags: [same]\n---\nx\n")
    first = build_ok(site, now)
    ids = [e.id for e in feedparser.parse(first.files["atom.xml"]).entries]
    assert len(ids) == 20 and ids == sorted(ids)
    assert build(site, now).files == first.files

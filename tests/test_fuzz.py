"""Fuzzing with hypothesis: arbitrary bytes, front matter of every format with wrong types everywhere,
and hostile Markdown/HTML bodies go through scan → normalise → content → render; the only outcomes
are a Post or a Problem naming the file, and every feed passes the main suite's validators.

The checks live in tests/fuzz/fuzz_post.py, which `make fuzz` also runs under atheris
(coverage-guided, for FUZZ_SECONDS); here hypothesis drives the same target, derandomised and
small, so `make test` needs no atheris and always runs the same examples.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.config import settings_from_mapping
from feedpub.model import Post, Problem
from feedpub.publish.cold_build import build

from .fuzz import fuzz_post
from .fuzz.fuzz_post import (
    CONFIG,
    DATES,
    KEYS,
    NOW,
    PIECES,
    STRINGS,
    UNEXPECTED,
    check_outputs,
    check_post_file,
    serialise,
)

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("FEEDPUB_FUZZ_EXAMPLES", "40")),  # `make soak`: 2000
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

scalars = st.one_of(
    st.sampled_from(STRINGS),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)
texts = st.sampled_from(STRINGS) | st.text(max_size=20)
# Mostly right, so the post is read and rendered: good types, hostile text, one key maybe wrong.
plausible = st.fixed_dictionaries(
    {"title": texts, "date": st.sampled_from(DATES)},
    optional={
        "tags": st.lists(texts, max_size=5) | texts,
        "categories": st.lists(texts, max_size=3) | texts,
        "summary": texts,
        "description": texts,
        "image": texts,
        "images": st.lists(texts, max_size=2),
        "draft": st.booleans() | texts,
        "url": texts,
        "slug": texts,
        "id": texts,
        "lastmod": st.sampled_from(DATES) | texts,
        "author": texts | st.fixed_dictionaries({"name": texts}, optional={"url": texts, "email": texts}),
        "excerpt_separator": texts,
        "layout": st.just("post"),
    },
).flatmap(
    lambda meta: st.dictionaries(st.sampled_from(KEYS), values, max_size=1).map(
        lambda wrong: {**meta, **wrong}
    )
)
bodies = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40).map("".join)
names = st.tuples(
    st.sampled_from(["post", "2022-03-18-jekyll", "index", "2021-12-31-z", "页面"]),
    st.sampled_from([".md", ".html", ".markdown"]),
).map("".join)


def outcome(item: Post | Problem | None) -> None:
    assert isinstance(item, Post | Problem)
    if isinstance(item, Problem):
        assert not item.message.startswith(UNEXPECTED), item


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_through_the_fuzz_target(data):
    fuzz_post.TestOneInput(data)


@FUZZ
@given(names, st.binary(max_size=2000))
def test_arbitrary_bytes_as_a_post_file(tmp_path, name, data):
    result = check_post_file(name, data, tmp_path)
    outcome(result)


@FUZZ
@given(names, st.sampled_from(["yaml", "toml", "json"]), front_matter, bodies)
def test_front_matter_of_any_shape_with_any_body(tmp_path, name, fmt, metadata, body):
    outcome(
        check_post_file(name, (serialise(metadata, fmt) + body).encode("utf-8", "surrogatepass"), tmp_path)
    )


@FUZZ
@given(names, st.sampled_from(["yaml", "toml", "json"]), plausible, bodies)
def test_plausible_posts_with_hostile_text(tmp_path, name, fmt, metadata, body):
    outcome(
        check_post_file(name, (serialise(metadata, fmt) + body).encode("utf-8", "surrogatepass"), tmp_path)
    )


@settings(FUZZ, max_examples=6)
@given(names, st.sampled_from(["yaml", "toml", "json"]), bodies)
def test_wrong_types_in_every_known_key(tmp_path, name, fmt, body):
    """`tags: {a: 1}`, `date: [1]`, `title: 12` and their kin, each key at once."""
    wrong = [{"a": 1}, [1], 12, 1.5, True, None, [[]], {"path": [1]}, [{"name": 1}], "", dt.date(2025, 1, 1)]
    for index, bad in enumerate(wrong):
        metadata = {key: bad for key in KEYS}
        if index % 2:
            metadata["date"] = "2025-01-01T00:00:00Z"
        outcome(
            check_post_file(
                name, (serialise(metadata, fmt) + body).encode("utf-8", "surrogatepass"), tmp_path
            )
        )


@settings(FUZZ, max_examples=2)
@given(
    st.lists(
        st.tuples(names, st.sampled_from(["yaml", "toml", "json"]), plausible, bodies),
        min_size=12,
        max_size=20,
    )
)
def test_a_whole_site_of_fuzzed_posts_builds_valid_feeds(tmp_path_factory, posts):
    """Many fuzzed posts in one site, so terms, slugs and ids collide: the real build over files on
    disk, every feed file validated with its expected entry count."""
    root = tmp_path_factory.mktemp("fuzz-site")
    (root / "posts").mkdir()
    for index, (name, fmt, metadata, body) in enumerate(posts):
        metadata = {**metadata, "date": metadata.get("date", f"2025-01-{index % 28 + 1:02d}")}
        (root / "posts" / f"{index:02d}-{name}").write_bytes(
            (serialise(metadata, fmt) + body).encode("utf-8", "surrogatepass")
        )
    site = settings_from_mapping(CONFIG, root=root)
    site = replace(site, feeds=replace(site.feeds, limit=5))
    result = build(site, NOW)
    assert len(result.posts) + len(result.problems) >= len(posts)
    assert {o.source for o in [*result.posts, *result.problems]} >= {
        f"{i:02d}-{n}" for i, (n, *_r) in enumerate(posts)
    }
    for problem in result.problems:
        assert not problem.message.startswith(UNEXPECTED), problem
    check_outputs(result, site.feeds.limit)
    assert json.loads(result.files["feed.json"])["items"] is not None


# ---- what fuzzing found ------------------------------------------------------------------------------


def test_unclosed_backtick_in_link_text_is_rendered_not_a_crash(tmp_path):
    """markdown-it.rs 0.6 panics (a BaseException, which the scan's `except Exception` missed, so the
    whole build died) on "[" followed by an unclosed backtick run; found by atheris."""
    body = "Use [`foo to start.\n\nThen [a `b and [`] and ``x [`.\n\nStill `code` and [`ok`](/x).\n"
    post = check_post_file(
        "p.md", (serialise({"title": "T", "date": "2025-01-01"}, "yaml") + body).encode(), tmp_path
    )
    assert isinstance(post, Post), post
    assert "Use [`foo to start." in post.content_html and "<code>code</code>" in post.content_html
    assert '<a href="https://news.example.org/x"><code>ok</code></a>' in post.content_html


def test_year_one_in_an_old_local_zone_builds_valid_feeds(tmp_path):
    """0001-01-01 at +08:05:43 (Shanghai's local mean time) is year 0 in UTC, where the feeds write
    such offsets: OverflowError stopped the whole build; found by hypothesis. Now the offset is
    cut to whole minutes instead."""
    for name, text in (
        ("p.md", "---\ntitle: T\ndate: 0001-01-01\n---\nx\n"),
        ("0001-01-01-old.md", "---\ntitle: T\n---\nx\n"),
        ("q.md", "---\ntitle: T\ndate: 0001-01-01 00:00:00\nlastmod: 0001-01-01 00:00:30\n---\nx\n"),
    ):
        post = check_post_file(name, text.encode(), tmp_path)  # every feed validated in there
        assert isinstance(post, Post) and post.published.year == 1, post

"""Adversarial inputs, draft, published and other flags: what keeps a post out of the feeds.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import feedparser
import pytest

from feedpub.model import Problem, Status, status_at

from ..adversarial import HUGO, JEKYLL, assert_problem, build_ok
from ..helpers import post, read_one


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

"""Adversarial inputs, wrong types in every field, non-string keys, malformed front matter, hostile YAML.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import json
import re

import pytest

from feedpub.model import Post, Problem

from ..adversarial import DIALECTS, HUGO, assert_problem, build_ok, build_reports, is_http_url, names
from ..helpers import post, read_one


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

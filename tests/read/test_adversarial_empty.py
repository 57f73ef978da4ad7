"""Adversarial inputs, empty values: empty terms, titles, URLs, front matter and bodies.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

import pytest

from ..adversarial import BASE, DIALECTS, HUGO, build_ok, names
from ..helpers import post
from ..validators import check_json_feed


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

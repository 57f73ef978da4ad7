"""Front matter in three formats, encodings, line endings, and hostile YAML."""

from __future__ import annotations

import codecs
import time

import pytest

from feedpub.errors import PostError
from feedpub.read.decode import decode
from feedpub.read.front_matter import split

from ..helpers import post, problem


def test_yaml_toml_json():
    assert split("---\ntitle: a\n---\nbody").metadata == {"title": "a"}
    assert split('+++\ntitle = "a"\n+++\nbody').metadata == {"title": "a"}
    fm = split('{"title": "a"}\nbody\n')
    assert fm.format == "json" and fm.metadata == {"title": "a"} and fm.body == "body\n"


def test_body_line_numbers():
    fm = split("---\na: 1\nb: 2\n---\nbody\n")
    assert fm.body == "body\n" and fm.body_line == 5


def test_content_key_is_just_a_key():
    # python-frontmatter's loads() raises TypeError here (DESIGN.md §9)
    assert split("---\ncontent: x\ntitle: t\n---\nbody").metadata["content"] == "x"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: [unclosed\n---\nbody", 3),  # where YAML noticed
        ("---\ntitle: a\n  bad: indent\n---\n", 3),
        ("---\ntitle: a\n", 1),  # never closed
        ("+++\ntitle = \n+++\n", 2),
        ('{"title": }\n', 1),
        ("---\n- a list\n---\n", 2),
        ("no front matter at all\n", 1),
    ],
)
def test_malformed_front_matter_is_an_error_with_a_line(text, line):
    with pytest.raises(PostError) as caught:
        split(text)
    assert caught.value.line == line


def test_yaml_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    start = time.perf_counter()
    with pytest.raises(PostError, match="expands"):
        split("---\n" + "\n".join(lines) + "\n---\nbody")
    assert time.perf_counter() - start < 2


def test_small_aliases_are_fine():
    fm = split("---\nbase: &b [x]\ntags: *b\n---\n")
    assert fm.metadata["tags"] == ["x"]


def test_deep_nesting_is_read_or_refused_never_a_crash(site, write_post):
    write_post("deep.md", "---\ntitle: D\ndate: 2025-01-01\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\nx\n")
    found = problem(site, "deep.md")
    # libyaml may refuse the nesting itself (PyYAML >= 6.0.4) or our own depth check does: either
    # way a problem about nesting, on the line of the nested key, not a crash
    assert "nest" in found.message.lower() and found.line == 4


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "---\ntitle: 标题\n---\n正文".encode(),
        "---\r\ntitle: 标题\r\n---\r\n正文".encode(),
        codecs.BOM_UTF16_LE + "---\ntitle: 标题\n---\n正文".encode("utf-16-le"),
        "---\rtitle: 标题\r---\r正文".encode(),
    ],
)
def test_encodings_and_line_endings(data):
    fm = split(decode(data))
    assert fm.metadata == {"title": "标题"} and fm.body == "正文"


def test_non_utf8_bytes_are_a_problem(site, write_post):
    write_post("gbk.md", "---\ntitle: 标题\ndate: 2025-01-01\n---\n正文\n".encode("gbk"))
    assert "UTF-8" in problem(site, "gbk.md").message


def test_binary_file_is_a_problem(site, write_post):
    write_post("bin.md", b"---\ntitle: x\n---\n\x00\x01\x02")
    assert "NUL" in problem(site, "bin.md").message


def test_crlf_post_reads_like_lf(site, write_post):
    write_post(
        "crlf.md",
        b"---\r\ntitle: CRLF\r\ndate: 2025-01-01T00:00:00Z\r\ntags: [a]\r\n---\r\nline one\r\nline two\r\n",
    )
    got = post(site, "crlf.md")
    assert got.title == "CRLF" and "\r" not in got.content_html


def test_toml_dates_and_json_dates(site, write_post):
    write_post("t.md", '+++\ntitle = "T"\ndate = 2025-01-02T03:04:05+08:00\ntags = ["x"]\n+++\nbody\n')
    write_post("j.md", '{"title": "J", "date": "2025-01-02T03:04:05+08:00"}\nbody\n')
    assert post(site, "t.md").published == post(site, "j.md").published


def test_empty_front_matter_with_dated_name_is_a_post(site, write_post):
    write_post("2025-01-01-empty.md", "---\n---\nbody\n")
    assert post(site, "2025-01-01-empty.md").title == "empty"

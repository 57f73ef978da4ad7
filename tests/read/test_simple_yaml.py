"""The plain-front-matter reader answers exactly what the full YAML loader answers, or nothing.

Differential: every document, hand-picked or generated from hostile pieces, goes through both;
where `read_simple` gives a mapping, libyaml must give the same keys, values, types and order.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from feedpub.read.front_matter import _YAML_CLOSE, _YAML_OPEN, _Loader, split
from feedpub.read.simple_yaml import read_simple

from ..conftest import ROOT
from ..helpers import corpus


def full_load(raw: str) -> Any:
    """The full loader alone (what `read_simple` stands in for); raises on bad YAML."""
    loader = _Loader(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def typed(value: Any) -> Any:
    """A value with every type spelled out: 1, 1.0 and True are equal in Python, not here."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(item) for item in value])
    return (type(value).__name__, repr(value))


def assert_agrees(raw: str) -> Any:
    """`read_simple(raw)` is None, or what the full loader reads; returns it."""
    simple = read_simple(raw, _Loader)
    if simple is None:
        return None
    try:
        expected = full_load(raw)
    except yaml.YAMLError as exc:
        pytest.fail(f"read_simple accepted YAML that libyaml refuses ({exc}):\n{raw}")
    assert typed(simple) == typed(expected if expected is not None else {}), raw
    return simple


PLAIN_FRONT_MATTER = [
    'title: "商汤重塑：徐冰离职"\ndate: 2025-06-24T09:10:04+08:00\ndraft: false\n'
    "tags: \n  - 商汤科技\n  - AI芯片\nmain_topics: \n  - 算力与芯片\n",
    "layout: post\ntitle: 为什么梁军离职寒武纪震动这么大？\ndate: 2022-03-18 09:01:56 +0800\n"
    "categories: cailianshe semiconductors\ntags: [寒武纪, ai芯片, 财联社新闻]\n",
    "tags:\n- a\n- b\ntitle: x\n",
    "tags:\n  -\n  - ''\n  - \"\"\n  - ~\n",
    "a: 1\nb: -2\nc: +3\nd: 0\ne: 1.5\nf: .inf\ng: -.inf\nh: .nan\ni: 1e5\nj: 010\nk: 0x1f\n",
    "a: true\nb: True\nc: FALSE\nd: yes\ne: no\nf: on\ng: null\nh: Null\ni: ~\nj:\nk: NULL\n",
    "title: 'it''s'\nsub: \"say 'hi'\"\nurl: http://x.example/a#b\ncolon: a:b\n",
    "title: a, b [c] {d}\nweight: -5\nq: ?x\nc: :x\nhash: a#b\n",
    "# a comment\n\ntitle: x\n  # indented comment\ntags:\n\n  - a\n# between\n  - b\n",
    "tags: []\ncats: [ a , b, ]\nnums: [1, 2.5, true, null, ~]\n",
    "",
    "\n\n",
    "dup: 1\nother: 2\ndup: 3\n",
]

REFUSED = [
    "image:\n  path: /a.png\n",  # nested mapping
    "title: foo\n  bar\n",  # continued plain scalar
    "title: a # comment\n",
    "title: a: b\n",
    "title: a:\n",
    'title: "a\\nb"\n',  # escapes
    'title: "a\n  b"\n',  # multi-line quoted
    "title: |\n  text\n",
    "title: >\n  text\n",
    "title: &a x\nother: *a\n",
    "title: !!str 1\n",
    "<<: {a: 1}\n",
    "true: x\n",
    "null: x\n",
    "1: x\n",
    '"title": x\n',
    "title:x\n",
    "title : x\n",
    "  title: x\n",
    "title:\tx\n",
    "tags:\n  - a\n - b\n",
    "tags:\n  - - a\n",
    "tags:\n  - a: b\n",
    "tags:\n  - [a]\n",
    "title: x\n  - a\n",
    "- a\n- b\n",
    "tags: [a, [b]]\n",
    "tags: [a, 'b']\n",
    "tags: [a,, b]\n",
    "tags: [a\n",
    "tags: {a: 1}\n",
    "title: @x\n",
    "title: `x`\n",
    "title: %x\n",
    "title: -\n",
    "title: - a\n",
    "title: a\u2028b\n",
    "title: a\x85b\n",
    "title: a\ufeffb\n",
    "title: a\x7fb\n",
    "--- x\n",
    "title: x\n...\n",
]


@pytest.mark.parametrize("raw", PLAIN_FRONT_MATTER)
def test_plain_front_matter_is_read_as_libyaml_reads_it(raw: str) -> None:
    assert assert_agrees(raw) is not None


@pytest.mark.parametrize("raw", REFUSED)
def test_anything_else_is_left_to_libyaml(raw: str) -> None:
    assert read_simple(raw, _Loader) is None


def test_types_and_order_come_out_as_libyaml_gives_them() -> None:
    raw = "b: 1\na: true\nc: '1'\nd: 1.0\ne:\n  - 2\n  - x\n"
    assert read_simple(raw, _Loader) == {"b": 1, "a": True, "c": "1", "d": 1.0, "e": [2, "x"]}
    assert list(read_simple(raw, _Loader) or {}) == ["b", "a", "c", "d", "e"]


def test_a_list_read_twice_is_two_lists() -> None:
    """Remembered scalars must not hand two posts one mutable list."""
    first = read_simple("tags: [a, b]\n", _Loader) or {}
    first["tags"].append("changed")
    assert read_simple("tags: [a, b]\n", _Loader) == {"tags": ["a", "b"]}


def test_the_sample_posts_and_the_bench_corpus_take_the_fast_way() -> None:
    """The reader is only worth having if ordinary front matter is what it reads."""
    texts = [Path(path).read_text(encoding="utf-8") for path in glob.glob(str(ROOT / "posts" / "*.*"))]
    texts += [corpus.make_post(7, index).text for index in range(300)]
    read = 0
    for text in texts:
        start = _YAML_OPEN.match(text)
        if start is None:
            continue
        end = _YAML_CLOSE.search(text, start.end())
        assert end is not None
        raw = text[start.end() : end.start()]
        read += assert_agrees(raw) is not None
        assert split(text).metadata == (full_load(raw) or {})
    assert read >= 0.9 * len(texts)


# Pieces that sit on the edges of the plain subset: indicators, quotes, colons, hashes,
# resolvable words, Unicode and the characters libyaml treats specially.
_ATOMS = st.sampled_from(
    [
        "a", "x y", "标签", "AI芯片", "1", "-1", "+1", "0", "01", "1.5", ".5", "1e3", ".inf", ".NaN",
        "true", "False", "yes", "null", "~", "", " ", ":", ": ", "a:b", "#", " #", "a#b", "-", "- ",
        "?", "?x", ",", "[", "]", "{", "}", "'", "''", '"', "\\", "&", "*", "!", "|", ">", "%", "@",
        "`", "<<", "\t", "\u2028", "\x85", "\ufeff", "\xa0", "😀", "...", "---",
    ]
)  # fmt: skip
_SCALARS = st.lists(_ATOMS, max_size=4).map("".join)
_KEYS = st.sampled_from(["title", "tags", "draft", "a_b", "a-b", "true", "null", "n", "x1", "T"])
_VALUES = st.one_of(
    _SCALARS,
    _SCALARS.map(lambda s: f'"{s}"'),
    _SCALARS.map(lambda s: f"'{s}'"),
    st.lists(_SCALARS, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
)
_LINES = st.one_of(
    st.tuples(_KEYS, st.sampled_from([": ", ":", ":  ", " : "]), _VALUES).map("".join),
    st.tuples(st.sampled_from(["", " ", "  ", "   "]), st.sampled_from(["- ", "-", "-  "]), _VALUES).map(
        "".join
    ),
    st.sampled_from(["", "  ", "# c", "  # c", "  nested: x", "    deeper"]),
)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(st.lists(_LINES, max_size=8).map("\n".join), st.booleans())
def test_generated_front_matter_agrees_with_libyaml(raw: str, final_newline: bool) -> None:
    assert_agrees(raw + "\n" if final_newline else raw)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_arbitrary_values_agree_with_libyaml(value: str) -> None:
    for raw in (f"title: {value}\n", f"tags:\n  - {value}\n", f"tags: [{value}]\n", f'title: "{value}"\n'):
        assert_agrees(raw)

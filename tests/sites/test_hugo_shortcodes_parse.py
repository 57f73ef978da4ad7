"""The shortcode parser: Hugo's syntax, malformed tags (warned with their line, removed, never a
crash), hostile input in bounded time, and the fast path."""

from __future__ import annotations

import time
from typing import Any

import pytest

from feedpub.sites import hugo_shortcodes
from feedpub.sites.hugo_shortcode_parse import MAX_DEPTH, Shortcode, parse
from feedpub.sites.hugo_shortcodes import render_shortcodes

from .test_hugo_shortcodes import PAGE, SITE, resolve, run


def only(body: str) -> Shortcode:
    nodes = [n for n in parse(body).nodes if isinstance(n, Shortcode)]
    assert len(nodes) == 1
    return nodes[0]


@pytest.mark.parametrize(
    ("tag", "params"),
    [
        ("{{< x a b-c 1 2.5 true >}}", ["a", "b-c", 1, 2.5, True]),
        ('{{< x "a b" `c "d"` "1" >}}', ["a b", 'c "d"', "1"]),
        ('{{< x k=v n=3 q="a b" r=`x\ny` >}}', {"k": "v", "n": 3, "q": "a b", "r": "x\ny"}),
        ('{{< x k = "v" >}}', {"k": "v"}),
        ('{{< x t="say \\"hi\\"" >}}', {"t": 'say "hi"'}),
        ('{{< x t="a\\b" >}}', {"t": "a\\b"}),
        ("{{< x\n  a=1\n  b=2\n>}}", {"a": 1, "b": 2}),
        ("{{<x>}}", []),
        ("{{< ns/x-y_z >}}", []),
    ],
)
def test_arguments_are_read_as_hugo_reads_them(tag: str, params: Any) -> None:
    assert only(tag).params == params


def test_closing_self_closing_and_nesting() -> None:
    outer = only("{{% a %}}1{{< b />}}2{{< c >}}3{{< /c >}}{{% /a %}}")
    assert outer.markup and outer.inner is not None
    b, c = (n for n in outer.inner if isinstance(n, Shortcode))
    assert b.self_closed and b.inner == [] and c.inner == ["3"]
    assert outer.inner[0] == "1" and outer.inner[2] == "2"


def test_a_tag_without_a_closing_tag_stands_alone() -> None:
    nodes = parse("{{< a >}} text {{< b >}}x{{< /b >}}").nodes
    assert isinstance(nodes[0], Shortcode) and nodes[0].inner is None
    assert nodes[1] == " text " and isinstance(nodes[2], Shortcode) and nodes[2].inner == ["x"]


def test_escaped_shortcodes_print_their_text() -> None:
    nodes = parse('{{</* figure src="a" */>}} {{%/* x */%}} {{</*\nmulti\n*/>}}').nodes
    assert "".join(str(n) for n in nodes) == '{{< figure src="a" >}} {{% x %}} {{<\nmulti\n>}}'


@pytest.mark.parametrize(
    ("body", "message", "left"),
    [
        ('a\n{{< figure src="x.png >}}\nb', "unterminated quoted string", "a\n\nb"),
        ("a\n\n{{< x a=1 b >}}c", "cannot mix named and positional parameters", "a\n\nc"),
        ('{{< x "a" b=1 >}}c', "cannot mix named and positional parameters", "c"),
        ("x {{< >}} y", "shortcode has no name", "x  y"),
        ("x {{< figure", "unclosed shortcode", "x "),
        ("x {{< ! >}} y", "unrecognized character", "x  y"),
        ("x {{</* never closed", "comment must be closed", "x  never closed"),
        ("x {{< /x >}} y", "closing tag does not match an opening tag", "x  y"),
    ],
)
def test_malformed_tags_warn_with_their_line_and_vanish(body: str, message: str, left: str) -> None:
    rendered = render_shortcodes(SITE, body, PAGE, resolve)
    assert rendered.text == left
    line = body[: body.index("{{")].count("\n") + 1
    assert [(w.line, message in w.message) for w in rendered.warnings] == [(line, True)]


def test_line_numbers_count_from_the_body() -> None:
    _, warnings = run("one\ntwo\n\n{{< youtube >}}\n{{< unknown >}}")
    assert [w.split(":")[0] for w in warnings] == ["line 4", "line 5"]


def test_a_body_without_shortcodes_is_returned_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(hugo_shortcodes, "parse", fail)
    body = "{{ not a shortcode }} {{ .Title }} <b>x</b>\n" * 1000
    rendered = render_shortcodes(SITE, body, PAGE, resolve)
    assert rendered.text is body and rendered.restore("<p>x</p>") == "<p>x</p>" and not rendered.warnings


def test_nesting_stops_at_the_depth_limit() -> None:
    depth = MAX_DEPTH + 40
    body = "{{< details >}}x" * depth + "{{< /details >}}" * depth
    html, warnings = run(body)
    assert html.count("<details") == depth and "{{" not in html
    assert any("nested deeper" in w for w in warnings)


@pytest.mark.parametrize(
    "body",
    [
        "{{<" * 100_000,
        "{{< a `\n" * 30_000,
        "{{< a b c d e f g h\n" * 20_000,
        '{{< a b="' * 30_000,
        "{{< details >}}" * 20_000,
        "{{< /details >}}" * 20_000,
        "x {{</* y */>}} " * 30_000,
        "{{% param mood %}}" * 30_000,
        "FEEDPUBSC" + "X" * 200_000 + "{{< param mood >}}",
    ],
    ids=["starts", "raw-strings", "params", "quotes", "opened", "closed", "escaped", "many", "prefix"],
)
def test_hostile_bodies_finish_quickly_without_braces_left(body: str) -> None:
    began = time.perf_counter()
    rendered = render_shortcodes(SITE, body, PAGE, resolve)
    html = rendered.restore(rendered.text)
    assert time.perf_counter() - began < 3
    if "/*" not in body:
        assert "{{<" not in html and "{{%" not in html

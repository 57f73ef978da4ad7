"""Resource limits for template code: hostile Liquid in a Jekyll site and hostile shortcodes in a
Hugo site cost bounded time and memory through the whole build (`--site`), end as a warning
naming what was cut, and never stop the site's other posts. Same helper as test_limits: each case
is built in a forked process with an alarm, its peak memory measured.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_limits import bounded, helper  # noqa: F401  (the module-scoped helper fixture)

JEKYLL_POST = "---\ntitle: {name}\ndate: 2024-01-0{day} 10:00:00 +0000\n---\n{body}\n"
GOOD = "A good post that must stay published."


@pytest.fixture
def jekyll_case(tmp_path, helper):  # noqa: F811
    """Write a Jekyll site (posts by name → body, includes by name → text) and build it in the helper."""

    def run(posts: dict[str, str], includes: dict[str, str] | None = None) -> dict:
        site = tmp_path / "site"
        (site / "_posts").mkdir(parents=True)
        (site / "_includes").mkdir()
        (site / "_config.yml").write_text("title: Limits\nurl: https://limits.example.org\ntimezone: UTC\n")
        for day, (name, body) in enumerate({"good": GOOD, **posts}.items(), start=1):
            text = JEKYLL_POST.format(name=name, day=min(day, 9), body=body)
            (site / "_posts" / f"2024-01-0{min(day, 9)}-{name}.md").write_text(text, encoding="utf-8")
        for name, text in (includes or {}).items():
            (site / "_includes" / name).write_text(text, encoding="utf-8")
        (tmp_path / "config.yaml").write_text("site: {source: site}\npaths: {feeds: feeds, cache: cache}\n")
        return helper.run(tmp_path, site=True)

    return run


def published(answer: dict) -> dict[str, dict]:
    return {Path(p["source"]).stem.split("-", 3)[-1]: p for p in answer["posts"]}


def warnings_of(answer: dict, name: str) -> list[str]:
    return next(p["warnings"] for p in answer["posts"] if p["source"].endswith(f"-{name}.md"))


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in (1..1000000000) %}x{% endfor %}",
        "{% for a in (1..100000) %}{% for b in (1..100000) %}{{ a }}{% endfor %}{% endfor %}",
        '{% assign s = "aaaaaaaaaa" %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s }}',
        "{% capture x %}{% for i in (1..100000000) %}yy{% endfor %}{% endcapture %}{{ x }}{{ x }}",
        "{% if true %}" * 5_000 + "x" + "{% endif %}" * 5_000,
        "{{ 'x' | append: 'y' " + "| append: 'y' " * 200_000 + "}}",
    ],
    ids=["huge-range", "nested-loops", "doubling-string", "huge-capture", "deep-ifs", "long-filter-chain"],
)
def test_hostile_liquid_is_cut_with_a_warning(jekyll_case, body):
    answer = bounded(jekyll_case({"hostile": body}), seconds=10, megabytes=300)
    posts = published(answer)
    assert GOOD in posts["good"]["content_html"]
    assert "hostile" in posts, answer["problems"]  # the post stays, its Liquid cut
    assert warnings_of(answer, "hostile"), answer["problems"]
    assert "{%" not in posts["hostile"]["content_html"] and "{{" not in posts["hostile"]["content_html"]
    assert len(posts["hostile"]["content_html"]) < 5_000_000


def test_includes_never_leave_the_sites_includes_folder(jekyll_case):
    answer = bounded(
        jekyll_case(
            {
                "escape": "{% include ../../../../etc/passwd %}{% include /etc/passwd %}"
                "{% include_relative ../../../../etc/passwd %}{% include ../_config.yml %}",
            }
        )
    )
    post = published(answer)["escape"]
    assert "root:" not in post["content_html"] and "title: Limits" not in post["content_html"]
    assert len(warnings_of(answer, "escape")) >= 3, answer["problems"]


def test_an_include_that_includes_itself_stops_at_the_depth_limit(jekyll_case):
    answer = bounded(
        jekyll_case(
            {"recursion": "before {% include loop.html %} after"},
            {
                "loop.html": "x{% include loop.html %}",
                "a.html": "{% include b.html %}",
                "b.html": "{% include a.html %}",
            },
        )
    )
    posts = published(answer)
    assert "recursion" in posts and warnings_of(answer, "recursion")
    assert "{%" not in posts["recursion"]["content_html"]


def test_hostile_shortcodes_in_a_hugo_site_are_bounded(tmp_path, helper):  # noqa: F811
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://limits.example.net/"\ntitle = "Limits"\n')
    hostile = {
        "nested": "{{< details >}}" * 20_000 + "x" + "{{< /details >}}" * 20_000,
        "unclosed": "{{< " * 100_000,
        "many": '{{< param "title" >}} ' * 100_000,
        "quotes": '{{< figure src="' + "a" * 1_000_000 + " >}}",
        "good": GOOD,
    }
    for day, (name, body) in enumerate(hostile.items(), start=1):
        text = f"---\ntitle: {name}\ndate: 2024-01-0{day}T10:00:00Z\n---\n{body}\n"
        (site / "content" / "posts" / f"{name}.md").write_text(text, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("site: {source: site}\npaths: {feeds: feeds, cache: cache}\n")
    answer = bounded(helper.run(tmp_path, site=True), seconds=15, megabytes=400)
    posts = {Path(p["source"]).stem: p for p in answer["posts"]}
    assert GOOD in posts["good"]["content_html"]
    for name in hostile:
        if name in posts:
            assert "{{&lt;" not in posts[name]["content_html"] and "{{<" not in posts[name]["content_html"]
    nested = posts.get("nested")
    assert nested is not None and len(nested["warnings"]) == 101  # the first 100, and a count
    assert nested["warnings"][-1].endswith("more warnings like these")

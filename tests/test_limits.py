"""Resource limits: hostile posts cost bounded time and memory, and end as a Post with the limits
applied or as a Problem naming the file and the limit, never as a crash or a stall.

Each case is built in a process of its own, forked from a helper that imported feedpub once: a
stack overflow in a C or Rust parser would otherwise kill pytest itself, and the process's own
peak RSS (VmHWM, reset when the case starts) is what the case cost in memory, C and Rust included.
The helper's child builds the temp site with the real `build`, holds every feed to the validators
of the main suite, and reports posts, problems, seconds and megabytes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from .conftest import BASE_CONFIG, ROOT

CASE_SECONDS = 20  # a case still running after this is killed (SIGALRM) and fails
FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")
VALIDATE_BYTES = 300_000  # sites with fewer feed bytes get every validator of the main suite
MB = 1 << 20


# ---- the helper process ---------------------------------------------------------------------------


def _hwm_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _run_case(request: dict) -> dict:
    """In the forked child: build the site, validate every feed, measure."""
    from feedpub.config import settings_from_mapping
    from feedpub.model import Post
    from feedpub.publish.cold_build import build

    from .conftest import NOW
    from .validators import check_any

    config = dict(BASE_CONFIG)
    if request.get("limits"):
        config["limits"] = request["limits"]
    if request.get("site"):  # a Jekyll or Hugo site under root/site, read as `--site` reads it
        from feedpub.sites.load import load_site_settings

        settings = load_site_settings(Path(request["root"]) / "config.yaml", {})
    else:
        settings = settings_from_mapping(config, root=Path(request["root"]))
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # peak RSS starts again from here
    except OSError:
        pass
    rss = _rss_kb()
    started = time.perf_counter()
    result = build(settings, NOW)
    built = time.perf_counter() - started
    peak = _hwm_kb()
    feeds = {path: data for path, data in result.files.items() if path.endswith(FEED_NAMES)}
    if sum(map(len, feeds.values())) < VALIDATE_BYTES:
        for key, members in result.taxonomy.scopes.items():
            for name in FEED_NAMES:
                check_any(key.path + name, feeds[key.path + name], min(len(members), settings.feeds.limit))
    else:  # the validators take minutes over megabytes of entries: well-formed is what we check
        for path, data in feeds.items():
            if path.endswith(".json"):
                json.loads(data)
            else:
                etree.fromstring(data, etree.XMLParser(huge_tree=True))

    def describe(post: Post) -> dict:
        return {
            "source": post.source,
            "title": post.title,
            "tags": [t.name for t in post.tags],
            "categories": [t.name for t in post.categories],
            "summary": post.summary,
            "content_html": post.content_html,
            "published": post.published.isoformat(),
            "warnings": [w.message for w in post.warnings],
        }

    return {
        "seconds": built,
        "rss_mb": max(0, peak - rss) / 1024,
        "posts": [describe(p) for p in result.posts],
        "problems": [
            {"source": p.source, "line": p.line, "message": p.message, "warning": p.warning}
            for p in result.problems
        ],
        "files": len(result.files),
    }


def serve() -> None:
    """The helper: one JSON request per stdin line, each run in a forked child with an alarm."""
    # imported once here, before any fork, so no case pays for it

    from . import validators  # noqa: F401

    for line in sys.stdin:
        request = json.loads(line)
        out_path = request["out"]
        pid = os.fork()
        if pid == 0:
            signal.alarm(request.get("seconds", CASE_SECONDS))
            try:
                answer = _run_case(request)
            except BaseException as exc:  # the test reports it
                answer = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
            with open(out_path, "w") as out:
                json.dump(answer, out)
            os._exit(0)
        _pid, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            with open(out_path, "w") as out:
                json.dump({"signal": signal.Signals(os.WTERMSIG(status)).name}, out)
        sys.stdout.write("done\n")
        sys.stdout.flush()


class Helper:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tests.test_limits import serve; serve()"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def run(
        self, root: Path, limits: dict | None = None, seconds: int = CASE_SECONDS, site: bool = False
    ) -> dict:
        out = root / "result.json"
        request = {
            "root": str(root),
            "out": str(out),
            "limits": limits or {},
            "seconds": seconds,
            "site": site,
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], seconds + 30)
        assert ready, "the helper process did not answer"
        assert self.process.stdout.readline() == "done\n"
        answer = json.loads(out.read_text())
        assert "signal" not in answer, f"the build was killed by {answer['signal']}"
        assert "error" not in answer, answer["error"]
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def helper():
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs Linux /proc to measure peak memory")
    running = Helper()
    yield running
    running.close()


@pytest.fixture
def case(tmp_path, helper):
    """Write posts under a fresh site, build it in the helper, return what it reported."""

    def run(files: dict[str, str | bytes], limits: dict | None = None) -> dict:
        posts = tmp_path / "posts"
        posts.mkdir(exist_ok=True)
        for name, text in files.items():
            path = posts / name
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return helper.run(tmp_path, limits)

    return run


def bounded(answer: dict, seconds: float = 5, megabytes: float = 150) -> dict:
    assert answer["seconds"] < seconds, f"took {answer['seconds']:.1f} s"
    assert answer["rss_mb"] < megabytes, f"peak RSS grew by {answer['rss_mb']:.0f} MB"
    return answer


def only_problem(answer: dict, source: str, *words: str) -> dict:
    assert answer["posts"] == [], [p["source"] for p in answer["posts"]]
    [problem] = answer["problems"]
    assert problem["source"] == source
    for word in words:
        assert word in problem["message"], problem
    return problem


def only_post(answer: dict, source: str) -> dict:
    assert answer["problems"] == [], answer["problems"]
    [post] = answer["posts"]
    assert post["source"] == source
    return post


HUGO = "---\ntitle: T\ndate: 2025-01-01T00:00:00Z\n"


# ---- YAML aliases, nesting in every front-matter format ----------------------------------------


def test_billion_laughs_is_refused_before_it_expands(case):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    text = "---\ntitle: lol\ndate: 2025-01-01\n" + "\n".join(lines) + "\ntags: *j\n---\nbody\n"
    answer = bounded(case({"lol.md": text}), seconds=2, megabytes=50)
    problem = only_problem(answer, "lol.md", "expands", "20000")
    assert problem["line"] is not None


def test_wide_alias_fan_out_within_the_limit_is_a_post(case):
    text = HUGO + "base: &b [x, y]\n" + "".join(f"k{i}: *b\n" for i in range(2000)) + "---\nbody\n"
    only_post(bounded(case({"fan.md": text}), seconds=3), "fan.md")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("y.md", HUGO + "tags: " + "[" * 100_000 + "]" * 100_000 + "\n---\nx\n", ["nest"]),
        ("m.md", HUGO + "".join(" " * i + f"k{i}:\n" for i in range(2_000)) + "---\nx\n", ["nested"]),
        ("s.md", HUGO + "tags:\n" + "  - " * 5_000 + "x\n---\nx\n", ["nested"]),
        (
            "t.md",
            "+++\ntitle = 'T'\ndate = 2025-01-01\nx = " + "[" * 100_000 + "]" * 100_000 + "\n+++\nx\n",
            ["TOML", "nested"],
        ),
        (
            "i.md",
            "+++\ntitle = 'T'\ndate = 2025-01-01\nx = "
            + "{a = " * 50_000
            + "1"
            + "}" * 50_000
            + "\n+++\nx\n",
            ["TOML", "nested"],
        ),
        (
            "j.md",
            '{"title": "T", "date": "2025-01-01", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\nx\n",
            ["JSON", "nested"],
        ),
        (
            "o.md",
            '{"title": "T", "date": "2025-01-01", "x": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001 + "\nx\n",
            ["JSON", "nested"],
        ),
    ],
    ids=[
        "yaml-flow",
        "yaml-block-maps",
        "yaml-compact-seqs",
        "toml-arrays",
        "toml-tables",
        "json-arrays",
        "json-objects",
    ],
)
def test_deeply_nested_front_matter_is_a_problem_not_a_crash(case, name, text, words):
    only_problem(bounded(case({name: text}), seconds=3, megabytes=100), name, *words)


def test_moderately_nested_front_matter_is_read(case):
    text = (
        HUGO
        + "extra: "
        + "[" * 90
        + "1"
        + "]" * 90
        + "\nparams: "
        + "{a: " * 90
        + "1"
        + "}" * 90
        + "\n---\nbody\n"
    )
    only_post(bounded(case({"ok.md": text}), seconds=2), "ok.md")


# ---- terms, titles, dates -------------------------------------------------------------------------


def test_ten_thousand_tags_are_a_problem_naming_the_limit(case):
    tags = "".join(f"  - tag{i}\n" for i in range(10_000))
    answer = bounded(case({"many.md": HUGO + "tags:\n" + tags + "---\nbody\n"}), seconds=3)
    only_problem(answer, "many.md", "tags", "max_terms_per_post", "200")


def test_ten_thousand_space_separated_jekyll_tags_are_a_problem(case):
    tags = " ".join(f"t{i}" for i in range(10_000))
    text = f"---\nlayout: post\ntitle: J\ntags: {tags}\n---\nbody\n"
    answer = bounded(case({"2022-03-18-many.md": text}), seconds=3)
    only_problem(answer, "2022-03-18-many.md", "max_terms_per_post")


def test_ten_thousand_copies_of_one_tag_are_one_term(case):
    text = HUGO + "tags:\n" + "  - Same\n  - SAME\n  - ｓａｍｅ\n" * 3_400 + "---\nbody\n"
    post = only_post(bounded(case({"dup.md": text}), seconds=3), "dup.md")
    assert post["tags"] == ["Same"]


def test_terms_within_a_raised_limit_are_kept(case):
    tags = "".join(f"  - tag{i}\n" for i in range(300))
    answer = case({"many.md": HUGO + "tags:\n" + tags + "---\nbody\n"}, limits={"max_terms_per_post": 1_000})
    post = only_post(bounded(answer, seconds=5), "many.md")
    assert len(post["tags"]) == 300
    assert answer["files"] > 4 * 300  # three feeds and a page per tag


def test_a_million_character_title_is_cut(case):
    text = "---\ntitle: " + "标题 title " * 110_000 + "\ndate: 2025-01-01T00:00:00Z\n---\nbody\n"
    post = only_post(bounded(case({"t.md": text}), seconds=3), "t.md")
    assert 0 < len(post["title"]) <= 500


def test_a_cut_title_respects_a_lower_limit(case):
    text = "---\ntitle: " + "x" * 1_000_000 + "\ndate: 2025-01-01T00:00:00Z\n---\nbody\n"
    post = only_post(bounded(case({"t.md": text}, limits={"max_title_length": 40}), seconds=3), "t.md")
    assert post["title"] == "x" * 40


def test_a_million_character_tag_and_category_are_cut(case):
    text = HUGO + f"tags: ['{'长' * 1_000_000}', ok]\ncategories: [{'c' * 1_000_000}]\n---\nbody\n"
    post = only_post(bounded(case({"t.md": text}), seconds=3), "t.md")
    assert [len(t) for t in post["tags"]] == [100, 2]
    assert [len(t) for t in post["categories"]] == [100]


@pytest.mark.parametrize(
    "value",
    [
        "2020-01-01 12:00" + " " * 200_000 + "x",
        "2020-01-01" + " " * 200_000 + "x",
        " " * 200_000 + "2020-01-01x",
        "2020-01-01T" + "1" * 200_000,
    ],
    ids=["spaces-after-time", "spaces-after-day", "leading-spaces", "long-digits"],
)
def test_very_long_date_strings_are_problems_in_bounded_time(case, value):
    text = "---\ntitle: D\ndate: " + json.dumps(value) + "\n---\nbody\n"
    only_problem(bounded(case({"d.md": text}), seconds=2), "d.md", "date")


def test_summary_of_many_blank_lines_is_bounded(case):
    summary = "a" + "\n" * 1_000_000 + "b"
    text = '{"title": "S", "date": "2025-01-01", "summary": ' + json.dumps(summary) + "}\nbody\n"
    post = only_post(bounded(case({"s.md": text}), seconds=3), "s.md")
    assert post["summary"] == "a b"


# ---- size -----------------------------------------------------------------------------------------


def test_a_50_mb_post_is_a_problem_without_being_read(case, tmp_path):
    body = ("段落" * 50 + "\n\n") * (50 * MB // 202)
    data = (HUGO + "---\n").encode() + body.encode("utf-8")
    assert len(data) > 50 * MB
    answer = bounded(case({"huge.md": data}), seconds=2, megabytes=20)
    only_problem(answer, "huge.md", str(len(data)), "max_file_bytes", "5000000")


def test_a_megabyte_post_is_a_post(case):
    """Linear, but not cheap: about 2.5 s per megabyte of link-dense Markdown (a 4.9 MB post,
    just under max_file_bytes, takes about 13 s; its entries carry the summary only, past
    limits.max_entry_content)."""
    paragraph = "A sentence with *emphasis*, a [link](/x) and `code`. " * 10 + "\n\n"
    body = paragraph * (1_000_000 // len(paragraph))
    post = only_post(bounded(case({"big.md": HUGO + "---\n" + body}), seconds=8, megabytes=400), "big.md")
    assert post["content_html"].count("<p>") == 1_000_000 // len(paragraph)


def test_a_very_long_single_line_is_a_post(case):
    body = "word " * 300_000 + "\n"
    post = only_post(bounded(case({"line.md": HUGO + "---\n" + body}), seconds=5, megabytes=200), "line.md")
    assert len(post["summary"]) < 1000


# ---- HTML and Markdown nesting, and pathological markup ------------------------------------------


def _depth(fragment: str) -> int:
    import lxml.html

    root = lxml.html.fragment_fromstring(fragment, create_parent="div")

    def depth(element) -> int:
        best, stack = 0, [(element, 0)]
        while stack:
            node, level = stack.pop()
            best = max(best, level)
            stack.extend((child, level + 1) for child in node)
        return best

    return depth(root) - 1


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_200_level_nested_html_is_flattened_below_the_limit(case, suffix):
    body = "<div><span><b>" * 200 + "deep text" + "</b></span></div>" * 200 + "\n"
    post = only_post(bounded(case({"n" + suffix: HUGO + "---\n" + body}), seconds=2), "n" + suffix)
    assert "deep text" in post["content_html"]
    assert _depth(post["content_html"]) <= 100


def test_100_000_level_nested_html_is_flattened_quickly(case):
    body = "<div>" * 100_000 + "deep" + "</div>" * 100_000
    post = only_post(bounded(case({"n.html": HUGO + "---\n" + body}), seconds=3), "n.html")
    assert "deep" in post["content_html"] and _depth(post["content_html"]) <= 100


@pytest.mark.parametrize(
    "body",
    [
        ">" * 100_000 + " quote",
        "1. " * 30_000 + "item",
        "> - " * 30_000 + "item",
        "- " * 50_000 + "item",
        "\t" * 5_000 + "- x",
        "*a " * 100_000 + "b" + "*" * 100_000,
        "~~a " * 60_000 + "b" + "~~" * 60_000,
    ],
    ids=["quotes", "ordered-lists", "quoted-lists", "bullets", "tabs", "emphasis", "strikethrough"],
)
def test_markdown_nested_past_what_the_renderer_survives_is_a_problem(case, body):
    """markdown-it.rs overflowed the C stack (SIGSEGV) on these, killing the whole build."""
    answer = bounded(case({"deep.md": HUGO + "---\n" + body + "\n"}), seconds=3)
    only_problem(answer, "deep.md", "Markdown nested too deeply")


def test_ordinary_markdown_nesting_is_rendered(case):
    body = (
        "> " * 50 + "quote\n\n" + "".join("  " * i + "- item\n" for i in range(60)) + "\n" + "**b** " * 5_000
    )
    post = only_post(bounded(case({"ok.md": HUGO + "---\n" + body + "\n"}), seconds=3), "ok.md")
    assert post["content_html"].count("<blockquote>") == 50


@pytest.mark.parametrize(
    "body",
    [
        "<a " * 500_000,
        "<p>" + "hidden " * 200_000 + "</p>",
        '<p title="' + "hidden " * 200_000 + '">x</p>',
        '<p style="' + "display:none;" * 100_000 + '">x',
        "<p><img src=/a.png></p>\n" * 20_000 + "<p>Text at last.</p>",
        "<b>x</b>" * 100_000,
        "</div>" * 200_000 + "<div>" * 200_000,
        "&lt;" * 200_000,
        "<!--" * 200_000,
    ],
    ids=[
        "unclosed-tags",
        "hidden-words",
        "hidden-attribute",
        "style",
        "image-paragraphs",
        "many-tags",
        "misnested",
        "entities",
        "comments",
    ],
)
def test_pathological_html_finishes_in_bounded_time(case, body):
    """Several of these were quadratic (minutes) before: regex scans restarting at every "<" or
    every hint word, and summaries sanitising every empty paragraph."""
    name = "2022-03-18-p.html"
    text = "---\nlayout: post\ntitle: P\n---\n" + body
    only_post(bounded(case({name: text}), seconds=5, megabytes=400), name)


def test_huge_numbers_of_footnotes(case):
    refs = "".join(f"Claim {i}.[^{i}]\n" for i in range(10_000))
    notes = "".join(f"[^{i}]: Note {i}.\n" for i in range(10_000))
    post = only_post(
        bounded(case({"fn.md": HUGO + "---\n" + refs + "\n" + notes}), seconds=5, megabytes=300), "fn.md"
    )
    assert post["content_html"].count('class="footnote-item"') == 10_000
    assert post["summary"].startswith("Claim 0.")


def test_one_footnote_referenced_ten_thousand_times(case):
    body = "x[^1] " * 10_000 + "\n\n[^1]: The note.\n"
    post = only_post(bounded(case({"fn.md": HUGO + "---\n" + body}), seconds=8, megabytes=400), "fn.md")
    assert "The note." in post["content_html"]


def test_hostile_posts_beside_a_good_one_leave_it_published(case):
    """All the limits at once: one site, every other post still published, the build still valid."""
    files = {
        "good.md": HUGO + "---\nGood body.\n",
        "deep.md": HUGO + "---\n" + ">" * 100_000 + "\n",
        "tags.md": HUGO + "tags:\n" + "".join(f"  - t{i}\n" for i in range(10_000)) + "---\nx\n",
        "yaml.md": HUGO + "x: " + "[" * 50_000 + "]" * 50_000 + "\n---\nx\n",
        "date.md": "---\ntitle: D\ndate: '2020-01-01 12:00" + " " * 100_000 + "x'\n---\nx\n",
        "title.md": "---\ntitle: " + "t" * 1_000_000 + "\ndate: 2025-01-02T00:00:00Z\n---\nx\n",
        "html.html": HUGO + "---\n" + "<a " * 300_000,
    }
    answer = bounded(case(files), seconds=8, megabytes=300)
    assert sorted(p["source"] for p in answer["posts"]) == ["good.md", "html.html", "title.md"]
    assert sorted(p["source"] for p in answer["problems"]) == ["date.md", "deep.md", "tags.md", "yaml.md"]

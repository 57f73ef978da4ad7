"""Fuzz one post file through the whole pipeline: scan → front matter → normalise → content → render.

`check_post_file(name, data)` writes the bytes as posts/<name> in a fresh temp site, builds it with
the real `build`, and insists on the only two outcomes allowed: a Post or a Problem naming the file
(never an exception, never a Problem that only says an unexpected exception was caught); every feed
it produces passes the validators of the main suite, every page parses, and no HTML field carries
script.

`TestOneInput(data)` (atheris's name for it) turns arbitrary bytes into a file name and file (raw, or front matter of
every format with wrong types everywhere, and a Markdown/HTML body of hostile pieces) and checks
it. It needs nothing but the test dependencies: tests/test_fuzz.py drives it with hypothesis, and
`make fuzz` runs it under atheris (coverage-guided) for FUZZ_SECONDS:

    make fuzz FUZZ_SECONDS=60   # or: .venv/bin/python tests/fuzz/fuzz_post.py -max_total_time=60 DIR tests/fuzz/seeds
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CONFIG = {
    "site": {
        "title": "Fuzz",
        "base_url": "https://news.example.org/",
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
        "author": {"name": "Desk"},
    },
}
FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")
# Problems that only say an exception nobody expected was caught: a bug, even though the scan survived.
UNEXPECTED = ("cannot process:", "content is nested too deeply to process")

SUFFIXES = (".md", ".html", ".markdown", ".MD", ".txt")
NAMES = ("post", "2022-03-18-jekyll", "index", "2022-02-30-bad-day", "_index", "a b", "ＡＩ芯片", "x.y")
KEYS = (
    "title", "date", "publishDate", "pubdate", "published", "lastmod", "last_modified_at", "updated",
    "expiryDate", "draft", "layout", "tags", "tag", "categories", "category", "main_topics",
    "summary", "description", "excerpt", "excerpt_separator", "image", "featured_image", "images",
    "cover", "author", "authors", "url", "permalink", "slug", "id", "guid", "content", "Title", "TAGS",
)  # fmt: skip
STRINGS = (
    "", " ", "x", "2022-03-18 09:01:56 +0800", "2025-01-01T00:00:00Z", "2025-01-01", "2099-01-01",
    "1900-01-01 00:00", "0001-01-01", "9999-12-31T23:59:59+14:00", "2025-13-45", "yes", "NO", "off",
    "true", "AI芯片", "ai芯片", "ＡＩ芯片", "a b c", "/x/:year/:title/", "https://e.org/p", "//e.org/x",
    "javascript:alert(1)", "data:image/png;base64,AA==", "../../etc/passwd", "rss.xml", "index.html",
    "<script>alert(1)</script>", "]]>", "&#0;", "\x01", "\u200b", "\ufeff", "<!--more-->", "a@b.c",
    ":categories", "\t\n", "%", "%zz", "#frag", "?q=1", "x" * 300, "tag " * 60,
)  # fmt: skip
DATES = ("2025-01-01", "2022-03-18 09:01:56 +0800", "2024-02-29T23:59:59Z", dt.date(2023, 5, 3), "2099-01-01")
PIECES = (
    "text ", "中文。", "\n", "\n\n", "# H\n", "> ", ">>>> ", "- ", "1. ", "  - ", "* ", "**b** ", "_i_ ",
    "~~s~~ ", "`c` ", "```\ncode\n```\n", "    indented\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "[^1]", "\n[^1]: note\n", "[l](/x)", "[j](javascript:alert(1))", "![i](pic.png)", "<https://a.b/>",
    "[ref]\n\n[ref]: /r\n", "<!--more-->", "<!-- c -->", "<div>", "</div>", "<p hidden>h</p>",
    '<p style="display:none">x</p>', "<span>", "</span>", "<b><i>", "</b>", "<table><tr><td>",
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="jav&#x09;ascript:x">a</a>',
    "<svg onload=alert(1)>", "<iframe srcdoc=x>", "<style>p{}</style>", "<math>", "<br>", "<hr>",
    "&amp;", "&lt;", "&#x1;", "&#xd800;", "&nbsp;", "]]>", "\u2028", "\x0b", "\x7f", "\ufffe", "<",
    ">", "&", "\r\n", "\t", '<a href="">e</a>', '<img srcset="a.png 1x, javascript:x 2x">',
    '<video poster="javascript:x"></video>', "<p>", "</p>", "<li>", "<pre>", "</pre>", "<details>",
)  # fmt: skip


# ---- serialising front matter of every format ------------------------------------------------------


def _toml_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    if isinstance(value, dict):
        pairs = [(k, _toml_value(v)) for k, v in value.items()]
        return "{" + ", ".join(f"{_toml_value(str(k))} = {v}" for k, v in pairs if v is not None) + "}"
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def serialise(metadata: dict, fmt: str) -> str:
    """Front matter text for `metadata` in `fmt` (yaml, toml, json), without the body."""
    if fmt == "toml":
        lines = []
        for key, value in metadata.items():
            text = _toml_value(value)
            if text is not None:
                lines.append(f"{json.dumps(key, ensure_ascii=False)} = {text}")
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    if fmt == "json":
        return json.dumps(metadata, default=str, ensure_ascii=False) + "\n"
    import yaml

    return "---\n" + yaml.safe_dump(metadata, allow_unicode=True, default_flow_style=None) + "---\n"


# ---- arbitrary bytes → a post file ------------------------------------------------------------------


class Bytes:
    """Reads choices off the fuzzer's bytes; past the end every choice is 0."""

    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    def byte(self) -> int:
        if self.position >= len(self.data):
            return 0
        self.position += 1
        return self.data[self.position - 1]

    def pick(self, items: tuple) -> object:
        return items[self.byte() % len(items)]

    def chunk(self, limit: int) -> bytes:
        size = self.byte() % (limit + 1)
        piece = self.data[self.position : self.position + size]
        self.position += size
        return piece

    def value(self, depth: int = 0) -> object:
        kind = self.byte() % (12 if depth < 3 else 8)
        if kind == 0:
            return self.pick(STRINGS)
        if kind == 1:
            return self.chunk(40).decode("utf-8", "replace")
        if kind == 2:
            return int.from_bytes(self.chunk(9), "little", signed=True)
        if kind == 3:
            return self.pick((0.5, -1e308, float("inf"), float("nan"), 1e-9, 2025.0101))
        if kind == 4:
            return bool(self.byte() & 1)
        if kind == 5:
            return None
        if kind == 6:
            return self.pick((dt.date(2025, 1, 1), dt.datetime(2022, 3, 18, 9, 1, 56), dt.date(1, 1, 1)))
        if kind == 7:
            return self.pick(STRINGS) + self.pick(STRINGS)
        if kind in (8, 9):
            return [self.value(depth + 1) for _ in range(self.byte() % 5)]
        return {
            str(self.pick((*KEYS, "path", "name", "email", "src"))): self.value(depth + 1)
            for _ in range(self.byte() % 4)
        }

    def body(self) -> str:
        parts = []
        for _ in range(self.byte() % 40):
            parts.append(self.pick(PIECES) if self.byte() % 4 else self.chunk(20).decode("utf-8", "replace"))
        return "".join(parts)


def post_from_bytes(data: bytes) -> tuple[str, bytes]:
    """A file name and its bytes, chosen by `data`: raw bytes, or front matter of a random format
    with random keys of random types, a hostile body, sometimes cut short."""
    source = Bytes(data)
    name = str(source.pick(NAMES)) + str(source.pick(SUFFIXES))
    mode = source.byte() % 8
    if mode == 7:
        return name, data[source.position :]
    fmt = source.pick(("yaml", "yaml", "toml", "json"))
    metadata = {str(source.pick(KEYS)): source.value() for _ in range(source.byte() % 10)}
    if source.byte() % 4 != 3:  # most posts get a good date, so the rest of them is read and rendered
        metadata.setdefault("date", source.pick(DATES))
    text = serialise(metadata, fmt) + source.body()
    encoded = text.encode("utf-8", "surrogatepass")
    if mode == 6:  # cut anywhere, even inside the front matter or a character
        encoded = encoded[: source.byte() * len(encoded) // 255]
    elif mode == 5:
        encoded = source.pick((b"\xef\xbb\xbf", b"\xff\xfe", b"")) + encoded.replace(b"\n", b"\r\n")
    return name, encoded


# ---- the check ----------------------------------------------------------------------------------------


def check_post_file(name: str, data: bytes, root: Path | None = None) -> object:
    """Build a site of this one file; assert the allowed outcomes; return the Post or Problem (or None
    when the name is not a post's)."""
    from feedpub.config import settings_from_mapping
    from feedpub.model import Post, Problem
    from feedpub.publish.cold_build import build
    from feedpub.read.scan import is_post_path

    own = root is None
    root = Path(tempfile.mkdtemp(prefix="feedpub-fuzz-")) if own else root
    try:
        posts = root / "posts"
        shutil.rmtree(posts, ignore_errors=True)
        posts.mkdir(parents=True)
        (posts / name).write_bytes(data)
        settings = settings_from_mapping(CONFIG, root=root)
        result = build(settings, NOW)
        outcomes = [o for o in [*result.posts, *result.problems] if o.source == name]
        if not is_post_path(name):
            assert outcomes == [], outcomes
            return None
        assert len(outcomes) == 1, outcomes
        [outcome] = outcomes
        assert isinstance(outcome, Post | Problem)
        if isinstance(outcome, Problem):
            assert outcome.message and not outcome.message.startswith(UNEXPECTED), outcome
        assert all(p.source == name for p in result.problems), result.problems
        check_outputs(result, settings.feeds.limit)
        return outcome
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)


def check_outputs(result, limit: int) -> None:
    """Every feed passes the main suite's validators; pages parse; HTML fields carry no script."""
    import lxml.html

    from tests.test_xss import problems_of_feed
    from tests.validators import check_any

    for key, members in result.taxonomy.scopes.items():
        for feed_name in FEED_NAMES:
            path = key.path + feed_name
            assert path in result.files, path
            check_any(path, result.files[path], min(len(members), limit))
            assert problems_of_feed(path, result.files[path]) == []
    for path, data in result.files.items():
        if path.endswith(".html"):
            lxml.html.document_fromstring(data.decode("utf-8"))


_SCRATCH: Path | None = None


def TestOneInput(data: bytes) -> None:
    """The fuzz target: arbitrary bytes → one post file → checked."""
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = Path(tempfile.mkdtemp(prefix="feedpub-fuzz-"))
    name, encoded = post_from_bytes(data)
    check_post_file(name, encoded, _SCRATCH)


def main() -> None:
    import atheris

    with atheris.instrument_imports(include=["feedpub"]):
        pass
    import tests.test_xss
    import tests.validators  # noqa: F401

    try:
        atheris.Setup(sys.argv, TestOneInput)
        atheris.Fuzz()
    finally:
        if _SCRATCH is not None:
            shutil.rmtree(_SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()

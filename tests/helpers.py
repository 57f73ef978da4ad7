"""Helpers the test modules of every folder share (tests/__init__.py lists the other shared modules)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import feedparser
import yaml

from feedpub.config import Settings
from feedpub.model import Post, Problem, Status
from feedpub.publish.cold_build import build
from feedpub.publish.manifest import MANIFEST
from feedpub.publish.precompress import GZIP_SUFFIX
from feedpub.read.load import load_posts
from feedpub.read.scan import scan

from .conftest import ROOT
from .http import fetch, free_port

# ---- one post --------------------------------------------------------------------------------


def read_one(settings: Settings, source: str) -> Post | Problem:
    """Scan the posts dir and return what `source` became."""
    problems: list[Problem] = []
    loaded = load_posts(scan(settings.posts_dir, problems), settings)
    posts, post_problems = loaded.posts, loaded.problems
    for item in [*posts, *post_problems, *problems]:
        if item.source == source:
            return item
    raise AssertionError(f"{source} was neither a post nor a problem")


def post(settings: Settings, source: str) -> Post:
    result = read_one(settings, source)
    assert isinstance(result, Post), f"expected a post, got {result}"
    return result


def problem(settings: Settings, source: str) -> Problem:
    result = read_one(settings, source)
    assert isinstance(result, Problem), f"expected a problem, got {result}"
    return result


# ---- XSS vectors: tests/data/xss_vectors.txt ------------------------------------------------

XSS_VECTORS = ROOT / "tests" / "data" / "xss_vectors.txt"
XSS_TAGS = ("read", "sanitize", "checker")  # the focused tests that take a vector too (see the file)


def xss_vectors(tag: str | None = None) -> list[str]:
    """The vectors of tests/data/xss_vectors.txt in file order: every one, or those tagged `tag`."""
    decoder = json.JSONDecoder()
    vectors = []
    for line in XSS_VECTORS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        vector, end = decoder.raw_decode(line)
        rest = line[end:].strip()
        assert not rest or rest.startswith("#"), f"not one JSON string and tags: {line}"
        tags = rest.removeprefix("#").split()
        assert set(tags) <= set(XSS_TAGS), f"unknown tag: {line}"
        if tag is None or tag in tags:
            vectors.append(vector)
    return vectors


# ---- waiting ---------------------------------------------------------------------------------

# How long a test waits for something that must happen soon (a server answering, a post published):
# generous, since a loaded CI machine is slow, and costing nothing when things go right.
PATIENCE = 60.0


def wait_for(condition: Callable[[], object], message: str, seconds: float = PATIENCE) -> float:
    """Poll `condition` until it holds and return the seconds it took; fail with `message` after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(message)


# ---- bench/corpus.py: generated sites of any size --------------------------------------------

CORPUS_PY = ROOT / "bench" / "corpus.py"


def _load_corpus() -> ModuleType:
    """Import bench/corpus.py by path: bench/ is a directory of scripts, not a package."""
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()


# ---- a published feeds/ against a cold build ---------------------------------------------------

POST = "---\ntitle: {title}\ndate: {date}\ntags: {tags}\ncategories: {cats}\n---\n{body}\n"


def on_disk(feeds_dir) -> dict[str, bytes]:
    """Every published file (not the manifest, not the gzip siblings)."""
    files = {}
    for path in feeds_dir.rglob("*"):
        if path.is_file() and path.name != MANIFEST and not path.name.endswith(GZIP_SUFFIX):
            files[path.relative_to(feeds_dir).as_posix()] = path.read_bytes()
    return files


def assert_same_as_cold_build(settings, clock):
    expected = build(settings, clock()).files
    actual = on_disk(settings.feeds_dir)
    assert sorted(actual) == sorted(expected)
    for path, data in expected.items():
        assert actual[path] == data, path


def write(settings, name, title, date, tags, cats="[news]", body="body"):
    path = settings.posts_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POST.format(title=title, date=date, tags=tags, cats=cats, body=body))
    return path


# ---- `feedpub serve` in a subprocess -----------------------------------------------------------

TAG_FEED = "/tags/e2e/atom.xml"


def write_config(root: Path, interval: float, port: int, extra: dict | None = None) -> Path:
    (root / "posts").mkdir(exist_ok=True)
    config = {
        "site": {"title": "E2E", "base_url": f"http://127.0.0.1:{port}/", "timezone": "UTC"},
        "paths": {"posts": "posts", "feeds": "feeds", "cache": ".feedpub"},
        "scan": {"interval_seconds": interval},
        **(extra or {}),
    }
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@contextmanager
def serve(
    root: Path,
    interval: float,
    server: str = "granian",
    port: int | None = None,
    extra: dict | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`feedpub serve` on `port` (a free one by default), config keys in `extra` added, `args` too."""
    port = port or free_port()
    config = write_config(root, interval, port, extra)
    env = {**os.environ, "FEEDPUB_CONFIG": str(config)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "feedpub.cli", "serve", "--port", str(port), "--server", server, *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its processes are its session's (tests/test_lifeline.py)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: healthy(base), "server never became healthy")
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # politely first: its workers stop with it
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def healthy(base: str) -> bool:
    try:
        return fetch(base, "/healthz").status == 200
    except OSError:
        return False


def titles(base: str, path: str = TAG_FEED) -> list[str]:
    reply = fetch(base, path)
    if reply.status != 200:
        return []
    return [e.title for e in feedparser.parse(reply.body).entries]


def post_text(title: str, date: datetime, body: str = "body") -> str:
    return f"---\ntitle: {title}\ndate: {date.strftime('%Y-%m-%dT%H:%M:%SZ')}\ntags: [e2e]\n---\n{body}\n"


def make_post(source: str, **fields: object) -> Post:
    """A published Hugo post made in memory for `source` (`p.md` → slug `p`), `fields` replaced."""
    slug = source.removesuffix(".md")
    when = datetime(2025, 1, 1, tzinfo=UTC)
    values: dict[str, object] = {
        "id": f"https://example.org/{slug}/",
        "url": f"https://example.org/{slug}/",
        "slug": slug,
        "title": slug,
        "published": when,
        "updated": when,
        "categories": (),
        "tags": (),
        "summary": "",
        "body": "",
        "image": None,
        "author": None,
        "status": Status.PUBLISHED,
        "source": source,
        "dialect": "hugo",
    }
    return Post(**{**values, **fields})  # type: ignore[arg-type]


def feedpub_output(root: Path, *args: str) -> str:
    """What the real `feedpub <args>` prints, with the config.yaml in `root` (it must succeed)."""
    result = subprocess.run(
        [sys.executable, "-m", "feedpub.cli", *args],
        cwd=root,
        env={**os.environ, "FEEDPUB_CONFIG": str(root / "config.yaml")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_json(root: Path) -> list[dict[str, Any]]:
    """What the real `feedpub check --json` reports for the config.yaml in `root`."""
    result = subprocess.run(
        [sys.executable, "-m", "feedpub.cli", "check", "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows

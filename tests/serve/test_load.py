"""100 feed readers at once against `feedpub serve` while posts are added and edited every 200 ms:
no 5xx, no connection errors, and no torn read (every 200's body hashes to its ETag) (issue 5,
part 7). Short here; `make soak` runs it for FEEDPUB_LOAD_SECONDS (30 by default there)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ..conftest import ROOT
from ..helpers import corpus, post_text, serve, titles, wait_for

LOAD_PY = ROOT / "bench" / "load.py"
SECONDS = float(os.environ.get("FEEDPUB_LOAD_SECONDS", "6"))
CLIENTS = int(os.environ.get("FEEDPUB_LOAD_CLIENTS", "100"))


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


load = _load_module()


@pytest.mark.slow
def test_readers_under_load_while_posts_change_see_no_error_and_no_torn_read(tmp_path):
    posts = tmp_path / "posts"
    corpus.generate(posts, 40, seed=3)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def mutate(n: int) -> None:
        """Add a post, then edit it, in turns (each makes the site and 'load' feeds change)."""
        name = posts / f"load-{n // 2}.md"
        moment = start + timedelta(minutes=n // 2)
        body = f"第 {n // 2} 篇, 第 {n % 2} 版"
        name.write_text(post_text(f"Load {n // 2}", moment, body).replace("[e2e]", "[e2e, load]"), "utf-8")

    with serve(tmp_path, interval=0.2) as (base, proc):
        mutate(0)
        wait_for(lambda: titles(base, "/tags/load/atom.xml") == ["Load 0"], "first post not published")
        manifest = json.loads((tmp_path / "feeds" / "manifest.json").read_text("utf-8"))
        term_feeds = sorted(p for p in manifest["files"] if p.startswith("tags/") and p.endswith(".xml"))
        paths = ["/atom.xml", "/rss.xml", "/feed.json", "/", "/tags/load/atom.xml", "/tags/e2e/feed.json"]
        paths += ["/" + p for p in term_feeds[:20]]
        result = load.run_load(base, paths, clients=CLIENTS, seconds=SECONDS, mutate=lambda n: mutate(n + 1))
        assert proc.poll() is None
        newest = f"Load {result.mutations // 2}"
        wait_for(lambda: titles(base, "/tags/load/atom.xml")[:1] == [newest], "last change not published")

    summary = (
        f"{result.requests} requests in {result.seconds:.1f} s ({result.per_second:.0f}/s), "
        f"p99 {result.percentile(0.99):.1f} ms, {result.mutations} changes; first failures {result.failures}"
    )
    print(summary)
    assert result.server_errors == 0, summary
    assert result.connection_errors == 0, summary
    assert result.torn == 0, summary
    assert result.ok > 0 and result.not_modified > 0, summary
    assert result.requests >= 50 * SECONDS, summary  # the readers really ran
    assert result.mutations >= 0.8 * SECONDS / 0.2 - 2, summary

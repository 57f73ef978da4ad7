"""Reader statistics end to end: real aggregator User-Agents and direct clients over HTTP to a
running `feedpub serve` (Granian, two worker processes), read back from `feedpub stats --json`
and `/stats.json`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ..helpers import feedpub_output, post_text, serve, wait_for
from ..http import fetch

TOKEN = "s3cret-token"
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {n} subscribers; feed-id=2b0c1c7e)"
INOREADER = "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 45 subscribers; )"
NEWSBLUR = "NewsBlur Feed Fetcher - 12 subscribers - http://www.newsblur.com/site/6234/x (Mozilla/5.0)"
READER = "NetNewsWire (RSS Reader; https://netnewswire.com/)"


def stats_json(root: Path, *args: str) -> dict:
    return json.loads(feedpub_output(root, "stats", "--json", *args))


def feed(data: dict, path: str) -> dict:
    return next((f for f in data["feeds"] if f["path"] == path), {"subscribers": -1})


def site(root: Path) -> None:
    (root / "posts").mkdir()
    (root / "posts" / "a.md").write_text(post_text("A", datetime(2025, 1, 1, tzinfo=UTC)))


@pytest.mark.slow
def test_aggregators_and_direct_clients_are_counted_across_workers(tmp_path):
    site(tmp_path)
    extra = {
        "stats": {"token": TOKEN, "flush_seconds": 0.3},
        "server": {"trusted_proxies": ["127.0.0.1"]},  # the test is the proxy: X-Forwarded-For is believed
    }
    with serve(tmp_path, 60, extra=extra, args=("--workers", "2")) as (base, _proc):
        for agent in (FEEDLY.format(n=123), INOREADER, NEWSBLUR):
            assert fetch(base, "/atom.xml", headers={"User-Agent": agent}).status == 200
        # Feedly reports again, later (each process's clock for requests ticks every 0.25 s: two
        # reports in one instant to two workers could land in either order)
        wait_for(
            lambda: feed(stats_json(tmp_path), "atom.xml").get("aggregators", {}).get("Feedly"), "no report"
        )
        assert fetch(base, "/atom.xml", headers={"User-Agent": FEEDLY.format(n=130)}).status == 200
        etag = ""
        for i in range(3):  # three readers behind the proxy, one of them polling twice
            reply = fetch(
                base, "/atom.xml", headers={"User-Agent": READER, "X-Forwarded-For": f"198.51.100.{i}"}
            )
            etag = reply.header("etag") or ""
        again = fetch(
            base,
            "/atom.xml",
            headers={"User-Agent": READER, "X-Forwarded-For": "198.51.100.2", "If-None-Match": etag},
        )
        assert again.status == 304
        fetch(base, "/rss.xml", headers={"User-Agent": READER, "X-Forwarded-For": "203.0.113.9"})
        wait_for(
            lambda: feed(stats_json(tmp_path), "atom.xml")["subscribers"] == 130 + 45 + 12 + 3, "not counted"
        )
        data = stats_json(tmp_path)
        atom = feed(data, "atom.xml")
        assert atom["aggregators"] == {"Feedly": 130, "Inoreader": 45, "NewsBlur": 12}
        assert (atom["direct"], atom["requests"], atom["not_modified"], atom["ok"]) == (3, 8, 1, 7)
        assert feed(data, "rss.xml")["subscribers"] == 1
        served = fetch(base, "/stats.json", headers={"Authorization": f"Bearer {TOKEN}"})
        assert served.status == 200 and feed(json.loads(served.body), "atom.xml") == atom
        assert fetch(base, "/stats.json").status == 404
        assert fetch(base, "/stats.json", headers={"Authorization": "Bearer wrong"}).status == 404
        assert fetch(base, "/stats/", headers={"Authorization": f"Bearer {TOKEN}x"}).status == 404


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_counts_reach_the_store_when_the_service_stops(tmp_path, server):
    """A flush an hour away: only the flush at exit can have written these."""
    site(tmp_path)
    with serve(tmp_path, 60, server=server, extra={"stats": {"flush_seconds": 3600}}) as (base, proc):
        for _ in range(3):
            fetch(base, "/feed.json", headers={"User-Agent": INOREADER})
        fetch(base, "/feed.json", headers={"User-Agent": READER})
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    json_feed = feed(stats_json(tmp_path), "feed.json")
    assert (json_feed["requests"], json_feed["subscribers"]) == (4, 46)
    assert feed(stats_json(tmp_path, "--days", "1"), "feed.json") == json_feed
    table = subprocess.run(
        [sys.executable, "-m", "feedpub.cli", "stats"],
        cwd=tmp_path,
        env={**os.environ, "FEEDPUB_CONFIG": str(tmp_path / "config.yaml")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = next(line for line in table.stdout.splitlines() if line.startswith("/feed.json"))
    assert line.split()[:5] == ["/feed.json", "46", "1", "4", "0%"] and line.endswith("Inoreader 45")


def test_without_a_token_there_are_no_stats_pages(tmp_path):
    site(tmp_path)
    with serve(tmp_path, 60, server="cheroot") as (base, _proc):
        fetch(base, "/atom.xml")
        assert fetch(base, "/stats.json", headers={"Authorization": "Bearer "}).status == 404
        assert fetch(base, "/stats/").status == 404

"""`feedpub stats ingest`: the log the real nginx (deploy/nginx.conf) writes gives the counts the
app itself counts for the same requests; ingesting again, or the gzipped copy, adds nothing."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..helpers import feedpub_output, serve, wait_for
from ..http import fetch
from .test_nginx import running_nginx
from .test_stats import FEEDLY, INOREADER, NEWSBLUR, READER, site, stats_json

TRUSTED = {"server": {"trusted_proxies": ["127.0.0.1"]}}


def requests(base: str) -> None:
    """Aggregators and three readers (one polling conditionally) on two feeds."""
    for agent in (FEEDLY.format(n=123), INOREADER, NEWSBLUR, FEEDLY.format(n=130)):
        assert fetch(base, "/atom.xml", headers={"User-Agent": agent}).status == 200
    for i in range(3):
        headers = {"User-Agent": f"{READER} {i}", "X-Forwarded-For": f"198.51.100.{i}"}
        etag = fetch(base, "/atom.xml", headers=headers).header("etag") or ""
    assert fetch(base, "/atom.xml", headers={**headers, "If-None-Match": etag}).status == 304
    fetch(base, "/rss.xml", headers={"User-Agent": READER, "Accept-Encoding": "gzip"})
    fetch(base, "/tags/e2e/", headers={"User-Agent": READER})  # a page: not a feed, not counted


def ingest(root: Path, *files: Path) -> str:
    return feedpub_output(root, "stats", "ingest", *map(str, files))


def counts(data: dict) -> dict:
    keys = ("subscribers", "aggregators", "direct", "requests", "ok", "not_modified")
    return {f["path"]: {k: f[k] for k in keys} for f in data["feeds"]}


@pytest.mark.slow
@pytest.mark.parametrize("log_format", ["feedpub", "combined"])
def test_an_nginx_log_gives_the_counts_the_app_gives(tmp_path, log_format):
    site(tmp_path)
    logs = tmp_path / "nginx"
    logs.mkdir()
    store = tmp_path / "ingest"  # the log's counts go to a store of their own
    store.mkdir()
    (store / "config.yaml").write_text(yaml.safe_dump({"paths": {"cache": "cache"}, **TRUSTED}))
    with serve(tmp_path, 60, server="cheroot", extra={"stats": {"flush_seconds": 0.3}, **TRUSTED}) as (
        base,
        _p,
    ):
        app_port = int(base.rsplit(":", 1)[1])
        requests(base)  # to the app: counted by the app
        with running_nginx(logs, tmp_path / "feeds", app_port, log_format) as nginx:
            requests(nginx)  # to nginx: served from disk, the app sees none of it
        wait_for(lambda: "atom.xml" in counts(stats_json(tmp_path)), "the app's counts never arrived")
    by_app = counts(stats_json(tmp_path))
    assert by_app["atom.xml"]["subscribers"] == 130 + 45 + 12 + 3
    log = logs / "access.log"
    assert "1 lines read before" not in ingest(store, log)
    assert counts(stats_json(store)) == by_app
    packed = logs / "access.log.1.gz"  # logrotate's copy of the same log
    packed.write_bytes(gzip.compress(log.read_bytes()))
    assert "0 feed requests added" in ingest(store, log, packed)
    assert counts(stats_json(store)) == by_app
    with log.open("a") as handle:  # the log grows: only the new line is added
        handle.write(next(line for line in log.read_text().splitlines() if "/atom.xml" in line) + "\n")
    assert "1 feed requests added" in ingest(store, log)
    assert counts(stats_json(store))["atom.xml"]["requests"] == by_app["atom.xml"]["requests"] + 1


@pytest.mark.slow
def test_nginx_limits_over_polling_too(tmp_path):
    """deploy/nginx.conf's limit_req, with loopback's exemption taken out so this test is a client:
    10 fetches of a feed pass, the 11th is 429 with Retry-After; an aggregator is never limited."""
    site(tmp_path)
    logs = tmp_path / "nginx"
    logs.mkdir()
    with serve(tmp_path, 60, server="cheroot") as (base, _proc):
        app_port = int(base.rsplit(":", 1)[1])
        edits = [(r"    127\.0\.0\.0/8 1;\n", "")]
        with running_nginx(logs, tmp_path / "feeds", app_port, edits=edits) as nginx:
            reader = {"User-Agent": READER}
            statuses = [fetch(nginx, "/atom.xml", headers=reader).status for _ in range(11)]
            assert statuses == [200] * 10 + [429]
            limited = fetch(nginx, "/atom.xml", headers=reader)
            assert limited.status == 429 and limited.header("retry-after") == "60"
            assert limited.body.startswith(b"too many requests")
            assert fetch(nginx, "/rss.xml", headers=reader).status == 200  # another feed
            feedly = {"User-Agent": FEEDLY.format(n=5)}
            assert {fetch(nginx, "/atom.xml", headers=feedly).status for _ in range(15)} == {200}


def test_a_damaged_log_is_one_line_and_adds_nothing(tmp_path):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"paths": {"cache": "cache"}}))
    line = '192.0.2.9 - - [06/Dec/2026:10:00:00 +0000] "GET /atom.xml HTTP/1.1" 200 512 "-" "NetNewsWire"\n'
    damaged = tmp_path / "access.log.2.gz"
    damaged.write_bytes(gzip.compress(line.encode() * 50)[:-12])  # cut short, as a copy in progress
    result = subprocess.run(
        [sys.executable, "-m", "feedpub.cli", "stats", "ingest", str(damaged)],
        cwd=tmp_path,
        env={**os.environ, "FEEDPUB_CONFIG": str(tmp_path / "config.yaml")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stderr.startswith(f"feedpub: {damaged}: cannot read")
    assert stats_json(tmp_path)["feeds"] == []
    whole = tmp_path / "access.log"
    whole.write_text(line * 50)
    assert "50 feed requests added" in ingest(tmp_path, whole)
    assert stats_json(tmp_path)["feeds"][0]["requests"] == 50

"""What an operator sees of a real `feedpub serve`: /healthz in every state, SIGHUP reloads, a quiet
log, 410 pages, and systemd's notifications on a real unix socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..helpers import healthy, post_text, wait_for
from ..http import fetch, free_port

PAST = datetime(2025, 1, 1, tzinfo=UTC)


def _config(root: Path, port: int, title: str = "Ops", **extra: Any) -> Path:
    config = {
        "site": {"title": title, "base_url": f"http://127.0.0.1:{port}/", "timezone": "UTC", **extra},
        "paths": {"posts": "posts", "feeds": "feeds", "cache": ".feedpub"},
        "scan": {"interval_seconds": 0.3},
    }
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@contextmanager
def _serving(
    root: Path, port: int, *args: str, server: str = "cheroot", env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """`feedpub serve` on `port` with its log in a file; stopped with SIGTERM at the end."""
    log = root / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "feedpub.cli", "serve", "--port", str(port), "--server", server, *args],
            cwd=root,
            env={**os.environ, "FEEDPUB_CONFIG": str(root / "config.yaml"), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: proc.poll() is not None or fetch_ok(base), "server never answered")
        assert proc.poll() is None, log.read_text()
        yield base, proc, log
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)


def fetch_ok(base: str) -> bool:
    try:
        return fetch(base, "/healthz").status in (200, 503)
    except OSError:
        return False


def _health(base: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(fetch(base, "/healthz").body)
    return body


def _atom(base: str) -> str:
    return fetch(base, "/atom.xml").body.decode("utf-8")


@pytest.mark.slow
def test_no_scheduler_serves_what_a_build_wrote_and_then_what_the_service_records(tmp_path):
    """A --no-scheduler process beside feeds/ from `feedpub build` answered 503 for ever (nothing
    had written the status file): a build records its scan now, feeds/ with no record at all
    (copied from elsewhere) is served with 200 and a note, and the publisher's later scans show."""
    port, publisher_port = free_port(), free_port()
    config = _config(tmp_path, port)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    (tmp_path / "posts" / "bad.md").write_text("---\ntitle: [\n---\nbody\n")
    env = {**os.environ, "FEEDPUB_CONFIG": str(config)}
    subprocess.run([sys.executable, "-m", "feedpub.cli", "build"], cwd=tmp_path, env=env, check=False)
    with _serving(tmp_path, port, "--no-scheduler") as (base, _proc, _log):
        reply = fetch(base, "/healthz")
        body = json.loads(reply.body)
        assert reply.status == 200, body
        assert body["status"] == "ok" and body["feeds"] > 0 and body["last_publish"]
        assert body["last_scan"] and body["problems"] == 1 and body["issues"][0]["file"] == "bad.md"
        (tmp_path / ".feedpub" / "status.json").unlink()  # feeds/ with no publisher's record
        body = _health(base)
        assert body["status"] == "ok" and body["last_scan"] is None and "note" in body, body
        mtime = datetime.fromtimestamp(config.stat().st_mtime, UTC).isoformat()
        assert body["config"]["path"] == str(config.resolve()) and body["config"]["mtime"] == mtime
        assert body["config"]["loaded"] > mtime  # read after it was written
        with _serving(tmp_path, publisher_port):  # the publisher: it scans and records
            wait_for(lambda: _health(base)["last_scan"] is not None, "reader never saw the scan")
            body = _health(base)
            assert body["problems"] == 1 and body["issues"][0]["file"] == "bad.md", body
            assert "note" not in body and fetch(base, "/healthz").status == 200


@pytest.mark.slow
def test_health_lists_problems_and_warnings_bounded_and_keeps_them_while_degraded(tmp_path):
    port = free_port()
    _config(tmp_path, port)
    posts = tmp_path / "posts"
    for folder in ("x", "y"):  # one slug wanted twice: the later post gets a free one and a warning
        (posts / folder).mkdir(parents=True)
    (posts / "x" / "same.md").write_text(post_text("S1", PAST))
    (posts / "y" / "same.md").write_text(post_text("S2", PAST + timedelta(days=1)))
    for n in range(104):
        (posts / f"bad{n:03}.md").write_text("---\ntitle: ok\ndate: [\n---\nbody\n")
    with _serving(tmp_path, port) as (base, _proc, _log):
        wait_for(lambda: healthy(base), "never healthy")
        body = _health(base)
        assert (body["problems"], body["warnings"], body["issues_total"]) == (104, 1, 105), body
        assert len(body["issues"]) == 100  # the first hundred listed, problems first
        first = body["issues"][0]
        assert (
            first["file"] == "bad000.md" and first["line"] >= 3 and first["reason"] and not first["warning"]
        )
        status = json.loads((tmp_path / ".feedpub" / "status.json").read_text())
        assert len(status["issues"]) == 100 and status["issues_total"] == 105
        posts.rename(tmp_path / "posts-away")  # every scan fails now: degraded
        wait_for(lambda: _health(base)["status"] == "degraded", "never degraded")
        reply = fetch(base, "/healthz")
        body = json.loads(reply.body)
        assert reply.status == 200 and body["error"]
        assert (body["problems"], body["warnings"], len(body["issues"])) == (104, 1, 100), body


@pytest.mark.slow
def test_quiet_scans_log_at_debug_and_changes_at_info(tmp_path):
    port = free_port()
    _config(tmp_path, port)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    with _serving(tmp_path, port) as (base, _proc, log):
        wait_for(lambda: "ops" in _atom(base).lower(), "no feed")
        status = tmp_path / ".feedpub" / "status.json"
        first = json.loads(status.read_text())["last_scan"]
        wait_for(lambda: json.loads(status.read_text())["last_scan"] > first, "no second scan", 10)
        wait_for(lambda: json.loads(status.read_text())["last_scan"] > first, "no third scan", 10)
        (tmp_path / "posts" / "b.md").write_text(post_text("B", PAST + timedelta(days=1)))
        wait_for(lambda: ">B</title>" in _atom(base), "edit not published")
    scans = [line for line in log.read_text().splitlines() if "feedpub: scan " in line]
    assert len(scans) == 2, scans  # the first build and the addition; quiet scans said nothing
    assert all(" INFO " in line for line in scans)


@pytest.mark.slow
def test_deleted_post_page_and_gone_term_answer_410_in_the_sites_language(tmp_path):
    port = free_port()
    _config(tmp_path, port, title="运维站", language="zh-CN")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "keep.md").write_text(post_text("Keep", PAST))
    (tmp_path / "posts" / "gone.md").write_text(
        "---\ntitle: Gone\ndate: 2025-01-02T00:00:00Z\ntags: [onlyhere]\n---\nbody\n"
    )
    with _serving(tmp_path, port) as (base, _proc, _log):
        wait_for(lambda: fetch(base, "/posts/gone/").status == 200, "post page not published")
        (tmp_path / "posts" / "gone.md").unlink()
        wait_for(lambda: fetch(base, "/posts/gone/").status == 410, "no 410 for the deleted post")
        for path in ("/posts/gone/", "/posts/gone", "/tags/onlyhere/"):
            reply = fetch(base, path)
            page = reply.body.decode("utf-8")
            assert reply.status == 410 and reply.header("content-type") == "text/html; charset=utf-8", path
            assert '<html lang="zh-CN">' in page and "运维站" in page and "已删除" in page, page
        feed = fetch(base, "/tags/onlyhere/atom.xml")
        assert feed.status == 410 and feed.header("content-type") == "text/plain; charset=utf-8"
        browser = fetch(base, "/tags/onlyhere/atom.xml", headers={"Accept": "text/html,*/*;q=0.8"})
        assert browser.status == 410 and "已删除" in browser.body.decode("utf-8")
        assert fetch(base, "/posts/never-was/").status == 404


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_sighup_applies_a_valid_config_and_refuses_an_invalid_one(tmp_path, server):
    port = free_port()
    config = _config(tmp_path, port, title="Before")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    (tmp_path / "posts" / "b.md").write_text(post_text("B", PAST + timedelta(days=1)))
    with _serving(tmp_path, port, server=server) as (base, proc, log):
        wait_for(lambda: ">Before</title>" in _atom(base), "no feed")
        (tmp_path / "posts" / "b.md").unlink()
        wait_for(lambda: fetch(base, "/posts/b/").status == 410, "no 410")
        _config(tmp_path, port, title="After")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: ">After</title>" in _atom(base), "reload did not republish")
        # the app took the new settings too (Granian's workers respawned after the reload)
        wait_for(lambda: "After" in fetch(base, "/posts/b/").body.decode(), "the app kept the old title")
        # the app in force is the new file's (with Granian, once the old worker has gone)
        wait_for(lambda: (lambda c: c["loaded"] > c["mtime"])(_health(base)["config"]), "old app")
        written = (tmp_path / "feeds" / "atom.xml").stat().st_mtime_ns
        good = config.read_text()
        config.write_text(good.replace("title: After", "title: After\n  titel: typo"))
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "site.titel" in log.read_text(), "the bad key was not logged")
        config.write_text(good.replace(f"127.0.0.1:{port}", "127.0.0.1:1") + "server: {port: 1}\n")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "server.port" in log.read_text(), "a restart-only change was not refused")
        assert ">After</title>" in _atom(base) and fetch(base, "/healthz").status == 200
        config_now = _health(base)["config"]
        assert config_now["mtime"] > config_now["loaded"]  # the refused file is not in force
        assert (tmp_path / "feeds" / "atom.xml").stat().st_mtime_ns == written
        assert proc.poll() is None
    assert "the config in force stays" in log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize(("server", "abstract"), [("granian", True), ("cheroot", False)])
def test_systemd_hears_ready_reloading_and_stopping_on_its_socket(tmp_path, server, abstract):
    port = free_port()
    _config(tmp_path, port, title="Before")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    address = f"@feedpub-test-{os.getpid()}-{port}" if abstract else str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + address[1:] if abstract else address)
        sock.settimeout(60)
        with _serving(tmp_path, port, server=server, env={"NOTIFY_SOCKET": address}) as (base, proc, _log):
            assert sock.recv(4096).decode().splitlines()[0] == "READY=1"
            assert healthy(base)  # READY came once the first publish was served
            _config(tmp_path, port, title="After")
            proc.send_signal(signal.SIGHUP)
            reloading = sock.recv(4096).decode().splitlines()
            assert reloading[0] == "RELOADING=1" and reloading[1].startswith("MONOTONIC_USEC=")
            assert sock.recv(4096).decode() == "READY=1"
            assert ">After</title>" in _atom(base)
            proc.send_signal(signal.SIGTERM)
            assert sock.recv(4096).decode() == "STOPPING=1"
            assert proc.wait(15) == 0


@pytest.mark.slow
def test_sighup_rereads_the_sites_own_config_with_site(tmp_path):
    port = free_port()
    (tmp_path / "blog" / "_posts").mkdir(parents=True)
    (tmp_path / "blog" / "_config.yml").write_text("title: Blog One\nurl: https://blog.example.org\n")
    (tmp_path / "blog" / "_posts" / "2025-01-01-hello.md").write_text("---\ntitle: Hello\n---\nhi\n")
    (tmp_path / "config.yaml").write_text("paths: {feeds: feeds, cache: .feedpub}\n")
    with _serving(tmp_path, port, "--site", "blog") as (base, proc, log):
        wait_for(lambda: ">Blog One</title>" in _atom(base), "no feed")
        (tmp_path / "blog" / "_config.yml").write_text("title: Blog Two\nurl: https://blog.example.org\n")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: ">Blog Two</title>" in _atom(base), "the site's config was not read again")
    assert "config reloaded" in log.read_text()

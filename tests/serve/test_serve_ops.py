"""`feedpub serve` as an operator starts it: a busy port is one line on either server, a base_url
nobody set follows --port, and the log can be JSON with an access log."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys

import feedparser
import pytest
import yaml

from ..helpers import wait_for
from ..http import fetch, free_port

FEEDPUB = [sys.executable, "-m", "feedpub.cli"]
SERVERS = ["granian", "cheroot"]


def start(root, port, *args, config=None):
    """A real `feedpub serve` in `root` on `port`; config.yaml from `config` (no file when None)."""
    (root / "posts").mkdir(exist_ok=True)
    (root / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2025-01-02T03:04:05Z\n---\nbody\n")
    if config is not None:
        (root / "config.yaml").write_text(yaml.safe_dump(config))
    env = {k: v for k, v in os.environ.items() if k not in ("FEEDPUB_CONFIG", "FEEDPUB_SITE")}
    return subprocess.Popen(
        [*FEEDPUB, "serve", "--port", str(port), *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc):
    """SIGTERM, then everything it wrote to stderr."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate(timeout=10)
    return err


def answering(base, path="/atom.xml"):
    try:
        return fetch(base, path).status == 200
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
def test_a_busy_port_is_one_line(tmp_path, server):
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = start(tmp_path, port, "--server", server, config={"site": {"title": "T"}})
        _out, err = proc.communicate(timeout=60)
        as_json = start(tmp_path, port, "--server", server, "--log-format", "json")
        _out, json_err = as_json.communicate(timeout=60)
    message = f"port {port} on 127.0.0.1 is in use (another feedpub? see --port)"
    assert proc.returncode == 2 and err == f"feedpub: {message}\n"  # before anything else is said
    assert not (tmp_path / "feeds").exists()  # refused before the first build, not after it
    record = json.loads(json_err)
    assert as_json.returncode == 2 and (record["level"], record["message"]) == ("ERROR", message)


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
def test_base_url_left_at_its_default_follows_the_port(tmp_path, server):
    port = free_port()
    proc = start(tmp_path, port, "--server", server, config={"site": {"title": "T"}})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answering(base), "serve never answered")
        feed = feedparser.parse(fetch(base, "/atom.xml").body)
        assert feed.entries[0].link.startswith(f"{base}/posts/")
        assert fetch(base, feed.entries[0].link.removeprefix(base)).status == 200  # the link works
    finally:
        err = stop(proc)
    assert f"site.base_url is not set: feeds link to {base}/ (from --host/--port" in err
    assert "no config file" not in err


@pytest.mark.slow
def test_no_config_and_an_explicit_loopback_base_url_on_another_port_are_said(tmp_path):
    port = free_port()
    (tmp_path / "bare").mkdir()
    bare = start(tmp_path / "bare", port, "--server", "cheroot")
    try:
        wait_for(lambda: answering(f"http://127.0.0.1:{port}"), "serve never answered")
    finally:
        err = stop(bare)
    assert f"no config file (./config.yaml), so: posts {tmp_path / 'bare' / 'posts'}" in err
    assert f"base_url http://127.0.0.1:{port}/" in err

    other = free_port()
    config = {"site": {"base_url": "http://localhost:8080/blog/"}}
    proc = start(tmp_path, other, "--server", "cheroot", config=config)
    try:
        wait_for(lambda: answering(f"http://127.0.0.1:{other}"), "serve never answered")
        assert b"http://localhost:8080/blog/" in fetch(f"http://127.0.0.1:{other}", "/atom.xml").body
    finally:
        err = stop(proc)
    assert (
        f"WARNING feedpub: site.base_url http://localhost:8080/blog/ names this machine on port 8080, but serve listens on {other}"
        in err
    )
    assert "site.base_url is not set" not in err


@pytest.mark.slow
def test_a_public_base_url_on_another_port_is_no_warning(tmp_path):
    port = free_port()
    proc = start(
        tmp_path, port, "--server", "cheroot", config={"site": {"base_url": "https://feeds.example.org/"}}
    )
    try:
        wait_for(lambda: answering(f"http://127.0.0.1:{port}"), "serve never answered")
    finally:
        err = stop(proc)
    assert "serving " in err and "site.base_url" not in err  # neither derived nor warned about


@pytest.mark.slow
def test_only_the_main_process_holds_the_publisher_lock(tmp_path):
    """The lock's descriptor is close-on-exec: Granian's spawned workers never hold it, so it
    cannot outlive the process that publishes."""
    port = free_port()
    proc = start(tmp_path, port, "--workers", "2", config={})
    try:
        wait_for(lambda: answering(f"http://127.0.0.1:{port}"), "serve never answered")
        children = [int(pid) for pid in _children(proc.pid)]
        assert len(children) >= 2  # the workers (and multiprocessing's resource tracker)
        assert _holds_lock(proc.pid)
        assert not any(_holds_lock(pid) for pid in children)
    finally:
        stop(proc)


def _children(pid):
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listing:
            yield from listing.read().split()


def _holds_lock(pid):
    fds = f"/proc/{pid}/fd"
    return any(os.readlink(f"{fds}/{fd}").endswith("/publisher.lock") for fd in os.listdir(fds))


@pytest.mark.slow
@pytest.mark.parametrize("server", SERVERS)
def test_json_log_with_access_log(tmp_path, server):
    port = free_port()
    proc = start(tmp_path, port, "--server", server, "--log-format", "json", "--access-log", config={})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answering(base, "/atom.xml?from=test"), "serve never answered")
        assert fetch(base, "/nothing-here").status == 404
    finally:
        err = stop(proc)
    records = [json.loads(line) for line in err.splitlines()]  # every line is one JSON object
    assert all(set(r) == {"time", "level", "logger", "message"} for r in records), records
    access = [r["message"] for r in records if r["logger"] == "feedpub.access"]
    when = r"\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]"  # the common log format's
    line = rf'127\.0\.0\.1 - - {when} "GET /atom\.xml\?from=test HTTP/1\.1" 200 '
    assert any(re.match(line, m) for m in access), access
    assert any('"GET /nothing-here ' in m and '" 404 ' in m for m in access), access
    assert any(r["logger"] == "feedpub" and r["message"].startswith("serving ") for r in records)
    assert records[-1]["message"] == "stopped"

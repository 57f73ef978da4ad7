"""`feedpub serve` as operators run it: a subprocess on loopback picking up post changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ..helpers import healthy, post_text, serve, titles, wait_for
from ..http import fetch, free_port


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_new_edited_deleted_posts_reach_feeds_within_an_interval(tmp_path, server):
    past = datetime(2025, 1, 1, tzinfo=UTC)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "first.md").write_text(post_text("First", past))
    with serve(tmp_path, interval=1, server=server) as (base, proc):
        assert titles(base) == ["First"]
        # added
        (tmp_path / "posts" / "second.md").write_text(post_text("Second", past + timedelta(days=1)))
        wait_for(lambda: titles(base) == ["Second", "First"], "new post did not appear")
        # edited
        (tmp_path / "posts" / "second.md").write_text(
            post_text("Second, edited", past + timedelta(days=1), "new body")
        )
        wait_for(lambda: titles(base) == ["Second, edited", "First"], "edit did not appear")
        # deleted
        (tmp_path / "posts" / "first.md").unlink()
        wait_for(lambda: titles(base) == ["Second, edited"], "deleted post still listed")
        # SIGTERM: clean exit, 0, within 5 s
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == 0
        log = proc.stdout.read()
        assert "scan" in log and "stopped" in log


@pytest.mark.slow
def test_scheduled_post_appears_on_time_not_at_next_interval(tmp_path):
    (tmp_path / "posts").mkdir()
    past = datetime(2025, 1, 1, tzinfo=UTC)
    (tmp_path / "posts" / "old.md").write_text(post_text("Old", past))
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    (tmp_path / "posts" / "scheduled.md").write_text(post_text("Scheduled", due))
    with serve(tmp_path, interval=60) as (base, proc):
        if datetime.now(UTC) < due - timedelta(seconds=1):  # a slow start may find it due already
            assert titles(base) == ["Old"]
        wait_for(lambda: "Scheduled" in titles(base), "scheduled post did not appear")
        appeared = datetime.now(UTC)
        # the next interval's scan is a minute away: only the job for the due post explains this
        assert appeared - due < timedelta(seconds=30), "published at the next interval, not on time"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(5) == 0


def test_no_scheduler_process_only_serves_what_another_published(tmp_path):
    """`--no-scheduler`: an extra app process reads feeds/ through the manifest and writes nothing."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("Served", datetime(2025, 1, 1, tzinfo=UTC)))
    with serve(tmp_path, interval=60) as (base, _proc):
        port = free_port()
        env = {**os.environ, "FEEDPUB_CONFIG": str(tmp_path / "config.yaml")}
        extra = subprocess.Popen(
            [sys.executable, "-m", "feedpub.cli", "serve", "--no-scheduler", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            other = f"http://127.0.0.1:{port}"
            wait_for(lambda: healthy(other), "the extra process never answered")
            assert titles(other) == titles(base) == ["Served"]
            assert fetch(other, "/atom.xml").body == fetch(base, "/atom.xml").body
            extra.send_signal(signal.SIGTERM)
            assert extra.wait(5) == 0
        finally:
            if extra.poll() is None:
                extra.kill()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_a_killed_service_takes_its_worker_with_it(tmp_path):
    with serve(tmp_path, 3600) as (base, proc):
        assert fetch(base, "/healthz").status == 200
        workers = [
            pid
            for pid in _children(proc.pid)
            if "granian" in Path(f"/proc/{pid}/cmdline").read_text()
            or "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        assert workers, "the Granian worker should be a child of the service"
        proc.kill()  # SIGKILL: no chance to stop anything itself
        proc.wait(5)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a worker outlived the service"
        with pytest.raises(OSError):
            fetch(base, "/healthz")  # nobody is left on the port

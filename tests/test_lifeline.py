"""No process feedpub starts outlives it (issue 20): `feedpub build` killed with SIGKILL, SIGTERM
or SIGINT (Ctrl-C) while reading, rendering or writing, and `feedpub serve` killed with SIGKILL on either
server, leave no process of their session alive 5 s later. Only the main process is signalled
(as the OOM killer does): its workers must notice on their own. A SIGTERM'd build says so in one
line, exits 143 and leaves feeds/ consistent."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .helpers import corpus, serve
from .publish.test_crash import check_consistent, rewrite_every_post
from .sessions import assert_session_ends, session_members

POSTS = 1200


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("lifeline")
    corpus.generate(root / "posts", POSTS, seed=20)
    config = {"site": {"base_url": "https://life.example/"}, "paths": {"feeds": "feeds", "cache": ".feedpub"}}
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    return root


def build_until(root: Path, label: str, percent: int) -> tuple[subprocess.Popen[bytes], int]:
    """`feedpub build` in a session of its own, its stderr a terminal (so it shows its bars),
    running until the bar `label` reaches `percent`."""
    main, child = pty.openpty()
    build = subprocess.Popen(
        [sys.executable, "-m", "feedpub.cli", "build", "--config", str(root / "config.yaml")],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=child,
        start_new_session=True,
    )
    os.close(child)
    seen, deadline = "", time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        if select.select([main], [], [], 0.05)[0]:
            try:
                seen += os.read(main, 65536).decode("utf-8", "replace")
            except OSError:
                break
        tail = seen.rsplit(label, 1)[-1] if label in seen else ""
        shown = [int(p) for p in re.findall(r"(\d+)%", tail)]
        if shown and max(shown) >= percent:
            return build, main
    os.close(main)
    pytest.fail(f"the build never showed {label} at {percent} %: {seen[-500:]!r}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
@pytest.mark.parametrize(
    "moment", [("Reading posts", 20), ("Rendering and writing", 10), ("Rendering and writing", 70)],
    ids=["reading", "rendering", "writing"],
)  # fmt: skip
def test_a_killed_build_leaves_no_worker_and_a_consistent_feeds_folder(site, how, moment):
    rewrite_every_post(site / "posts", int(how) * 100 + moment[1])  # a new text for every case
    build, terminal = build_until(site, *moment)
    os.kill(build.pid, how)  # the main process only: its workers must follow by themselves
    code = build.wait(30)
    said = b""
    while select.select([terminal], [], [], 0.2)[0]:
        try:
            said += os.read(terminal, 65536)
        except OSError:
            break
    os.close(terminal)
    assert_session_ends(build.pid)
    if how == signal.SIGTERM:
        assert code == 143, said[-500:]
        assert b"stopped by SIGTERM" in said and b"Traceback" not in said
    if how == signal.SIGINT:  # Ctrl-C
        assert code == 130, said[-500:]
        assert b"feedpub: interrupted" in said and b"Traceback" not in said
    if (site / "feeds" / "manifest.json").exists():
        check_consistent(site / "feeds")


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_a_killed_service_leaves_no_worker(tmp_path, server):
    """SIGKILL to `feedpub serve` while it reads posts with its pool: the HTTP workers, the fork
    server and the readers all go."""
    corpus.generate(tmp_path / "posts", 600, seed=21)
    with serve(tmp_path, interval=0.3, server=server) as (_base, proc):
        rewrite_every_post(tmp_path / "posts", 1)  # the next scans read every post again
        time.sleep(0.6)
        session = os.getsid(proc.pid)
        assert len(session_members(session)) > 1 or server == "cheroot"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert_session_ends(session)

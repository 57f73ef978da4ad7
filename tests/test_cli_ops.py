"""The real `feedpub` executable at its edges, as an operator meets them: one line and exit 2 for
anything it cannot do, the traceback only with --debug, one publisher per feeds/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from .helpers import wait_for, write_config
from .http import fetch, free_port

FEEDPUB = [sys.executable, "-m", "feedpub.cli"]


def run(args, cwd, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("FEEDPUB_CONFIG", "FEEDPUB_SITE")}
    return subprocess.run(
        [*FEEDPUB, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def assert_one_line(result, *words):
    """Exit 2, stderr one line naming `words`, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("feedpub: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.mark.parametrize("command", ["check", "build", "posts"])
def test_a_missing_posts_folder_is_one_line_and_exit_2(tmp_path, command):
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n")
    line = assert_one_line(run([command], tmp_path), "posts directory", str(tmp_path / "posts"))
    assert "missing" in line


def test_bad_inputs_are_one_line_each(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "bad.yaml").write_text("site: [\n  title: x\n")
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "feeds-is-a-file.yaml").write_text("paths:\n  feeds: file\n")
    assert_one_line(run(["build", "--config", "nope.yaml"], tmp_path), "nope.yaml", "not found")
    assert_one_line(run(["check", "--config", "bad.yaml"], tmp_path), "bad.yaml", "cannot read config")
    assert_one_line(run(["build", "--site", "no-such-site"], tmp_path), "--site", "no-such-site")
    assert_one_line(run(["build", "--site", "posts"], tmp_path), "neither a Jekyll config")
    assert_one_line(run(["build", "--bogus"], tmp_path), "--bogus", "feedpub build --help")
    assert_one_line(run(["build", "--config", "feeds-is-a-file.yaml"], tmp_path), "file")
    assert_one_line(run(["serve", "--port", "70000"], tmp_path), "70000", "out of range")
    assert_one_line(run(["serve", "--port", "eighty"], tmp_path), "--port", "eighty")
    assert_one_line(run(["serve", "--host", "192.0.2.1"], tmp_path), "192.0.2.1", "--host")


def test_debug_shows_the_traceback(tmp_path):
    result = run(["--debug", "check", "--config", "nope.yaml"], tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "ConfigError: nope.yaml: config file not found" in result.stderr


def test_a_build_without_any_config_says_which_defaults_it_used(tmp_path):
    (tmp_path / "posts").mkdir()
    result = run(["build"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"feedpub: no config file (./config.yaml), so: posts {tmp_path / 'posts'}, "
        f"feeds {tmp_path / 'feeds'}, base_url http://127.0.0.1:8080/"
    ]
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n")
    assert run(["build"], tmp_path).stderr == ""


@contextmanager
def publishing(root, *extra):
    """A real `feedpub serve --server cheroot` publishing root/feeds, with its PID."""
    port = free_port()
    config = write_config(root, 60, port)
    env = {**os.environ, "FEEDPUB_CONFIG": str(config)}
    proc = subprocess.Popen(
        [*FEEDPUB, "serve", "--server", "cheroot", "--port", str(port), *extra],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: _answers(port), "serve never answered")
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _answers(port):
    try:
        return fetch(f"http://127.0.0.1:{port}", "/atom.xml").status == 200
    except OSError:
        return False


@pytest.mark.slow
def test_a_second_publisher_on_one_folder_is_refused_and_build_wait_waits(tmp_path):
    with publishing(tmp_path) as (proc, _port):
        refused = run(["build"], tmp_path)
        line = assert_one_line(refused, f"PID {proc.pid} (feedpub serve)", str(tmp_path / "feeds"))
        assert "--no-scheduler" in line
        second = run(["serve", "--server", "cheroot", "--port", str(free_port())], tmp_path)
        assert_one_line(second, f"PID {proc.pid} (feedpub serve)")
        # a reader needs no lock: it serves what the publisher writes
        with publishing(tmp_path, "--no-scheduler") as (reader, _reader_port):
            assert reader.poll() is None
        env = {k: v for k, v in os.environ.items() if k != "FEEDPUB_CONFIG"}
        waiting = subprocess.Popen(
            [*FEEDPUB, "build", "--wait"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        assert waiting.poll() is None, waiting.communicate()
        proc.send_signal(signal.SIGTERM)
        out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert f"waiting for PID {proc.pid} (feedpub serve)" in err
    assert "feeds:" in out
    assert (tmp_path / ".feedpub" / "publisher.lock").read_text().split() == [
        str(waiting.pid),
        "feedpub",
        "build",
    ]


@pytest.mark.slow
def test_the_lock_dies_with_its_holder(tmp_path):
    """flock is the kernel's: a publisher killed with SIGKILL leaves nothing to clean up."""
    with publishing(tmp_path) as (proc, _port):
        assert run(["build"], tmp_path).returncode == 2
        proc.kill()
        proc.wait(10)
        result = run(["build"], tmp_path)
    assert result.returncode == 0, result.stderr

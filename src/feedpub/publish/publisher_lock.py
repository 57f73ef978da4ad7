"""One publisher per feeds/: an `fcntl.flock` lock file in the cache folder, held while a
`feedpub build` or a scheduling `feedpub serve` runs.

Two publishers on one folder would each write feeds/ and its manifest from their own view of
posts/ (and two schedulers would ping the hub twice), so the second one refuses, naming the
holder. flock is released by the kernel when the holder dies, however it dies: no stale lock to
clean up. The file is opened with O_CLOEXEC, so a spawned Granian worker (fork + exec) never holds
it; a forked child (`workers.fork_map`'s pool during a cold build) shares the open file
description and keeps the lock alive while it lives, which ends with the build.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from feedpub.errors import FeedpubError

LOCK_NAME = "publisher.lock"


class PublisherBusy(FeedpubError):
    """Another process publishes to the same feeds/; the message names its PID."""


def holder(lock_path: Path) -> str:
    """What the lock file says of its holder ("1234 (feedpub serve)"), or "another process"."""
    try:
        text = lock_path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    pid, _, role = text.partition(" ")
    if not pid.isdigit():
        return "another process"
    return f"PID {pid}" + (f" ({role})" if role else "")


@contextmanager
def publisher_lock(
    cache_dir: Path,
    feeds_dir: Path,
    role: str,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold the publisher lock of `cache_dir` for the body; PublisherBusy at once when another
    process holds it, or (`wait`) block until it is free, calling `on_wait` with the holder first."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        path = cache_dir / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise FeedpubError(f"cannot create the publisher lock in {cache_dir}: {exc.strerror}") from exc
    try:
        _acquire(fd, path, feeds_dir, wait, on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {role}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock (the file stays: removing it would race a waiter)


def _acquire(fd: int, path: Path, feeds_dir: Path, wait: bool, on_wait: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        who = holder(path)
    if not wait:
        raise PublisherBusy(
            f"feeds/ at {feeds_dir} is being published by {who}; stop it, "
            "or use `serve --no-scheduler` (only serve) or `build --wait`"
        )
    if on_wait is not None:
        on_wait(who)
    fcntl.flock(fd, fcntl.LOCK_EX)

"""Reaper: frees the files a publish replaced on a thread of its own, off the publish's path.

A long-running service hands it the descriptors `write_atomic` held on replaced files.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading


class Reaper:
    """Closes, on a thread of its own, descriptors held on files that a publish replaced.

    Dropping the last reference to a file frees its blocks, which on a disk mounted with
    `discard` costs a millisecond or two per file (ten times the write itself). Holding the old
    file open across the rename and closing it here keeps that off the path between an edit and
    its republished feeds; readers already see the new bytes either way.
    """

    LIMIT = 256  # descriptors one publish may hand over; past that, replaced files are freed at once

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def close_later(self, fds: list[int]) -> None:
        if not fds:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="feedpub-reaper", daemon=True)
                self._thread.start()
        self._queue.put(fds)

    def _run(self) -> None:
        while True:
            for fd in self._queue.get():
                with contextlib.suppress(OSError):
                    os.close(fd)

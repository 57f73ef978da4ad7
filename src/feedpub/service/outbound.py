"""Outgoing WebSub requests: one POST, and the worker threads that retry failed ones.

A job that fails is tried again with exponential backoff; a job keyed like one still waiting
replaces it, since only the newest content matters; the queue is bounded, so a dead subscriber
costs a bounded amount of work and a scan never waits for the network.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

log = logging.getLogger("feedpub")

TIMEOUT = 10.0  # seconds for one request to a hub or a subscriber
RETRIES = 5  # attempts per delivery or ping, waiting 1, 2, 4, 8 s between them (scaled by BACKOFF)
BACKOFF = 1.0
MAX_PENDING = 10_000  # deliveries waiting at once: past that, new ones are dropped (and logged)


# ---- outgoing requests, with retries ----------------------------------------------------------


class Worker:
    """Threads working a queue of jobs; a job that fails is tried again later (1, 2, 4, 8 s …),
    and a job keyed like one still waiting replaces it (only the newest content matters)."""

    def __init__(self, name: str, threads: int = 2) -> None:
        self._queue: queue.Queue[tuple[float, int, str]] = queue.PriorityQueue()
        self._jobs: dict[str, tuple[Callable[[], bool], int]] = {}
        self._lock = threading.Lock()
        self._counter = 0
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"feedpub-{name}-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, key: str, job: Callable[[], bool]) -> None:
        """Run `job` (True: done) soon; replaces a waiting job with the same key."""
        with self._lock:
            if key not in self._jobs and len(self._jobs) >= MAX_PENDING:
                log.warning("websub: %d deliveries waiting; dropping %s", MAX_PENDING, key)
                return
            waiting = key in self._jobs
            self._jobs[key] = (job, 0)
            if waiting:
                return  # the queued slot for this key will run the newest job
            self._counter += 1
            self._queue.put((time.monotonic(), self._counter, key))

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                due, _n, key = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            delay = due - time.monotonic()
            if delay > 0:  # not due yet: put it back and wait a little
                self._queue.put((due, _n, key))
                self._stopped.wait(min(delay, 0.2))
                continue
            with self._lock:
                job, attempt = self._jobs.pop(key, (None, 0))
            if job is None:
                continue
            try:
                done = job()
            except Exception:  # a bug must not kill the thread
                log.exception("websub: %s failed", key)
                done = False
            if not done and attempt + 1 < RETRIES:
                with self._lock:
                    if key not in self._jobs:  # newer content replaces the retry
                        self._jobs[key] = (job, attempt + 1)
                        self._counter += 1
                        self._queue.put((time.monotonic() + BACKOFF * 2**attempt, self._counter, key))
            elif not done:
                log.warning("websub: giving up on %s after %d attempts", key, RETRIES)

    def stop(self) -> None:
        self._stopped.set()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status (0 when the request failed outright)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return 0

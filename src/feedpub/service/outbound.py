"""Outgoing WebSub requests: one POST, and the worker threads that retry failed ones.

A job that fails is tried again with exponential backoff; a job keyed like one still waiting
replaces it, since only the newest content matters; the queue is bounded (in all and per host:
past that, jobs are shed and logged), and at most `PER_HOST` jobs of one host run at once, so a
slow or dead subscriber costs a bounded amount of work, never delays the others, and a scan
never waits for the network. Every request goes through `guarded_http` (SSRF checks, deadline).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx

from feedpub.service.callbacks import printable
from feedpub.service.guarded_http import Refused, request

log = logging.getLogger("feedpub")

RETRIES = 5  # attempts per delivery or ping, waiting 1, 2, 4, 8 s between them (scaled by BACKOFF)
BACKOFF = 1.0
MAX_PENDING = 10_000  # deliveries waiting at once: past that, new ones are dropped (and logged)
MAX_PENDING_PER_HOST = 1_000  # of those, for one host
PER_HOST = 2  # jobs of one host running at once
REFUSED = -1  # post()'s status for a URL guarded_http will not request: never retried


# ---- outgoing requests, with retries ----------------------------------------------------------


class Worker:
    """Threads working a queue of jobs; a job that fails is tried again later (1, 2, 4, 8 s …),
    and a job keyed like one still waiting replaces it (only the newest content matters)."""

    def __init__(self, name: str, threads: int = 8) -> None:
        self._queue: queue.Queue[tuple[float, int, str]] = queue.PriorityQueue()
        self._jobs: dict[str, tuple[Callable[[], bool], int, str]] = {}
        self._waiting: Counter[str] = Counter()  # host → jobs waiting
        self._running: Counter[str] = Counter()  # host → jobs running
        self._lock = threading.Lock()
        self._counter = 0
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"feedpub-{name}-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, key: str, job: Callable[[], bool], host: str = "") -> bool:
        """Run `job` (True: done) soon; replaces a waiting job with the same key. False when the
        queue (or this host's share of it) is full and the job was shed."""
        with self._lock:
            waiting = key in self._jobs
            if not waiting and (
                len(self._jobs) >= MAX_PENDING or self._waiting[host] >= MAX_PENDING_PER_HOST
            ):
                log.warning("websub: queue full (%d waiting); shedding %s", len(self._jobs), printable(key))
                return False
            self._jobs[key] = (job, 0, host)
            if waiting:
                return True  # the queued slot for this key will run the newest job
            self._waiting[host] += 1
            self._enqueue(time.monotonic(), key)
            return True

    def _enqueue(self, due: float, key: str) -> None:
        self._counter += 1
        self._queue.put((due, self._counter, key))

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)

    def _take(self) -> tuple[str, Callable[[], bool], int, str] | None:
        """The next due job whose host has a free slot (marked running), or None."""
        try:
            due, n, key = self._queue.get(timeout=0.5)
        except queue.Empty:
            return None
        delay = due - time.monotonic()
        if delay > 0:  # not due yet: put it back and wait a little
            self._queue.put((due, n, key))
            self._stopped.wait(min(delay, 0.2))
            return None
        with self._lock:
            if key not in self._jobs:
                return None
            job, attempt, host = self._jobs[key]
            if self._running[host] >= PER_HOST:  # this host is busy: others go first
                self._enqueue(time.monotonic() + 0.05, key)
                return None
            del self._jobs[key]
            self._waiting[host] -= 1
            self._running[host] += 1
        return key, job, attempt, host

    def _run(self) -> None:
        while not self._stopped.is_set():
            taken = self._take()
            if taken is None:
                continue
            key, job, attempt, host = taken
            try:
                done = job()
            except Exception:  # a bug must not kill the thread
                log.exception("websub: %s failed", printable(key))
                done = False
            with self._lock:
                self._running[host] -= 1
                if not done and attempt + 1 < RETRIES and key not in self._jobs:  # newer content wins
                    self._jobs[key] = (job, attempt + 1, host)
                    self._waiting[host] += 1
                    self._enqueue(time.monotonic() + BACKOFF * 2**attempt, key)
                elif not done and key not in self._jobs:
                    log.warning("websub: giving up on %s after %d attempts", printable(key), RETRIES)

    def stop(self) -> None:
        self._stopped.set()


def post(url: str, body: bytes, headers: dict[str, str], allow_private: bool = False) -> int:
    """POST through the guarded client and return the status: 0 when the request failed (tried
    again later), REFUSED for a URL that must not be requested (never tried again)."""
    try:
        return request("POST", url, body=body, headers=headers, allow_private=allow_private).status
    except Refused as exc:
        log.warning("websub: not sending to %s: %s", printable(url), printable(str(exc)))
        return REFUSED
    except httpx.HTTPError:
        return 0

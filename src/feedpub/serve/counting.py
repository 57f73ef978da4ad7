"""Who reads which feed, counted off the hot path.

A request adds to counters in memory (a dict under a lock: well under a microsecond); a thread
adds them to the store (`serve.stats_store`) every `stats.flush_seconds` and once more when the
process exits. Each process (every Granian worker) flushes its own counts: the store adds them up.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
from functools import lru_cache
from typing import Any

from flask import Flask, Response, request

from feedpub.config import Settings
from feedpub.render.formats import is_feed
from feedpub.serve.agents import aggregator
from feedpub.serve.clients import ClientAddress
from feedpub.serve.polite import BODY, Limiter, too_many
from feedpub.serve.stats_store import Batch, day_of, opened, write

log = logging.getLogger("feedpub")
feed_path = lru_cache(maxsize=4096)(is_feed)


class Recorder:
    """This process's counts since the last flush, and the thread that flushes them."""

    def __init__(self, settings: Settings) -> None:
        self.cache_dir = settings.cache_dir
        self.retention_days = settings.stats.retention_days
        self._batch = Batch()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(settings.stats.flush_seconds,), name="feedpub-stats", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    def record(self, path: str, status: int, size: int, address: str, user_agent: str) -> None:
        now = time.time()
        day = day_of(now)
        reported = aggregator(user_agent)
        with self._lock:
            batch = self._batch
            batch.add(day, path, status, size, None if reported else (address, user_agent))
            if reported is not None:
                batch.aggregators[(day, path, reported[0])] = (reported[1], now)

    def _run(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._batch = self._batch, Batch()
        if not batch:
            return
        with self._flush_lock:
            try:
                with opened(self.cache_dir) as conn:
                    write(conn, batch, self.retention_days)
            except (OSError, sqlite3.Error) as exc:  # statistics never stop serving
                log.warning("statistics not saved: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self.flush()


_RECORDERS: dict[str, Recorder] = {}  # one per store in a process: a reload keeps its counts
_RECORDERS_LOCK = threading.Lock()


def recorder_for(settings: Settings) -> Recorder:
    with _RECORDERS_LOCK:
        key = str(settings.cache_dir.resolve())
        if key not in _RECORDERS:
            _RECORDERS[key] = Recorder(settings)
        return _RECORDERS[key]


class Counting:
    """The fast path's and the app's one hook: the polite limit, then the count."""

    def __init__(self, settings: Settings) -> None:
        self.clients = ClientAddress(settings.server.trusted_proxies)
        self.limiter = Limiter(settings.polite) if settings.polite.enabled else None
        self.recorder = recorder_for(settings) if settings.stats.enabled else None

    @staticmethod
    def of(settings: Settings) -> Counting | None:
        on = settings.stats.enabled or settings.polite.enabled
        return Counting(settings) if on else None

    def who(self, environ: dict[str, Any]) -> tuple[str, str]:
        return self.clients.address(environ), str(environ.get("HTTP_USER_AGENT") or "")

    def wait(self, who: tuple[str, str], path: str) -> int | None:
        return None if self.limiter is None else self.limiter.retry_after(who[0], who[1], path)

    def record(self, who: tuple[str, str], path: str, status: int, size: int) -> None:
        if self.recorder is not None:
            self.recorder.record(path, status, size, who[0], who[1])


def install(app: Flask, counting: Counting | None) -> None:
    """The same hook in the Flask app, for the feeds it answers (the fast path answers most)."""
    if counting is None:
        return

    def path() -> str | None:
        name = request.path[1:]
        return name if request.method in ("GET", "HEAD") and feed_path(name) else None

    @app.before_request
    def limit() -> Response | None:
        name = path()
        wait = None if name is None else counting.wait(counting.who(request.environ), name)
        if wait is None:
            return None
        status, headers, _ = too_many(wait)
        return Response(BODY, status=int(status[:3]), headers=headers[1:3], mimetype="text/plain")

    @app.after_request
    def count(response: Response) -> Response:
        name = path()
        if name is not None and response.status_code != 429:
            size = 0 if request.method == "HEAD" else (response.content_length or 0)
            counting.record(counting.who(request.environ), name, response.status_code, size)
        return response

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
from collections import Counter
from functools import lru_cache
from typing import Any

from flask import Flask, Response, g, request

from feedpub.config import Settings
from feedpub.render.formats import is_feed
from feedpub.serve.agents import aggregator
from feedpub.serve.clients import ClientAddress
from feedpub.serve.polite import Limiter, too_many
from feedpub.serve.stats_store import Batch, day_of, opened, write

log = logging.getLogger("feedpub")
feed_path = lru_cache(maxsize=4096)(is_feed)
Hit = tuple[float, str, str, int, str, str]  # tick, feed, status line, bytes, address, User-Agent
CHUNK = 10_000
MAX_AGENT = 256  # characters of a User-Agent kept
POLL_SECONDS = 0.25  # how often the flushing thread looks at the list's length
MAX_PENDING = 500_000  # requests kept between flushes at most (about 50 MB)


class Recorder:
    """This process's counts since the last flush, and the thread that flushes them."""

    def __init__(self, settings: Settings) -> None:
        self.cache_dir = settings.cache_dir
        self.retention_days = settings.stats.retention_days
        # one tuple per request, appended by the hot path itself (`list.append` is atomic under
        # the GIL: no lock); the flush takes the first n and deletes them, later ones stay
        self.hits: list[Hit] = []
        # the time, as the flushing thread sets it every POLL_SECONDS: requests carry it (a clock
        # read costs the hot path more), so days and the latest aggregator report are known
        # across processes to within that much
        self.tick = time.time()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(settings.stats.flush_seconds,), name="feedpub-stats", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    def _run(self, seconds: float) -> None:
        """Flush every `seconds`, or sooner when a flood has filled the list."""
        waited = 0.0
        while not self._stop.wait(POLL_SECONDS):
            self.tick = time.time()
            waited += POLL_SECONDS
            if waited >= seconds or len(self.hits) > MAX_PENDING:
                waited = 0.0
                self.flush()

    def flush(self) -> None:
        """Counted and written."""
        with self._flush_lock:
            hits = self.hits
            taken = len(hits)
            if not taken:
                return
            pending = hits[:taken]
            del hits[:taken]
            self._write(_batch(pending))

    def _write(self, batch: Batch) -> None:
        try:
            with opened(self.cache_dir) as conn:
                write(conn, batch, self.retention_days)
        except (OSError, sqlite3.Error) as exc:  # statistics never stop serving
            log.warning("statistics not saved: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self.flush()
        self.flush()


def _batch(hits: list[Hit]) -> Batch:
    """The requests as the store's rows: counted alike in C (Counter), then one pass per
    distinct (tick, feed, status, bytes, client); an aggregator's count is its latest."""
    batch = Batch()
    counted: Counter[Hit] = Counter()
    for start in range(0, len(hits), CHUNK):  # in C, a slice at a time: requests get the GIL between
        counted.update(hits[start : start + CHUNK])
        time.sleep(0)
    days: dict[float, str] = {}
    reports: dict[tuple[str, str, str], list[tuple[float, Hit, int]]] = {}  # (day, feed, aggregator)
    for hit, times in counted.items():
        tick, path, status, size, address, agent = hit
        day = days.get(tick) or days.setdefault(tick, day_of(tick))
        reported = aggregator(agent)
        batch.add(day, path, int(status[:3]), size * times, None if reported else (address, agent), times)
        if reported is not None:
            reports.setdefault((day, path, reported[0]), []).append((tick, hit, reported[1]))
    for key, found in reports.items():
        batch.aggregators[key] = _latest(found, hits)
    return batch


def _latest(reports: list[tuple[float, Hit, int]], hits: list[Hit]) -> tuple[int, float]:
    """(subscribers, tick) of the report sent last: the newest tick, and of two reports within
    one tick (rare: an aggregator's count changed within POLL_SECONDS) the later in the list."""
    newest = max(tick for tick, _hit, _subscribers in reports)
    latest = [report for report in reports if report[0] == newest]
    if len(latest) > 1:  # found in C from the end; only here, so the common flush needs one pass
        backwards = hits[::-1]
        latest.sort(key=lambda report: -backwards.index(report[1]))
    return latest[-1][2], newest


_RECORDERS: dict[str, Recorder] = {}  # one per store in a process: a reload keeps its counts
_RECORDERS_LOCK = threading.Lock()


def recorder_for(settings: Settings) -> Recorder:
    with _RECORDERS_LOCK:
        key = str(settings.cache_dir.resolve())
        if key not in _RECORDERS:
            _RECORDERS[key] = Recorder(settings)
        return _RECORDERS[key]


class _NoClock:
    """Statistics off: nothing carries the time."""

    tick = 0.0


class Counting:
    """The fast path's and the app's one hook: the polite limit, then the count."""

    def __init__(self, settings: Settings) -> None:
        self.clients = ClientAddress(settings.server.trusted_proxies)
        self.proxied = bool(settings.server.trusted_proxies)
        self.limiter = Limiter(settings.polite) if settings.polite.enabled else None
        recorder = recorder_for(settings) if settings.stats.enabled else None
        # the hot path appends (feed, status line, bytes, address, User-Agent) here; None: not counted
        self.hits: list[Hit] | None = recorder.hits if recorder is not None else None
        self.clock: Recorder | _NoClock = recorder or _NoClock()  # its `tick`: the time requests carry

    @staticmethod
    def of(settings: Settings) -> Counting | None:
        on = settings.stats.enabled or settings.polite.enabled
        return Counting(settings) if on else None

    def admit(self, environ: dict[str, Any], path: str) -> tuple[str, str, int | None]:
        """(address, User-Agent, None or the seconds a client over its limit must wait)."""
        address = self.clients.address(environ) if self.proxied else environ.get("REMOTE_ADDR", "")
        agent = environ.get("HTTP_USER_AGENT", "")
        if len(agent) > MAX_AGENT:  # kept in memory and hashed: a client cannot make it large
            agent = agent[:MAX_AGENT]
        limiter = self.limiter
        if limiter is None or limiter.free_addresses.get(address) or limiter.free_agents.get(agent):
            return address, agent, None  # never limited, as decided before (`Limiter.free`)
        return address, agent, limiter.retry_after(address, agent, path)

    def record(self, path: str, status: str, size: int, address: str, agent: str) -> None:
        """The app's count (the fast path appends to `hits` itself)."""
        if self.hits is not None:
            self.hits.append((self.clock.tick, path, status, size, address, agent))


def install(app: Flask, counting: Counting | None) -> None:
    """The same hook in the Flask app, for the feeds it answers (the fast path answers most)."""
    if counting is None:
        return

    @app.before_request
    def limit() -> Response | None:
        name = request.path[1:]
        if request.method not in ("GET", "HEAD") or not feed_path(name):
            return None
        address, agent, wait = counting.admit(request.environ, name)
        g.feedpub_hit = (name, address, agent)  # counted once answered (below)
        if wait is None:
            return None
        status, headers, body = too_many(wait)  # the fast path's answer, headers and all
        return Response(body, status=int(status[:3]), headers=headers)

    @app.after_request
    def count(response: Response) -> Response:
        hit = g.pop("feedpub_hit", None)
        if hit is not None and response.status_code in (200, 304):  # published files only: a
            # probe of made-up feed paths must not add rows
            name, address, agent = hit
            size = 0 if request.method == "HEAD" else (response.content_length or 0)
            counting.record(name, response.status, size, address, agent)
        return response

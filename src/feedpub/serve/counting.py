"""Who reads which feed, counted off the hot path.

A request adds one to its count in this process's current period, a dict keyed by (feed,
status, bytes, address, User-Agent), in one C call (`add_hit`); the flushing thread starts a new
period every POLL_SECONDS, and every `stats.flush_seconds` and once more when the process exits
adds the periods to the store (`serve.stats_store`). Each process (every Granian worker) flushes
its own counts: the store adds them up.
"""

from __future__ import annotations

import atexit
import collections
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
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
Hit = tuple[str, str, int, str, str]  # feed, status line, bytes, address, User-Agent
Period = tuple[float, dict[Hit, int]]  # when it started, and its counts
MAX_AGENT = 256  # characters of a User-Agent kept
POLL_SECONDS = 0.25  # how long a period lasts: what a request's time is known to within
GRACE_SECONDS = 1.0  # a period is counted this long after it ended at the earliest (see `_ended`)
MAX_PENDING = 200_000  # distinct counts kept between flushes at most (a flood of made-up clients)


# Counter's own C helper (CPython's `_collections`): for each item one dict get and one set, in C
# with the GIL held throughout
count_into: Callable[[dict[Hit, int], Iterable[Hit]], None] = collections._count_elements  # type: ignore[attr-defined]


def add_hit(counts: dict[Hit, int], hit: Hit) -> None:
    """One request more: `Counter`'s C helper gets and sets the dict entry without letting go of
    the GIL, so two threads never lose a count; no lock, no clock, and nothing that outlives the
    request but an int (an appended tuple per request, counted at the flush, cost 5 % of the
    fast path's requests/s: docs/architecture.md)."""
    count_into(counts, (hit,))


class Recorder:
    """This process's counts since the last flush, and the thread that flushes them."""

    def __init__(self, settings: Settings) -> None:
        self.cache_dir = settings.cache_dir
        self.retention_days = settings.stats.retention_days
        # the period under way: the hot path counts into whichever dict this is when it looks
        self.counts: dict[Hit, int] = {}
        self._started = time.time()
        self._ended: list[tuple[float, Period]] = []  # (when it ended, the period)
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(settings.stats.flush_seconds,), name="feedpub-stats", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    def _run(self, seconds: float) -> None:
        """A new period every POLL_SECONDS; a flush every `seconds`, or sooner in a flood."""
        waited = 0.0
        while not self._stop.wait(POLL_SECONDS):
            pending = self._next_period()
            waited += POLL_SECONDS
            if waited >= seconds or pending > MAX_PENDING:
                waited = 0.0
                self.flush()

    def _next_period(self) -> int:
        """Start a new period; the distinct counts waiting for a flush."""
        with self._flush_lock:
            self._turn()
            return sum(len(counts) for _ended, (_start, counts) in self._ended)

    def _turn(self) -> None:
        """The period under way ends now (`_flush_lock` held)."""
        now = time.time()
        self._ended.append((now, (self._started, self.counts)))
        self.counts, self._started = {}, now

    def flush(self, everything: bool = False) -> None:
        """Count and write the periods that ended GRACE_SECONDS ago: a request that looked up
        `counts` just before a period ended still adds to it a moment later (a thread can be
        paused between two instructions), so a period is read once nobody can be adding to it.
        `everything`: at exit, when no request is under way any more."""
        with self._flush_lock:
            if everything:
                self._turn()
            cutoff = float("inf") if everything else time.time() - GRACE_SECONDS
            ready = [period for ended, period in self._ended if ended <= cutoff]
            self._ended = [(ended, period) for ended, period in self._ended if ended > cutoff]
            if ready:
                self._write(_batch(ready))

    def _write(self, batch: Batch) -> None:
        if not batch:
            return
        try:
            with opened(self.cache_dir) as conn:
                write(conn, batch, self.retention_days)
        except (OSError, sqlite3.Error) as exc:  # statistics never stop serving
            log.warning("statistics not saved: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.flush(everything=True)


def _batch(periods: list[Period]) -> Batch:
    """The periods' counts as the store's rows; an aggregator's subscribers are its latest
    report (of two in one period, which POLL_SECONDS cannot order, the larger)."""
    batch = Batch()
    latest: dict[tuple[str, str, str], tuple[int, float]] = {}  # (day, feed, aggregator) → report
    for started, counts in periods:
        day = day_of(started)
        for (path, status, size, address, agent), times in list(counts.items()):
            reported = aggregator(agent)
            batch.add(day, path, int(status[:3]), size * times, None if reported else (address, agent), times)
            if reported is not None:
                key, previous = (day, path, reported[0]), latest.get((day, path, reported[0]))
                if previous is None or (started, reported[1]) > (previous[1], previous[0]):
                    latest[key] = (reported[1], started)
    batch.aggregators.update(latest)
    return batch


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
        self.proxied = bool(settings.server.trusted_proxies)
        self.limiter = Limiter(settings.polite) if settings.polite.enabled else None
        recorder = recorder_for(settings) if settings.stats.enabled else None
        self.recorder = recorder  # None: not counted

    @staticmethod
    def of(settings: Settings) -> Counting | None:
        on = settings.stats.enabled or settings.polite.enabled
        return Counting(settings) if on else None

    def admit(self, environ: dict[str, Any], path: str) -> tuple[str, str, int | None]:
        """(address, User-Agent, None or the seconds a client over its limit must wait)."""
        # The fast path has these lines inlined (a call and a tuple cost it 1 % of its speed:
        # docs/architecture.md); tests/serve/test_counting.py holds the two to the same answers.
        address = self.clients.address(environ) if self.proxied else environ.get("REMOTE_ADDR", "")
        agent = environ.get("HTTP_USER_AGENT", "")[:MAX_AGENT]  # kept and hashed: never made large
        limiter = self.limiter
        if limiter is None or limiter.free_addresses.get(address) or limiter.free_agents.get(agent):
            return address, agent, None  # never limited, as decided before (`Limiter._decide`)
        return address, agent, limiter.retry_after(address, agent, path)

    def record(self, path: str, status: str, size: int, address: str, agent: str) -> None:
        """The app's count (the fast path has `add_hit` inlined)."""
        if self.recorder is not None:
            add_hit(self.recorder.counts, (path, status, size, address, agent))


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

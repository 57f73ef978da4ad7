"""WebSub (W3C Recommendation, 2018): tell hubs, or be the hub, so subscribers get new posts in
seconds instead of at their next poll.

- `hub_url(settings)`: the hub every feed names (`rel="hub"`): `websub.hub`, or this site's own
  `/websub` with `websub.builtin: true`; None when neither (then feeds name no hub).
- `Notifier`: after a publish, for every feed whose bytes changed, pings the external hub
  (`hub.mode=publish`) and/or delivers the new feed to the built-in hub's subscribers (signed with
  `X-Hub-Signature: sha256=…` when they gave a secret). Work runs on threads of its own, with
  retries and exponential backoff, coalesced per subscriber and feed, so a scan never waits and
  a dead subscriber costs a bounded amount of work.
- `Hub`: the built-in hub's subscription requests (`POST /websub`): the topic must be one of our
  feeds; intent is verified asynchronously with a `hub.challenge` GET to the callback; leases
  expire (renewed by subscribing again); subscriptions live in SQLite under `paths.cache`, so
  they survive restarts and are shared by every serving process.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import queue
import secrets
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .answer import is_topic, media_type
from .config import Settings
from .render.common import hub_url, topic_url

log = logging.getLogger("feedpub")

DB_NAME = "websub.sqlite3"
TIMEOUT = 10.0  # seconds for one request to a hub or a subscriber
RETRIES = 5  # attempts per delivery or ping, waiting 1, 2, 4, 8 s between them (scaled by BACKOFF)
BACKOFF = 1.0
MAX_PENDING = 10_000  # deliveries waiting at once: past that, new ones are dropped (and logged)
MAX_SECRET_BYTES = 200  # the spec's limit
MIN_LEASE, MAX_LEASE = 60, 30 * 86_400


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# ---- subscriptions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    callback: str
    topic: str
    secret: str | None
    expires: float


class Subscriptions:
    """The built-in hub's subscribers, in SQLite (WAL: the serving and the publishing process
    share it). Each call opens its own connection: few calls, from several threads."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / DB_NAME
        cache_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS subscriptions (callback TEXT NOT NULL, topic TEXT NOT NULL,"
                " secret TEXT, expires REAL NOT NULL, PRIMARY KEY (callback, topic))"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def add(self, sub: Subscription) -> None:
        with contextlib.closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?)",
                (sub.callback, sub.topic, sub.secret, sub.expires),
            )

    def remove(self, callback: str, topic: str) -> None:
        with contextlib.closing(self._connect()) as db, db:
            db.execute("DELETE FROM subscriptions WHERE callback = ? AND topic = ?", (callback, topic))

    def active_for(self, topics: list[str], now: float | None = None) -> list[Subscription]:
        """Subscribers of any of `topics` whose lease runs, in one query."""
        now = time.time() if now is None else now
        found: list[Subscription] = []
        with contextlib.closing(self._connect()) as db, db:
            db.execute("DELETE FROM subscriptions WHERE expires <= ?", (now,))
            for start in range(0, len(topics), 500):  # SQLite's limit on bound parameters
                chunk = topics[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT callback, topic, secret, expires FROM subscriptions"
                    f" WHERE topic IN ({marks}) ORDER BY topic, callback",
                    chunk,
                ).fetchall()
                found += [Subscription(*row) for row in rows]
        return found


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


class Notifier:
    """After each publish: ping the external hub and deliver to the built-in hub's subscribers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.subscriptions = Subscriptions(settings.cache_dir) if settings.websub.builtin else None
        self.worker = Worker("websub")

    def published(self, paths: Iterable[str]) -> None:
        """Feeds among `paths` changed bytes: tell whoever wants to know (never blocks)."""
        feeds = sorted(p for p in paths if is_topic(p))
        if not feeds:
            return
        if self.settings.websub.hub:
            topics = [topic_url(self.settings, p) for p in feeds]
            self.worker.submit("ping " + " ".join(topics), lambda: self._ping(topics))
        if self.subscriptions is not None:  # who subscribed is looked up on a worker, not in the scan
            self.worker.submit("fan-out " + " ".join(feeds), lambda: self._fan_out(feeds))

    def _fan_out(self, feeds: list[str]) -> bool:
        assert self.subscriptions is not None
        topics = {topic_url(self.settings, path): path for path in feeds}
        for sub in self.subscriptions.active_for(list(topics)):
            self.worker.submit(f"deliver {sub.callback} {sub.topic}", self._delivery(sub, topics[sub.topic]))
        return True

    def _ping(self, topics: list[str]) -> bool:
        hub = self.settings.websub.hub
        assert hub is not None
        form = (
            [("hub.mode", "publish")] + [("hub.url", t) for t in topics] + [("hub.topic", t) for t in topics]
        )
        status = post(
            hub,
            urllib.parse.urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if not 200 <= status < 300:
            log.warning("websub: hub %s answered %s to a publish ping", hub, status or "nothing")
        return 200 <= status < 300

    def _delivery(self, sub: Subscription, path: str) -> Callable[[], bool]:
        def deliver() -> bool:
            if sub.expires <= time.time():
                return True  # the lease ran out meanwhile: nothing to do
            try:
                body = (self.settings.feeds_dir / path).read_bytes()  # the newest bytes
            except OSError:
                return True  # the feed is gone: its removal is not content
            headers = {
                "Content-Type": media_type(path).split(";")[0],
                "Link": f'<{hub_url(self.settings)}>; rel="hub", <{sub.topic}>; rel="self"',
            }
            if sub.secret:
                headers["X-Hub-Signature"] = signature(sub.secret, body)
            status = post(sub.callback, body, headers)
            if status == 410:  # the subscriber says it is gone for good
                if self.subscriptions is not None:
                    self.subscriptions.remove(sub.callback, sub.topic)
                return True
            return 200 <= status < 300

        return deliver

    def stop(self) -> None:
        self.worker.stop()


# ---- the built-in hub's endpoint --------------------------------------------------------------


class Hub:
    """Subscription requests to `POST /websub`, verified out of band."""

    def __init__(self, settings: Settings, topic_exists: Callable[[str], bool]) -> None:
        self.settings = settings
        self.subscriptions = Subscriptions(settings.cache_dir)
        self.topic_exists = topic_exists  # feeds/-relative path → published?
        self.verifier = Worker("websub-verify", threads=2)

    def request(self, form: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, message) for a subscription request; 202 means verification follows."""
        mode = form.get("hub.mode", "")
        callback = form.get("hub.callback", "")
        topic = form.get("hub.topic", "")
        if mode not in ("subscribe", "unsubscribe"):
            return 400, "hub.mode must be subscribe or unsubscribe\n"
        parts = urllib.parse.urlsplit(callback)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return 400, "hub.callback must be an http(s) URL\n"
        path = self._topic_path(topic)
        if path is None:
            return 400, "hub.topic is not a feed of this site\n"
        canonical = topic_url(self.settings, path)  # as deliveries name it, however it was spelled
        secret = form.get("hub.secret") or None
        if secret is not None and len(secret.encode("utf-8")) > MAX_SECRET_BYTES:
            return 400, f"hub.secret is longer than {MAX_SECRET_BYTES} bytes\n"
        try:
            lease = int(form.get("hub.lease_seconds") or self.settings.websub.lease_seconds)
        except ValueError:
            return 400, "hub.lease_seconds must be a number of seconds\n"
        lease = max(MIN_LEASE, min(MAX_LEASE, lease))
        self.verifier.submit(
            f"verify {callback} {canonical}",
            lambda: self._verify(mode, callback, topic, canonical, secret, lease),
        )
        return 202, "accepted: verification of intent follows\n"

    def _topic_path(self, topic: str) -> str | None:
        base = self.settings.site.base_url
        if not topic.startswith(base):
            return None
        path = urllib.parse.unquote(topic[len(base) :])
        return path if is_topic(path) and self.topic_exists(path) else None

    def _verify(
        self, mode: str, callback: str, topic: str, canonical: str, secret: str | None, lease: int
    ) -> bool:
        """GET the callback with a challenge (echoing the topic as the subscriber wrote it); store
        or drop the subscription under the canonical topic URL when it answers the challenge."""
        challenge = secrets.token_urlsafe(24)
        query = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            query["hub.lease_seconds"] = str(lease)
        parts = urllib.parse.urlsplit(callback)
        joined = f"{parts.query}&" if parts.query else ""
        url = urllib.parse.urlunsplit(
            parts._replace(query=joined + urllib.parse.urlencode(query), fragment="")
        )
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                echoed = response.read(4096).decode("utf-8", "replace")
                ok = 200 <= response.status < 300 and echoed == challenge
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # the subscriber does not agree: done, nothing to retry
                log.info("websub: %s refused to %s %s", callback, mode, topic)
                return True
            return False
        except (OSError, ValueError):
            return False  # unreachable now: tried again with backoff
        if not ok:
            log.info("websub: %s did not echo the challenge for %s", callback, topic)
            return True
        if mode == "subscribe":
            self.subscriptions.add(Subscription(callback, canonical, secret, time.time() + lease))
            log.info("websub: %s subscribed to %s for %d s", callback, canonical, lease)
        else:
            self.subscriptions.remove(callback, canonical)
            log.info("websub: %s unsubscribed from %s", callback, canonical)
        return True

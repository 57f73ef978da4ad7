"""The built-in WebSub hub's subscribers, in SQLite under `paths.cache`.

They survive restarts and are shared by every process: the serving one adds them (`serve.hub`),
the publishing one delivers to them (`service.websub`). The file holds subscribers' secrets, so
it is readable by its owner only (0600). A store SQLite cannot read is moved aside (named in the
log and in /healthz, which says `degraded` while it lies there) and a new one started: a broken
file never stops the service.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from feedpub.service.callbacks import callback_host

log = logging.getLogger("feedpub")
DB_NAME = "websub.sqlite3"
ASIDE = ".unreadable-"  # websub.sqlite3.unreadable-<time>: a store moved aside
T = TypeVar("T")


# ---- subscriptions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    callback: str
    topic: str
    secret: str | None
    expires: float


def moved_aside(cache_dir: Path) -> list[str]:
    """Stores moved aside as unreadable (their names), for /healthz."""
    try:
        return sorted(p.name for p in cache_dir.glob(DB_NAME + ASIDE + "*"))
    except OSError:
        return []


class Subscriptions:
    """The built-in hub's subscribers, in SQLite (WAL: the serving and the publishing process
    share it). Each call opens its own connection: few calls, from several threads."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / DB_NAME
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._safely(self._create)

    def _create(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # never readable by others, even briefly
        os.close(fd)
        os.chmod(self.path, 0o600)  # a store made by an older feedpub
        with contextlib.closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS subscriptions (callback TEXT NOT NULL, topic TEXT NOT NULL,"
                " secret TEXT, expires REAL NOT NULL, PRIMARY KEY (callback, topic))"
            )
            columns = [row[1] for row in db.execute("PRAGMA table_info(subscriptions)")]
            if "host" not in columns:  # a store from before the per-host limits
                db.execute("ALTER TABLE subscriptions ADD COLUMN host TEXT NOT NULL DEFAULT ''")
                for (callback,) in db.execute("SELECT callback FROM subscriptions").fetchall():
                    db.execute(
                        "UPDATE subscriptions SET host = ? WHERE callback = ?",
                        (callback_host(callback), callback),
                    )
            db.execute("CREATE INDEX IF NOT EXISTS by_host ON subscriptions (host)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def _safely(self, work: Callable[[], T]) -> T:
        """Run `work`; if SQLite cannot read the store, move it aside, start a new one, run again."""
        try:
            return work()
        except (sqlite3.DatabaseError, OSError) as exc:
            if "locked" in str(exc) or "busy" in str(exc):  # another process writing: not damage
                raise
            aside = self.path.with_name(DB_NAME + ASIDE + time.strftime("%Y%m%dT%H%M%S"))
            log.error(
                "websub: subscription store %s is unreadable (%s); moved aside to %s",
                self.path,
                exc,
                aside.name,
            )
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            self._create()
            return work()

    def add(self, sub: Subscription, per_host: int | None = None, total: int | None = None) -> bool:
        """Store `sub` (a renewal replaces it); False when that would pass `per_host`
        subscriptions for its callback's host or `total` in all."""
        host = callback_host(sub.callback)

        def add() -> bool:
            with contextlib.closing(self._connect()) as db, db:
                key = (sub.callback, sub.topic)
                known = db.execute(
                    "SELECT 1 FROM subscriptions WHERE callback = ? AND topic = ?", key
                ).fetchone()
                if known is None and per_host is not None and self._count(db, host) >= per_host:
                    return False
                if known is None and total is not None and self._count(db) >= total:
                    return False
                db.execute(
                    "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                    (sub.callback, sub.topic, sub.secret, sub.expires, host),
                )
                return True

        return self._safely(add)

    @staticmethod
    def _count(db: sqlite3.Connection, host: str | None = None) -> int:
        if host is None:
            return int(db.execute("SELECT count(*) FROM subscriptions").fetchone()[0])
        return int(db.execute("SELECT count(*) FROM subscriptions WHERE host = ?", (host,)).fetchone()[0])

    def count(self, host: str | None = None) -> int:
        """Subscriptions stored (whether or not their lease still runs), for one host or in all."""

        def count() -> int:
            with contextlib.closing(self._connect()) as db:
                return self._count(db, host)

        return self._safely(count)

    def has(self, callback: str, topic: str) -> bool:
        def has() -> bool:
            with contextlib.closing(self._connect()) as db:
                query = "SELECT 1 FROM subscriptions WHERE callback = ? AND topic = ?"
                return db.execute(query, (callback, topic)).fetchone() is not None

        return self._safely(has)

    def remove(self, callback: str, topic: str) -> None:
        def remove() -> None:
            with contextlib.closing(self._connect()) as db, db:
                db.execute("DELETE FROM subscriptions WHERE callback = ? AND topic = ?", (callback, topic))

        self._safely(remove)

    def active_for(self, topics: list[str], now: float | None = None) -> list[Subscription]:
        """Subscribers of any of `topics` whose lease runs, in one query."""
        return self._safely(lambda: self._active_for(topics, time.time() if now is None else now))

    def _active_for(self, topics: list[str], now: float) -> list[Subscription]:
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

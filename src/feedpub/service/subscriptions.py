"""The built-in WebSub hub's subscribers, in SQLite under `paths.cache`.

They survive restarts and are shared by every process: the serving one adds them (`serve.hub`),
the publishing one delivers to them (`service.websub`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "websub.sqlite3"


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

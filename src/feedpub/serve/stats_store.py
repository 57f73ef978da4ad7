"""The statistics store: `paths.cache/stats.sqlite`, one row per feed per day.

Several processes (Granian's workers, `feedpub stats ingest`) add to it at once, so every write
is one short transaction of additive upserts (WAL: readers never wait). Direct clients are kept
only as salted hashes, the salt a random value per day that is deleted two days later, after
which no hash can be tied to an address again; their daily count stays in the day's row.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

STORE = "stats.sqlite"
CLIENT_DAYS = 2  # days the client hashes and their salt are kept (the count stays)
SCHEMA = """
CREATE TABLE IF NOT EXISTS daily (day TEXT, path TEXT, requests INTEGER DEFAULT 0, ok INTEGER DEFAULT 0,
  not_modified INTEGER DEFAULT 0, bytes INTEGER DEFAULT 0, direct INTEGER DEFAULT 0,
  PRIMARY KEY (day, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aggregators (day TEXT, path TEXT, name TEXT, subscribers INTEGER,
  seen REAL, PRIMARY KEY (day, path, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clients (day TEXT, path TEXT, client BLOB, PRIMARY KEY (day, path, client))
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS salts (day TEXT PRIMARY KEY, salt BLOB);
CREATE TABLE IF NOT EXISTS ingested (log TEXT PRIMARY KEY, lines INTEGER);
"""


@dataclass
class Batch:
    """Counts gathered in memory between two flushes (day is an ISO date, UTC)."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # requests, 200, 304, bytes
    clients: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)  # (address, UA)
    aggregators: dict[tuple[str, str, str], tuple[int, float]] = field(default_factory=dict)

    def add(
        self, day: str, path: str, status: int, size: int, client: tuple[str, str] | None, times: int = 1
    ) -> None:
        """`times` requests alike (`size`: their bytes in all)."""
        row = self.counts.get((day, path))
        if row is None:
            row = self.counts[(day, path)] = [0, 0, 0, 0]
        row[0] += times
        row[1] += times if status == 200 else 0
        row[2] += times if status == 304 else 0
        row[3] += size
        if client is not None:
            self.clients.setdefault((day, path), set()).add(client)

    def __bool__(self) -> bool:
        return bool(self.counts or self.aggregators)


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


@contextmanager
def opened(cache_dir: Path) -> Iterator[sqlite3.Connection]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(cache_dir / STORE, timeout=10, isolation_level=None)
    try:
        os.chmod(cache_dir / STORE, 0o600)  # salts and hashes: the operator's eyes only
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
        yield conn
    finally:
        conn.close()


def _salt(conn: sqlite3.Connection, day: str) -> bytes:
    conn.execute("INSERT OR IGNORE INTO salts VALUES (?, ?)", (day, os.urandom(16)))
    return bytes(conn.execute("SELECT salt FROM salts WHERE day = ?", (day,)).fetchone()[0])


def client_hash(salt: bytes, address: str, user_agent: str) -> bytes:
    return hashlib.sha256(salt + address.encode() + b"\0" + user_agent.encode()).digest()[:12]


def write(
    conn: sqlite3.Connection,
    batch: Batch,
    retention_days: int,
    today: date | None = None,
    ingested: tuple[str, int] | None = None,
) -> None:
    """Add `batch` to the store in one short transaction, and drop what is past keeping
    (`ingested`: a log's key and the lines now read, recorded in the same transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if ingested is not None:
            conn.execute("INSERT OR REPLACE INTO ingested VALUES (?, ?)", ingested)
        conn.executemany(
            "INSERT INTO daily (day, path, requests, ok, not_modified, bytes) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (day, path) DO UPDATE SET requests = requests + excluded.requests,"
            " ok = ok + excluded.ok, not_modified = not_modified + excluded.not_modified,"
            " bytes = bytes + excluded.bytes",
            [(d, p, *row) for (d, p), row in batch.counts.items()],
        )
        conn.executemany(
            "INSERT INTO aggregators VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, path, name) DO UPDATE"
            " SET subscribers = excluded.subscribers, seen = excluded.seen WHERE excluded.seen >= seen",
            [(d, p, n, subs, seen) for (d, p, n), (subs, seen) in batch.aggregators.items()],
        )
        _write_clients(conn, batch)
        _expire(conn, retention_days, today or datetime.now(UTC).date())
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _write_clients(conn: sqlite3.Connection, batch: Batch) -> None:
    for (day, path), clients in batch.clients.items():
        salt = _salt(conn, day)
        conn.executemany(
            "INSERT OR IGNORE INTO clients VALUES (?, ?, ?)",
            [(day, path, client_hash(salt, a, ua)) for a, ua in clients],
        )
        conn.execute(
            "UPDATE daily SET direct = (SELECT count(*) FROM clients WHERE day = ?1 AND path = ?2)"
            " WHERE day = ?1 AND path = ?2",
            (day, path),
        )


def _expire(conn: sqlite3.Connection, retention_days: int, today: date) -> None:
    kept = (today - timedelta(days=retention_days)).isoformat()
    hashed = (today - timedelta(days=CLIENT_DAYS)).isoformat()
    conn.execute("DELETE FROM daily WHERE day < ?", (kept,))
    conn.execute("DELETE FROM aggregators WHERE day < ?", (kept,))
    conn.execute("DELETE FROM clients WHERE day < ?", (hashed,))
    conn.execute("DELETE FROM salts WHERE day < ?", (hashed,))

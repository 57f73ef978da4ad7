"""PostCache: the parsed posts of the last run, in SQLite under `paths.cache`, so a restart with
nothing changed parses nothing.

Per source file: its stat signature (mtime_ns, size, inode), the sha256 of its bytes and the
normalised Post (or Problem), pickled. A row is trusted only while the signature matches; when
only the signature changed (a `touch`, a checkout) the content hash saves the parse. The cache is
tied to the feedpub version and to the settings that shape a post; a cache that is corrupt,
truncated or of another version is deleted and rebuilt, never trusted. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
import sqlite3
from dataclasses import fields
from pathlib import Path

from feedpub import __version__
from feedpub.config import Settings
from feedpub.model import Post, Problem

log = logging.getLogger("feedpub")

# 2: posts pickled through their own __reduce__; 3: bodies may be packed; 4: status as text;
# 5: posts carry their warnings
SCHEMA_VERSION = 7  # 7: typography, kramdown math and blocks, raw HTML omitted (Hugo), safe reads
DB_NAME = "cache.sqlite3"


Entry = tuple[tuple[int, int, int], str, Post | Problem]  # (stat signature, "sha256:…", result)


def settings_fingerprint(settings: Settings) -> str:
    """What a parsed post depends on: the feedpub version and every setting except paths and server
    (`legacy_urls` included: with `jekyll` in it, a post's id is the one jekyll-feed gave it)."""
    parts = [__version__, str(SCHEMA_VERSION)]
    for item in fields(settings):
        if item.name not in ("root", "server", "scan", "paths", "origins"):
            parts.append(repr(getattr(settings, item.name)))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class PostCache:
    """Load once at start, then save what each scan read or dropped."""

    def __init__(self, cache_dir: Path, settings: Settings) -> None:
        self.path = cache_dir / DB_NAME
        self.fingerprint = settings_fingerprint(settings)
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except (sqlite3.DatabaseError, OSError, ValueError) as exc:
                log.warning("cache %s is unusable (%s); rebuilding it", self.path, exc)
                self._discard()
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS posts (source TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
                " inode INTEGER, sha256 TEXT, result BLOB)"
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != self.fingerprint:
                with db:
                    db.execute("DELETE FROM posts")
                    db.execute("DELETE FROM meta")
                    db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,))
        except BaseException:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.path) + suffix).unlink()

    def load(self, pack: bool = False) -> dict[str, Entry]:
        """Every cached entry (posts `pack`ed, for a process that keeps them; a build's cache
        holds them unpacked); an unreadable cache is rebuilt and yields nothing."""
        try:
            # row by row, not fetchall(): the pickles of every post at once were a transient
            # 60 MB that the process kept as RSS long after
            rows = self._connect().execute("SELECT source, mtime_ns, size, inode, sha256, result FROM posts")
            entries: dict[str, Entry] = {}
            for source, mtime_ns, size, inode, digest, blob in rows:
                result = pickle.loads(blob)
                if not isinstance(result, Post | Problem):
                    raise ValueError(f"unexpected cached value for {source}")
                if pack and isinstance(result, Post):
                    result = result.packed()
                entries[source] = ((mtime_ns, size, inode), digest, result)
            return entries
        except (
            sqlite3.DatabaseError,
            pickle.UnpicklingError,
            EOFError,
            ValueError,
            TypeError,
            AttributeError,
        ) as exc:
            log.warning("cache %s is unusable (%s); rebuilding it", self.path, exc)
            self._discard()
            self._connect()
            return {}

    def save(self, changed: dict[str, Entry], removed: set[str]) -> None:
        """Write what one scan read and forget what it no longer found; failures only cost speed."""
        if not changed and not removed:
            return
        rows = [
            (src, sig[0], sig[1], sig[2], digest, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            for src, (sig, digest, result) in changed.items()
        ]
        try:
            db = self._connect()
            with db:
                db.executemany("INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?)", rows)
                db.executemany("DELETE FROM posts WHERE source = ?", [(s,) for s in removed])
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot update cache %s: %s", self.path, exc)
            self._discard()

    def get_meta(self, key: str) -> str | None:
        try:
            row = self._connect().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        try:
            db = self._connect()
            with db:
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        except sqlite3.Error as exc:
            log.warning("cannot update cache %s: %s", self.path, exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def peek_meta(cache_dir: Path, key: str) -> str | None:
    """One meta value of the cache in `cache_dir`, read without opening the cache for work (no
    check, no rebuild): None when there is none or it cannot be read."""
    path = cache_dir / DB_NAME
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return str(row[0]) if row is not None else None

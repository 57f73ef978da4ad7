"""The hot path of serving: GET/HEAD of a published file, answered without Flask.

Feed readers and aggregators poll the same few URLs all day, and most answers are 304s. For those
requests this WSGI layer looks the path up in a table of ready-made responses (bytes, ETag,
headers for 200, gzip 200 and 304) and answers in a few microseconds; everything else (redirects,
404, 410, 405, /healthz) goes to the Flask app behind it, which has the same rules, so the two
can never disagree about a file. The table is dropped whenever manifest.json changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import format_datetime
from typing import Any

from .conditional import accepts_gzip, not_modified
from .config import Settings
from .files import FeedFiles, Served
from .web import create_app, is_feed, media_type

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# How long a manifest check is trusted: a publish shows up at most this much later.
RECHECK_SECONDS = 0.2
MAX_ENTRIES = 4096
MAX_TABLE_BYTES = 96 * 1024 * 1024  # ready answers kept at most; the table starts over past it


class _Ready:
    """Everything needed to answer one path in either encoding."""

    __slots__ = (
        "etags",
        "gzip",
        "gzip_headers",
        "gzip_not_modified",
        "modified",
        "not_modified",
        "plain",
        "plain_headers",
    )

    def __init__(self, path: str, plain: Served, packed: Served | None, settings: Settings) -> None:
        common = [
            ("Last-Modified", format_datetime(plain.modified, usegmt=True)),
            ("Cache-Control", settings.server.cache_control),
            ("Vary", "Accept-Encoding"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if is_feed(path):
            common.append(("Access-Control-Allow-Origin", "*"))
        kind = ("Content-Type", media_type(path))
        self.modified = plain.modified
        self.plain = plain.data
        self.plain_headers = [
            ("ETag", f'"{plain.sha256}"'),
            kind,
            *common,
            ("Content-Length", str(len(plain.data))),
        ]
        self.gzip = packed.data if packed else None
        self.gzip_headers = (
            [
                ("ETag", f'"{packed.sha256}"'),
                kind,
                ("Content-Encoding", "gzip"),
                *common,
                ("Content-Length", str(len(packed.data))),
            ]
            if packed
            else None
        )
        self.etags = {plain.sha256} | ({packed.sha256} if packed else set())
        self.not_modified = [("ETag", f'"{plain.sha256}"'), *common]
        self.gzip_not_modified = [("ETag", f'"{packed.sha256}"'), *common] if packed else self.not_modified


class FastFeeds:
    """WSGI middleware: ready-made answers for published files, the Flask app for the rest."""

    def __init__(self, settings: Settings, fallback: WSGIApp, files: FeedFiles | None = None) -> None:
        self.settings = settings
        self.fallback = fallback
        self.files = files or FeedFiles(settings.feeds_dir)
        self._table: dict[str, _Ready] = {}
        self._table_bytes = 0
        self._lock = threading.Lock()
        self._checked = 0.0
        self._manifest_sig: tuple[int, int, int] | None = None

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS:
            return
        self._checked = now
        try:
            st = os.stat(self.settings.feeds_dir / "manifest.json")
            sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            sig = None
        if sig != self._manifest_sig:
            with self._lock:
                self._table, self._table_bytes = {}, 0
                self._manifest_sig = sig

    def _ready(self, path: str) -> _Ready | None:
        table = self._table
        ready = table.get(path)
        if ready is not None:
            return ready
        plain = self.files.get(path, False)  # None when the manifest does not list it
        if plain is None:
            return None  # misses are not kept: probes of unknown paths must not push answers out
        ready = _Ready(path, plain, self.files.get(path, True), self.settings)
        size = len(ready.plain) + len(ready.gzip or b"")
        with self._lock:
            if self._table is not table:
                return ready  # a publish emptied the table meanwhile: answer, but do not keep
            if len(table) >= MAX_ENTRIES or self._table_bytes + size > MAX_TABLE_BYTES:
                self._table, self._table_bytes = {}, 0
            self._table[path] = ready
            self._table_bytes += size
        return ready

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return self.fallback(environ, start_response)
        try:
            path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return self.fallback(environ, start_response)
        if not path.startswith("/") or "\\" in path or "\x00" in path or "/." in path or path == "/healthz":
            return self.fallback(environ, start_response)
        path = path[1:]
        if path == "" or path.endswith("/"):
            path += "index.html"
        self._fresh()
        ready = self._ready(path)
        if ready is None:
            return self.fallback(environ, start_response)
        compressed = ready.gzip is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        conditions = environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        if not_modified(*conditions, ready.etags, ready.modified):
            start_response("304 Not Modified", ready.gzip_not_modified if compressed else ready.not_modified)
            return []
        if compressed:
            start_response("200 OK", ready.gzip_headers)
            return [] if method == "HEAD" else [ready.gzip]
        start_response("200 OK", ready.plain_headers)
        return [] if method == "HEAD" else [ready.plain]


def application(settings: Settings) -> WSGIApp:
    """The WSGI app `feedpub serve` runs: the fast path in front of the Flask app."""
    files = FeedFiles(settings.feeds_dir)
    return FastFeeds(settings, create_app(settings, files), files)

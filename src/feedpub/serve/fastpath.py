"""The hot path of serving: GET/HEAD of a published file, answered without Flask.

Feed readers and aggregators poll the same few URLs all day, and most answers are 304s. For those
requests this WSGI layer looks the path up in a table of ready-made responses (bytes, ETag,
headers for 200, gzip 200 and 304) and answers in a few microseconds; everything else (redirects,
404, 410, 405, /healthz) goes to the Flask app behind it. Both answer a file through
`answer.ReadyFile.respond`, so they cannot disagree. The table is dropped whenever manifest.json
changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from feedpub.config import Settings
from feedpub.serve.app import create_app
from feedpub.serve.counting import MAX_AGENT, Counting, count_into
from feedpub.serve.intake import BoundedBodies
from feedpub.serve.polite import too_many
from feedpub.serve.published import FeedFiles
from feedpub.serve.responses import ReadyFile

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# How long a manifest check is trusted: a publish shows up at most this much later.
RECHECK_SECONDS = 0.2
MAX_ENTRIES = 4096
MAX_TABLE_BYTES = 96 * 1024 * 1024  # ready answers kept at most; the table starts over past it


class FastFeeds:
    """WSGI middleware: ready-made answers for published files, the Flask app for the rest."""

    def __init__(
        self,
        settings: Settings,
        fallback: WSGIApp,
        files: FeedFiles | None = None,
        counting: Counting | None = None,
    ) -> None:
        self.settings = settings
        self.counting = counting  # None: no polite limits, no statistics
        self.fallback = fallback
        self.files = files or FeedFiles(settings.feeds_dir)
        self._table: dict[str, ReadyFile] = {}
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

    def _ready(self, path: str) -> ReadyFile | None:
        table = self._table
        ready = table.get(path)
        if ready is not None:
            return ready
        plain = self.files.get(path, False)  # None when the manifest does not list it
        if plain is None:
            return None  # misses are not kept: probes of unknown paths must not push answers out
        ready = ReadyFile(path, plain, self.files.get(path, True), self.settings)
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
        counting = self.counting if ready.feed else None
        if counting is not None:  # a feed: the polite limit first (`Counting.admit`, inlined)
            address = (
                counting.clients.address(environ) if counting.proxied else environ.get("REMOTE_ADDR", "")
            )
            agent = environ.get("HTTP_USER_AGENT", "")[:MAX_AGENT]
            limiter = counting.limiter
            if limiter is not None and not (
                limiter.free_addresses.get(address) or limiter.free_agents.get(agent)
            ):
                wait = limiter.retry_after(address, agent, path)
                if wait is not None:
                    status, headers, body = too_many(wait)
                    start_response(status, headers)
                    return body
        status, headers, body = ready.respond(
            method,
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
            environ.get("HTTP_SEC_FETCH_DEST"),
        )
        if counting is not None and counting.recorder is not None:  # `counting.add_hit`, inlined
            count_into(
                counting.recorder.counts, ((path, status, len(body[0]) if body else 0, address, agent),)
            )
        start_response(status, headers)
        return body


def application(settings: Settings, config_file: Path | None = None) -> WSGIApp:
    """The WSGI app `feedpub serve` runs: the fast path in front of the Flask app
    (`config_file`: the file /healthz names)."""
    files = FeedFiles(settings.feeds_dir)
    counting = Counting.of(settings)
    app: WSGIApp = create_app(settings, files, config_file, counting)
    if settings.websub.builtin:  # /websub bodies read whole, bounded, before Flask sees them
        app = BoundedBodies(app)
    return FastFeeds(settings, app, files, counting)

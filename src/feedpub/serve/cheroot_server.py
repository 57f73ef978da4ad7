"""`--server cheroot` with limits: request heads are bounded, silent clients time out, and slow
clients cannot take every worker thread.

cheroot hands each accepted connection to a worker thread at once and that thread waits for the
request, so 16 connections that send nothing (or half a request line) held all 16 threads for 10 s,
and a request head of any size was read. Here the pool grows while none is idle (up to
MAX_THREADS), then connections queue (up to MAX_QUEUED), then they get a 503; a request head over
MAX_HEADER_BYTES is answered 431 and closed; a connection silent for TIMEOUT_SECONDS is closed.
"""

from __future__ import annotations

from typing import Any

from cheroot import server as cheroot_http
from cheroot import wsgi

MAX_HEADER_BYTES = 64 * 1024  # request line and header fields together (nginx: 4 × 8 KiB buffers)
TIMEOUT_SECONDS = 5  # a connection that sends nothing for this long is closed (cheroot: 10)
MAX_THREADS = 256  # worker threads at most; each slow client holds one until it times out
MAX_QUEUED = 256  # connections waiting for a thread at most; past that, 503
GROW_BY = 8  # threads started at once when none is idle (each start costs the accept loop ~0.1 s)


class _Request(cheroot_http.HTTPRequest):
    """cheroot's request, answering a head over the size limit with 431 (RFC 6585), not 413."""

    def simple_response(self, status: Any, msg: str = "") -> None:
        """Rename cheroot's 413 for headers; anything else as cheroot says it."""
        if not self.ready and str(status).startswith("413"):
            status, msg = "431 Request Header Fields Too Large", "Request header fields too large."
        super().simple_response(status, msg)


class _Connection(cheroot_http.HTTPConnection):
    RequestHandlerClass = _Request


class LimitedServer(wsgi.Server):
    """cheroot's WSGI server whose thread pool grows while every thread is busy."""

    ConnectionClass = _Connection

    def process_conn(self, conn: Any) -> None:
        """Start more threads before queueing a connection no idle thread would take (those
        already queued are counted: a thread marks itself busy only once it takes one)."""
        pool = self.requests
        if pool.qsize >= pool.idle:
            pool.grow(GROW_BY)
        super().process_conn(conn)


def cheroot_server(app: Any, host: str, port: int, threads: int, shutdown_seconds: int) -> LimitedServer:
    """The server `feedpub serve --server cheroot` runs: `threads` to start with, the limits above."""
    server = LimitedServer(
        (host, port),
        app,
        numthreads=threads,
        max=max(threads, MAX_THREADS),
        server_name="feedpub",
        request_queue_size=128,
        timeout=TIMEOUT_SECONDS,
        shutdown_timeout=shutdown_seconds,
        accepted_queue_size=MAX_QUEUED,
        accepted_queue_timeout=1,
    )
    server.max_request_header_size = MAX_HEADER_BYTES
    return server

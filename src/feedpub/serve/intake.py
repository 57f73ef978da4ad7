"""Request bodies to `POST /websub`, bounded in size and time before the app sees them.

Granian runs the WSGI app on a few threads (4 by default) and a thread reading a body waits for
the client: four clients sending their bodies slowly used to stop the server from answering
anyone. So at most `READERS` bodies are read at once per process (others get 503 at once and
no thread waits for them), a body must announce its length and stay under `MAX_BODY_BYTES`
(411, 413), and it is read in small pieces against a deadline of `BODY_SECONDS` (408). A client
that sends nothing at all after its headers keeps one reader until it goes away (no Python
thread can cut a read Granian is blocked in): the other threads keep answering everyone else.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

MAX_BODY_BYTES = 16 * 1024  # a subscription form: callback and topic (2 048 each), secret (200)
BODY_SECONDS = 5.0  # to receive the whole body
READERS = 2  # bodies read at once, per process: the rest of the threads serve everyone else
PIECE = 64  # bytes asked for at a time, so a trickling client meets the deadline

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BoundedBodies:
    """WSGI middleware: `POST /websub` bodies read whole, bounded, before `app` runs."""

    def __init__(self, app: WSGIApp, path: str = "/websub") -> None:
        self.app, self.path = app, path
        self.readers = threading.BoundedSemaphore(READERS)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _refuse(start_response, "411 Length Required", "the body must have a Content-Length\n")
        if not 0 <= length <= MAX_BODY_BYTES:
            return _refuse(start_response, "413 Content Too Large", f"at most {MAX_BODY_BYTES} bytes\n")
        if not self.readers.acquire(blocking=False):
            return _refuse(start_response, "503 Service Unavailable", "busy; try again later\n", "10")
        try:
            body = read_bounded(environ["wsgi.input"], length, time.monotonic() + BODY_SECONDS)
        finally:
            self.readers.release()
        if body is None:
            return _refuse(start_response, "408 Request Timeout", "the body came too slowly\n")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def read_bounded(stream: Any, length: int, deadline: float) -> bytes | None:
    """`length` bytes of `stream`, or None when they did not all come by `deadline`."""
    data = bytearray()
    while len(data) < length:
        if time.monotonic() > deadline:
            return None
        piece = stream.read(min(PIECE, length - len(data)))
        if not piece:
            return None  # the client went away early
        data += piece
    return bytes(data)


def _refuse(
    start_response: Callable[..., Any], status: str, message: str, retry: str | None = None
) -> list[bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")]
    if retry:
        headers.append(("Retry-After", retry))
    start_response(status, headers)
    return [message.encode()]

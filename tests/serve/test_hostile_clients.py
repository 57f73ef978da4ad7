"""Clients that send what a server must survive, against the real `feedpub serve` on 127.0.0.1:
out-of-range HTTP dates (both servers), a 30 MB request head and connections that send nothing
or half a request (cheroot, whose defaults let them block it)."""

from __future__ import annotations

import socket
import time

import pytest

from ..helpers import post_text, serve, wait_for
from ..http import fetch

BAD_DATES = [
    "Sun, 06 Nov 99999999999999 08:49:37 GMT",
    "Sat, 01 Jan 0000 00:00:00 GMT",
    "Sun, 06 Nov 1994 08:49:37 +99999999999999999",
    "Sun, 31 Feb 2100 08:49:37 GMT",
    "Sun, 06 Nov 2100 99:49:37 GMT",
    "garbage",
    "\x7f\x01",
    "9" * 5000,
]


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_out_of_range_if_modified_since_is_ignored(tmp_path, server):
    """RFC 9110 §13.1.3: an If-Modified-Since that is not a valid HTTP-date is ignored: a full
    200, never a 500 or a 304; a valid one still gives a 304."""
    from datetime import UTC, datetime

    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", datetime(2025, 1, 1, tzinfo=UTC)))
    with serve(tmp_path, interval=60, server=server) as (base, _proc):
        wait_for(lambda: fetch(base, "/atom.xml").status == 200, "no feed")
        for path in ("/atom.xml", "/", "/no-such-file.xml"):
            plain = fetch(base, path)
            for value in BAD_DATES:
                reply = fetch(base, path, headers={"If-Modified-Since": value})
                if not value.isprintable():  # not a valid field value: a server may refuse it (400)
                    assert reply.status in (plain.status, 400), (path, value, reply.status)
                    continue
                assert reply.status == plain.status, (path, value, reply.status)
                assert reply.body == plain.body, (path, value)
        fresh = fetch(base, "/atom.xml", headers={"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
        assert fresh.status == 304
        for asctime in ("Fri Dec 31 23:59:59 9999", "Friday, 31-Dec-99 23:59:59 GMT"):
            assert fetch(base, "/atom.xml", headers={"If-Modified-Since": asctime}).status in (200, 304)


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _timed_get(port: int) -> tuple[bytes, float]:
    """A plain GET /atom.xml on a new connection: the status line, and how long it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /atom.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = sock.recv(64)
    return head.split(b"\r\n", 1)[0], time.monotonic() - started


@pytest.fixture
def cheroot_service(tmp_path):
    from datetime import UTC, datetime

    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", datetime(2025, 1, 1, tzinfo=UTC)))
    with serve(tmp_path, interval=60, server="cheroot") as (base, proc):
        wait_for(lambda: fetch(base, "/atom.xml").status == 200, "no feed")
        yield _port(base), proc


@pytest.mark.slow
def test_cheroot_refuses_a_30_mb_request_head_quickly(cheroot_service):
    port, proc = cheroot_service
    started = time.monotonic()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(b"GET /atom.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            chunk = b"a" * 65536
            for _ in range(30 * 16):  # 30 MB
                sock.sendall(chunk)
            sock.sendall(b"\r\n\r\n")
        except OSError:
            pass  # refused mid-way: the server closed the connection
        try:
            answer = sock.recv(64)
        except OSError:
            answer = b""  # closed (reset) without an answer also counts as refused
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    status = answer.split(b"\r\n", 1)[0]
    assert status == b"" or status.split()[1] in (b"400", b"431"), status
    assert proc.poll() is None
    assert _timed_get(port)[0] == b"HTTP/1.1 200 OK"


@pytest.mark.slow
@pytest.mark.parametrize("opening", [b"", b"G", b"GET /atom.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
def test_cheroot_answers_within_a_second_while_slow_clients_hold_connections(cheroot_service, opening):
    """40 connections that send nothing, one byte, or half a request (more than the 16 threads it
    starts with) do not keep a normal request waiting; the server closes them in time."""
    port, _proc = cheroot_service
    slow = []
    try:
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if opening:
                sock.sendall(opening)
            slow.append(sock)
        time.sleep(0.3)
        for _ in range(3):
            status, elapsed = _timed_get(port)
            assert status == b"HTTP/1.1 200 OK" and elapsed < 1.0, (status, elapsed)
        # the per-connection timeout: a silent connection is closed (after a 408 at most)
        started = time.monotonic()
        slow[0].settimeout(15)
        while slow[0].recv(4096):
            pass
        assert time.monotonic() - started < 10
    finally:
        for sock in slow:
            sock.close()

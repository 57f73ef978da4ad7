"""A real server on a free loopback port, and a raw HTTP client that sends paths as given."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cheroot import wsgi

from feedpub.config import Settings
from feedpub.serve.fastpath import application


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(settings: Settings, app: Any = None) -> Iterator[str]:
    """Serve feedpub's WSGI app (fast path + Flask, or `app`) with cheroot on 127.0.0.1:<free port>."""
    server = wsgi.Server(("127.0.0.1", 0), app or application(settings), numthreads=8, shutdown_timeout=2)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.bind_addr[1]}"
    finally:
        server.stop()
        thread.join(5)


def fetch(base: str, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


class Listener:
    """A raw HTTP listener on `host` (127.0.0.1 or ::1) that records every request it receives
    (method, path, body) and answers with `answer(path)`: (status, headers, body) or a callable
    that writes to the socket itself (slow answers)."""

    def __init__(self, host: str = "127.0.0.1", answer: Any = None, port: int = 0) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.connections = 0
        self.answer = answer or (lambda path: (200, {}, b"ok"))
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.base = f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                reader = conn.makefile("rb")
                method, path, _ = reader.readline().decode("latin-1").split(" ", 2)
                headers = {}
                while (line := reader.readline().decode("latin-1").strip()) != "":
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = reader.read(int(headers.get("content-length", "0")))
                self.requests.append((method, path, body))
                answer = self.answer(path)
                if callable(answer):
                    answer(conn)
                    return
                status, extra, payload = answer
                head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                conn.sendall(head.encode() + b"\r\n" + payload)
            except (OSError, ValueError):
                return

    def close(self) -> None:
        self.sock.close()

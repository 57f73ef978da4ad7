"""systemd's readiness protocol without a systemd library: one datagram of `KEY=value` lines to
the unix socket named by $NOTIFY_SOCKET (a leading `@` is Linux's abstract namespace). Outside
systemd the variable is unset and every call does nothing."""

from __future__ import annotations

import http.client
import logging
import os
import socket
import threading
import time

log = logging.getLogger("feedpub")
NOTIFY_ENV = "NOTIFY_SOCKET"


def notify(*lines: str) -> bool:
    """Send `lines` (e.g. "READY=1") to the service manager; False when there is none or the
    send failed (a lost notification must never stop the service)."""
    address = os.environ.get(NOTIFY_ENV)
    if not address:
        return False
    target = "\0" + address[1:] if address.startswith("@") else address
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto("\n".join(lines).encode("utf-8"), target)
    except OSError as exc:
        log.warning("cannot notify systemd at %s: %s", address, exc)
        return False
    return True


def reloading() -> bool:
    """RELOADING=1 with the monotonic time systemd's notify-reload asks for; READY=1 ends it."""
    return notify("RELOADING=1", f"MONOTONIC_USEC={time.monotonic_ns() // 1000}")


def ready_when_serving(host: str, port: int, patience: float = 300.0) -> threading.Thread | None:
    """READY=1 once the server answers an HTTP request on its own address (the first publish
    is done before serving starts, so an answer means feeds are served), from a thread."""
    if not os.environ.get(NOTIFY_ENV):
        return None
    target = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)

    def wait() -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection(target, port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
                continue
            finally:
                connection.close()
            notify("READY=1", f"STATUS=serving on {host}:{port}")
            return
        log.warning("not serving after %.0f s: systemd was not told READY", patience)

    thread = threading.Thread(target=wait, name="feedpub-ready", daemon=True)
    thread.start()
    return thread

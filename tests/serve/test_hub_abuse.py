"""The built-in hub under abuse (issue 16, item 2), against a real `feedpub serve` (Granian) on
127.0.0.1: slow /websub bodies do not stop it answering others, subscriptions are capped per
callback host and canonicalised, a corrupt store is moved aside (healthz degraded), the store
is mode 0600, and a CR LF in a callback reaches the log escaped."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import time
import urllib.parse
from datetime import UTC, datetime

import pytest

from feedpub.service.subscriptions import Subscriptions

from ..helpers import post_text, serve, wait_for
from ..http import Listener, fetch

PAST = datetime(2025, 1, 1, tzinfo=UTC)
TAG = "tags/e2e/atom.xml"


@pytest.fixture
def site(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    return tmp_path


def challenge_echo(path: str):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    return 200, {}, query.get("hub.challenge", "").encode()


def form(callback: str, topic: str) -> bytes:
    return urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback}
    ).encode()


@pytest.mark.slow
def test_fifty_slow_bodies_do_not_stop_the_server_answering_others(site):
    with serve(site, 5, extra={"websub": {"builtin": True}}) as (base, _proc):
        port = int(base.rsplit(":", 1)[1])
        slow = []
        for n in range(50):  # half trickle a byte at a time, half send nothing after the headers
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"POST /websub HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\nhub.mode=")
            slow.append((sock, n % 2 == 0))
        worst, end = 0.0, time.monotonic() + 4
        try:
            while time.monotonic() < end:
                for sock, trickles in slow:
                    if trickles:
                        with contextlib.suppress(OSError):
                            sock.send(b"x")
                for path in ("/healthz", "/" + TAG):
                    start = time.monotonic()
                    assert fetch(base, path).status == 200
                    worst = max(worst, time.monotonic() - start)
                time.sleep(0.1)
        finally:
            for sock, _ in slow:
                sock.close()
        assert worst < 1.0, f"another client waited {worst:.2f} s"
        # bounded in size and length too
        assert _raw(port, b"POST /websub HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n").startswith(
            b"HTTP/1.1 413"
        )


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        return sock.recv(200)


@pytest.mark.slow
def test_ten_thousand_subscriptions_from_one_host_stop_at_the_limit_and_spellings_are_one(site):
    subscriber = Listener("127.0.0.1", answer=challenge_echo)
    extra = {"websub": {"builtin": True, "allow_private_callbacks": True}}
    try:
        with serve(site, 5, extra=extra) as (base, _proc):
            topic = f"{base}/{TAG}"
            same = subscriber.base + "/same"
            upper = same.replace("http://", "HTTP://")
            escaped = same.replace("/same", "/%73ame")
            for spelled in (same, same + "#x", upper, same + "?", escaped, escaped + "#y", upper + "?#z"):
                assert _post(base, form(spelled, topic)) == 202
            stores = Subscriptions(site / ".feedpub")
            wait_for(lambda: stores.count() == 1, "the spellings did not make one subscription")
            statuses: dict[int, int] = {}
            conn = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=10)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            for n in range(10_000):
                conn.request("POST", "/websub", form(f"{subscriber.base}/cb/{n}", topic), headers)
                response = conn.getresponse()
                response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            # the limit counts verifications still pending, so a few fewer may be accepted
            assert 90 <= statuses[202] <= 99 and statuses[202] + statuses[429] == 10_000, statuses
            time.sleep(2)
            assert 91 <= stores.count("127.0.0.1") <= 100
            assert len(subscriber.requests) <= 100 + 7  # verification GETs: never past the limit
    finally:
        subscriber.close()


def _post(base: str, body: bytes) -> int:
    port = int(base.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/websub", body, {"Content-Type": "application/x-www-form-urlencoded"})
    return conn.getresponse().status


@pytest.mark.slow
def test_a_corrupt_store_is_moved_aside_with_healthz_degraded_and_secrets_are_0600(site):
    cache = site / ".feedpub"
    cache.mkdir()
    (cache / "websub.sqlite3").write_bytes(b"this is not a database\n" * 100)
    subscriber = Listener("127.0.0.1", answer=challenge_echo)
    extra = {"websub": {"builtin": True, "allow_private_callbacks": True}}
    try:
        with serve(site, 5, extra=extra) as (base, _proc):
            health = json.loads(fetch(base, "/healthz").body)
            assert health["status"] == "degraded" and "moved aside" in health["websub_store"]
            aside = list(cache.glob("websub.sqlite3.unreadable-*"))
            assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
            assert _post(base, form(subscriber.base + "/cb", f"{base}/{TAG}") + b"&hub.secret=s3cret") == 202
            stores = Subscriptions(cache)
            wait_for(lambda: stores.count() == 1, "the new store took no subscription")
            for path in cache.glob("websub.sqlite3*"):
                if "unreadable" not in path.name:
                    assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        subscriber.close()


@pytest.mark.slow
def test_control_characters_from_a_callback_reach_the_log_escaped(site):
    with serve(site, 5, extra={"websub": {"builtin": True}}) as (base, proc):
        forged = "http://example.com/cb\r\n2026-01-01 00:00:00 ERROR feedpub: FORGED\x1b[31m"
        assert _post(base, form(forged, f"{base}/{TAG}")) == 400
        time.sleep(0.5)
    log = proc.stdout.read()
    assert "\\r\\n2026-01-01 00:00:00 ERROR feedpub: FORGED\\x1b[31m" in log
    assert not any(line.startswith("2026-01-01 00:00:00 ERROR") for line in log.splitlines())

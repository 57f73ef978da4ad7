"""Outbound requests only where they belong (issue 16, item 1): the one guarded client refuses
every spelling of a private address, connects to the address it checked, follows no redirect,
allows http(s) only and bounds the answer's size and the whole request's time; and the hub, the
deliveries and the pinger of a real `feedpub serve` send nothing to loopback with the default
config. Real listeners on 127.0.0.1 and ::1 record what arrives."""

from __future__ import annotations

import socket
import sqlite3
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from feedpub.service import guarded_http
from feedpub.service.guarded_http import Refused, request
from feedpub.service.subscriptions import Subscription, Subscriptions

from ..helpers import post_text, serve, wait_for
from ..http import Listener

PAST = datetime(2025, 1, 1, tzinfo=UTC)


def spellings(v4: Listener, v6: Listener) -> list[str]:
    """Loopback written every way a URL parser, a resolver or the kernel accepts."""
    p, q = v4.port, v6.port
    return [
        f"http://127.0.0.1:{p}/cb",
        f"http://127.1:{p}/cb",
        f"http://2130706433:{p}/cb",
        f"http://0x7f000001:{p}/cb",
        f"http://0177.0.0.1:{p}/cb",
        f"http://0.0.0.0:{p}/cb",
        f"http://localhost:{p}/cb",  # a name that resolves to loopback
        f"http://LocalHost:{p}/cb",
        f"http://[::1]:{q}/cb",
        f"http://[::ffff:127.0.0.1]:{p}/cb",  # IPv4-mapped IPv6
        f"http://[::ffff:7f00:1]:{p}/cb",
        f"http://[0:0:0:0:0:0:0:1]:{q}/cb",
        f"http://[::]:{q}/cb",
    ]


@pytest.fixture
def listeners():
    v4, v6 = Listener("127.0.0.1"), Listener("::1")
    yield v4, v6
    v4.close()
    v6.close()


def test_no_spelling_of_loopback_is_requested(listeners):
    v4, v6 = listeners
    for url in spellings(v4, v6):
        for method in ("GET", "POST"):
            with pytest.raises(Refused):
                request(method, url, body=b"x")
    time.sleep(0.2)
    assert v4.connections == v6.connections == 0 and v4.requests == v6.requests == []


def test_private_link_local_multicast_reserved_addresses_are_not_public():
    for text in ("10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1",
                 "240.0.0.1", "255.255.255.255", "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1",
                 "64:ff9b::a00:1", "2002:a00:1::1", "::a00:1"):  # fmt: skip
        assert not guarded_http.is_public(guarded_http.ipaddress.ip_address(text)), text
    assert guarded_http.is_public(guarded_http.ipaddress.ip_address("93.184.216.34"))


def test_only_http_and_https(listeners):
    v4, _ = listeners
    for url in (
        f"ftp://127.0.0.1:{v4.port}/",
        "file:///etc/passwd",
        f"gopher://127.0.0.1:{v4.port}/",
        "/relative",
    ):
        with pytest.raises(Refused):
            request("GET", url, allow_private=True)
    assert v4.connections == 0


def test_redirects_are_never_followed(listeners):
    """Private addresses allowed (so the first listener is reached): its redirects, to the other
    listener or to ftp://, are answered as they are, and nothing reaches the second one."""
    first, second = listeners
    for target in (second.base + "/stolen", f"ftp://127.0.0.1:{second.port}/", first.base + "/loop"):
        first.answer = lambda path, t=target: (302, {"Location": t}, b"")
        answer = request("GET", first.base + "/start", allow_private=True)
        assert answer.status == 302
    assert len(first.requests) == 3 and second.connections == 0


def test_the_answer_is_capped_and_the_whole_request_has_one_deadline(listeners):
    v4, _ = listeners
    v4.answer = lambda path: (200, {}, b"a" * 10_000_000)
    assert len(request("GET", v4.base + "/big", allow_private=True).body) == guarded_http.MAX_RESPONSE_BYTES

    def trickle(conn):  # a byte every 0.1 s: no single read ever waits long
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"x")
            time.sleep(0.1)

    v4.answer = lambda path: trickle
    start = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        request("GET", v4.base + "/slow", allow_private=True, seconds=1.0)
    assert time.monotonic() - start < 2.0


class RebindingResolver:
    """A name server under an attacker's control: the first lookup of `rebind.example` answers
    `first`, every later one `then` (DNS rebinding). Other names resolve as usual."""

    def __init__(self, first: str, then: str) -> None:
        self.answers, self.lookups = [first, then], 0
        self.real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host != "rebind.example":
            return self.real(host, port, *args, **kwargs)
        address = self.answers[min(self.lookups, 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


def test_dns_rebinding_cannot_turn_a_checked_name_into_loopback(listeners, monkeypatch):
    """The name resolves to a public address when checked and to loopback afterwards: the one
    lookup decides, the connection goes to the checked (public, unreachable here) address, and
    nothing reaches the loopback listener."""
    v4, _ = listeners
    resolver = RebindingResolver("192.0.2.200", "127.0.0.1")  # TEST-NET: refused as not public
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(Refused):
        request("GET", f"http://rebind.example:{v4.port}/cb")
    resolver = RebindingResolver("93.184.216.34", "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises((httpx.HTTPError, Refused)):
        request("GET", f"http://rebind.example:{v4.port}/cb", seconds=1.0)
    time.sleep(0.2)
    assert resolver.lookups == 1 and v4.connections == 0


def test_the_connection_goes_to_the_address_that_was_looked_up(listeners, monkeypatch):
    """Private addresses allowed, so both answers are acceptable: the request still reaches the
    address of each request's one lookup (127.0.0.1), never the later answer (127.0.0.2), where
    a second listener waits on the same port."""
    v4, _ = listeners
    other = Listener("127.0.0.2", port=v4.port)
    try:
        for _ in range(3):
            resolver = RebindingResolver("127.0.0.1", "127.0.0.2")
            monkeypatch.setattr(socket, "getaddrinfo", resolver)
            answer = request("GET", f"http://rebind.example:{v4.port}/cb", allow_private=True)
            assert answer.status == 200 and resolver.lookups == 1
        time.sleep(0.2)
        assert len(v4.requests) == 3 and other.connections == 0
    finally:
        other.close()


def hub_request(base: str, callback: str, topic: str) -> int:
    form = {"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback}
    req = urllib.request.Request(base + "/websub", data=urllib.parse.urlencode(form).encode())
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.slow
def test_a_served_hub_sends_nothing_to_loopback_by_default(tmp_path, listeners):
    """Subscriptions (verification), deliveries to a subscription already stored with a loopback
    callback, and the external hub's ping: with the default config none reaches a listener."""
    v4, v6 = listeners
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("A", PAST))
    stored = Subscriptions(tmp_path / ".feedpub")
    extra = {"websub": {"builtin": True, "hub": v4.base + "/hub"}}
    with serve(tmp_path, 0.2, extra=extra) as (base, proc):
        topic = f"{base}/tags/e2e/atom.xml"
        for url in spellings(v4, v6):
            stored.add(Subscription(url + "?stored", topic, None, time.time() + 3600))
            assert hub_request(base, url, topic) in (202, 400)
        (tmp_path / "posts" / "b.md").write_text(post_text("B", PAST + timedelta(days=1)))
        wait_for(
            lambda: b"tags" in (tmp_path / "feeds" / "tags" / "e2e" / "atom.xml").read_bytes(), "no feed"
        )
        time.sleep(3)  # verifications, deliveries and pings have had their chance
    log = proc.stdout.read()
    assert v4.connections == v6.connections == 0, (v4.requests, v6.requests)
    assert "not verifying" in log and "not sending to" in log
    with sqlite3.connect(tmp_path / ".feedpub" / "websub.sqlite3") as db:  # nothing new was stored
        assert all(row[0].endswith("?stored") for row in db.execute("SELECT callback FROM subscriptions"))

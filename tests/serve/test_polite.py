"""Polite limits over HTTP: a client polling one feed too often gets 429 with Retry-After, then
its answers again after the window; aggregators reporting subscribers are never limited."""

from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace

import pytest

from feedpub.config_serving import PoliteSettings
from feedpub.serve.app import create_app
from feedpub.serve.clients import ClientAddress
from feedpub.serve.counting import Counting
from feedpub.serve.polite import Limiter
from feedpub.service.publisher import Publisher

from ..helpers import serve
from ..http import fetch
from .test_stats import FEEDLY, READER, site

WINDOW = 3


@pytest.mark.slow
@pytest.mark.parametrize("server", ["granian", "cheroot"])
def test_over_polling_gets_429_then_answers_after_the_window(tmp_path, server):
    site(tmp_path)
    extra = {"polite": {"max_requests": 3, "window_seconds": WINDOW, "exempt_loopback": False}}
    with serve(tmp_path, 60, server=server, extra=extra) as (base, _proc):
        first = fetch(base, "/atom.xml", headers={"User-Agent": READER})
        start = time.monotonic()
        etag = first.header("etag") or ""
        conditional = {"User-Agent": READER, "If-None-Match": etag}
        assert [fetch(base, "/atom.xml", headers=conditional).status for _ in range(2)] == [304, 304]
        # a fourth fetch in the window, conditional or not, and a forged address change no answer
        for headers in (conditional, {"User-Agent": READER, "X-Forwarded-For": "198.51.100.7"}):
            limited = fetch(base, "/atom.xml", headers=headers)
            assert limited.status == 429, headers
            assert 1 <= int(limited.header("retry-after") or 0) <= WINDOW
            assert limited.body.startswith(b"too many requests")
        assert fetch(base, "/rss.xml", headers={"User-Agent": READER}).status == 200  # another feed
        assert fetch(base, "/atom.xml", headers={"User-Agent": READER + " 2"}).status == 200  # another client
        for n in range(12):  # aggregators fetch for all their subscribers: never limited
            assert fetch(base, "/atom.xml", headers={"User-Agent": FEEDLY.format(n=n + 1)}).status == 200
        time.sleep(max(0.0, WINDOW - (time.monotonic() - start)) + 0.2)
        assert fetch(base, "/atom.xml", headers=conditional).status == 304


@pytest.mark.slow
def test_loopback_is_exempt_by_default(tmp_path):
    site(tmp_path)
    with serve(tmp_path, 60, server="cheroot", extra={"polite": {"max_requests": 2}}) as (base, _proc):
        assert {fetch(base, "/atom.xml", headers={"User-Agent": READER}).status for _ in range(5)} == {200}


def test_memory_is_bounded_the_least_recent_client_forgotten():
    limiter = Limiter(PoliteSettings(max_requests=1, exempt_loopback=False), max_clients=100)
    for i in range(1000):
        assert limiter.retry_after(f"192.0.2.{i % 250}", f"reader {i}", "atom.xml") is None
    assert len(limiter._seen) == 100
    assert limiter.retry_after("192.0.2.249", "reader 999", "atom.xml") is not None  # recent: remembered
    assert limiter.retry_after("192.0.2.0", "reader 0", "atom.xml") is None  # forgotten


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("10.0.0.5", {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 10.0.0.9"}, "198.51.100.1"),
        (
            "10.0.0.5",
            {"HTTP_X_FORWARDED_FOR": "203.0.113.66, 198.51.100.1"},
            "198.51.100.1",
        ),  # nearest untrusted
        ("10.0.0.5", {"HTTP_FORWARDED": 'for="[2001:db8::7]:4711";proto=https'}, "2001:db8::7"),
        ("10.0.0.5", {"HTTP_FORWARDED": "for=192.0.2.60, for=198.51.100.17"}, "198.51.100.17"),
        ("192.0.2.1", {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "192.0.2.1"),  # not a trusted proxy
        ("10.0.0.5", {"HTTP_X_FORWARDED_FOR": "not an address"}, "10.0.0.5"),
    ],
)
def test_forwarded_addresses_only_from_trusted_proxies(peer, headers, expected):
    assert ClientAddress(("10.0.0.0/8",)).address({"REMOTE_ADDR": peer, **headers}) == expected


def test_the_apps_own_hook_limits_then_counts_each_feed_request_once(sample_site, now):
    """Feeds the fast path does not answer reach the Flask app: the same limit, and one count per
    answered feed request with the client as the limit saw it (a 429 and other paths: none)."""
    Publisher(sample_site, clock=lambda: now).rescan()
    polite = replace(sample_site.polite, max_requests=2, exempt_loopback=False)
    settings = replace(sample_site, polite=polite, stats=replace(sample_site.stats, enabled=False))
    counting = Counting(settings)
    counting.recorder = SimpleNamespace(counts={})  # statistics off: no store, the counts kept here
    client = create_app(settings, counting=counting).test_client()
    environ = {"REMOTE_ADDR": "192.0.2.5"}
    headers = {"User-Agent": READER}
    replies = [client.get("/atom.xml", headers=headers, environ_base=environ) for _ in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 429]
    limited = replies[2]
    assert limited.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert limited.headers["Cache-Control"] == "no-store"
    assert 1 <= int(limited.headers["Retry-After"]) <= 600
    assert limited.data.startswith(b"too many requests")
    assert int(limited.headers["Content-Length"]) == len(limited.data)
    assert client.head("/healthz", environ_base=environ).status_code in (200, 503)
    counts = counting.recorder.counts
    assert [(hit[0], hit[1][:3], hit[3], hit[4], n) for hit, n in counts.items()] == [
        ("atom.xml", "200", "192.0.2.5", READER, 2)
    ]
    assert next(iter(counts))[2] > 0  # the bytes sent

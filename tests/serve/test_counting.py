"""Counting off the hot path (`serve.counting`): the periods' counts as the store's rows, no
count lost while threads count and periods turn over, and the fast path's inlined check and
count against `Counting.admit`."""

from __future__ import annotations

import shutil
import sys
import threading

import pytest

from feedpub.config import settings_from_mapping
from feedpub.serve import counting
from feedpub.serve.app import create_app
from feedpub.serve.counting import MAX_AGENT, Counting, Hit, _batch, add_hit
from feedpub.serve.fastpath import FastFeeds
from feedpub.serve.stats_report import report
from feedpub.serve.stats_store import day_of
from feedpub.service.publisher import Publisher

from ..conftest import BASE_CONFIG, NOW, SAMPLE_POSTS

TICK = 1_765_000_000.25  # 2025-12-06, UTC
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {} subscribers; feed-id=1)"


def counted(*hits: Hit) -> dict[Hit, int]:
    counts: dict[Hit, int] = {}
    for hit in hits:
        add_hit(counts, hit)
    return counts


def test_requests_alike_are_counted_exactly_and_clients_once():
    reader = ("atom.xml", "304 Not Modified", 0, "192.0.2.1", "NetNewsWire/6.1")
    changed = ("atom.xml", "200 OK", 900, "192.0.2.1", "NetNewsWire/6.1")
    other = ("rss.xml", "200 OK", 500, "198.51.100.7", "Reeder/5")
    batch = _batch([(TICK, counted(*[reader] * 7, other)), (TICK + 0.25, counted(changed, changed))])
    day = day_of(TICK)
    assert batch.counts == {(day, "atom.xml"): [9, 2, 7, 1800], (day, "rss.xml"): [1, 1, 0, 500]}
    assert batch.clients == {
        (day, "atom.xml"): {("192.0.2.1", "NetNewsWire/6.1")},
        (day, "rss.xml"): {("198.51.100.7", "Reeder/5")},
    }
    assert batch.aggregators == {}


def test_each_period_counts_on_its_own_day():
    hit = ("atom.xml", "200 OK", 10, "192.0.2.1", "NetNewsWire/6.1")
    midnight = 1_765_065_600.0  # 2025-12-07T00:00:00Z
    batch = _batch([(midnight - 0.2, counted(hit, hit)), (midnight + 0.05, counted(hit))])
    assert batch.counts == {
        (day_of(midnight - 1), "atom.xml"): [2, 2, 0, 20],
        (day_of(midnight), "atom.xml"): [1, 1, 0, 10],
    }


def test_the_latest_report_wins_and_within_one_period_the_larger():
    def feedly(subscribers: int) -> Hit:
        return ("atom.xml", "304 Not Modified", 0, "203.0.113.9", FEEDLY.format(subscribers))

    day = day_of(TICK)
    batch = _batch([(TICK, counted(feedly(5))), (TICK + 0.25, counted(feedly(4)))])
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (4, TICK + 0.25)}
    batch = _batch([(TICK + 0.25, counted(feedly(4))), (TICK, counted(feedly(5)))])  # any order
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (4, TICK + 0.25)}
    batch = _batch([(TICK, counted(feedly(123), feedly(124), feedly(123)))])
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (124, TICK)}
    # aggregators are not direct clients, and their requests still count
    assert batch.clients == {} and batch.counts == {(day, "atom.xml"): [3, 0, 3, 0]}


def test_threads_counting_while_periods_turn_over_lose_nothing(tmp_path, monkeypatch):
    """Four threads count at once while the flushing thread starts a new period every few
    milliseconds and flushes: every request is in the store, none twice."""
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads swapped as often as the interpreter allows
    try:
        monkeypatch.setattr(counting, "POLL_SECONDS", 0.002)
        monkeypatch.setattr(counting, "GRACE_SECONDS", 0.01)
        settings = settings_from_mapping({**BASE_CONFIG, "stats": {"flush_seconds": 1}}, root=tmp_path)
        recorder = counting.Recorder(settings)

        def serve() -> None:  # one client's requests, answered by four threads at once
            hit = ("atom.xml", "304 Not Modified", 0, "192.0.2.1", "NetNewsWire/6.1")
            for _ in range(20_000):
                add_hit(recorder.counts, hit)

        threads = [threading.Thread(target=serve) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        recorder.close()
    finally:
        sys.setswitchinterval(switch)
    feed = report(settings.cache_dir, 1)["feeds"][0]
    assert (feed["requests"], feed["not_modified"], feed["direct"]) == (80_000, 80_000, 1)


CLIENTS = [
    ("127.0.0.1", "NetNewsWire/6.1"),  # loopback: exempt
    ("192.0.2.1", FEEDLY.format(3)),  # an aggregator: exempt
    ("192.0.2.1", "NetNewsWire/6.1"),  # limited
    ("192.0.2.1", "x" * (MAX_AGENT + 50)),  # a long User-Agent, cut
]


@pytest.mark.parametrize("proxied", [False, True])
def test_the_fast_paths_inlined_check_answers_as_admit_does(tmp_path, proxied):
    """The fast path inlines `Counting.admit`: over real published feeds, the same clients are
    limited, the same 429s answered, and the same (address, User-Agent) counted, request after
    request past the limit."""
    shutil.copytree(SAMPLE_POSTS, tmp_path / "posts")
    config = {**BASE_CONFIG, "polite": {"max_requests": 3}, "stats": {"flush_seconds": 3600}}
    if proxied:
        config["server"] = {"trusted_proxies": ["127.0.0.1"]}
    settings = settings_from_mapping(config, root=tmp_path)
    Publisher(settings, clock=lambda: NOW).rescan()
    reference, inlined = Counting(settings), Counting(settings)
    fast = FastFeeds(settings, create_app(settings), counting=inlined)
    assert inlined.recorder is not None
    for address, agent in CLIENTS * 5:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/atom.xml", "HTTP_USER_AGENT": agent}
        if proxied:
            environ |= {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": address}
        else:
            environ |= {"REMOTE_ADDR": address}
        statuses: list[str] = []
        before = dict(inlined.recorder.counts)
        fast(environ, lambda status, headers, answered=statuses: answered.append(status))
        expected_address, expected_agent, wait = reference.admit(environ, "atom.xml")
        assert statuses[0][:3] == ("429" if wait is not None else "200")
        added = [hit[3:] for hit, n in inlined.recorder.counts.items() if n != before.get(hit, 0)]
        assert added == ([] if wait is not None else [(expected_address, expected_agent)])

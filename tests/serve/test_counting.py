"""The flush's counting of the hot path's list (`serve.counting._batch`): exact counts, the
latest aggregator report, and which clients are counted as direct."""

from __future__ import annotations

from feedpub.serve.counting import _batch
from feedpub.serve.stats_store import day_of

TICK = 1_765_000_000.25  # 2025-12-06, UTC
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {} subscribers; feed-id=1)"


def test_requests_alike_are_counted_exactly_and_clients_once():
    hits = [(TICK, "atom.xml", "304 Not Modified", 0, "192.0.2.1", "NetNewsWire/6.1")] * 7
    hits += [(TICK + 0.25, "atom.xml", "200 OK", 900, "192.0.2.1", "NetNewsWire/6.1")] * 2
    hits += [(TICK, "rss.xml", "200 OK", 500, "198.51.100.7", "Reeder/5")]
    batch = _batch(hits)
    day = day_of(TICK)
    assert batch.counts == {(day, "atom.xml"): [9, 2, 7, 1800], (day, "rss.xml"): [1, 1, 0, 500]}
    assert batch.clients == {
        (day, "atom.xml"): {("192.0.2.1", "NetNewsWire/6.1")},
        (day, "rss.xml"): {("198.51.100.7", "Reeder/5")},
    }
    assert batch.aggregators == {}


def test_the_report_sent_last_wins_within_one_tick_and_across_ticks():
    def feedly(tick: float, subscribers: int):
        return (tick, "atom.xml", "304 Not Modified", 0, "203.0.113.9", FEEDLY.format(subscribers))

    day = day_of(TICK)
    # within one tick the order in the list decides: 123 was sent again after 124
    batch = _batch([feedly(TICK, 123), feedly(TICK, 124), feedly(TICK, 123)])
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (123, TICK)}
    batch = _batch([feedly(TICK, 123), feedly(TICK, 124)])
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (124, TICK)}
    # a later tick wins over anything before it
    batch = _batch([feedly(TICK, 5), feedly(TICK + 0.25, 4)])
    assert batch.aggregators == {(day, "atom.xml", "Feedly"): (4, TICK + 0.25)}
    # aggregators are not direct clients, and their requests still count
    assert batch.clients == {} and batch.counts == {(day, "atom.xml"): [2, 0, 2, 0]}

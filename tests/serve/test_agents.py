"""The aggregator table against User-Agent strings as the aggregators send them."""

from __future__ import annotations

import pytest

from feedpub.serve.agents import AGENTS, aggregator

# (User-Agent, expected): one string per row of the table, in the shape each fetcher sends
REAL = [
    ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; feed-id=2b0c1c7e)", ("Feedly", 123)),
    ("Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 45 subscribers; )", ("Inoreader", 45)),
    (
        "NewsBlur Feed Fetcher - 12 subscribers - http://www.newsblur.com/site/6234/x (Mozilla/5.0)",
        ("NewsBlur", 12),
    ),
    ("Feedbin feed-id:1234 - 56 subscribers", ("Feedbin", 56)),
    ("Mozilla/5.0 (compatible; theoldreader.com; 7 subscribers; feed-id=5a1b)", ("The Old Reader", 7)),
    (
        "Mozilla/5.0 (compatible; Feedspot/1.0 (+https://www.feedspot.com/fs/fetcher; 9 subscribers))",
        ("Feedspot", 9),
    ),
    ("Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 3 subscribers)", ("BazQux", 3)),
    ("Netvibes (crawler/; 2 subscribers; feedID: 1234)", ("Netvibes", 2)),
    (
        "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 1,204 subscribers; feed-id=1)",
        ("Feedfetcher-Google", 1204),
    ),
    (
        "Feed Wrangler/1.0 (1 subscriber; feed-id=77; http://feedwrangler.net; Allow like Gecko)",
        ("Feed Wrangler", 1),
    ),
    ("Mozilla/5.0 (compatible; Miniflux/2.0.50; 4 subscribers)", ("Miniflux", 4)),
]


@pytest.mark.parametrize(("agent", "expected"), REAL)
def test_aggregators_and_their_counts(agent, expected):
    assert aggregator(agent) == expected


def test_every_row_has_a_real_string_and_a_source():
    assert {name for _agent, (name, _count) in REAL} == {row.name for row in AGENTS}
    assert all(row.source.startswith("https://") for row in AGENTS)


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "",
        "NetNewsWire (RSS Reader; https://netnewswire.com/)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)",  # no count: a preview fetch
    ],
)
def test_readers_and_browsers_report_nobody(agent):
    assert aggregator(agent) is None


def test_a_name_not_in_the_table_reports_nobody():
    """Anyone can claim subscribers: only the table's aggregators are believed (and exempt)."""
    assert aggregator("Yarr/2.4 (https://example.org; 6 subscribers)") is None
    assert aggregator("curl/8.5.0 (999999 subscribers)") is None

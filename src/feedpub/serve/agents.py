"""Which aggregator fetched a feed, and how many subscribers it says it fetches for.

Aggregators poll once for all their users and say how many in the User-Agent; that count is the
only way a publisher learns of those readers. One row per aggregator: add a row to know another.
The `source` column names where the User-Agent shape comes from (the fetcher page each
aggregator's User-Agent links to); tests/serve/test_agents.py holds one string per row in that
shape (checked against a live fetcher's log before relying on a new row).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


class Agent(NamedTuple):
    name: str
    pattern: str  # a regex searched in the User-Agent (case-insensitive)
    source: str


AGENTS: tuple[Agent, ...] = (
    Agent("Feedly", r"\bFeedly(?:Bot)?/", "https://feedly.com/fetcher.html"),
    Agent("Inoreader", r"\bInoreader/", "https://www.inoreader.com/feed-fetcher"),
    Agent("NewsBlur", r"\bNewsBlur Feed Fetcher\b", "https://www.newsblur.com/faq (Feed Fetcher)"),
    Agent("Feedbin", r"^Feedbin\b", "https://feedbin.com/help/subscriber-counts/"),
    Agent("The Old Reader", r"\btheoldreader\.com\b", "https://theoldreader.com/feeds/fetcher"),
    Agent("Feedspot", r"\bFeedspot\b", "https://www.feedspot.com/fs/fetcher"),
    Agent("BazQux", r"\bBazQux/", "https://bazqux.com/fetcher"),
    Agent("Netvibes", r"\bNetvibes\b", "https://www.netvibes.com/ (crawler)"),
    Agent("Feedfetcher-Google", r"\bFeedfetcher-Google\b", "https://www.google.com/feedfetcher.html"),
    Agent("Feed Wrangler", r"\bFeed Wrangler/", "https://feedwrangler.net/ (fetcher)"),
    Agent("Miniflux", r"\bMiniflux/", "https://miniflux.app/faq.html#user-agent"),
)
_COUNT = re.compile(r"(\d[\d,]*)\s+(?:subscribers?|readers?)\b", re.IGNORECASE)
_COMPILED = tuple((a.name, re.compile(a.pattern, re.IGNORECASE)) for a in AGENTS)


@lru_cache(maxsize=4096)  # aggregators send the same string all day
def aggregator(user_agent: str | None) -> tuple[str, int] | None:
    """(aggregator, subscribers) when a User-Agent of the table reports subscribers, else None.

    Only the table's names count: anyone can write "1000 subscribers" in a User-Agent, and an
    unknown name would be a new row in the store (and a client exempt from polite limits) for
    the asking; a new aggregator is one row above."""
    if not user_agent:
        return None
    found = _COUNT.search(user_agent)
    if found is None:
        return None
    for name, pattern in _COMPILED:
        if pattern.search(user_agent):
            return name, int(found.group(1).replace(",", ""))
    return None

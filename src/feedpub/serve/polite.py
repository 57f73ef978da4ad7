"""Polite limits: a client (address + User-Agent) that fetches one feed more than
`polite.max_requests` times in `polite.window_seconds` is answered 429 with Retry-After.

Feed readers' own guidance is to back off on 429; a client that polls every few seconds costs
the same as hundreds of readers. Aggregators that report subscribers (one fetch for all their
users) and, by default, loopback are never limited. Memory is bounded: the least recently seen
clients are forgotten first, and everything is forgotten at a restart.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from feedpub.config_serving import PoliteSettings
from feedpub.serve.agents import aggregator
from feedpub.serve.clients import is_loopback

# (client, feed) pairs remembered, about 1 KB each at most: an over-polling client stays recent
MAX_CLIENTS = 10_000
MAX_REMEMBERED = 4096  # decided addresses and User-Agents, each
BODY = b"too many requests: this feed changes rarely; please poll less often\n"


class Limiter:
    def __init__(self, settings: PoliteSettings, max_clients: int = MAX_CLIENTS) -> None:
        self.settings = settings
        self.max_clients = max_clients
        self._seen: OrderedDict[tuple[str, str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        # Who is never limited, as decided before: a True here answers a request with one dict
        # lookup, which is all the fast path spends on an exempt client; a False or a
        # miss goes on to `retry_after`. Each forgets everything past MAX_REMEMBERED entries.
        self.free_addresses: dict[str, bool] = {}  # loopback, unless `exempt_loopback` is off
        self.free_agents: dict[str, bool] = {}  # aggregators that report subscribers

    def _decide(self, address: str, user_agent: str) -> bool:
        """Never limited: a subscriber-reporting aggregator, or loopback unless the settings say
        otherwise; worked out for a client not yet remembered, and then remembered."""
        free = self.free_addresses.get(address)
        if free is None:
            free = self.settings.exempt_loopback and is_loopback(address)
            _remember(self.free_addresses, address, free)
        agent_free = self.free_agents.get(user_agent)
        if agent_free is None:
            agent_free = aggregator(user_agent) is not None
            _remember(self.free_agents, user_agent, agent_free)
        return free or agent_free

    def retry_after(self, address: str, user_agent: str, path: str) -> int | None:
        """None: answer; else the seconds to wait (this fetch is not counted then)."""
        if self._decide(address, user_agent):
            return None
        now = time.monotonic()
        window, limit = self.settings.window_seconds, self.settings.max_requests
        key = (address, user_agent, path)
        with self._lock:
            times = self._seen.get(key)
            if times is None:
                times = self._seen[key] = deque(maxlen=limit)
                if len(self._seen) > self.max_clients:
                    self._seen.popitem(last=False)
            else:
                self._seen.move_to_end(key)
            if len(times) == limit and now - times[0] < window:
                return max(1, math.ceil(times[0] + window - now))
            times.append(now)
        return None


def _remember(decided: dict[str, bool], key: str, free: bool) -> None:
    if len(decided) >= MAX_REMEMBERED:  # a flood of made-up User-Agents cannot grow it
        decided.clear()
    decided[key] = free


def too_many(seconds: int) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """The 429 answer: short, never cached, saying when to come back."""
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Retry-After", str(seconds)),
        ("Cache-Control", "no-store"),
        ("Content-Length", str(len(BODY))),
    ]
    return "429 Too Many Requests", headers, [BODY]

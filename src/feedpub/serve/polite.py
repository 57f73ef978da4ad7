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
from functools import lru_cache

from feedpub.config_serving import PoliteSettings
from feedpub.serve.agents import aggregator
from feedpub.serve.clients import is_loopback

# (client, feed) pairs remembered, about 1 KB each at most: an over-polling client stays recent
MAX_CLIENTS = 10_000
BODY = b"too many requests: this feed changes rarely; please poll less often\n"


class Limiter:
    def __init__(self, settings: PoliteSettings, max_clients: int = MAX_CLIENTS) -> None:
        self.settings = settings
        self.max_clients = max_clients
        self._seen: OrderedDict[tuple[str, str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        self.exempt = lru_cache(maxsize=4096)(self._never_limited)

    def _never_limited(self, address: str, user_agent: str) -> bool:
        """Aggregators that report subscribers, and loopback unless the settings say otherwise."""
        return aggregator(user_agent) is not None or (self.settings.exempt_loopback and is_loopback(address))

    def retry_after(self, address: str, user_agent: str, path: str) -> int | None:
        """None: answer; else the seconds to wait (this fetch is not counted then)."""
        if self.exempt(address, user_agent):
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


def too_many(seconds: int) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """The 429 answer: short, never cached, saying when to come back."""
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Retry-After", str(seconds)),
        ("Cache-Control", "no-store"),
        ("Content-Length", str(len(BODY))),
    ]
    return "429 Too Many Requests", headers, [BODY]

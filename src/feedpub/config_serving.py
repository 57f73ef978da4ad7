"""The settings of serving: the server, WebSub, reader statistics and polite limits.

Kept apart from `config` so that module stays within the size rule; `config` validates them
like every other section (unknown keys and wrong types fail with the key's path).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from feedpub.errors import ConfigError


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    cache_control: str = "public, max-age=300"
    # addresses or CIDRs of the proxies whose X-Forwarded-For / Forwarded name the client
    trusted_proxies: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebSubSettings:
    hub: str | None = None  # an external hub to ping after each publish
    builtin: bool = False  # be the hub, at /websub
    lease_seconds: int = 864_000  # granted when a subscriber names none (ten days)
    allow_private_callbacks: bool = False  # let requests reach loopback, private … addresses (tests)
    max_callback_length: int = 2_048  # characters of hub.callback (and of hub.topic, below)
    max_topic_length: int = 2_048
    max_subscriptions_per_host: int = 100  # subscriptions of callbacks on one host
    max_subscriptions: int = 10_000  # in all


@dataclass(frozen=True)
class StatsSettings:
    enabled: bool = True  # count feed requests (per feed, per day) in paths.cache/stats.sqlite
    token: str | None = None  # /stats/ and /stats.json answer only `Authorization: Bearer <token>`
    retention_days: int = 400
    flush_seconds: float = 5.0  # how often each process adds its counts to the store


@dataclass(frozen=True)
class PoliteSettings:
    enabled: bool = True
    max_requests: int = 10  # fetches of one feed by one client (address + User-Agent) …
    window_seconds: float = 600.0  # … in this many seconds; more get 429 with Retry-After
    exempt_loopback: bool = True  # clients on 127.0.0.0/8 and ::1 are never limited


def check_proxies(value: tuple[str, ...], where: str) -> tuple[str, ...]:
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ConfigError(f"{where}: expected addresses or CIDRs, got {item!r}") from exc
    return value

"""Who is asking: the client's address, taken from X-Forwarded-For / Forwarded only when the
peer is one of `server.trusted_proxies` (anyone else could write any address there)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip().strip('"')
    if address.startswith("["):  # Forwarded: for="[2001:db8::1]:4711"
        address = address[1:].partition("]")[0]
    elif address.count(":") == 1:  # 192.0.2.1:4711
        address = address.partition(":")[0]
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


class ClientAddress:
    """`address(environ)`: the client's address as a string."""

    def __init__(self, trusted: tuple[str, ...]) -> None:
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(t, strict=False) for t in trusted)
        self.trusted = lru_cache(maxsize=1024)(self._trusted)

    def _trusted(self, address: str) -> bool:
        parsed = _parse(address)
        return parsed is not None and any(parsed in net for net in self.networks)

    def address(self, environ: dict[str, Any]) -> str:
        peer = str(environ.get("REMOTE_ADDR") or "")
        if not self.networks or not self.trusted(peer):
            return peer
        hops = _forwarded_for(environ)
        # the nearest hop not itself a trusted proxy is the client (the rest the client wrote)
        for hop in reversed(hops):
            if not self.trusted(hop):
                parsed = _parse(hop)
                return str(parsed) if parsed is not None else peer
        return str(_parse(hops[0]) or peer) if hops else peer


def _forwarded_for(environ: dict[str, Any]) -> list[str]:
    """The chain of addresses the proxies recorded, the client first (Forwarded wins, RFC 7239)."""
    forwarded = environ.get("HTTP_FORWARDED")
    if forwarded:
        hops = []
        for element in forwarded.split(","):
            for pair in element.split(";"):
                key, _, value = pair.strip().partition("=")
                if key.lower() == "for":
                    hops.append(value)
        if hops:
            return hops
    return [h.strip() for h in str(environ.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]


@lru_cache(maxsize=1024)
def is_loopback(address: str) -> bool:
    parsed = _parse(address)
    return parsed is not None and parsed.is_loopback

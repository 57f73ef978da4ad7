"""Subscriber callbacks as the hub stores them, and text from outside made safe for log lines.

One endpoint spelled several ways (`HTTP://Example.COM:80/cb#x`, `http://example.com./%63b`) is
one subscription: the callback is canonicalised before it is stored, counted or requested.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
LOG_CHARS = 300  # a field from outside is cut to this in a log line
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def printable(text: str) -> str:
    """`text` for a log line: control and other invisible characters escaped (a CR LF in a
    callback cannot start a forged line), and cut at LOG_CHARS."""
    cut = text[:LOG_CHARS]
    safe = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)
    return safe + ("…" if len(text) > LOG_CHARS else "")


def _percent(match: re.Match[str]) -> str:
    char = chr(int(match.group(0)[1:], 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _host(parts: SplitResult) -> str | None:
    host = parts.hostname
    if not host:
        return None
    if ":" in host:  # an IPv6 literal: one spelling
        try:
            return f"[{ipaddress.IPv6Address(host.split('%')[0]).compressed}]"
        except ValueError:
            return None
    try:
        return host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def canonical_callback(callback: str) -> str | None:
    """The one spelling of an http(s) callback URL, or None when it is not one (no host, user
    info, whitespace or control characters, a bad port)."""
    if not callback or any(not c.isprintable() or c.isspace() for c in callback):
        return None
    parts = urlsplit(callback)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or "@" in parts.netloc:
        return None
    host = _host(parts)
    try:
        port = parts.port
    except ValueError:
        return None
    if host is None:
        return None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _ESCAPE.sub(_percent, parts.path) or "/"
    query = _ESCAPE.sub(_percent, parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def callback_host(callback: str) -> str:
    """The host a canonical callback names (what the per-host limits count)."""
    return urlsplit(callback).hostname or ""

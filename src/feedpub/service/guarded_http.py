"""The one HTTP client the hub and the pinger send through, so a subscriber cannot make feedpub
request its own machine or network (SSRF).

The host is resolved once, every address it resolves to must be public (loopback, private,
link-local, multicast, reserved and unspecified refused, IPv4-mapped and other embedded IPv4
forms unwrapped first) unless `websub.allow_private_callbacks`, and the connection goes to the
address that was checked (an httpcore network backend under httpx), never to a second lookup.
No redirects are followed; only http and https; the answer is cut at `MAX_RESPONSE_BYTES`; one
deadline covers the lookup, the connection, TLS, every write and read of the whole request.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import typing
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

DEADLINE_SECONDS = 10.0  # one request, start to last byte
MAX_RESPONSE_BYTES = 64 * 1024  # what is read of an answer (a challenge echo is short)
SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPAT = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses, and :: and ::1
_RESOLVER = ThreadPoolExecutor(4, thread_name_prefix="feedpub-resolve")  # lookups have no timeout

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """A URL feedpub will not request: a scheme other than http(s), or a non-public address."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most MAX_RESPONSE_BYTES


def is_public(address: Address) -> bool:
    """Whether `address` is a public unicast address (IPv4 inside IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        if address in _COMPAT:
            return False
    bad = (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not bad


def resolve(host: str, port: int, allow_private: bool, seconds: float) -> list[str]:
    """The addresses `host` resolves to, all checked; Refused when any is not public."""
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=max(seconds, 0.001))
    except FutureTimeout as exc:
        raise httpcore.ConnectTimeout(f"looking up {host} took too long") from exc
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    found = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    for text in found:
        if not allow_private and not is_public(ipaddress.ip_address(text)):
            raise Refused(f"{host} resolves to {text}, which is not a public address")
    return found


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline

    def _left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the request's deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, self._left(timeout))
        return _DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class _CheckedBackend(httpcore.SyncBackend):
    """Resolves and checks the host, then connects to one of the checked addresses."""

    def __init__(self, allow_private: bool, deadline: float) -> None:
        self.allow_private, self.deadline = allow_private, deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in resolve(host, port, self.allow_private, self.deadline - time.monotonic()):
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("the request's deadline passed")
            try:
                stream = super().connect_tcp(address, port, left, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self.deadline)
        raise failure


def _client(allow_private: bool, deadline: float, seconds: float) -> httpx.Client:
    transport = httpx.HTTPTransport(trust_env=False, retries=0)
    transport._pool = httpcore.ConnectionPool(  # the same pool httpx makes, on the checked backend
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=1,
        network_backend=_CheckedBackend(allow_private, deadline),
    )
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False, timeout=seconds)


def request(
    method: str,
    url: str,
    *,
    allow_private: bool = False,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    seconds: float = DEADLINE_SECONDS,
) -> Answer:
    """One request, bounded in time and size. Raises Refused for a URL feedpub will not request,
    httpx.HTTPError when the request failed (unreachable, too slow, broken answer)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise Refused(f"only absolute http(s) URLs are requested, not {url[:100]!r}")
    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:  # e.g. an IPv4 address in octal, which resolvers would read
        raise Refused(f"not a URL httpx accepts: {exc}") from exc
    deadline = time.monotonic() + seconds
    sent = {"Accept-Encoding": "identity", **(headers or {})}
    with (
        _client(allow_private, deadline, seconds) as client,
        client.stream(method, url, content=body or None, headers=sent) as response,
    ):
        data = bytearray()
        for chunk in response.iter_raw():
            data += chunk
            if len(data) >= MAX_RESPONSE_BYTES:
                break
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the request's deadline passed")
        return Answer(response.status_code, bytes(data[:MAX_RESPONSE_BYTES]))

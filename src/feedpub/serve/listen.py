"""Where `feedpub serve` listens: a busy port found before anything starts, and a base_url left
at its default made to point at the server.

Granian answers a busy port with a Rust panic and its backtrace, cheroot with a traceback, and
only after the first build; a probe socket bound first turns it into one line at once. A
base_url nobody set would link every feed to 127.0.0.1:8080 whatever `--port` says, so it is
derived from `--host`/`--port`; one that was set is kept (a reverse proxy's URL rarely matches
the listening address), with a warning only when it names this machine and another port.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
from dataclasses import replace
from urllib.parse import urlsplit

from feedpub.config import Settings, SiteSettings
from feedpub.errors import FeedpubError
from feedpub.sites.load import defaults_note

BASE_URL_ENV = "FEEDPUB_BASE_URL"  # the derived base_url, as Granian's workers receive it
WILDCARDS = {"", "0.0.0.0", "::"}  # listening everywhere: a browser here reaches 127.0.0.1


class PortBusy(FeedpubError):
    """Another process listens on the port."""


def check_port(host: str, port: int) -> None:
    """Bind a probe socket to (host, port) and let go: FeedpubError naming what is wrong."""
    check_range(port)
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise FeedpubError(f"cannot listen on {host!r}: {exc.strerror}; see --host or server.host") from exc
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            probe.bind(address)
        except OSError as exc:
            raise _bind_error(host, port, exc) from exc


def check_range(port: int) -> None:
    if not 0 < port < 65536:
        raise FeedpubError(f"port {port} is out of range (1-65535); see --port or server.port")


def _bind_error(host: str, port: int, exc: OSError) -> FeedpubError:
    if exc.errno == errno.EADDRINUSE:
        return PortBusy(f"port {port} on {host} is in use (another feedpub? see --port)")
    if exc.errno == errno.EACCES:
        return FeedpubError(f"port {port} on {host} needs privileges (use a port above 1023; see --port)")
    return FeedpubError(f"cannot listen on {host} port {port}: {exc.strerror}; see --host")


def listen_url(host: str, port: int) -> str:
    """The URL a browser on this machine reaches the server at."""
    if host in WILDCARDS:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_settings(settings: Settings, host: str, port: int) -> tuple[Settings, str | None, str | None]:
    """The settings to serve with, an INFO line when base_url was derived, a WARNING line when an
    explicit base_url names this machine on another port."""
    base = settings.site.base_url
    if settings.origins.get("site.base_url", "default") == "default" and base == SiteSettings.base_url:
        derived = listen_url(host, port)
        if derived == base:
            return settings, None, None
        note = (
            f"site.base_url is not set: feeds link to {derived} (from --host/--port; set it for a public URL)"
        )
        return replace(settings, site=replace(settings.site, base_url=derived)), note, None
    parts = urlsplit(base)
    given = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.hostname is not None and is_loopback(parts.hostname) and given != port:
        return (
            settings,
            None,
            f"site.base_url {base} names this machine on port {given}, but serve listens on {port}",
        )
    return settings, None, None


def announce(settings: Settings, host: str, port: int, config: str | None, site: str | None) -> Settings:
    """The port checked, then `served_settings` with its lines logged (and the no-config line),
    the derived base_url handed to Granian's workers."""
    check_port(host, port)  # before anything is logged or built: a busy port is one line, at once
    log = logging.getLogger("feedpub")
    settings, derived, mismatch = served_settings(settings, host, port)
    os.environ.pop(BASE_URL_ENV, None)
    if derived is not None:
        os.environ[BASE_URL_ENV] = settings.site.base_url
        log.info("%s", derived)
    if mismatch is not None:
        log.warning("%s", mismatch)
    if (note := defaults_note(settings, config, site)) is not None:
        log.info("%s", note)
    return settings

"""`feedpub stats ingest`: nginx access logs into the statistics store.

When nginx serves feeds/ itself the app never sees those requests. The log says the same things
(address, time, path, status, bytes, User-Agent), in nginx's `combined` format or the `feedpub`
format deploy/nginx.conf defines (combined plus X-Forwarded-For and the request time). A log is
known by the hash of its first line, so a file ingested again (or its rotated, gzipped copy)
adds only the lines past those already read.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from feedpub.config import Settings
from feedpub.serve.agents import aggregator
from feedpub.serve.clients import ClientAddress
from feedpub.serve.counting import MAX_AGENT, feed_path
from feedpub.serve.stats_store import Batch, day_of, opened, write

LINE = re.compile(
    r'^(?P<addr>\S+) \S+ \S+ \[(?P<time>[^]]+)\] "(?P<method>[A-Z]+) (?P<target>\S+)[^"]*" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-) "[^"]*" "(?P<agent>(?:[^"\\]|\\.)*)"'
    r'(?: "(?P<xff>[^"]*)")?'
)


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as probe:
        packed = probe.read(2) == b"\x1f\x8b"
    with gzip.open(path, "rb") if packed else path.open("rb") as handle:
        for raw in handle:
            yield raw.decode("utf-8", "replace").rstrip("\n")


def _feed(target: str) -> str | None:
    path = unquote(urlsplit(target).path)
    if not path.startswith("/"):
        return None
    path = path[1:] + ("index.html" if path.endswith("/") else "")
    return path if feed_path(path) else None


def add_line(batch: Batch, line: str, clients: ClientAddress) -> bool:
    """One log line into `batch`; False when it is no GET or HEAD of a feed."""
    found = LINE.match(line)
    if found is None or found["method"] not in ("GET", "HEAD"):
        return False
    path = _feed(found["target"])
    if path is None:
        return False
    when = datetime.strptime(found["time"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
    day = day_of(when)
    agent = found["agent"].replace('\\"', '"')
    agent = "" if agent == "-" else agent[:MAX_AGENT]  # as the service keeps it
    environ = {"REMOTE_ADDR": found["addr"], "HTTP_X_FORWARDED_FOR": found["xff"] or ""}
    reported = aggregator(agent)
    client = None if reported else (clients.address(environ), agent)
    size = 0 if found["bytes"] == "-" else int(found["bytes"])
    batch.add(day, path, int(found["status"]), size, client)
    if reported is not None:
        batch.aggregators[(day, path, reported[0])] = (reported[1], when)
    return True


def ingest(settings: Settings, path: Path) -> tuple[int, int]:
    """(feed requests added, lines skipped as read before) for one log file."""
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        return 0, 0
    key = hashlib.sha256(first.encode()).hexdigest()
    clients = ClientAddress(settings.server.trusted_proxies)
    with opened(settings.cache_dir) as conn:
        row = conn.execute("SELECT lines FROM ingested WHERE log = ?", (key,)).fetchone()
        done = row[0] if row else 0
        batch, added, total = Batch(), 0, 0
        for number, line in enumerate(_chain(first, lines), 1):
            total = number
            if number > done:
                added += add_line(batch, line, clients)
        write(conn, batch, settings.stats.retention_days, ingested=(key, max(total, done)))
    return added, min(done, total)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest

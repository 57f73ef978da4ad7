"""Many feed readers at once against a running feedpub, while its posts change under it.

`run_load` drives `clients` keep-alive connections on loopback for `seconds`, each fetching feeds
and pages in a random mix (plain, gzip, and conditional with the last ETag it saw), while
`mutate` is called every `every` seconds (the caller adds and edits posts). It counts 5xx answers,
connection errors and torn reads (a 200 whose body's sha256 is not its ETag), and measures
requests per second and latency percentiles. Used by tests/test_load.py (short), `make soak` and
`make bench` (30 s, 100 clients).
"""

from __future__ import annotations

import hashlib
import http.client
import multiprocessing
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote


@dataclass
class LoadResult:
    requests: int = 0
    ok: int = 0
    not_modified: int = 0
    server_errors: int = 0
    connection_errors: int = 0
    torn: int = 0
    other_status: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    mutations: int = 0
    failures: list[str] = field(default_factory=list)  # the first few, for the report

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0

    def merge(self, other: LoadResult) -> None:
        self.requests += other.requests
        self.ok += other.ok
        self.not_modified += other.not_modified
        self.server_errors += other.server_errors
        self.connection_errors += other.connection_errors
        self.torn += other.torn
        for status, count in other.other_status.items():
            self.other_status[status] = self.other_status.get(status, 0) + count
        self.latencies_ms += other.latencies_ms
        self.failures += other.failures[: max(0, 10 - len(self.failures))]


def _client(host: str, port: int, paths: Sequence[str], stop: float, seed: int) -> LoadResult:
    rng = random.Random(seed)
    result = LoadResult()
    etags: dict[tuple[str, bool], str] = {}
    connection: http.client.HTTPConnection | None = None
    while time.monotonic() < stop:
        path = rng.choice(paths)
        gzip = rng.random() < 0.6
        headers = {"Accept-Encoding": "gzip"} if gzip else {}
        known = etags.get((path, gzip))
        if known and rng.random() < 0.5:
            headers["If-None-Match"] = known
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            etag = response.getheader("ETag")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            result.connection_errors += 1
            result.failures.append(f"{path}: {type(exc).__name__}: {exc}")
            if connection is not None:
                connection.close()
            connection = None
            continue
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.requests += 1
        status = response.status
        if status >= 500:
            result.server_errors += 1
            result.failures.append(f"{path}: {status}")
        elif status == 304:
            result.not_modified += 1
        elif status == 200:
            result.ok += 1
            if etag is None or etag.strip('"') != hashlib.sha256(body).hexdigest():
                result.torn += 1
                result.failures.append(f"{path}: body does not match ETag {etag}")
            else:
                etags[(path, gzip)] = etag
        else:
            result.other_status[status] = result.other_status.get(status, 0) + 1
    if connection is not None:
        connection.close()
    return result


def run_load(
    base: str,
    paths: Sequence[str],
    clients: int = 100,
    seconds: float = 30.0,
    mutate: Callable[[int], None] | None = None,
    every: float = 0.2,
) -> LoadResult:
    """`clients` readers for `seconds`; `mutate(n)` every `every` seconds meanwhile.

    The readers run in a forked process of their own, so their hundred threads cannot starve the
    caller's changes of the interpreter lock (they would come late, and fewer)."""
    host, _, port = base.removeprefix("http://").partition(":")
    quoted = [quote(path, safe="/%") for path in paths]  # term slugs are Unicode
    started = time.monotonic()
    stop = started + seconds
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    readers = multiprocessing.get_context("fork").Process(
        target=_readers, args=(sender, host, int(port), quoted, clients, stop), daemon=True
    )
    readers.start()
    sender.close()
    mutations = 0
    while mutate is not None:
        due = started + every * (mutations + 1)
        if due >= stop:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        mutate(mutations)
        mutations += 1
    total: LoadResult = receiver.recv() if receiver.poll(seconds + 60) else LoadResult(connection_errors=1)
    readers.join(10)
    total.seconds, total.mutations = time.monotonic() - started, mutations
    return total


def _readers(sender: Any, host: str, port: int, paths: list[str], clients: int, stop: float) -> None:
    results: list[LoadResult] = [LoadResult() for _ in range(clients)]

    def reader(index: int) -> None:
        try:
            results[index] = _client(host, port, paths, stop, seed=index)
        except Exception as exc:  # a bug in the driver must fail the run, not vanish
            results[index].connection_errors += 1
            results[index].failures.append(f"reader {index}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, stop - time.monotonic()) + 30)
    total = LoadResult()
    for result in results:
        total.merge(result)
    sender.send(total)

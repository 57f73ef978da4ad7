"""The statistics store: several processes adding at once, direct clients as hashes only,
retention."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta

from feedpub.serve.stats_report import report
from feedpub.serve.stats_store import Batch, opened, write

TODAY = date(2026, 12, 6)


def add_many(cache_dir, worker: int) -> None:
    """One process: 50 flushes of 10 requests each, from five clients of its own and one shared."""
    with opened(cache_dir) as conn:
        for _ in range(50):
            batch = Batch()
            for i in range(10):
                client = ("192.0.2.1", "shared") if i == 0 else (f"10.{worker}.0.{i % 5}", "reader")
                batch.add(TODAY.isoformat(), "atom.xml", 200 if i % 2 else 304, 100, client)
            batch.aggregators[(TODAY.isoformat(), "atom.xml", "Feedly")] = (worker, float(worker))
            write(conn, batch, 400, TODAY)


def test_processes_adding_at_once_lose_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=add_many, args=(tmp_path, n)) for n in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    feed = report(tmp_path, 1, TODAY)["feeds"][0]
    assert (feed["requests"], feed["ok"], feed["not_modified"], feed["bytes"]) == (2000, 1000, 1000, 200_000)
    assert feed["direct"] == 4 * 5 + 1  # five clients of each process, and the one they share
    assert feed["aggregators"] == {"Feedly": 3}  # the latest report (seen last) wins


def test_addresses_are_never_stored_and_hashes_leave_after_two_days(tmp_path):
    with opened(tmp_path) as conn:
        for days_ago in (3, 0):
            batch = Batch()
            day = (TODAY - timedelta(days=days_ago)).isoformat()
            batch.add(day, "rss.xml", 200, 10, ("198.51.100.23", "NetNewsWire"))
            write(conn, batch, 400, TODAY - timedelta(days=days_ago))
        write(conn, Batch(), 400, TODAY)
        salts = [row[0] for row in conn.execute("SELECT day FROM salts")]
        hashed = [row[0] for row in conn.execute("SELECT day FROM clients")]
    assert salts == hashed == [TODAY.isoformat()]
    data = (tmp_path / "stats.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("stats.sqlite-*")
    )
    assert b"198.51.100.23" not in data and b"NetNewsWire" not in data
    history = report(tmp_path, 10, TODAY)["feeds"][0]["history"]
    assert [(h["day"], h["direct"]) for h in history] == [
        ((TODAY - timedelta(days=3)).isoformat(), 1),  # the count outlives the hashes
        (TODAY.isoformat(), 1),
    ]


def test_days_past_retention_are_dropped(tmp_path):
    with opened(tmp_path) as conn:
        for days_ago in (40, 20, 0):
            batch = Batch()
            day = (TODAY - timedelta(days=days_ago)).isoformat()
            batch.add(day, "feed.json", 200, 10, None)
            batch.aggregators[(day, "feed.json", "Inoreader")] = (days_ago + 1, 0.0)
            write(conn, batch, 30, TODAY)
        rows = conn.execute("SELECT count(*) FROM daily").fetchone()[0]
        reports = conn.execute("SELECT count(*) FROM aggregators").fetchone()[0]
    assert rows == reports == 2
    assert report(tmp_path, 400, TODAY)["feeds"][0]["aggregators"] == {"Inoreader": 1}

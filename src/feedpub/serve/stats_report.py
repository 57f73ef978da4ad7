"""What the publisher sees: estimated subscribers per feed, and the numbers behind them.

Estimated subscribers = the latest count each aggregator reported + the distinct direct clients
(address + User-Agent) of the last day, as FeedBurner and FeedPress estimate it. A day's direct
clients are counted under that day's salt only, so "the last day" is the greater of today's
(still filling) and yesterday's.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from feedpub.serve.stats_store import STORE, opened


def report(cache_dir: Path, days: int = 30, today: date | None = None) -> dict[str, Any]:
    """Every feed fetched in the last `days` days, the most read first (JSON-ready)."""
    today = today or datetime.now(UTC).date()
    since = (today - timedelta(days=days - 1)).isoformat()
    rows: list[tuple[Any, ...]] = []
    reports: list[tuple[Any, ...]] = []
    if (cache_dir / STORE).exists():
        with opened(cache_dir) as conn:
            rows, reports = _read(conn, since)
    feeds: dict[str, dict[str, Any]] = {}
    for day, path, requests, ok, not_modified, size, direct in rows:
        feed = feeds.setdefault(path, _empty(path))
        feed["history"].setdefault(day, {"aggregators": 0, "direct": 0})["direct"] = direct
        for key, value in (
            ("requests", requests),
            ("ok", ok),
            ("not_modified", not_modified),
            ("bytes", size),
        ):
            feed[key] += value
    for day, path, name, subscribers in reports:  # oldest first: the latest report wins
        feed = feeds.setdefault(path, _empty(path))
        feed["aggregators"][name] = subscribers
        feed["history"].setdefault(day, {"aggregators": 0, "direct": 0})["aggregators"] += subscribers
    return {
        "days": days,
        "since": since,
        "today": today.isoformat(),
        "feeds": sorted(
            (_finish(f, today) for f in feeds.values()), key=lambda f: (-f["subscribers"], f["path"])
        ),
    }


def _read(conn: sqlite3.Connection, since: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = conn.execute(
        "SELECT day, path, requests, ok, not_modified, bytes, direct FROM daily WHERE day >= ? ORDER BY day",
        (since,),
    ).fetchall()
    reports = conn.execute(
        "SELECT day, path, name, subscribers FROM aggregators WHERE day >= ? ORDER BY day, seen", (since,)
    ).fetchall()
    return rows, reports


def _empty(path: str) -> dict[str, Any]:
    return {
        "path": path,
        "aggregators": {},
        "requests": 0,
        "ok": 0,
        "not_modified": 0,
        "bytes": 0,
        "history": {},
    }


def _finish(feed: dict[str, Any], today: date) -> dict[str, Any]:
    history = feed.pop("history")
    last_two = [history.get(d.isoformat(), {}).get("direct", 0) for d in (today, today - timedelta(days=1))]
    feed["direct"] = max(last_two)
    feed["subscribers"] = sum(feed["aggregators"].values()) + feed["direct"]
    feed["ratio_304"] = round(feed["not_modified"] / feed["requests"], 3) if feed["requests"] else 0.0
    feed["history"] = [
        {"day": day, "subscribers": h["aggregators"] + h["direct"], **h} for day, h in sorted(history.items())
    ]
    return feed


def text_table(data: dict[str, Any]) -> str:
    """`feedpub stats`: one line per feed, then who reported what."""
    lines = [f"feeds fetched {data['since']} … {data['today']} ({data['days']} days)"]
    if not data["feeds"]:
        return lines[0] + ": none\n"
    lines.append(f"{'feed':<40} {'subscribers':>11} {'direct':>7} {'requests':>9} {'304s':>6}  aggregators")
    for feed in data["feeds"]:
        names = ", ".join(f"{n} {c}" for n, c in sorted(feed["aggregators"].items(), key=lambda x: -x[1]))
        lines.append(
            f"/{feed['path']:<39} {feed['subscribers']:>11} {feed['direct']:>7} {feed['requests']:>9}"
            f" {feed['ratio_304']:>6.0%}  {names or '-'}"
        )
    return "\n".join(lines) + "\n"

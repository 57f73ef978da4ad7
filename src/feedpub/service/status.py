"""The last scan's outcome, shared through a small JSON file in the cache directory.

The scanning process writes it; every app process (also those started with --no-scheduler)
reads it for /healthz.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from feedpub.model import Post, Problem
from feedpub.publish.atomic import write_atomic
from feedpub.service.state import ScanReport

log = logging.getLogger("feedpub")

STATUS_FILE = "status.json"
ISSUES_KEPT = 100  # problems and warnings listed in the status file; the rest only counted


def read_status(cache_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((cache_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(cache_dir: Path, status: dict[str, Any]) -> None:
    payload = json.dumps(status, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8") + b"\n"
    write_atomic(cache_dir / STATUS_FILE, payload)


def issues(problems: Iterable[Problem], posts: Iterable[Post]) -> dict[str, Any]:
    """The current problems and warnings (the posts' own), counted, and the first ISSUES_KEPT
    listed (problems first), so /healthz can say what is wrong without an unbounded file."""
    found = sorted(
        [*problems, *(w for post in posts for w in post.warnings)],
        key=lambda p: (p.warning, p.source, p.line or 0),
    )
    warnings = sum(1 for p in found if p.warning)
    return {
        "problems": len(found) - warnings,
        "warnings": warnings,
        "issues_total": len(found),
        "issues": [
            {"file": p.source, "line": p.line, "reason": p.message, "warning": p.warning}
            for p in found[:ISSUES_KEPT]
        ],
    }


ISSUE_KEYS = ("problems", "warnings", "issues_total", "issues")


def record_scan(cache_dir: Path, report: ScanReport, posts: Iterable[Post] = (), log_it: bool = True) -> None:
    """Write the status /healthz reads, and (`log_it`) log the scan: a quiet scan at DEBUG, one with changes
    at INFO, and each problem once per change (not on every quiet scan). A failed scan keeps the
    last known problems: it read nothing that could have fixed them."""
    previous = read_status(cache_dir)
    status = {
        "last_scan": report.started.isoformat(),
        "duration_ms": round(report.duration_ms, 1),
        "posts": report.posts or previous.get("posts", {}),
        "error": report.error,
        "last_success": report.started.isoformat() if report.error is None else previous.get("last_success"),
    }
    if report.error is None:
        status.update(issues(report.problems, posts))
    else:
        status.update({key: previous[key] for key in ISSUE_KEYS if key in previous})
    try:
        write_status(cache_dir, status)
    except OSError as exc:
        log.error("cannot write status to %s: %s", cache_dir, exc)
    if log_it:
        _log_scan(report, status)


def _log_scan(report: ScanReport, status: dict[str, Any]) -> None:
    if report.error:
        log.error("scan failed after %.0f ms: %s", report.duration_ms, report.error)
        return
    changed = report.rendered or report.changed_sources
    log.log(
        logging.INFO if changed else logging.DEBUG,
        "scan %.0f ms: %d changed; posts %s; feeds %s; %d problems, %d warnings",
        report.duration_ms,
        report.changed_sources,
        ", ".join(f"{v} {k}" for k, v in report.posts.items()),
        f"{report.written} written, {report.removed} removed" if report.rendered else "unchanged",
        status["problems"],
        status["warnings"],
    )
    if changed:
        for problem in report.problems:
            log.warning("problem: %s", problem)

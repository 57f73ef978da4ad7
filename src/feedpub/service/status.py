"""The last scan's outcome, shared through a small JSON file in the cache directory.

The scanning process writes it; every app process (also those started with --no-scheduler)
reads it for /healthz.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from feedpub.publish.atomic import write_atomic
from feedpub.service.state import ScanReport

log = logging.getLogger("feedpub")

STATUS_FILE = "status.json"


def read_status(cache_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((cache_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(cache_dir: Path, status: dict[str, Any]) -> None:
    payload = json.dumps(status, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8") + b"\n"
    write_atomic(cache_dir / STATUS_FILE, payload)


def record_scan(cache_dir: Path, report: ScanReport, log_it: bool = True) -> None:
    """Write the status /healthz reads, and (`log_it`) log the scan: one line per scan, and each
    problem once per change (not on every quiet scan)."""
    previous = read_status(cache_dir)
    status = {
        "last_scan": report.started.isoformat(),
        "duration_ms": round(report.duration_ms, 1),
        "posts": report.posts or previous.get("posts", {}),
        "problems": len(report.problems),
        "error": report.error,
        "last_success": report.started.isoformat() if report.error is None else previous.get("last_success"),
    }
    try:
        write_status(cache_dir, status)
    except OSError as exc:
        log.error("cannot write status to %s: %s", cache_dir, exc)
    if not log_it:
        return
    if report.error:
        log.error("scan failed after %.0f ms: %s", report.duration_ms, report.error)
        return
    log.info(
        "scan %.0f ms: %d changed; posts %s; feeds %s; %d problems",
        report.duration_ms,
        report.changed_sources,
        ", ".join(f"{v} {k}" for k, v in report.posts.items()),
        f"{report.written} written, {report.removed} removed" if report.rendered else "unchanged",
        len(report.problems),
    )
    if report.rendered or report.changed_sources:
        for problem in report.problems:
            log.warning("problem: %s", problem)

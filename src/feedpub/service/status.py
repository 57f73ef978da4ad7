"""The last scan's outcome, shared through a small JSON file in the cache directory.

The scanning process writes it; every app process (also those started with --no-scheduler)
reads it for /healthz.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from feedpub.publish.atomic import write_atomic

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

"""Has anything a build depends on changed since the last build? Answered from a walk of posts/
alone, so `feedpub build` of an unchanged site costs a stat per file: no post is unpickled and
the reading and rendering pipeline is not even imported.

After each build the parse cache records (meta `build_record`): every setting, every file the
walk found with its stat signature and the walk's problems, the manifest it left, the moment the
next post appears or expires, and what the build reported. A later build is current when all of
those are as recorded, no post fell due, and feeds/ still holds every file the manifest lists
(the same check the service makes before it trusts a warm start). Anything else, even a `touch`,
takes the full incremental path, which decides by content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from feedpub.config import Settings
from feedpub.model import Problem
from feedpub.publish.manifest import manifest_digest, read_manifest
from feedpub.read.cache import peek_meta
from feedpub.read.scan import Walk, scan
from feedpub.read.site_posts import scan_rules
from feedpub.service.feeds_check import FeedsCheck
from feedpub.service.state import ScanReport
from feedpub.service.status import record_scan

RECORD_KEY = "build_record"


@dataclass
class Summary:
    """What a build says: posts by status, files read and written, problems and warnings."""

    counts: Mapping[str, int]
    changed: int
    cached: int
    written: int
    unchanged: int
    removed: int
    rendered: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def walk_digest(signatures: Mapping[str, tuple[int, int, int]], problems: Iterable[Problem]) -> str:
    """Every file's source and stat signature, and the walk's problems, as one digest."""
    digest = hashlib.sha256()
    for source in sorted(signatures):
        digest.update(f"{source}\0{signatures[source]}\n".encode("utf-8", "surrogateescape"))
    for problem in sorted(str(p) for p in problems):
        digest.update(f"!{problem}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def settings_digest(settings: Settings) -> str:
    """Every setting, paths and the site's own config included (more than the parse cache's
    fingerprint: `legacy_urls` or `--out` change the output, not the parsed posts)."""
    return hashlib.sha256(repr(settings).encode("utf-8", "surrogateescape")).hexdigest()


def record(
    settings: Settings, walk: str, due: datetime | None, summary: Summary, files: int
) -> dict[str, Any] | None:
    """The record of a build that just published (None when feeds/ has no whole manifest)."""
    manifest = manifest_digest(settings.feeds_dir)
    if manifest is None:
        return None
    return {
        "settings": settings_digest(settings),
        "walk": walk,
        "manifest": manifest,
        "due": due.isoformat() if due is not None else None,
        "counts": dict(summary.counts),
        "sources": summary.cached + summary.changed,
        "files": files,
        "issues": [_issue(p) for p in [*summary.problems, *summary.warnings]],
    }


class Checked(NamedTuple):
    """What the last build reported, when nothing changed since (else None); and the walk made
    to find out, if one was made (the build that follows starts from it instead of walking again)."""

    summary: Summary | None
    walk: Walk | None = None


def still_current(settings: Settings, now: datetime) -> Checked:
    """Whether nothing the last build depends on changed since (see the module's docstring)."""
    text = peek_meta(settings.cache_dir, RECORD_KEY)
    if text is None:
        return Checked(None)
    try:
        last = json.loads(text)
        due = datetime.fromisoformat(last["due"]) if last["due"] else None
    except (ValueError, KeyError, TypeError):
        return Checked(None)
    if last.get("settings") != settings_digest(settings) or (due is not None and due <= now):
        return Checked(None)
    if manifest_digest(settings.feeds_dir) != last.get("manifest") or not settings.posts_dir.is_dir():
        return Checked(None)
    problems: list[Problem] = []
    sources = scan(settings.posts_dir, problems, scan_rules(settings))
    walk = Walk(sources, problems)
    signatures = {found.source: found.signature for found in sources}
    if walk_digest(signatures, problems) != last.get("walk") or not _feeds_whole(settings, now):
        return Checked(None, walk)
    return Checked(_summary(last), walk)


def note_current(cache_dir: Path, summary: Summary, now: datetime) -> None:
    """The status /healthz reads: this build found everything current."""
    issues = [*summary.problems, *summary.warnings]
    record_scan(
        cache_dir, ScanReport(now, 0.0, 0, False, dict(summary.counts), problems=issues), log_it=False
    )


def _feeds_whole(settings: Settings, now: datetime) -> bool:
    """Every file the manifest lists is there (its bytes are the recorded ones: checked before)."""
    return FeedsCheck(settings.feeds_dir).damage(read_manifest(settings.feeds_dir), now) is None


def _issue(problem: Problem) -> dict[str, Any]:
    return {
        "source": problem.source,
        "line": problem.line,
        "message": problem.message,
        "warning": problem.warning,
    }


def _summary(last: dict[str, Any]) -> Summary | None:
    try:
        issues = [
            Problem(i["source"], i["message"], line=i["line"], warning=i["warning"]) for i in last["issues"]
        ]
        sources, files = int(last["sources"]), int(last["files"])
        counts = {str(k): int(v) for k, v in last["counts"].items()}
    except (KeyError, TypeError, ValueError):
        return None
    problems = [p for p in issues if not p.warning]
    warnings = [p for p in issues if p.warning]
    return Summary(counts, 0, sources, 0, files, 0, False, problems, warnings)

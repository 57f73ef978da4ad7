"""What the service knows between scans, as one frozen value, and what one scan reports.

A scan reads the state it starts from and, when it succeeds, leaves a new one; nothing else
carries over from scan to scan but the parse cache (posts by file, `read.cache`) and the
rendered-entry cache (`render.site`), which are caches: losing them costs time, never bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from feedpub.model import Post, Problem
from feedpub.render.taxonomy import Taxonomy

Signatures = dict[str, tuple[int, int, int]]  # source → (mtime_ns, size, inode)


@dataclass(frozen=True)
class Published:
    """What feeds/ holds: made from these posts (by source) with these ids visible. The taxonomy
    they make is None after a warm start, until an edit or an idle scan needs it."""

    posts: Mapping[str, Post]
    visible: frozenset[str]
    taxonomy: Taxonomy | None = None


@dataclass(frozen=True)
class LastScan:
    """The last scan's outcome, to answer a rescan that finds nothing changed without reading."""

    signatures: Signatures
    counts: Mapping[str, int]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ServiceState:
    """Everything one scan hands the next.

    `published` is None until this run knows what feeds/ holds (a first publish, a warm start,
    or the last run's record); `failed` makes the next scan walk and compare every post;
    `renamed` are the sources that needed a free slug (their neighbours may change with them);
    `recorded` says the warm-start record was written after this run's first publish."""

    published: Published | None = None
    last: LastScan | None = None
    renamed: frozenset[str] = frozenset()
    failed: bool = False
    scanned_at: datetime | None = None
    recorded: bool = False
    scans: int = 0


@dataclass
class ScanReport:
    """What one rescan did, for the log line and /healthz."""

    started: datetime
    duration_ms: float
    changed_sources: int
    rendered: bool
    posts: dict[str, int] = field(default_factory=dict)
    written: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None

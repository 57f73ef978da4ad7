"""Publisher: the long-running scan → render → publish loop behind `feedpub serve`.

A rescan stats every file and re-reads only those whose (mtime, size, inode) changed; when
nothing changed and no scheduled post fell due, it renders nothing and writes nothing. Scans are
serialised by a lock, so the interval job and a date-triggered job never overlap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .build import render_files
from .config import Settings
from .errors import FeedpubError
from .model import Post, Problem, status_at
from .posts import SourceFile, load_posts, read_post, scan
from .status import read_status, write_status
from .store import publish

log = logging.getLogger("feedpub")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


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


class Publisher:
    """Keeps the parsed posts between scans and republishes when anything changed."""

    def __init__(self, settings: Settings, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._parsed: dict[str, tuple[tuple[int, int, int], Post | Problem]] = {}
        self._posts: list[Post] = []
        self._visible: frozenset[str] | None = None

    @property
    def posts(self) -> list[Post]:
        return list(self._posts)

    def _reader(self, changed: set[str]) -> Callable[[SourceFile, Settings, str | None], Post | Problem]:
        def read(source_file: SourceFile, settings: Settings, slug: str | None) -> Post | Problem:
            cached = self._parsed.get(source_file.source)
            if slug is None and cached is not None and cached[0] == source_file.signature:
                return cached[1]
            result = read_post(source_file, settings, slug)
            if slug is None:
                self._parsed[source_file.source] = (source_file.signature, result)
                changed.add(source_file.source)
            return result

        return read

    def rescan(self) -> ScanReport:
        """Scan posts/, and render and publish if anything changed or fell due."""
        with self._lock:
            started = self.clock()
            t0 = time.perf_counter()
            try:
                report = self._rescan(started)
            except (FeedpubError, OSError) as exc:
                report = ScanReport(started, 0.0, 0, False, error=str(exc))
            report.duration_ms = (time.perf_counter() - t0) * 1000
            self._record(report)
            return report

    def _rescan(self, now: datetime) -> ScanReport:
        dir_problems: list[Problem] = []
        if not self.settings.posts_dir.is_dir():
            raise FeedpubError(
                f"posts directory {self.settings.posts_dir} is missing; serving the last feeds"
            )
        sources = scan(self.settings.posts_dir, dir_problems)
        current = {f.source for f in sources}
        deleted = set(self._parsed) - current
        for source in deleted:
            del self._parsed[source]
        changed: set[str] = set()
        posts, problems = load_posts(sources, self.settings, self._reader(changed))
        problems = dir_problems + problems
        visible = frozenset(p.id for p in posts if p.visible_at(now))
        counts = {"published": 0, "draft": 0, "scheduled": 0, "expired": 0}
        for post in posts:
            counts[status_at(post, now).value] += 1
        report = ScanReport(now, 0.0, len(changed) + len(deleted), False, counts, problems=problems)
        if not changed and not deleted and visible == self._visible:
            return report
        files, _taxonomy = render_files(posts, self.settings, now, problems)
        published = publish(files, self.settings.feeds_dir)
        self._posts, self._visible = posts, visible
        report.rendered = True
        report.written, report.removed = len(published.written), len(published.removed)
        return report

    def _record(self, report: ScanReport) -> None:
        previous = read_status(self.settings.cache_dir)
        status = {
            "last_scan": report.started.isoformat(),
            "duration_ms": round(report.duration_ms, 1),
            "posts": report.posts or previous.get("posts", {}),
            "problems": len(report.problems),
            "error": report.error,
            "last_success": report.started.isoformat()
            if report.error is None
            else previous.get("last_success"),
        }
        try:
            write_status(self.settings.cache_dir, status)
        except OSError as exc:
            log.error("cannot write status to %s: %s", self.settings.cache_dir, exc)
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
        if report.rendered:  # once per change, not on every quiet scan
            for problem in report.problems:
                log.warning("problem: %s", problem)

    def next_due(self) -> datetime | None:
        """The next moment a post becomes visible or expires, for a date-triggered rescan."""
        now = self.clock()
        moments = []
        for post in self._posts:
            appears = max(post.published, post.available or post.published)
            if appears > now:
                moments.append(appears)
            if post.expires is not None and post.expires > now:
                moments.append(post.expires)
        return min(moments, default=None)

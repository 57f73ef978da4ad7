"""`feedpub build`: one scan through the service's parse cache and manifest, so a build of an
unchanged site reads and renders nothing and one edited post re-renders only what it touches.

It is the Publisher of `feedpub serve` with three differences:
- a post that cannot be read is left out as a cold build leaves it out (no last good version is
  kept: what a build writes depends only on the posts, the config and the clock);
- a full render (first build, `--full`, a changed setting) runs in forked workers, as fast as a
  cold build;
- the state is recorded at the end, so the next build (or a service's start) is warm.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from feedpub.config import Settings
from feedpub.errors import FeedpubError
from feedpub.model import Post, Problem
from feedpub.progress import THRESHOLD, Meter, metered
from feedpub.publish.cold_build import publish_in_workers
from feedpub.publish.store import PublishReport
from feedpub.read.scan import Walk
from feedpub.render.site import SiteRenderer
from feedpub.service.publisher import Publisher
from feedpub.service.state import ScanReport
from feedpub.service.status import record_scan
from feedpub.service.unchanged import RECORD_KEY, Summary, record, walk_digest


@dataclass
class BuildOutcome:
    """What one build did: the scan's report, the posts feeds/ now holds, and the files left."""

    report: ScanReport
    posts: list[Post]
    sources: int  # files read or taken from the cache
    files: int  # files feeds/ lists now

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    @property
    def warnings(self) -> list[Problem]:
        return [warning for post in self.posts for warning in post.warnings]

    @property
    def unchanged(self) -> int:
        return max(self.files - self.report.written, 0)

    def summary(self) -> Summary:
        report = self.report
        changed = report.changed_sources
        return Summary(
            report.posts, changed, self.sources - changed, report.written, self.unchanged,
            report.removed, report.rendered, self.problems, self.warnings,
        )  # fmt: skip


class BuildPublisher(Publisher):
    """The service's Publisher for one build (see the module's docstring)."""

    keep_last_good = False
    pack = False  # the process ends after one render: compressing each body would only cost
    entry_budget = None  # each entry rendered once, as in a cold build, however many feeds list it
    reap_in_background = False  # no thread may run when the render workers are forked

    def __init__(
        self,
        settings: Settings,
        now: datetime,
        full: bool = False,
        meter: Meter | None = None,
        workers: int | None = None,
        walked: Walk | None = None,
    ) -> None:
        self.meter = meter
        if meter is not None:
            self.progress = partial(metered, meter, "Reading posts")
        super().__init__(settings, clock=lambda: now)
        self.workers = workers
        self.sources.primed = walked  # the walk service.unchanged made to compare: not made twice
        self.db.set_meta(RECORD_KEY, "")  # until this build has published (service.unchanged)
        if full:  # everything read and rendered again; the store still writes only what differs
            self.db.save({}, set(self.cache))
            self.cache = {}

    def _record_scan(self, report: ScanReport, posts: Iterable[Post]) -> None:
        """The status file only (/healthz of a `serve --no-scheduler` reads it): the command
        prints the outcome and its problems itself."""
        record_scan(self.settings.cache_dir, report, posts, log_it=False)

    def _publish_all(self, renderer: SiteRenderer) -> PublishReport:
        meter = self.meter if len(self.cache) >= THRESHOLD else None
        report, problems = publish_in_workers(renderer, self.store, self.workers, meter)
        renderer.problems += problems
        return report


def incremental_build(
    settings: Settings,
    now: datetime,
    full: bool = False,
    meter: Meter | None = None,
    workers: int | None = None,
    walked: Walk | None = None,
) -> BuildOutcome:
    """Scan posts/ (or take `walked`, made just before) and publish what changed since the last
    build or service run; FeedpubError when the scan failed (feeds/ keeps what it held)."""
    publisher = BuildPublisher(settings, now, full, meter, workers, walked)
    try:
        report = publisher.rescan()
        files = len(publisher.store.manifest.get("files", {}))
        outcome = BuildOutcome(report, publisher.posts, len(publisher.cache), files)
        if report.error is None:
            _record(publisher, outcome)
    finally:
        publisher.close()
    if report.error is not None:
        raise FeedpubError(report.error)
    return outcome


def _record(publisher: BuildPublisher, outcome: BuildOutcome) -> None:
    """What the next build compares with before it reads anything (service.unchanged)."""
    last = publisher.state.last
    if last is None:
        return
    walk = walk_digest(last.signatures, publisher.sources.walk_problems)
    due = publisher.visibility.due
    written = record(publisher.settings, walk, due, outcome.summary(), outcome.files)
    if written is not None:
        publisher.db.set_meta(RECORD_KEY, json.dumps(written, ensure_ascii=False, sort_keys=True))

"""Publisher: the long-running scan → plan → render → publish loop behind `feedpub serve`.

A rescan stats every file (or, with the watcher, only those inotify named) and re-reads only
those whose (mtime, size, inode) changed; when nothing changed and no scheduled post fell due,
it renders nothing and writes nothing. What to publish is decided by `plan.plan_publish`, a pure
function of the state the last scan left (`state.ServiceState`, one frozen value) and the posts
now; this module carries the plan out (render, store, announce) and hands the next state on.
Scans are serialised by a lock, so the interval job and a date-triggered job never overlap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

from feedpub.config import Settings
from feedpub.errors import FeedpubError
from feedpub.model import Post, Problem
from feedpub.publish.incremental import changed_files
from feedpub.publish.reaper import Reaper
from feedpub.publish.store import PublishReport, Store
from feedpub.read.cache import Entry, PostCache
from feedpub.read.load import Loaded, load_posts
from feedpub.read.pool import Progress
from feedpub.read.scan import SourceFile
from feedpub.read.site_posts import HugoFacts, scan_rules
from feedpub.render.site import SiteRenderer
from feedpub.render.taxonomy import Taxonomy, build_taxonomy, renamed_terms, update_taxonomy
from feedpub.service.feeds_check import FeedsCheck
from feedpub.service.memory import freeze_long_lived, release_free_memory
from feedpub.service.plan import Plan, plan_publish
from feedpub.service.sources import Sources
from feedpub.service.state import LastScan, Published, ScanReport, ServiceState, Signatures
from feedpub.service.status import record_scan
from feedpub.service.visibility import Visibility
from feedpub.service.warm_start import WarmStart

log = logging.getLogger("feedpub")

Clock = Callable[[], datetime]
# Rendered entries a running service keeps: enough for the feeds an edit touches (the site's and
# its terms' newest posts) without holding every entry of the first full render in memory.
ENTRY_CACHE_BYTES = 24 * 1024 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


class Publisher:
    """Carries each scan's plan out; keeps the state between scans, the parse cache (`cache`,
    saved in `db`) and the rendered entries (`renderer`)."""

    keep_last_good = True  # a broken save keeps its post's last good version (service.build: not)
    pack = True  # bodies kept compressed for the life of the service (service.build: not)
    entry_budget: int | None = ENTRY_CACHE_BYTES  # rendered entries kept (service.build: all)
    reap_in_background = True  # replaced files freed on a thread (service.build: forks, so not)
    progress: Progress | None = None  # what reading many posts reports to

    def __init__(
        self,
        settings: Settings,
        clock: Clock = utc_now,
        watch: bool = False,
        on_publish: Callable[[list[str]], None] | None = None,
    ) -> None:
        """`watch` follows posts/ with inotify so quiet rescans skip the stat walk (the service);
        `on_publish` hears the paths each publish wrote (WebSub), and must not block."""
        self.clock = clock
        self.on_publish = on_publish
        self._lock = threading.Lock()
        self.store = Store(settings.feeds_dir, Reaper() if self.reap_in_background else None)
        self._open(settings, watch)
        self.state = ServiceState()

    def _open(self, settings: Settings, watch: bool) -> None:
        """What scans read and render with, made from `settings` (again on a config reload)."""
        self.settings = settings
        self.db = PostCache(settings.cache_dir, settings)
        self.cache: dict[str, Entry] = self.db.load(pack=self.pack)
        self.sources = Sources(settings.posts_dir, watch, scan_rules(settings))
        self.site_facts = HugoFacts()  # a Hugo site's front matter, kept between scans
        self.warm_start = WarmStart(settings, self.db, self.keep_last_good)
        self.visibility = Visibility()  # statuses, and the next moment a post appears or expires
        self.renderer: SiteRenderer | None = None
        self.feeds_check = FeedsCheck(settings.feeds_dir)

    @property
    def posts(self) -> list[Post]:
        """The posts feeds/ was last published from."""
        published = self.state.published
        return list(published.posts.values()) if published is not None else []

    def rescan(self) -> ScanReport:
        """Scan posts/, and render and publish if anything changed or fell due."""
        with self._lock:
            started = self.clock()
            t0 = time.perf_counter()
            try:
                report, state = self._rescan(self.state, started)
                state = replace(state, failed=False)
            except (FeedpubError, OSError) as exc:
                report = ScanReport(started, 0.0, 0, False, error=str(exc))
                # what this scan read is in the cache, not in feeds/: the next scan walks and
                # compares every post with what was last published
                state = replace(self.state, failed=True)
            report.duration_ms = (time.perf_counter() - t0) * 1000
            self._record_scan(report, state.published.posts.values() if state.published else ())
            self.state = replace(state, scans=state.scans + 1)
            self._after_scan(report)
            return report

    def _rescan(self, state: ServiceState, now: datetime) -> tuple[ScanReport, ServiceState]:
        if not self.settings.posts_dir.is_dir():  # before inotify, which may just report quiet
            raise FeedpubError(
                f"posts directory {self.settings.posts_dir} is missing; serving the last feeds"
            )
        # feeds/ checked cheaply each scan, fully every few minutes and at the first scan (before a
        # warm start trusts it): when files the manifest lists are gone, everything is rewritten
        repair = self.feeds_check.needs_repair(self.store.manifest, now)
        if repair:  # rewrite everything: the store rewrites what is missing, keeps what is there
            state = replace(state, published=None, failed=True)
        sources = self._gather(state, now)
        signatures = {f.source: f.signature for f in sources or ()}
        if sources is None or (not state.failed and self._quiet(state, signatures, now)):
            return self._quiet_report(state, now), state
        problems = list(self.sources.walk_problems)  # links, unreadable folders: since the last walk
        before = {} if state.published is not None else dict(self.cache)  # what a first publish compares
        loaded = load_posts(
            sources,
            self.settings,
            self.cache,
            pack=self.pack,
            keep_last_good=self.keep_last_good,
            progress=self.progress,
            changed=self.sources.touched,
            site=self.site_facts,
            now=now,
        )
        self.db.save({s: self.cache[s] for s in loaded.updated}, set(loaded.deleted))
        problems += loaded.problems
        posts = {p.source: p for p in loaded.posts}
        counts, visible = self.visibility.update(posts, now)
        report = ScanReport(
            now, 0.0, len(loaded.read) + len(loaded.deleted), False, counts, problems=problems
        )
        state = replace(state, scanned_at=now, last=LastScan(signatures, counts, tuple(problems)))
        if state.published is None and not repair:
            state, current = self._from_record(state, loaded, before, signatures, visible)
            if current:
                return report, state
        published = state.published
        touched = {*loaded.read, *loaded.renamed, *loaded.deleted} | state.renamed
        plan = plan_publish(published, posts, visible, touched, compare_all=state.failed)
        state = replace(state, renamed=frozenset(loaded.renamed))
        if not plan.publishes:
            assert published is not None
            return report, replace(state, published=replace(published, posts=posts))
        return self._carry_out(plan, state, report)

    def _from_record(
        self,
        state: ServiceState,
        loaded: Loaded,
        before: dict[str, Entry],
        signatures: Signatures,
        visible: frozenset[str],
    ) -> tuple[ServiceState, bool]:
        """What the last run recorded as published, and whether feeds/ is already current:
        then the taxonomy and renderer wait for the first change (or an idle scan)."""
        on_disk = self.warm_start.on_disk()
        renamed = frozenset(loaded.renamed)  # they may get their slug back later
        if self.warm_start.matches(visible, self.cache, on_disk):
            posts = {p.source: p for p in loaded.posts}
            return replace(state, published=Published(posts, visible), renamed=renamed), True
        prior = self.warm_start.prior(before, signatures, on_disk)  # changed while down?
        if prior is None:
            return state, False
        return replace(state, published=prior[0], renamed=state.renamed | prior[1]), False

    def _record_scan(self, report: ScanReport, posts: Iterable[Post]) -> None:
        record_scan(self.settings.cache_dir, report, posts)

    def _gather(self, state: ServiceState, now: datetime) -> list[SourceFile] | None:
        """posts/'s files now; None when inotify saw nothing and nothing fell due (no walk at all)."""
        last = state.last.signatures if state.last is not None and state.published is not None else None
        sources = None if state.failed else self.sources.watched(last)
        if sources == [] and last is not None:
            if self._quiet(state, last, now):
                return None
            sources = None
        return self.sources.walk() if sources is None else sources

    def _quiet(self, state: ServiceState, signatures: Signatures, now: datetime) -> bool:
        """No file changed since the last scan and no post fell due."""
        if state.last is None or state.published is None or signatures != state.last.signatures:
            return False
        due = self.visibility.due
        return due is None or due > now

    @staticmethod
    def _quiet_report(state: ServiceState, now: datetime) -> ScanReport:
        """The last scan's outcome again."""
        assert state.last is not None
        return ScanReport(now, 0.0, 0, False, dict(state.last.counts), problems=list(state.last.problems))

    def _carry_out(
        self, plan: Plan, state: ServiceState, report: ScanReport
    ) -> tuple[ScanReport, ServiceState]:
        """Render and publish what `plan` changes; record the first publish for the next start."""
        old = self._taxonomy_of(plan.published, report.problems)
        if old is not None:
            taxonomy = update_taxonomy(old, plan.leaving, plan.joining)
        else:
            taxonomy = build_taxonomy(list(plan.posts.values()), visible_ids=plan.visible)
        published = self._publish(old, taxonomy, plan.affected, report.problems)
        self.feeds_check.published()
        state = replace(state, published=Published(plan.posts, plan.visible, taxonomy))
        if not state.recorded:  # so even a service that is killed later can warm-start from here
            self._record(state)
            state = replace(state, recorded=True)
        report.rendered = True
        report.written, report.removed = len(published.written), len(published.removed)
        self._announce(published)
        return report, state

    def _taxonomy_of(self, published: Published | None, problems: list[Problem]) -> Taxonomy | None:
        """The taxonomy feeds/ was rendered from; made (with its renderer) after a warm start."""
        if published is None:
            return None
        if published.taxonomy is not None:
            return published.taxonomy
        taxonomy = build_taxonomy(list(published.posts.values()), visible_ids=published.visible)
        self.renderer = SiteRenderer(self.settings, taxonomy, problems, self.entry_budget)
        return taxonomy

    def _publish(
        self, old: Taxonomy | None, taxonomy: Taxonomy, affected: list[Post], problems: list[Problem]
    ) -> PublishReport:
        renderer = self.renderer
        if renderer is None or old is None or renamed_terms(old, taxonomy):
            # first publish, or a term's display name or slug changed: it shows in every entry
            self.renderer = SiteRenderer(self.settings, taxonomy, problems, self.entry_budget)
            return self._publish_all(self.renderer)
        renderer.problems = problems
        renderer.forget(affected)
        renderer.retarget(taxonomy)
        return self.store.publish(*changed_files(renderer, old, taxonomy, affected))

    def _publish_all(self, renderer: SiteRenderer) -> PublishReport:
        """Every file, rendered here (the renderer keeps the entries for the next edit)."""
        return self.store.publish(renderer.all_files())

    def _announce(self, published: PublishReport) -> None:
        if self.on_publish is None or not published.written:
            return
        try:
            self.on_publish(list(published.written))
        except Exception:  # telling subscribers must never fail the publish itself
            log.exception("could not announce the publish")

    def _after_scan(self, report: ScanReport) -> None:
        """Work that makes later scans cheap, done after this one answered."""
        state, published = self.state, self.state.published
        if state.scans == 1:
            release_free_memory()  # the first scan's transient lists and pickles are garbage now
        if published is None or report.error is not None:
            return
        if state.scans > 1 and published.taxonomy is None:
            # a warm start answered at once and left the taxonomy for later: make it on the next
            # (idle) scan, so the first edit costs what any edit costs
            taxonomy = self._taxonomy_of(published, list(report.problems))
            self.state = replace(state, published=replace(published, taxonomy=taxonomy))
            if self.renderer is not None:
                self.renderer.warm_up()
        if not report.rendered:
            self.store.prepare()  # on a quiet scan, not in the next edit (nothing if done)
        if state.scans > 1:
            freeze_long_lived()

    def _record(self, state: ServiceState) -> None:
        if state.published is not None:
            self.warm_start.record(state.published, self.cache, self.store, state.scanned_at)

    def close(self) -> None:
        """Stop watching posts/, record what is published, close the cache."""
        self.sources.stop()
        with self._lock:
            self._record(self.state)
        self.db.close()

    def next_due(self) -> datetime | None:
        """The next moment a post becomes visible or expires after the last scan, for a date job."""
        return self.visibility.due

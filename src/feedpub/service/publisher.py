"""Publisher: the long-running scan → render → publish loop behind `feedpub serve`.

A rescan stats every file and re-reads only those whose (mtime, size, inode) changed; when
nothing changed and no scheduled post fell due, it renders nothing and writes nothing. Scans are
serialised by a lock, so the interval job and a date-triggered job never overlap.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedpub.config import Settings
from feedpub.errors import FeedpubError
from feedpub.model import FeedKey, Post, Problem, Scope, statuses
from feedpub.publish.manifest import manifest_digest
from feedpub.publish.reaper import Reaper
from feedpub.publish.store import PublishReport, Store
from feedpub.read.cache import PostCache
from feedpub.read.load import Entry, Loaded, load_posts
from feedpub.read.scan import UNREADABLE_FOLDER, SourceFile, scan, update_sources
from feedpub.render.pages import post_page_path
from feedpub.render.site import SiteRenderer
from feedpub.render.taxonomy import Taxonomy, build_taxonomy, update_taxonomy
from feedpub.service.status import read_status, write_status
from feedpub.service.visibility import Visibility
from feedpub.service.watcher import PostsWatcher

log = logging.getLogger("feedpub")

Clock = Callable[[], datetime]
# Rendered entries a running service keeps: enough for the feeds an edit touches (the site's and
# its terms' newest posts) without holding every entry of the first full render in memory.
ENTRY_CACHE_BYTES = 24 * 1024 * 1024


def release_free_memory() -> None:
    """Give the pages malloc holds free back to the system (glibc keeps them after a burst of
    allocations, so a service's RSS would stay at its start-up peak for months)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL(None).malloc_trim(0)


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
    """Keeps posts, taxonomy and rendered entries between scans; republishes only what changed."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock = utc_now,
        watch: bool = False,
        on_publish: Callable[[list[str]], None] | None = None,
    ) -> None:
        """`watch` follows posts/ with inotify so quiet rescans skip the stat walk (the service);
        `on_publish` hears the paths each publish wrote (WebSub), and must not block."""
        self.settings = settings
        self.clock = clock
        self.on_publish = on_publish
        self._watcher: PostsWatcher | None = None
        if watch and settings.posts_dir.is_dir():
            self._watcher = PostsWatcher(settings.posts_dir)
        self._lock = threading.Lock()
        self.db = PostCache(settings.cache_dir, settings)
        self._cache: dict[str, Entry] = self.db.load()
        self._posts: dict[str, Post] = {}  # by source, as last published
        self._visible: frozenset[str] | None = None
        self._taxonomy: Taxonomy | None = None
        self._renderer: SiteRenderer | None = None
        self._published = False  # feeds/ holds what self._posts and self._visible make
        self.store = Store(settings.feeds_dir, Reaper())
        # (stat signatures, post counts, problems) of the last scan, to answer a quiet rescan fast
        self._last: tuple[dict[str, tuple[int, int, int]], dict[str, int], list[Problem]] | None = None
        self._visibility = Visibility()  # statuses, and the next moment a post appears or expires
        self._scanned_at: datetime | None = None
        self._sources: dict[str, SourceFile] = {}  # as of the last scan, by source
        self._renamed: set[str] = set()  # sources that needed a free slug at the last scan
        self._walk_problems: list[Problem] = []
        self._first_publish = True
        self._failed = False  # the last scan failed (say, a full disk): retry everything
        self._frozen = False
        self._scans = 0
        self._touched: set[str] | None = None  # the only sources this scan compares (None: all)

    @property
    def posts(self) -> list[Post]:
        return list(self._posts.values())

    def rescan(self) -> ScanReport:
        """Scan posts/, and render and publish if anything changed or fell due."""
        with self._lock:
            started = self.clock()
            t0 = time.perf_counter()
            try:
                report = self._rescan(started)
                self._failed = False
            except (FeedpubError, OSError) as exc:
                report = ScanReport(started, 0.0, 0, False, error=str(exc))
                # what this scan read is in the cache, not in feeds/: the next scan walks and
                # compares every post with what was last published
                self._failed = True
            report.duration_ms = (time.perf_counter() - t0) * 1000
            self._record(report)
            self._scans += 1
            if self._scans == 1:
                release_free_memory()  # the first scan's transient lists and pickles are garbage now
            if self._scans > 1 and self._published and self._taxonomy is None and report.error is None:
                # a warm start answers at once and leaves the taxonomy for later: make it on the
                # next (idle) scan, so the first edit costs what any edit costs
                self._published_taxonomy(list(report.problems))
                if self._renderer is not None:
                    self._renderer.warm_up()
            if self._published and not report.rendered and report.error is None:
                self.store.prepare()  # on a quiet scan, not in the next edit (nothing if done)
            if self._scans > 1 and self._published and not self._frozen:
                # what the first scan loaded (every post) lives as long as the service: move it
                # out of the collector's sight, so no later collection walks ten thousand posts
                gc.collect()
                gc.freeze()
                self._frozen = True
                release_free_memory()
            return report

    def _rescan(self, now: datetime) -> ScanReport:
        if not self.settings.posts_dir.is_dir():  # before inotify, which may just report quiet
            raise FeedpubError(
                f"posts directory {self.settings.posts_dir} is missing; serving the last feeds"
            )
        self._touched = None
        sources = None if self._failed else self._watched_sources()
        if sources == [] and self._last is not None:
            quiet = self._quiet_report(self._last[0], now)  # inotify saw nothing: no walk at all
            if quiet is not None:
                return quiet
            sources = None
        if sources is None:
            self._walk_problems = []
            sources = scan(self.settings.posts_dir, self._walk_problems)
            sources += self._unreadable_kept(sources)
            self._sources = {f.source: f for f in sources}
        problems = list(self._walk_problems)  # links, unreadable folders: known since the last walk
        signatures = {f.source: f.signature for f in sources}
        quiet = None if self._failed else self._quiet_report(signatures, now)
        if quiet is not None:
            return quiet
        before = {} if self._published else dict(self._cache)  # what a first publish compares with
        loaded = load_posts(
            sources, self.settings, self._cache, pack=True, keep_last_good=True, changed=self._touched
        )
        deleted = set(loaded.deleted)
        self.db.save({s: self._cache[s] for s in loaded.updated}, deleted)
        problems += loaded.problems
        posts = {p.source: p for p in loaded.posts}
        counts, visible = self._visibility.update(posts, now)
        report = ScanReport(now, 0.0, len(loaded.read) + len(deleted), False, counts, problems=problems)
        self._scanned_at = now
        if not self._published:
            on_disk = manifest_digest(self.settings.feeds_dir)  # read once for both checks below
            if self._already_published(visible, self._cache, on_disk):
                # warm start: feeds/ already holds exactly what these posts make; the taxonomy and
                # renderer are made when the first change needs them
                self._posts, self._visible, self._published = posts, visible, True
                self._last = (signatures, report.posts, problems)
                return report
            prior = self._prior_publication(before, signatures, on_disk)
            if prior is not None:  # posts changed while the service was down: publish just that
                self._posts, self._visible = prior
                self._published = True
        candidates = self._candidates(posts, visible, loaded, deleted)
        self._renamed = set(loaded.renamed)
        pairs = [pair for src in sorted(candidates) if (pair := self._changed(src, posts, visible))]
        affected = [p for pair in pairs for p in pair if p is not None]
        if self._published and not affected and visible == self._visible:
            self._posts = posts
            self._last = (signatures, report.posts, problems)
            return report
        old = self._published_taxonomy(problems)
        if old is not None and self._visible is not None:
            was_visible, now_visible = self._visible, visible
            removed = [o for o, _n in pairs if o is not None and o.id in was_visible]
            added = [n for _o, n in pairs if n is not None and n.id in now_visible]
            taxonomy = update_taxonomy(old, removed, added)
        else:
            taxonomy = build_taxonomy(loaded.posts, visible_ids=visible)
        published = self._publish(taxonomy, affected, problems)
        self._published = True
        self._posts, self._visible, self._taxonomy = posts, visible, taxonomy
        self._last = (signatures, report.posts, problems)
        if self._first_publish:
            self._record_published()  # so even a service that is killed later can warm-start from here
            self._first_publish = False
        report.rendered = True
        report.written, report.removed = len(published.written), len(published.removed)
        if self.on_publish is not None and published.written:
            try:
                self.on_publish(list(published.written))
            except Exception:  # telling subscribers must never fail the publish itself
                log.exception("could not announce the publish")
        return report

    def _unreadable_kept(self, found: list[SourceFile]) -> list[SourceFile]:
        """The files last seen in folders this walk could not read: kept as they were (a
        permissions slip must not unpublish a folder's posts; a deleted folder is not unreadable)."""
        folders = tuple(p.source for p in self._walk_problems if p.message.startswith(UNREADABLE_FOLDER))
        if not folders:
            return []
        seen = {f.source for f in found}
        return [f for src, f in sorted(self._sources.items()) if src.startswith(folders) and src not in seen]

    def _watched_sources(self) -> list[SourceFile] | None:
        """The files of posts/ as inotify says they are now, without a walk (an empty list when
        nothing changed at all); None when a walk is due."""
        if self._watcher is None:
            return None
        changed = self._watcher.take()  # always: a walk made for any reason covers what it gathered
        if changed is None or self._last is None or not self._published:
            return None
        if not changed:
            return []
        updated = update_sources(self.settings.posts_dir, self._last[0], changed)
        if updated is None:
            return None
        signatures, touched = updated
        root = str(self.settings.posts_dir) + os.sep
        known = self._sources  # patched, not rebuilt: ten thousand tuples cost more than the edit
        for source in touched:
            signature = signatures.get(source)
            if signature is None:
                known.pop(source, None)
            elif source not in known or known[source].signature != signature:
                known[source] = SourceFile(root + source, source, signature)
        self._touched = touched
        return list(known.values())

    def _quiet_report(self, signatures: dict[str, tuple[int, int, int]], now: datetime) -> ScanReport | None:
        """The last scan's outcome again when no file changed and no post fell due since; else None."""
        if self._last is None or not self._published or signatures != self._last[0]:
            return None
        due = self._visibility.due
        if due is not None and due <= now:
            return None
        _signatures, counts, last_problems = self._last
        return ScanReport(now, 0.0, 0, False, dict(counts), problems=list(last_problems))

    def _state(self, visible: frozenset[str], cache: dict[str, Entry] | None = None) -> str:
        """A digest of everything the published files depend on: every source's signature and hash,
        which posts are visible, and the settings (through the cache's fingerprint)."""
        cache = self._cache if cache is None else cache
        digest = hashlib.sha256(self.db.fingerprint.encode())
        for source in sorted(cache):
            signature, content, _result = cache[source]
            digest.update(f"{source}\0{signature}\0{content}\n".encode("utf-8", "surrogateescape"))
        for post_id in sorted(visible):
            digest.update(post_id.encode("utf-8", "surrogateescape") + b"\n")
        return digest.hexdigest()

    def _prior_publication(
        self, before: dict[str, Entry], signatures: dict[str, tuple[int, int, int]], on_disk: str | None
    ) -> tuple[dict[str, Post], frozenset[str]] | None:
        """The posts and visible ids feeds/ was published from by the last run, when its record
        says feeds/ holds exactly what they make; None otherwise (then everything is rendered).
        `signatures` are the files as they are now, `on_disk` the digest of the manifest."""
        stamp = self.db.get_meta("published_at")
        if not before or not stamp or not self._manifest_as_recorded(on_disk):
            return None
        try:
            published_at = datetime.fromisoformat(stamp)
        except ValueError:
            return None
        root = str(self.settings.posts_dir) + os.sep
        files = [SourceFile(root + src, src, entry[0]) for src, entry in sorted(before.items())]
        loaded = load_posts(files, self.settings, dict(before), pack=True, keep_last_good=True)
        if loaded.read or any(signatures.get(src) != before[src][0] for src in loaded.renamed):
            return None  # a post given a free slug was read again: right only if it did not change
        visible = statuses(loaded.posts, published_at)[1]
        if not self._already_published(visible, before, on_disk):
            return None
        return {p.source: p for p in loaded.posts}, visible

    def _manifest_as_recorded(self, on_disk: str | None) -> bool:
        recorded = self.db.get_meta("manifest_sha")
        return recorded is not None and recorded == on_disk

    def _already_published(
        self, visible: frozenset[str], cache: dict[str, Entry], on_disk: str | None
    ) -> bool:
        """feeds/ is the manifest the last run recorded, made from exactly these sources and
        visible posts (the manifest is compared first: it is cheaper than the digest)."""
        return self._manifest_as_recorded(on_disk) and self.db.get_meta("published_state") == self._state(
            visible, cache
        )

    def _candidates(
        self, posts: dict[str, Post], visible: frozenset[str], loaded: Loaded, deleted: set[str]
    ) -> set[str]:
        """Sources whose post may differ from the published one: every source when visibility
        moved (a post fell due), else those read, deleted, renamed now or before, or that came or
        went among the posts (a duplicate id) - a few, not ten thousand; every source after a
        failed scan."""
        if visible != self._visible or self._failed:
            return set(posts) | set(self._posts)
        found = set(loaded.read) | set(loaded.renamed) | self._renamed | deleted
        return found | (posts.keys() ^ self._posts.keys())

    def _changed(
        self, source: str, posts: dict[str, Post], visible: frozenset[str]
    ) -> tuple[Post | None, Post | None] | None:
        """(old, new) version of a post whose object or visibility differs since the last publish."""
        old, new = self._posts.get(source), posts.get(source)
        was = old is not None and self._visible is not None and old.id in self._visible
        if old is new and was == (new is not None and new.id in visible):
            return None
        return old, new

    def _published_taxonomy(self, problems: list[Problem]) -> Taxonomy | None:
        """The taxonomy feeds/ was rendered from; made on the first change after a warm start."""
        if self._published and self._taxonomy is None and self._visible is not None:
            self._taxonomy = build_taxonomy(list(self._posts.values()), visible_ids=self._visible)
            self._renderer = SiteRenderer(self.settings, self._taxonomy, problems, ENTRY_CACHE_BYTES)
        return self._taxonomy

    def _publish(self, taxonomy: Taxonomy, affected: list[Post], problems: list[Problem]) -> PublishReport:
        old = self._taxonomy
        renderer = self._renderer
        if (
            renderer is None
            or old is None
            or _renamed(old.names, taxonomy.names)
            or _renamed(old.slugs, taxonomy.slugs)
        ):
            # first publish, or a term's display name or slug changed: it shows in every entry
            self._renderer = SiteRenderer(self.settings, taxonomy, problems, ENTRY_CACHE_BYTES)
            return self.store.publish(self._renderer.all_files())
        renderer.problems = problems
        renderer.forget(affected)
        renderer.retarget(taxonomy)
        return self.store.publish(*self._incremental(renderer, old, taxonomy, affected))

    def _incremental(
        self, renderer: SiteRenderer, old: Taxonomy, new: Taxonomy, affected: list[Post]
    ) -> tuple[list[tuple[str, bytes]], list[str]]:
        """The files a change touches, and the paths it makes disappear."""
        keys: set[tuple[Scope, str]] = set()
        for post in affected:
            keys |= {(Scope.CATEGORY, t.key) for t in post.categories} | {
                (Scope.TAG, t.key) for t in post.tags
            }
        site = FeedKey(Scope.SITE)
        files, removed = renderer.scope_update(site, old.scopes[site], new.scopes[site])
        for scope, key in sorted(keys):
            if (scope, key) in new.names:
                feed_key = new.feed_key(scope, key)
                before = old.scopes.get(old.feed_key(scope, key)) if (scope, key) in old.names else None
                scope_files, scope_gone = renderer.scope_update(feed_key, before, new.scopes[feed_key])
                files += scope_files
                removed += scope_gone
            elif (scope, key) in old.names:
                old_key = old.feed_key(scope, key)
                removed += renderer.scope_paths(old_key, old.scopes[old_key])
        files += renderer.shared_files(only_if_changed=True)
        visible_now = {p.id: p for p in new.scopes[FeedKey(Scope.SITE)]}
        pages = {}
        for post in affected:
            if visible_now.get(post.id) is post:
                path, data = renderer.pages.post_page(post)
                pages[path] = data
        for post in affected:
            path = post_page_path(post)
            if path not in pages:
                removed.append(path)
        files += sorted(pages.items())
        return files, removed

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
        if report.rendered or report.changed_sources:  # once per change, not on every quiet scan
            for problem in report.problems:
                log.warning("problem: %s", problem)

    def _record_published(self) -> None:
        """Remember what feeds/ now holds, for the next start's warm-start check.

        Done after the first publish and at a clean stop, not after every publish: the digest
        walks every source. A stale record is harmless: a start compares it with the files and
        with the manifest on disk, and renders everything when either differs."""
        if self._visible is None:
            return
        self.db.set_meta("published_state", self._state(self._visible))
        written = self.store.manifest_sha  # the bytes this run wrote last, else what is on disk
        self.db.set_meta("manifest_sha", written or manifest_digest(self.settings.feeds_dir) or "")
        if self._scanned_at is not None:  # when the published posts were last found visible
            self.db.set_meta("published_at", self._scanned_at.isoformat())

    def close(self) -> None:
        """Stop watching posts/, record what is published, close the cache."""
        if self._watcher is not None:
            self._watcher.stop()
        with self._lock:
            self._record_published()
        self.db.close()

    def next_due(self) -> datetime | None:
        """The next moment a post becomes visible or expires after the last scan, for a date job."""
        return self._visibility.due


def _renamed(old: dict[tuple[Scope, str], str], new: dict[tuple[Scope, str], str]) -> bool:
    """True when a term present before and after has another name (or slug) now.

    Terms that appear or disappear are handled incrementally; a changed name shows in every
    entry of every post that has the term, so it needs a full render.
    """
    return any(new.get(key, value) != value for key, value in old.items())

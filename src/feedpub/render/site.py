"""SiteRenderer: every output file of the site, as a stream, whole or only what a change touched.

Each entry is rendered once per format and kept (keyed by the Post object itself), so a feed is
its header plus entry bytes joined, and a rescan re-renders only changed posts' entries. Output is
yielded file by file, so a cold build of a big site never holds all its files in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import NamedTuple

from feedpub.config import Settings
from feedpub.model import FeedKey, Post, Problem, Scope
from feedpub.render import atom, feed_css, opml
from feedpub.render.assets import asset_bytes, asset_files
from feedpub.render.feed_spec import (
    EntryContext,
    FeedSpec,
    archive_page_size,
    changed_archive_pages,
    feed_spec,
)
from feedpub.render.formats import FORMATS, OPML_PATH, STYLESHEET_PATH
from feedpub.render.page_nav import page_count, term_page_path
from feedpub.render.pages import RECENT_ON_INDEX, PageRenderer
from feedpub.render.taxonomy import Taxonomy

ARCHIVED = "atom-archive"  # the entry variant archive pages carry
ENTRY_KINDS = (*FORMATS, ARCHIVED)


def _render_entry(kind: str, post: Post, ctx: EntryContext) -> bytes:
    if kind == ARCHIVED:
        return atom.render_archive_entry(post, ctx)
    return FORMATS[kind].renderer.render_entry(post, ctx)


GROUP_SIZE = 400  # files per piece of work when workers render side by side

File = tuple[str, bytes]
Scopes = list[tuple[FeedKey, tuple[Post, ...]]]


class FileGroup(NamedTuple):
    """A piece of a cold build's files, and the lane (see `workers.fork_map`) it belongs to."""

    lane: str | None
    files: Callable[[], Iterator[File]]
    linked: bool = False  # post pages and media: what the other files link to, written first


class EntryCache:
    """Rendered entries by (format, post id), checked against the Post object they came from.

    With a byte budget, the least recently used entries go first: a long-running service keeps
    the entries its edits keep needing (the newest posts, the busiest terms), not every entry of
    its first full render.
    """

    def __init__(self, budget: int | None = None) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple[str, str], tuple[Post, bytes | None]] = OrderedDict()
        self.size = 0

    def get(self, fmt: str, post: Post) -> tuple[Post, bytes | None] | None:
        key = (fmt, post.id)
        found = self._items.get(key)
        if found is None or found[0] is not post:
            return None
        if self.budget is not None:
            self._items.move_to_end(key)
        return found

    def put(self, fmt: str, post: Post, data: bytes | None) -> None:
        self.drop(fmt, post.id)
        self._items[(fmt, post.id)] = (post, data)
        self.size += len(data or b"")
        while self.budget is not None and self.size > self.budget and self._items:
            _key, (_post, dropped) = self._items.popitem(last=False)
            self.size -= len(dropped or b"")

    def drop(self, fmt: str, post_id: str) -> None:
        old = self._items.pop((fmt, post_id), None)
        if old is not None:
            self.size -= len(old[1] or b"")


class SiteRenderer:
    """Renders feeds, OPML and pages for one taxonomy; reusable across rescans via `retarget`."""

    def __init__(
        self,
        settings: Settings,
        taxonomy: Taxonomy,
        problems: list[Problem] | None = None,
        entry_budget: int | None = None,
    ) -> None:
        self.settings = settings
        self.problems: list[Problem] = [] if problems is None else problems
        self._entries = EntryCache(entry_budget)
        self._last_shared: tuple[object, ...] | None = None
        self._rendered = False
        self.retarget(taxonomy)

    def retarget(self, taxonomy: Taxonomy) -> None:
        """Render for a new taxonomy; entries stay valid only while term names are unchanged."""
        self.taxonomy = taxonomy
        self.ctx = EntryContext(self.settings, taxonomy)
        items: dict[str, tuple[Post, str]] | None = self.pages.items if self._rendered else None
        self.pages: PageRenderer = PageRenderer(taxonomy, self.settings, items)
        self._rendered = True

    def forget(self, posts: Iterable[Post]) -> None:
        """Drop cached entries of posts that changed or went away."""
        for post in posts:
            for kind in ENTRY_KINDS:
                self._entries.drop(kind, post.id)
            self.pages.items.pop(post.id, None)

    def warm_up(self, fill: float = 0.75) -> None:
        """Render ahead what edits need first, for a service that just started with feeds/
        already holding this taxonomy's files: the entries of the site feed, then of the busiest
        terms' feeds (the terms a random post most likely has), until the entry cache is `fill`
        full; compile the page templates; note the shared files as published."""
        scopes = self.ordered_scopes()
        self._last_shared = self._shared_shape(scopes)
        site, *terms = scopes
        busiest = sorted(terms, key=lambda scope: -len(scope[1]))
        budget = self._entries.budget
        for key, members in [site, *busiest]:
            for post in feed_spec(key, members, self.settings).posts:
                for fmt in self.settings.feeds.formats:
                    self._entry(fmt, post)
            if budget is None or self._entries.size > budget * fill:
                break
        if site[1]:
            self.pages.post_page(site[1][0])
        if busiest:
            self.pages.term_pages(*busiest[0])

    def ordered_scopes(self) -> list[tuple[FeedKey, tuple[Post, ...]]]:
        site = FeedKey(Scope.SITE)
        categories, tags = self.taxonomy.terms(Scope.CATEGORY), self.taxonomy.terms(Scope.TAG)
        return [(site, self.taxonomy.scopes[site]), *categories, *tags]

    def _entry(self, fmt: str, post: Post) -> bytes | None:
        cached = self._entries.get(fmt, post)
        if cached is not None:
            return cached[1]
        try:
            data: bytes | None = _render_entry(fmt, post, self.ctx)
        except (ValueError, TypeError) as exc:  # should not happen: every text is cleaned on the way in
            self.problems.append(Problem(post.source, f"left out of {fmt} feeds: {exc}"))
            data = None
        self._entries.put(fmt, post, data)
        return data

    def feed_files(self, spec: FeedSpec, archive_pages: Iterable[int] | None = None) -> Iterator[File]:
        """The scope's feeds, then its archive pages (all of them, or those in `archive_pages`)."""
        for fmt in self.settings.feeds.formats:
            yield self.feed_file(spec, fmt)
        yield from self.archive_files(spec, archive_pages)

    def feed_file(self, spec: FeedSpec, fmt: str) -> File:
        """The scope's feed in one format, its entries rendered once and reused."""
        entries = [e for e in (self._entry(fmt, p) for p in spec.posts) if e is not None]
        feed_format = FORMATS[fmt]
        return spec.key.path + feed_format.file_name, feed_format.renderer.render_feed(
            spec, entries, self.ctx
        )

    def archive_files(self, spec: FeedSpec, archive_pages: Iterable[int] | None = None) -> Iterator[File]:
        """The scope's archive pages: all of them, or those in `archive_pages`."""
        pages = range(1, spec.archive_pages + 1) if archive_pages is None else archive_pages
        for page in pages:
            entries = [
                e for e in (self._entry(ARCHIVED, p) for p in spec.archive_page(page)) if e is not None
            ]
            yield spec.archive_path(page), atom.render_archive(spec, page, entries, self.ctx)

    def scope_update(
        self, key: FeedKey, before: tuple[Post, ...] | None, members: tuple[Post, ...]
    ) -> tuple[list[File], list[str]]:
        """A changed scope's feeds and term page, but only the archive pages whose posts changed
        since it held `before` (None: it is new); and the archive paths it no longer has."""
        spec = feed_spec(key, members, self.settings)
        old = None if before is None else feed_spec(key, before, self.settings)
        pages, gone = changed_archive_pages(old, spec, self.same_archived_entry)
        removed = [spec.archive_path(page) for page in gone]
        if key.scope is not Scope.SITE and before is not None:  # a term that shrank: its last pages
            removed += self._term_page_paths(key, len(members), len(before))
        return list(self._spec_files(spec, members, pages)), removed

    def _term_page_paths(self, key: FeedKey, start: int, end: int) -> list[str]:
        """Paths of a term's pages beyond the pages `start` posts fill, up to those `end` posts fill."""
        per_page = self.settings.pages.per_page
        first, last = page_count(start, per_page) + (start > 0), page_count(end, per_page)
        return [term_page_path(key, page) + "index.html" for page in range(first, last + 1)]

    def _spec_files(
        self, spec: FeedSpec, members: tuple[Post, ...], archive_pages: Iterable[int] | None
    ) -> Iterator[File]:
        yield from self.feed_files(spec, archive_pages)
        if spec.key.scope is not Scope.SITE:
            yield from self.pages.term_pages(spec.key, members)

    def shared_files(self, only_if_changed: bool = False) -> Iterator[File]:
        """Files that list every scope (the OPML and the index pages), and the feeds' stylesheet.
        With `only_if_changed`, nothing is rendered when nothing they show changed since the last
        call (term names, slugs and counts, and the newest posts: the OPML carries no date).
        """
        scopes = self.ordered_scopes()
        shape = self._shared_shape(scopes)
        if only_if_changed and shape == self._last_shared:
            return
        self._last_shared = shape
        specs = [feed_spec(key, members, self.settings) for key, members in scopes]
        yield OPML_PATH, opml.render_opml(self.settings, specs)
        yield STYLESHEET_PATH, feed_css.stylesheet(self.settings)
        yield from self.pages.index_pages()

    def _shared_shape(self, scopes: list[tuple[FeedKey, tuple[Post, ...]]]) -> tuple[object, ...]:
        """What the shared files show: every scope with its count, and the newest posts."""
        terms = tuple((key, len(members)) for key, members in scopes)
        recent = tuple(
            (p.id, p.title, p.slug, p.summary, p.published) for p in scopes[0][1][:RECENT_ON_INDEX]
        )
        return terms, recent

    def all_files(self) -> Iterator[File]:
        """Every output file: media and post pages first, then what lists them, so a write that
        stops half-way (a full disk) never leaves a new list pointing at a missing page."""
        for group in reversed(self.file_groups()):
            yield from group.files()

    def file_groups(self) -> list[FileGroup]:
        """`all_files` cut into independent pieces of about GROUP_SIZE files, for workers to render
        side by side. Feeds of one format share a lane (one worker renders every entry of that
        format, once); pages, which share nothing, have none."""
        size = GROUP_SIZE
        scopes = self.ordered_scopes()
        chunks = [scopes[i : i + size] for i in range(0, len(scopes), size)]
        settings = self.settings

        def feeds(fmt: str, chunk: Scopes) -> FileGroup:
            return FileGroup(fmt, lambda: (self.feed_file(feed_spec(k, m, settings), fmt) for k, m in chunk))

        def archives(chunk: Scopes) -> FileGroup:
            return FileGroup(
                ARCHIVED,
                lambda: (file for k, m in chunk for file in self.archive_files(feed_spec(k, m, settings))),
            )

        def term_pages(chunk: Scopes) -> FileGroup:
            return FileGroup(
                None,
                lambda: (
                    f for k, m in chunk if k.scope is not Scope.SITE for f in self.pages.term_pages(k, m)
                ),
            )

        def post_pages(chunk: tuple[Post, ...]) -> FileGroup:
            return FileGroup(None, partial(self.pages.post_pages, chunk), linked=True)

        groups = [feeds(fmt, chunk) for fmt in settings.feeds.formats for chunk in chunks]
        if archive_page_size(settings):
            groups += [archives(chunk) for chunk in chunks]
        groups += [term_pages(chunk) for chunk in chunks]
        groups.append(FileGroup(None, self.shared_files))
        groups.append(FileGroup(None, lambda: self.pages.archives.files()))
        posts = self.taxonomy.scopes[FeedKey(Scope.SITE)]
        groups += [post_pages(posts[i : i + size]) for i in range(0, len(posts), size)]
        assets = sorted(asset_files(settings, posts).items())
        groups += [
            FileGroup(None, partial(asset_bytes, assets[i : i + size]), linked=True)
            for i in range(0, len(assets), size)
        ]
        return groups

    def same_archived_entry(self, old: Post, new: Post) -> bool:
        """Two versions of a post make the same archive entry (as a body edit does when archives
        carry summaries): then the page holding it stays as it is."""
        return old.id == new.id and self._entry(ARCHIVED, old) == self._entry(ARCHIVED, new)

    def scope_paths(self, key: FeedKey, members: tuple[Post, ...] = ()) -> list[str]:
        """Every path a scope of these `members` has files at (to remove them when it disappears)."""
        paths = [key.path + FORMATS[fmt].file_name for fmt in self.settings.feeds.formats]
        spec = feed_spec(key, members, self.settings)
        paths += [spec.archive_path(page) for page in range(1, spec.archive_pages + 1)]
        return paths + (self._term_page_paths(key, 0, len(members)) if key.scope is not Scope.SITE else [])

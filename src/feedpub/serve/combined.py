"""`/feeds/?tags=a,b` (any of the tags), `?tags=a+b` (all of them), `?categories=x&tags=y` (both),
`&format=rss|atom|json` (default atom), `&limit=n` (at most `feeds.limit`): combined feeds.

Built from what is published, never from posts (a serving process holds none): each term's feed
in the requested format, read through the manifest, merged by `render.combined`. Terms are
matched by their canonical keys (`ＡＩ芯片` finds `ai芯片`); any other spelling or order of the
query is answered with 301 to the canonical one (categories, tags, format, limit; terms sorted
by slug; defaults left out). Answers are `ReadyFile`s like every published feed (ETags, 304,
gzip), kept per canonical query in a bounded cache emptied whenever the manifest changes.

Only the newest `feeds.limit` entries of each term are published in its feed, so "any of" is
exact and "all of" finds the posts that are among the newest `feeds.limit` of every term.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote

from feedpub.config import Settings
from feedpub.publish.manifest import sha256
from feedpub.publish.precompress import gzip_bytes
from feedpub.read.terms import raw_slug, term_key
from feedpub.render.combined import (
    DEFAULT_FORMAT,
    CombinedSpec,
    Entry,
    canonical_query,
    combined_feed,
    entries_of,
    merge,
)
from feedpub.render.formats import FORMATS
from feedpub.serve.published import FeedFiles, Served
from feedpub.serve.responses import ReadyFile

MAX_TERMS = 10
CACHE_SIZE = 256  # combined feeds kept ready, per process
CACHE_BYTES = 32 * 1024 * 1024  # and at most this much of them (plain and gzip)
SCOPES = ("categories", "tags")
PARAMETERS = (*SCOPES, "format", "limit")
USAGE = "use /feeds/?tags=a,b (any of them), ?tags=a+b (all of them), ?categories=x&tags=y (both)"


class Refused(Exception):
    """A query answered with an error: its status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Group:
    """One scope's terms: their slugs (sorted) and whether a post needs all of them."""

    scope: str
    slugs: tuple[str, ...]
    all_of: bool


@dataclass(frozen=True, slots=True)
class Query:
    groups: tuple[Group, ...]
    fmt: str
    limit: int

    def canonical(self, settings: Settings) -> str:
        groups = ((group.scope, group.slugs, group.all_of) for group in self.groups)
        return canonical_query(groups, self.fmt, None if self.limit == settings.feeds.limit else self.limit)


def _pairs(raw: str) -> dict[str, str]:
    """The query's parameters, each once, values still percent-encoded (`+` and `,` mean and/or)."""
    found: dict[str, str] = {}
    for part in filter(None, raw.split("&")):
        name, _, value = part.partition("=")
        name = unquote(name)
        if name not in PARAMETERS:
            raise Refused(400, f"unknown parameter {name[:40]!r}: {USAGE}")
        if name in found:
            raise Refused(400, f"{name} given twice: name each parameter once")
        found[name] = value
    if not any(scope in found for scope in SCOPES):
        raise Refused(400, f"no terms: {USAGE}")
    return found


def _limit(value: str | None, settings: Settings) -> int:
    most = settings.feeds.limit
    if value is None:
        return most
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= most:
        raise Refused(400, f"limit: a whole number from 1 to {most}")
    return int(value)


def _format(value: str | None, settings: Settings) -> str:
    fmt = unquote(value) if value is not None else DEFAULT_FORMAT
    if fmt not in settings.feeds.formats:
        raise Refused(400, "format: one of " + ", ".join(settings.feeds.formats))
    return fmt


def _terms(scope: str, value: str) -> tuple[list[str], bool]:
    if "," in value and "+" in value:
        raise Refused(400, f"{scope}: either a,b (any of them) or a+b (all of them), not both")
    all_of = "+" in value
    names = [unquote(name) for name in value.split("+" if all_of else ",")]
    if any(not term_key(name) for name in names):
        raise Refused(400, f"{scope}: an empty term")
    return names, all_of


def parse_query(raw: str, files: FeedFiles, settings: Settings) -> Query:
    """The query `raw` (as sent) read, its terms found; Refused with 400 or 404 otherwise."""
    found = _pairs(raw)
    limit = _limit(found.get("limit"), settings)
    fmt = _format(found.get("format"), settings)
    read = {scope: _terms(scope, found[scope]) for scope in SCOPES if scope in found}
    count = sum(len(names) for names, _all_of in read.values())
    if count > MAX_TERMS:
        raise Refused(400, f"too many terms: {count}; a combined feed takes at most {MAX_TERMS}")
    groups = []
    for scope, (names, all_of) in read.items():
        slugs = sorted({_slug(files, scope, name, fmt) for name in names})
        groups.append(Group(scope, tuple(slugs), all_of and len(slugs) > 1))
    return Query(tuple(groups), fmt, limit)


def _slug(files: FeedFiles, scope: str, name: str, fmt: str) -> str:
    """The published slug `name` stands for: itself, or its canonical key's slug; else 404."""
    file_name = FORMATS[fmt].file_name
    for slug in (name, raw_slug(term_key(name))):
        if "/" not in slug and files.exists(f"{scope}/{slug}/{file_name}"):
            return slug
    raise Refused(404, f"no such term in {scope}: {name[:100]}")


def _title(feed_title: str, settings: Settings) -> str:
    """A term feed's title without the site's name (`Tag: ai芯片`)."""
    return feed_title.removeprefix(f"{settings.site.title} · ")


def build(query: Query, files: FeedFiles, settings: Settings) -> ReadyFile:
    """The combined feed for `query`, ready to answer (ETags over its bytes, gzip made here)."""
    file_name = FORMATS[query.fmt].file_name
    sources: list[Served] = []
    merged: list[list[Entry]] = []
    names: list[str] = []
    for group in query.groups:
        titles, lists = [], []
        for slug in group.slugs:
            served = files.get(f"{group.scope}/{slug}/{file_name}", False)
            if served is None:  # removed since the query was read
                raise Refused(404, f"no such term in {group.scope}: {slug}")
            sources.append(served)
            title, entries = entries_of(query.fmt, served.data)
            titles.append(_title(title, settings))
            lists.append(entries)
        merged.append(merge(lists, group.all_of, None))
        names.append((" + " if group.all_of else " | ").join(titles))
    entries = merge(merged, True, query.limit)
    title = f"{settings.site.title} · " + " + ".join(names)
    url = settings.site.base_url + "feeds/?" + query.canonical(settings)
    spec = CombinedSpec(title, title, url, settings.site.base_url)
    data = combined_feed(query.fmt, spec, entries, settings)
    modified = max(served.modified for served in sources)
    packed = gzip_bytes(data)
    plain = Served(data, sha256(data), modified)
    return ReadyFile(file_name, plain, Served(packed, sha256(packed), modified), settings, topic=False)


class CombinedFeeds:
    """The combined feeds of one app: queries read, feeds built and kept (bounded, per manifest)."""

    def __init__(
        self, settings: Settings, files: FeedFiles, size: int = CACHE_SIZE, most_bytes: int = CACHE_BYTES
    ) -> None:
        self.settings = settings
        self.files = files
        self.size = size
        self.most_bytes = most_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._manifest: object = None
        self._ready: OrderedDict[str, ReadyFile] = OrderedDict()

    def answer(self, raw: str) -> tuple[int, str, ReadyFile | None]:
        """(status, Location or message, the feed): 200 with a feed, 301, or an error."""
        try:
            query = parse_query(raw, self.files, self.settings)
        except Refused as refused:
            return refused.status, refused.message, None
        canonical = query.canonical(self.settings)
        if raw != canonical:
            return 301, "/feeds/?" + canonical, None
        manifest = self.files.manifest()
        with self._lock:
            if manifest is not self._manifest:  # a publish: every combined feed may have changed
                self._ready.clear()
                self._bytes = 0
                self._manifest = manifest
            ready = self._ready.get(canonical)
            if ready is not None:
                self._ready.move_to_end(canonical)
                return 200, "", ready
        try:
            ready = build(query, self.files, self.settings)
        except Refused as refused:
            return refused.status, refused.message, None
        with self._lock:
            if manifest is self._manifest and canonical not in self._ready:
                self._ready[canonical] = ready
                self._bytes += _size(ready)
                while len(self._ready) > self.size or self._bytes > self.most_bytes:
                    self._bytes -= _size(self._ready.popitem(last=False)[1])
        return 200, "", ready


def _size(ready: ReadyFile) -> int:
    return len(ready.plain) + len(ready.gzip or b"")

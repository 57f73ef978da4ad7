"""What every feed format needs to know about one feed: titles, URLs, dates (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from feedpub.config import Settings
from feedpub.model import FeedKey, Post, Scope, Term
from feedpub.render.formats import ATOM_FORMAT, FORMATS
from feedpub.render.messages import messages
from feedpub.render.taxonomy import Taxonomy

# A feed with no entries still needs a date; this one is fixed so output stays deterministic.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GENERATOR = "feedpub"


class FeedHead(NamedTuple):
    """What a feed document's head states in every format: a term feed's, an archive page's or a
    combined feed's (`url`: the document's own address, and its Atom id)."""

    title: str
    description: str
    home_url: str
    url: str
    language: str
    updated: datetime


@lru_cache(maxsize=1 << 16)  # term and feed paths recur in every page and feed that links them
def url_path(path: str) -> str:
    """A feeds/-relative path as it appears in a URL (Unicode percent-encoded)."""
    return quote(path, safe="/")


def hub_url(settings: Settings) -> str | None:
    """The WebSub hub feeds name: `websub.hub`, else this site's own `/websub` when it is its own
    hub (`websub.builtin`), else none."""
    if settings.websub.hub:
        return settings.websub.hub
    if settings.websub.builtin:
        return settings.site.base_url + "websub"
    return None


def topic_url(settings: Settings, path: str) -> str:
    """The URL of a feeds/-relative path: a feed's WebSub topic and `rel="self"`."""
    return settings.site.base_url + url_path(path)


@dataclass(frozen=True)
class FeedSpec:
    """One feed's own metadata, shared by its RSS, Atom and JSON renderings."""

    key: FeedKey
    title: str
    description: str
    home_url: str
    base_url: str
    language: str
    updated: datetime
    posts: tuple[Post, ...]
    archived: tuple[Post, ...] = ()  # oldest first: the scope's members beyond `posts`
    archive_page_size: int = 0

    def feed_url(self, fmt: str) -> str:
        return self.base_url + url_path(self.key.path + FORMATS[fmt].file_name)

    def head(self, fmt: str) -> FeedHead:
        """The head of this feed's document in format `fmt`."""
        return FeedHead(
            self.title, self.description, self.home_url, self.feed_url(fmt), self.language, self.updated
        )

    @property
    def archive_pages(self) -> int:
        """How many RFC 5005 archive documents hold `archived` (0: none)."""
        size = self.archive_page_size
        return -(-len(self.archived) // size) if size else 0

    def archive_page(self, page: int) -> tuple[Post, ...]:
        """The posts of archive page `page` (1 = the oldest), oldest first."""
        size = self.archive_page_size
        return self.archived[(page - 1) * size : page * size]

    def archive_path(self, page: int) -> str:
        """Where archive page `page` lives under feeds/ (Atom; 1 is the oldest)."""
        return f"{self.key.path}archive/{page}.xml"

    def archive_url(self, page: int) -> str:
        return self.base_url + url_path(self.archive_path(page))

    @property
    def id(self) -> str:
        """Stable feed id: the Atom feed's own URL (as jekyll-feed does), which no post may claim."""
        return self.feed_url(ATOM_FORMAT.name)


def archive_page_size(settings: Settings) -> int:
    """Entries per archive page; 0 when there are no archives (they are Atom documents)."""
    return settings.feeds.archive_page_size if ATOM_FORMAT.name in settings.feeds.formats else 0


def term_heading(key: FeedKey, words: Mapping[str, str]) -> str:
    """A term's heading in the language of `words` (`render.messages`), "Tag: x": its page's, and
    its feed's title after the site's."""
    return words["term_title"].format(label=_scope_label(key, words), name=key.name)


def term_feed_words(key: FeedKey, settings: Settings) -> tuple[str, str]:
    """A term feed's title and description, in the site's language (`render.messages`); the
    title is also the one pages give the term's discovery links."""
    site = settings.site
    words = messages(site.language)
    title = site.title + " · " + term_heading(key, words)
    return title, words["feed_description"].format(
        label=_scope_label(key, words), name=key.name, site=site.title
    )


def _scope_label(key: FeedKey, words: Mapping[str, str]) -> str:
    return words["category" if key.scope is Scope.CATEGORY else "tag"]


def feed_spec(key: FeedKey, posts: tuple[Post, ...], settings: Settings) -> FeedSpec:
    """The metadata of the feed for `key`, limited to the newest `feeds.limit` posts; the rest
    (oldest first) go to its archive pages."""
    site = settings.site
    shown = posts[: settings.feeds.limit]
    size = archive_page_size(settings)
    archived = tuple(reversed(posts[settings.feeds.limit :])) if size else ()
    if key.scope is Scope.SITE:
        title = site.title
        description = site.description or site.title
    else:
        title, description = term_feed_words(key, settings)
    updated = max((p.updated for p in shown), default=EPOCH)
    return FeedSpec(
        key=key,
        title=title,
        description=description,
        home_url=site.base_url + url_path(key.path),
        base_url=site.base_url,
        language=site.language,
        updated=updated,
        posts=shown,
        archived=archived,
        archive_page_size=size,
    )


@dataclass(frozen=True)
class EntryContext:
    """What rendering one entry needs beyond the post: term names and where term feeds live."""

    settings: Settings
    taxonomy: Taxonomy
    _fragments: dict[tuple[object, ...], str] = field(default_factory=dict, compare=False, repr=False)

    def terms(self, post: Post) -> list[tuple[Scope, Term, str]]:
        """(scope, term, display name) for the post's categories then tags."""
        out = []
        for scope, terms in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
            for term in terms:
                out.append((scope, term, self.taxonomy.names.get((scope, term.key), term.name)))
        return out

    def scheme(self, scope: Scope) -> str:
        return self.settings.site.base_url + scope.value + "/"

    def category_markup(self, post: Post, write: Callable[[str, str], str]) -> str:
        """The post's categories then tags, each as `write(scheme, display name)` marks it up,
        joined. Each (format, term) fragment is made once per context: a tag's name recurs in
        thousands of entries, and escaping it each time was a third of an entry's rendering."""
        cache = self._fragments
        parts = []
        for scope, terms in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
            for term in terms:
                key = (write, scope, term.key, term.name)
                fragment = cache.get(key)
                if fragment is None:
                    name = self.taxonomy.names.get((scope, term.key), term.name)
                    fragment = cache[key] = write(self.scheme(scope), name)
                parts.append(fragment)
        return "".join(parts)

    def content(self, post: Post, archived: bool = False) -> str:
        """The HTML an entry carries ('' for none): all of it, unless feeds (or, for an archive
        page, archives) carry summaries only or it is longer than `limits.max_entry_content`."""
        wanted = self.settings.feeds.archive_content if archived else self.settings.feeds.content
        if wanted != "full":
            return ""
        html = post.content_html
        return html if len(html) <= self.settings.limits.max_entry_content else ""


def changed_archive_pages(
    old: FeedSpec | None, new: FeedSpec, same_entry: Callable[[Post, Post], bool] | None = None
) -> tuple[list[int], list[int]]:
    """(pages of `new` whose posts differ from `old`'s, pages `old` had and `new` has not).

    Posts are compared by identity, and an edited post (a new object) by `same_entry` when
    given: a body edit leaves a summary-only archive entry as it was, and its page need not be
    redone. A post added at the top moves one post into the archive: only the newest page (and
    the one before it, when a page starts) changes."""
    old_count = old.archive_pages if old is not None else 0
    new_count = new.archive_pages
    changed = [
        page
        for page in range(1, new_count + 1)
        if old is None
        or page > old_count
        or _differs(old.archive_page(page), new.archive_page(page), same_entry)
        or (page == min(old_count, new_count) and old_count != new_count)  # gains or loses next-archive
    ]
    return changed, list(range(new_count + 1, old_count + 1))


def _differs(
    old: tuple[Post, ...], new: tuple[Post, ...], same_entry: Callable[[Post, Post], bool] | None
) -> bool:
    return len(old) != len(new) or any(
        a is not b and (same_entry is None or not same_entry(a, b)) for a, b in zip(old, new, strict=True)
    )

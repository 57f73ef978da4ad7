"""The values that flow through feedpub: frozen, comparable, free of I/O."""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from isal import isal_zlib


class Status(enum.StrEnum):
    """Whether a post belongs in feeds right now."""

    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"


class Scope(enum.StrEnum):
    """What a feed covers; also the first URL segment of term feeds."""

    SITE = "site"
    CATEGORY = "categories"
    TAG = "tags"


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Term:
    """A category or tag as one post spells it; `key` merges case and width variants."""

    key: str
    name: str

    def __reduce__(self) -> tuple[Callable[[str, str], Term], tuple[str, str]]:
        # frozen slotted dataclasses unpickle through a slow generic __setstate__; the post
        # cache unpickles tens of thousands of these at every start, most of them the same few
        return (shared_term, (self.key, self.name))


# Terms in use, interned like sys.intern does strings: weakly, so a term no post names any more
# leaves the table with its last post (a service runs for months while tags come and go).
_TERMS: weakref.WeakValueDictionary[tuple[str, str], Term] = weakref.WeakValueDictionary()


def shared_term(key: str, name: str) -> Term:
    """One Term object per (key, name): ten thousand posts name a few thousand terms, so sharing
    them keeps a service's memory to the terms, not to every post's copy of them."""
    term = _TERMS.get((key, name))
    if term is None:
        term = _TERMS[(key, name)] = Term(key, name)
    return term


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str | None = None
    url: str | None = None

    def __reduce__(self) -> tuple[type, tuple[str, str | None, str | None]]:
        return (Author, (self.name, self.email, self.url))


@dataclass(frozen=True, slots=True)
class Post:
    """One source file normalised from either dialect ("The post model" in docs/architecture.md)."""

    id: str
    url: str
    slug: str
    title: str
    published: datetime
    updated: datetime
    categories: tuple[Term, ...]
    tags: tuple[Term, ...]
    summary: str
    body: str | bytes  # content_html, or it packed by `pack` (a service keeps ten thousand of these)
    image: str | None
    author: Author | None
    status: Status
    source: str
    dialect: str
    expires: datetime | None = None
    available: datetime | None = None
    # what reading the post met that did not stop it (a Liquid tag or shortcode feedpub cannot
    # run, an include not found): Problems with warning=True, for `feedpub check`
    warnings: tuple[Problem, ...] = ()
    # paths under feeds/ of the media files the post links to on feedpub's own host, when
    # feedpub is the site (published beside the pages: render.assets)
    media: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Callable[..., Post], tuple[object, ...]]:
        # the status travels as its text: unpickling ten thousand enum members one by one
        # through Enum.__new__ was a twentieth of a warm start
        values = [getattr(self, name) for name in _POST_FIELDS]
        values[_STATUS] = self.status.value
        return (_restore_post, tuple(values))

    @property
    def content_html(self) -> str:
        """The sanitised HTML of the post's body."""
        body = self.body
        return body if type(body) is str else isal_zlib.decompress(body).decode("utf-8")

    def packed(self) -> Post:
        """This post with its body compressed: about a third of the memory of the text (CJK text
        is two bytes a character in a str), paid back by 40 µs each time the body is rendered."""
        if type(self.body) is not str:
            return self
        fields = [getattr(self, name) for name in _POST_FIELDS]
        fields[_BODY] = isal_zlib.compress(self.body.encode("utf-8"), 1)
        return Post(*fields)

    def visible_at(self, now: datetime) -> bool:
        """True when the post belongs in feeds at `now` (drafts never do)."""
        return status_at(self, now) is Status.PUBLISHED


_POST_FIELDS = tuple(Post.__dataclass_fields__)
_BODY = _POST_FIELDS.index("body")
_STATUS = _POST_FIELDS.index("status")
_STATUSES = {status.value: status for status in Status}


def _restore_post(*values: object) -> Post:
    """A pickled Post (see Post.__reduce__)."""
    fields = list(values)
    fields[_STATUS] = _STATUSES[fields[_STATUS]]  # type: ignore[index]
    return Post(*fields)  # type: ignore[arg-type]


ALWAYS = datetime.min.replace(tzinfo=UTC)  # `available` of a post shown whatever its date


def appears_at(post: Post) -> datetime:
    """When the post enters feeds: `available` when set (Hugo's publishDate after its date, or
    ALWAYS for a site that publishes future-dated posts at once), else its date."""
    return post.available if post.available is not None else post.published


def status_at(post: Post, now: datetime) -> Status:
    """The post's status at `now`; scheduled and expired depend on the clock, drafts do not."""
    if post.status is Status.DRAFT:
        return Status.DRAFT
    if post.expires is not None and post.expires <= now:
        return Status.EXPIRED
    if appears_at(post) > now:
        return Status.SCHEDULED
    return Status.PUBLISHED


@dataclass(frozen=True, slots=True)
class FeedKey:
    """One feed scope: the site, or one category or tag with its display name and URL slug."""

    scope: Scope
    key: str = ""
    name: str = ""
    slug: str = ""

    @property
    def path(self) -> str:
        """Directory of this scope's feeds under feeds/, '' for the site."""
        return "" if self.scope is Scope.SITE else f"{self.scope.value}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one source file did not become a post (or became one with a caveat).

    `kept` is the post the file made before it broke: a running service keeps publishing that
    last good version (see posts.load_posts), so a half-saved edit never drops it from readers."""

    source: str
    message: str
    line: int | None = None
    kept: Post | None = field(default=None, compare=False, repr=False)
    warning: bool = False  # the post is published all the same; `check --strict` fails on it too

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


def statuses(posts: Iterable[Post], now: datetime) -> tuple[dict[str, int], frozenset[str]]:
    """(number of posts per status, ids of the published ones) at `now`, in one pass."""
    counts = {status.value: 0 for status in Status}
    shown = []
    for post in posts:
        status = status_at(post, now)
        counts[status.value] += 1
        if status is Status.PUBLISHED:
            shown.append(post.id)
    return counts, frozenset(shown)

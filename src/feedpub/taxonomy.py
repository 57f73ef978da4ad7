"""Posts → the feeds they belong to: the site, each category and each tag (pure).

Display names and slugs are decided here, over every visible post at once, so they do not
depend on the order files were read in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .model import FeedKey, Post, Scope, Term
from .terms import assign_slugs, display_name


@dataclass(frozen=True)
class Taxonomy:
    """Every feed scope with its posts (newest first, all of them) and the term names and slugs."""

    scopes: dict[FeedKey, tuple[Post, ...]]
    names: dict[tuple[Scope, str], str]
    slugs: dict[tuple[Scope, str], str]

    def feed_key(self, scope: Scope, key: str) -> FeedKey:
        return FeedKey(scope, key, self.names[(scope, key)], self.slugs[(scope, key)])

    def terms(self, scope: Scope) -> list[tuple[FeedKey, tuple[Post, ...]]]:
        """The scope's feeds sorted by slug, each with its posts."""
        items = [(k, v) for k, v in self.scopes.items() if k.scope is scope]
        return sorted(items, key=lambda item: item[0].slug)


def newest_first(posts: Iterable[Post]) -> tuple[Post, ...]:
    """Sort by publication time, newest first; ties broken by id so the order is total."""
    return tuple(sorted(sorted(posts, key=_post_id), key=_published, reverse=True))


def _post_id(post: Post) -> str:
    return post.id


def _published(post: Post) -> datetime:
    return post.published


def _terms_of(post: Post, scope: Scope) -> tuple[Term, ...]:
    return post.categories if scope is Scope.CATEGORY else post.tags


def build_taxonomy(
    posts: Iterable[Post], now: datetime | None = None, visible_ids: frozenset[str] | None = None
) -> Taxonomy:
    """Group the posts visible at `now` (or, when the caller knows them, those in `visible_ids`)
    by site, category and tag."""
    if visible_ids is not None:
        visible = newest_first(p for p in posts if p.id in visible_ids)
    elif now is not None:
        visible = newest_first(p for p in posts if p.visible_at(now))
    else:
        raise ValueError("build_taxonomy needs `now` or `visible_ids`")
    spellings: dict[tuple[Scope, str], Counter[str]] = defaultdict(Counter)
    members: dict[tuple[Scope, str], list[Post]] = defaultdict(list)
    for post in visible:
        for scope in (Scope.CATEGORY, Scope.TAG):
            for term in _terms_of(post, scope):
                spellings[(scope, term.key)][term.name] += 1
                members[(scope, term.key)].append(post)
    names = {ident: display_name(counter) for ident, counter in spellings.items()}
    slugs: dict[tuple[Scope, str], str] = {}
    for scope in (Scope.CATEGORY, Scope.TAG):
        assigned = assign_slugs(key for s, key in spellings if s is scope)
        slugs.update({(scope, key): slug for key, slug in assigned.items()})
    scopes: dict[FeedKey, tuple[Post, ...]] = {FeedKey(Scope.SITE): visible}
    for ident, group in members.items():
        scopes[FeedKey(ident[0], ident[1], names[ident], slugs[ident])] = tuple(group)
    return Taxonomy(scopes, names, slugs)

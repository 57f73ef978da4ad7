"""Posts → the feeds they belong to: the site, each category and each tag (pure).

Display names and slugs are decided here, over every visible post at once, so they do not
depend on the order files were read in.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from feedpub.model import FeedKey, Post, Scope, Term
from feedpub.read.terms import assign_slugs, display_name


@dataclass(frozen=True)
class Taxonomy:
    """Every feed scope with its posts (newest first, all of them) and the term names and slugs."""

    scopes: dict[FeedKey, tuple[Post, ...]]
    names: dict[tuple[Scope, str], str]
    slugs: dict[tuple[Scope, str], str]
    spellings: dict[tuple[Scope, str], Counter[str]] = field(default_factory=dict, compare=False)

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
    slugs = _assign_all(spellings)
    scopes: dict[FeedKey, tuple[Post, ...]] = {FeedKey(Scope.SITE): visible}
    for ident, group in members.items():
        scopes[FeedKey(ident[0], ident[1], names[ident], slugs[ident])] = tuple(group)
    return Taxonomy(scopes, names, slugs, dict(spellings))


def _assign_all(keys: Iterable[tuple[Scope, str]]) -> dict[tuple[Scope, str], str]:
    keys = list(keys)
    slugs: dict[tuple[Scope, str], str] = {}
    for scope in (Scope.CATEGORY, Scope.TAG):
        assigned = assign_slugs(key for s, key in keys if s is scope)
        slugs.update({(scope, key): slug for key, slug in assigned.items()})
    return slugs


def _order(post: Post) -> tuple[float, str]:
    return (-post.published.timestamp(), post.id)


def _merge(ordered: tuple[Post, ...], leaving: list[Post], joining: list[Post]) -> tuple[Post, ...]:
    """`ordered` (newest first) without the posts `leaving` (those of them it holds) and with
    `joining` put in their places: found and inserted by bisection, so a change of one post
    neither re-sorts nor re-scans ten thousand."""
    kept = list(ordered)
    for post in leaving:
        index = bisect.bisect_left(kept, _order(post), key=_order)
        if index < len(kept) and kept[index] is post:
            del kept[index]
    for post in joining:
        bisect.insort(kept, post, key=_order)
    return tuple(kept)


def update_taxonomy(old: Taxonomy, removed: Iterable[Post], added: Iterable[Post]) -> Taxonomy:
    """`old` with the visible posts `removed` (the very objects it holds) taken out and `added` put
    in, redoing only their terms: the same result as build_taxonomy over the new visible posts."""
    removed, added = list(removed), list(added)
    site = FeedKey(Scope.SITE)
    spellings = dict(old.spellings)
    touched: set[tuple[Scope, str]] = set()
    for post, sign in [(p, -1) for p in removed] + [(p, 1) for p in added]:
        for scope in (Scope.CATEGORY, Scope.TAG):
            for term in _terms_of(post, scope):
                ident = (scope, term.key)
                if ident not in touched:
                    spellings[ident] = Counter(spellings.get(ident, Counter()))
                    touched.add(ident)
                spellings[ident][term.name] += sign
                if spellings[ident][term.name] <= 0:
                    del spellings[ident][term.name]
    names = dict(old.names)
    for ident in touched:
        if spellings[ident]:
            names[ident] = display_name(spellings[ident])
        else:
            del spellings[ident]
            names.pop(ident, None)
    slugs = old.slugs if set(names) == set(old.names) else _assign_all(names)
    scopes: dict[FeedKey, tuple[Post, ...]] = {site: _merge(old.scopes[site], removed, added)}
    for key, members in old.scopes.items():
        ident = (key.scope, key.key)
        if key.scope is Scope.SITE or ident in touched:
            continue
        same = slugs is old.slugs or slugs.get(ident) == key.slug
        scopes[key if same else FeedKey(key.scope, key.key, names[ident], slugs[ident])] = members
    for ident in touched:
        if ident not in names:
            continue
        scope, term_key = ident
        before = old.scopes.get(old.feed_key(scope, term_key), ()) if ident in old.names else ()
        joining = [p for p in added if any(t.key == term_key for t in _terms_of(p, scope))]
        leaving = [p for p in removed if any(t.key == term_key for t in _terms_of(p, scope))]
        members = _merge(before, leaving, joining)
        scopes[FeedKey(scope, term_key, names[ident], slugs[ident])] = members
    return Taxonomy(scopes, names, slugs, spellings)


def renamed_terms(old: Taxonomy, new: Taxonomy) -> bool:
    """True when a term present in both has another display name or slug in `new`.

    Terms that appear or disappear are handled incrementally; a changed name shows in every
    entry of every post that has the term, so it needs a full render.
    """
    return any(
        new_map.get(key, value) != value
        for old_map, new_map in ((old.names, new.names), (old.slugs, new.slugs))
        for key, value in old_map.items()
    )

"""Terms that look alike are one term: a tag spelled with a Cyrillic `а`, or with a zero-width
joiner, joins the feed of the tag it imitates instead of making a second feed that looks the same.

Keys (NFKC, casefold: `read.terms`) that share a confusable skeleton (UTS #39, `read.confusables`)
merge into the plainest of them: the key the skeleton changes least, then the shortest, then the
first in code point order. That depends only on the set of keys, never on the order posts were
read; a key no other key looks like keeps its key and slug. Each post whose term was merged gets
a warning (`feedpub check` lists it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from feedpub.model import Post, Problem, Term, shared_term
from feedpub.read.confusables import skeleton_of


def _plainest(key: str) -> tuple[int, int, str]:
    return (skeleton_of(key)[1], len(key), key)


def look_alike_keys(keys: Iterable[str]) -> dict[str, str]:
    """{key: the key it merges into} for every key whose skeleton another key has."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key in set(keys):
        groups[skeleton_of(key)[0]].append(key)
    merged: dict[str, str] = {}
    for group in groups.values():
        if len(group) > 1:
            target = min(group, key=_plainest)
            merged.update({key: target for key in group if key != target})
    return merged


def _rekeyed(terms: tuple[Term, ...], merged: dict[str, str]) -> tuple[Term, ...] | None:
    """`terms` with merged keys replaced (one term per key), or None when none was merged."""
    if not any(term.key in merged for term in terms):
        return None
    seen: dict[str, Term] = {}
    for term in terms:
        key = merged.get(term.key, term.key)
        seen.setdefault(key, term if key == term.key else shared_term(key, term.name))
    return tuple(seen.values())


def _warnings(post: Post, label: str, terms: tuple[Term, ...], merged: dict[str, str]) -> list[Problem]:
    return [
        Problem(
            post.source,
            f"{label} {term.name!r} looks like {merged[term.key]!r} (same confusable skeleton, "
            f"Unicode TS #39): merged into that {label}'s feed",
            warning=True,
        )
        for term in terms
        if term.key in merged
    ]


def merge_look_alikes(posts: list[Post]) -> list[str]:
    """Merge look-alike categories and tags (each scope apart) in place in `posts`; the sources
    of the posts changed."""
    categories = look_alike_keys(term.key for post in posts for term in post.categories)
    tags = look_alike_keys(term.key for post in posts for term in post.tags)
    if not categories and not tags:
        return []  # every scan but the rare one
    changed: list[str] = []
    for index, post in enumerate(posts):
        new_categories = _rekeyed(post.categories, categories)
        new_tags = _rekeyed(post.tags, tags)
        if new_categories is None and new_tags is None:
            continue
        warnings = _warnings(post, "category", post.categories, categories)
        warnings += _warnings(post, "tag", post.tags, tags)
        posts[index] = replace(
            post,
            categories=post.categories if new_categories is None else new_categories,
            tags=post.tags if new_tags is None else new_tags,
            warnings=(*post.warnings, *warnings),
        )
        changed.append(post.source)
    return changed

"""What a page links to beside its own content (pure): a post's neighbours in the site feed, the
archive's months, a term page's numbered pages, and the terms most often seen with a term.

Kept apart from the renderers because the incremental publish asks the same questions to know
which pages a change touches (`publish.incremental`).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from feedpub.model import FeedKey, Post, Scope
from feedpub.render.combined import canonical_query
from feedpub.render.taxonomy import Taxonomy

# The HTML archive (`archives/`, then `archives/<yyyy>/<mm>/`): not `archive/`, where the site
# feed's RFC 5005 documents live (`archive/<n>.xml`, typed Atom by name in the app and nginx).
ARCHIVES = "archives/"
CO_TERMS = 5  # "combine with…" links on a term page


def _order(post: Post) -> tuple[float, str]:
    """The site feed's order (newest first, ties by id), as `render.taxonomy` sorts it."""
    return (-post.published.timestamp(), post.id)


def neighbours(
    site: tuple[Post, ...], post: Post, index: int | None = None
) -> tuple[Post | None, Post | None]:
    """(the older post, the newer post) beside `post` in the site feed; None at either end, and
    both None for a post the feed does not hold. `index`: where the caller knows it is."""
    if index is None:
        index = bisect.bisect_left(site, _order(post), key=_order)
    if index >= len(site) or site[index] is not post:
        return None, None
    older = site[index + 1] if index + 1 < len(site) else None
    return older, site[index - 1] if index > 0 else None


def holds(site: tuple[Post, ...], post: Post) -> bool:
    """Whether the site feed holds this very Post object (found by its date)."""
    index = bisect.bisect_left(site, _order(post), key=_order)
    return index < len(site) and site[index] is post


def around(site: tuple[Post, ...], posts: Iterable[Post]) -> dict[str, Post]:
    """The posts just before and after each of `posts` in `site`, by id: found by date, so a post
    `site` no longer holds still names the two posts that were beside it and now meet."""
    found: dict[str, Post] = {}
    for post in posts:
        index = bisect.bisect_left(site, _order(post), key=_order)
        for at in (index - 1, index, index + 1):
            if 0 <= at < len(site) and site[at].id != post.id:
                found[site[at].id] = site[at]
    return found


def month_of(post: Post) -> tuple[int, int]:
    """The year and month the post's shown date falls in (its own offset, as every page shows it)."""
    published: datetime = post.published
    return published.year, published.month


def months(site: tuple[Post, ...]) -> list[tuple[tuple[int, int], list[Post]]]:
    """Every month with posts, newest first, each with its posts in the site feed's order."""
    grouped: dict[tuple[int, int], list[Post]] = {}
    for post in site:
        grouped.setdefault(month_of(post), []).append(post)
    return sorted(grouped.items(), key=lambda item: item[0], reverse=True)


def month_path(year: int, month: int) -> str:
    return f"{ARCHIVES}{year:04d}/{month:02d}/"


def page_count(members: int, per_page: int) -> int:
    """How many pages a term of `members` posts has (at least one, even when empty)."""
    return max(1, -(-members // per_page))


def term_page_path(key: FeedKey, page: int) -> str:
    """Where page `page` of a term's page lives: the term's folder, then `page/<n>/` (Hugo's style)."""
    return key.path if page == 1 else f"{key.path}page/{page}/"


def co_terms(taxonomy: Taxonomy, key: FeedKey, recent: tuple[Post, ...]) -> list[FeedKey]:
    """The CO_TERMS terms most often found on `recent`, the posts of `key`'s feed (most posts
    first, then categories before tags, then by slug): the other half of its "combine with…"
    links. Its feed's posts, not all of them: a combined feed is made from the terms' feeds, so
    these are the pairs whose combined feed has posts (and a big term costs an edit no more)."""
    by_scope: dict[Scope, Counter[str]] = {Scope.CATEGORY: Counter(), Scope.TAG: Counter()}
    categories, tags = by_scope[Scope.CATEGORY], by_scope[Scope.TAG]
    for post in recent:  # a set per post: a term counts once a post, as in the taxonomy
        categories.update({t.key for t in post.categories})
        tags.update({t.key for t in post.tags})
    by_scope[key.scope].pop(key.key, None)
    counts = {(scope, k): n for scope, found in by_scope.items() for k, n in found.items()}
    found = [ident for ident in counts if ident in taxonomy.slugs]
    found.sort(key=lambda ident: (-counts[ident], ident[0] is Scope.TAG, taxonomy.slugs[ident]))
    return [taxonomy.feed_key(*ident) for ident in found[:CO_TERMS]]


def combined_query(keys: Iterable[FeedKey], fmt: str) -> str:
    """The query of the combined feed of posts that have every one of `keys`, in the canonical
    spelling `serve.combined` answers 200 (`render.combined.canonical_query`)."""
    keys = list(keys)
    groups = (
        (scope.value, {key.slug for key in keys if key.scope is scope}, True)
        for scope in (Scope.CATEGORY, Scope.TAG)
    )
    return canonical_query(((scope, slugs, all_of) for scope, slugs, all_of in groups if slugs), fmt)

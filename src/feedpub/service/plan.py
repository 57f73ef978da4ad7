"""What a scan must publish: a pure function of (what feeds/ holds, the posts scanned, what changed).

No I/O and no clock: the posts' visibility at the scan's moment is worked out before (see
`visibility`), so the same inputs always give the same plan, and the plan alone says which
entries, feeds and pages the publisher renders again.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from feedpub.model import Post
from feedpub.service.state import Published

Pair = tuple[Post | None, Post | None]  # (the published version, the new one) of one source


@dataclass(frozen=True)
class Plan:
    """The changes since `published`; `full` when nothing is known to be published (render all)."""

    posts: Mapping[str, Post]  # every post now, by source
    visible: frozenset[str]
    published: Published | None
    pairs: tuple[Pair, ...] = ()

    @property
    def full(self) -> bool:
        return self.published is None

    @property
    def affected(self) -> list[Post]:
        """Every version, old and new, of the posts that changed: their entries and pages go."""
        return [post for pair in self.pairs for post in pair if post is not None]

    @property
    def publishes(self) -> bool:
        """False when feeds/ already shows exactly these posts."""
        return self.published is None or bool(self.pairs) or self.visible != self.published.visible

    @property
    def leaving(self) -> list[Post]:
        """Published versions that were visible: out of the taxonomy."""
        assert self.published is not None
        was = self.published.visible
        return [old for old, _new in self.pairs if old is not None and old.id in was]

    @property
    def joining(self) -> list[Post]:
        """New versions that are visible now: into the taxonomy."""
        return [new for _old, new in self.pairs if new is not None and new.id in self.visible]


def plan_publish(
    published: Published | None,
    posts: Mapping[str, Post],
    visible: frozenset[str],
    touched: Set[str],
    compare_all: bool = False,
) -> Plan:
    """The plan that takes feeds/ from `published` to `posts` with `visible` shown.

    `touched` are the sources that may differ from the published ones: read, deleted or given a
    free slug by this scan or the last. Every source is compared instead when visibility moved
    (a post fell due) or `compare_all` (after a failed scan): a few sources, not ten thousand,
    in the common case."""
    if published is None:
        return Plan(posts, visible, None)
    if compare_all or visible != published.visible:
        candidates = set(posts) | set(published.posts)
    else:
        candidates = set(touched) | (posts.keys() ^ published.posts.keys())
    pairs = tuple(
        pair for source in sorted(candidates) if (pair := _changed(published, source, posts, visible))
    )
    return Plan(posts, visible, published, pairs)


def _changed(
    published: Published, source: str, posts: Mapping[str, Post], visible: frozenset[str]
) -> Pair | None:
    """(old, new) version of a post whose object or visibility differs since the last publish."""
    old, new = published.posts.get(source), posts.get(source)
    was = old is not None and old.id in published.visible
    if old is new and was == (new is not None and new.id in visible):
        return None
    return old, new

"""Visibility: which posts are shown at a moment, and when that next changes, kept between scans.

A post's status depends on the clock only at its own moments (it appears, it expires), so as
long as no such moment has passed since the last scan, only posts that changed need a look: a
rescan after one edit costs one status, not ten thousand.
"""

from __future__ import annotations

from datetime import datetime

from feedpub.model import Post, Status, appears_at, status_at


def next_moment(post: Post, now: datetime) -> datetime | None:
    """The first moment after `now` at which the post's status changes by itself, if any."""
    if post.status is Status.DRAFT:
        return None
    moments = []
    appears = appears_at(post)
    if appears > now:
        moments.append(appears)
    if post.expires is not None and post.expires > now:
        moments.append(post.expires)
    return min(moments, default=None)


class Visibility:
    """Status of every post by source, counts per status, the published ids and the next due moment."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[Post, Status]] = {}
        self._counts = {status.value: 0 for status in Status}
        self._shown: dict[str, str] = {}  # source → id of the posts published now
        self._due: datetime | None = None
        self._checked: datetime | None = None

    @property
    def due(self) -> datetime | None:
        """The next moment a post appears or expires (None: no such moment ahead)."""
        return self._due

    def update(self, posts: dict[str, Post], now: datetime) -> tuple[dict[str, int], frozenset[str]]:
        """(posts per status, ids of the published posts) at `now` for `posts` (by source)."""
        fresh = self._checked is None or now < self._checked or (self._due is not None and self._due <= now)
        if fresh:
            self.__init__()  # type: ignore[misc]
        known = self._known
        for source in [s for s in known if s not in posts]:
            self._forget(source)
        due = self._due
        for source, post in posts.items():
            seen = known.get(source)
            if seen is not None and seen[0] is post:
                continue
            if seen is not None:
                self._forget(source)
            status = status_at(post, now)
            known[source] = (post, status)
            self._counts[status.value] += 1
            if status is Status.PUBLISHED:
                self._shown[source] = post.id
            moment = next_moment(post, now)
            if moment is not None and (due is None or moment < due):
                due = moment
        # a changed post may have taken away the moment `due` was: then a scan comes early and
        # finds nothing due, which is harmless; a missed moment would not be
        self._due, self._checked = due, now
        return dict(self._counts), frozenset(self._shown.values())

    def _forget(self, source: str) -> None:
        _post, status = self._known.pop(source)
        self._counts[status.value] -= 1
        self._shown.pop(source, None)

"""Visibility kept between scans agrees with a full count at every moment, whatever changed."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

from feedpub.model import Post, Status, statuses
from feedpub.service.visibility import Visibility, next_moment

from ..helpers import make_post

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _post(rng: random.Random, index: int) -> Post:
    def moment() -> datetime:
        return T0 + timedelta(hours=rng.randint(-48, 48))

    published = moment()
    return make_post(
        f"p{index}.md",
        id=f"urn:post:{index}:{rng.randint(0, 3)}",  # ids change on some edits
        url=f"https://e.example/{index}/",
        slug=str(index),
        title=str(index),
        published=published,
        updated=published,
        status=Status.DRAFT if rng.random() < 0.1 else Status.PUBLISHED,
        expires=moment() if rng.random() < 0.3 else None,
        available=moment() if rng.random() < 0.3 else None,
    )


def test_incremental_statuses_match_a_full_count():
    rng = random.Random(7)
    posts = {p.source: p for p in (_post(rng, i) for i in range(200))}
    book = Visibility()
    now = T0 - timedelta(hours=60)
    for _step in range(300):
        now += timedelta(hours=rng.choice([0, 0, 1, 3, 7, -2]))  # the clock may even step back
        for _edit in range(rng.choice([0, 0, 1, 2, 5])):
            index = rng.randrange(260)
            source = f"p{index}.md"
            if source in posts and rng.random() < 0.3:
                del posts[source]
            elif source in posts and rng.random() < 0.5:
                posts[source] = dataclasses.replace(posts[source], title="edited")  # same status, new object
            else:
                posts[source] = _post(rng, index)
        assert book.update(posts, now) == statuses(posts.values(), now)
        true_next = min((m for p in posts.values() if (m := next_moment(p, now))), default=None)
        if true_next is None:
            assert book.due is None or book.due > now
        else:
            assert book.due is not None and now < book.due <= true_next  # early is harmless, late is not


def test_drafts_never_fall_due():
    rng = random.Random(1)
    draft = dataclasses.replace(_post(rng, 1), status=Status.DRAFT, published=T0 + timedelta(days=1))
    assert next_moment(draft, T0) is None

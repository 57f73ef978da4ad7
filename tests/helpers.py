"""Small helpers the test modules share."""

from __future__ import annotations

import time
from collections.abc import Callable

from feedpub.config import Settings
from feedpub.model import Post, Problem
from feedpub.read.load import load_posts
from feedpub.read.scan import scan


def read_one(settings: Settings, source: str) -> Post | Problem:
    """Scan the posts dir and return what `source` became."""
    problems: list[Problem] = []
    loaded = load_posts(scan(settings.posts_dir, problems), settings)
    posts, post_problems = loaded.posts, loaded.problems
    for item in [*posts, *post_problems, *problems]:
        if item.source == source:
            return item
    raise AssertionError(f"{source} was neither a post nor a problem")


def post(settings: Settings, source: str) -> Post:
    result = read_one(settings, source)
    assert isinstance(result, Post), f"expected a post, got {result}"
    return result


def problem(settings: Settings, source: str) -> Problem:
    result = read_one(settings, source)
    assert isinstance(result, Problem), f"expected a problem, got {result}"
    return result


# How long a test waits for something that must happen soon (a server answering, a post published):
# generous, since a loaded CI machine is slow, and costing nothing when things go right.
PATIENCE = 60.0


def wait_for(condition: Callable[[], object], message: str, seconds: float = PATIENCE) -> float:
    """Poll `condition` until it holds and return the seconds it took; fail with `message` after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(message)

"""build(settings, now): posts/ → the files of feeds/, plus the problems met on the way.

The clock is a parameter: which posts are visible depends on `now`, but no output contains it.
`build` holds every file in memory (tests, `check`); `build_and_publish` streams them to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .config import Settings
from .model import Post, Problem, statuses
from .posts import Progress, load_posts, scan
from .render.site import SiteRenderer
from .store import PublishReport, Store
from .taxonomy import Taxonomy, build_taxonomy


@dataclass
class BuildResult:
    """What one build produced: the output files (when kept), the posts and every problem."""

    files: dict[str, bytes]
    posts: list[Post]
    problems: list[Problem]
    taxonomy: Taxonomy

    def counts(self, now: datetime) -> dict[str, int]:
        """Posts by status at `now`."""
        return statuses(self.posts, now)[0]


def _prepare(
    settings: Settings, now: datetime, progress: Progress | None
) -> tuple[BuildResult, SiteRenderer]:
    problems: list[Problem] = []
    sources = scan(settings.posts_dir, problems)
    loaded = load_posts(sources, settings, progress=progress)
    problems += loaded.problems
    taxonomy = build_taxonomy(loaded.posts, now)
    result = BuildResult({}, loaded.posts, problems, taxonomy)
    return result, SiteRenderer(settings, taxonomy, problems)


def load_site(settings: Settings, now: datetime, progress: Progress | None = None) -> BuildResult:
    """Scan and read, without rendering (for `check` and `posts`)."""
    return _prepare(settings, now, progress)[0]


def build(settings: Settings, now: datetime, progress: Progress | None = None) -> BuildResult:
    """Scan, read and render, keeping every file in memory."""
    result, renderer = _prepare(settings, now, progress)
    result.files = dict(renderer.all_files())
    return result


def build_and_publish(
    settings: Settings, now: datetime, progress: Progress | None = None
) -> tuple[BuildResult, PublishReport]:
    """Scan, read, render and publish, streaming each file to feeds/ as it is rendered."""
    result, renderer = _prepare(settings, now, progress)
    report = Store(settings.feeds_dir).publish(renderer.all_files())
    return result, report

"""build(settings, now): posts/ → the files of feeds/, plus the problems met on the way.

The clock is a parameter: which posts are visible depends on `now`, but no output contains it.
`build` holds every file in memory (tests, `check`); `build_and_publish` streams them to the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TypeVar

from feedpub.config import Settings
from feedpub.model import Post, Problem, statuses
from feedpub.progress import Meter
from feedpub.publish.manifest import new_stamp
from feedpub.publish.store import PublishReport, Store, Written
from feedpub.read.load import load_posts
from feedpub.read.pool import Progress
from feedpub.read.scan import scan
from feedpub.read.site_posts import scan_rules
from feedpub.render.site import SiteRenderer
from feedpub.render.taxonomy import Taxonomy, build_taxonomy
from feedpub.workers import fork_map

T = TypeVar("T")


@dataclass
class BuildResult:
    """What one build produced: the output files (when kept), the posts and every problem."""

    files: dict[str, bytes]
    posts: list[Post]
    problems: list[Problem]
    taxonomy: Taxonomy

    @property
    def warnings(self) -> list[Problem]:
        """What reading the posts met that did not stop them (see Post.warnings)."""
        return [warning for post in self.posts for warning in post.warnings]

    def counts(self, now: datetime) -> dict[str, int]:
        """Posts by status at `now`."""
        return statuses(self.posts, now)[0]


def _prepare(
    settings: Settings, now: datetime, progress: Progress | None
) -> tuple[BuildResult, SiteRenderer]:
    problems: list[Problem] = []
    sources = scan(settings.posts_dir, problems, scan_rules(settings))
    loaded = load_posts(sources, settings, progress=progress, now=now)
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
    settings: Settings, now: datetime, progress: Progress | None = None, workers: int | None = None
) -> tuple[BuildResult, PublishReport]:
    """Scan, read, render and publish: forked workers render and write a share of the files each
    as it is rendered, then the manifest is written once (same bytes whatever the worker count)."""
    result, renderer = _prepare(settings, now, progress)
    report, problems = publish_in_workers(renderer, Store(settings.feeds_dir), workers)
    result.problems += problems
    return result, report


def publish_in_workers(
    renderer: SiteRenderer, store: Store, workers: int | None = None, meter: Meter | None = None
) -> tuple[PublishReport, list[Problem]]:
    """Every file `renderer` makes, rendered and written by forked workers (a share each), then
    the manifest once; with the problems rendering met (each once)."""
    stamp = new_stamp()
    store.recover()  # reads the manifest (and clears up after a killed publish) once, not once per worker
    groups = renderer.file_groups()
    done = meter("Rendering and writing", len(groups)) if meter is not None else None
    met_before, renderer.problems = renderer.problems, []  # each piece hands back what it met

    def render_and_write(index: int) -> tuple[Written, list[Problem]]:
        renderer.problems.clear()
        written = store.write(groups[index].files(), stamp)
        return written, list(renderer.problems)

    # post pages and media first, then the feeds and lists that link to them: a build that stops
    # half-way (a full disk) never leaves a new entry whose page is missing
    parts: list[tuple[Written, list[Problem]]] = []
    for linked in (True, False):
        chosen = [index for index, group in enumerate(groups) if group.linked is linked]
        lanes = [groups[index].lane for index in chosen]
        parts += fork_map(partial(_nth, render_and_write, chosen), len(chosen), workers, lanes, done)
    renderer.problems = met_before
    # two workers may both meet a post that cannot be rendered: report it once
    problems = list(dict.fromkeys(problem for _written, met in parts for problem in met))
    return store.commit([written for written, _met in parts], stamp), problems


def _nth(task: Callable[[int], T], indexes: list[int], k: int) -> T:
    """`task` on the k-th of `indexes` (a fork_map task over a chosen part of the groups)."""
    return task(indexes[k])

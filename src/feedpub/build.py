"""build(settings, now): posts/ → {path: bytes} for feeds/, plus the problems met on the way.

The clock is a parameter: which posts are visible depends on `now`, but no output contains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

from .config import Settings
from .model import FeedKey, Post, Problem, Scope, status_at
from .posts import SourceFile, load_posts, scan
from .render import atom, jsonfeed, opml, rss
from .render.common import FEED_FILES, EntryContext, feed_spec
from .render.pages import render_pages
from .taxonomy import Taxonomy, build_taxonomy

RENDERERS: dict[str, ModuleType] = {"rss": rss, "atom": atom, "json": jsonfeed}
OPML_PATH = "opml.xml"


@dataclass
class BuildResult:
    """What one build produced: the output files, the posts and every problem."""

    files: dict[str, bytes]
    posts: list[Post]
    problems: list[Problem]
    taxonomy: Taxonomy
    sources: list[SourceFile] = field(default_factory=list)

    def counts(self, now: datetime) -> dict[str, int]:
        """Posts by status at `now`."""
        counts = {"published": 0, "draft": 0, "scheduled": 0, "expired": 0}
        for post in self.posts:
            counts[status_at(post, now).value] += 1
        return counts


def render_files(
    posts: list[Post], settings: Settings, now: datetime, problems: list[Problem] | None = None
) -> tuple[dict[str, bytes], Taxonomy]:
    """Every feed of every scope in every configured format, and the OPML list of them.

    An entry a renderer rejects (it should not happen: every text is cleaned on the way in) is left
    out of that format's feeds and reported, instead of failing the whole build.
    """
    problems = [] if problems is None else problems
    taxonomy = build_taxonomy(posts, now)
    ctx = EntryContext(settings, taxonomy)
    ordered: list[tuple[FeedKey, tuple[Post, ...]]] = [
        (FeedKey(Scope.SITE), taxonomy.scopes[FeedKey(Scope.SITE)])
    ]
    ordered += taxonomy.terms(Scope.CATEGORY) + taxonomy.terms(Scope.TAG)
    specs = [feed_spec(key, members, settings) for key, members in ordered]
    files: dict[str, bytes] = {}
    for fmt in settings.feeds.formats:
        renderer = RENDERERS[fmt]
        entries: dict[str, bytes | None] = {}
        for spec in specs:
            rendered = []
            for post in spec.posts:
                if post.id not in entries:
                    entries[post.id] = _render_entry(renderer, post, ctx, fmt, problems)
                entry = entries[post.id]
                if entry is not None:
                    rendered.append(entry)
            files[spec.key.path + FEED_FILES[fmt]] = renderer.render_feed(spec, rendered, ctx)
    files[OPML_PATH] = opml.render_opml(settings.site.title, specs, settings.feeds.formats)
    files.update(render_pages(taxonomy, settings))
    return files, taxonomy


def _render_entry(
    renderer: ModuleType, post: Post, ctx: EntryContext, fmt: str, problems: list[Problem]
) -> bytes | None:
    try:
        data: bytes = renderer.render_entry(post, ctx)
        return data
    except (ValueError, TypeError) as exc:
        problems.append(Problem(post.source, f"left out of {fmt} feeds: {exc}"))
        return None


def build(
    settings: Settings,
    now: datetime,
    progress: Callable[[list[SourceFile]], list[SourceFile]] | None = None,
) -> BuildResult:
    """Scan, read and render; `progress` may wrap the file list (a progress bar) and must return it."""
    problems: list[Problem] = []
    sources = scan(settings.posts_dir, problems)
    posts, post_problems = load_posts(progress(sources) if progress else sources, settings)
    files, taxonomy = render_files(posts, settings, now, post_problems)
    return BuildResult(files, posts, problems + post_problems, taxonomy, sources)

"""A post of a Jekyll or Hugo site: the generator's facts (permalink, dates, draft, terms,
front matter with defaults or cascade) taken as given, and feedpub's own reading of the rest
(title, summary, image, author, body).

Where the generator ignores a value, so does feedpub: a key of the wrong type that only feedpub
reads (a Chirpy site's `lastmod: true` default, say) is a warning on a published post, never a
reason to leave the post out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import PurePosixPath
from typing import TypeVar

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import Author, Post, Problem, Status
from feedpub.read.body import render_body, render_parts
from feedpub.read.dialect_rules import MARKDOWN_SUFFIXES, RULES
from feedpub.read.dialects import entry_id, name_slug_and_date, own_media, slug_and_title
from feedpub.read.facts import JEKYLL, PostFacts
from feedpub.read.fields import first_author, first_date, first_image, term_list
from feedpub.read.front_matter import FrontMatter
from feedpub.read.site_summary import hugo_is_cjk, hugo_summary, jekyll_summary
from feedpub.read.templates import Expanded, expand
from feedpub.read.urls import absolute_url
from feedpub.sites.hugo_site import HugoSite

T = TypeVar("T")
# the keys the generator's own feed takes an entry's update time from
_UPDATED_KEYS = {JEKYLL: ("last_modified_at",)}


def normalise_site_post(front_matter: FrontMatter, source: str, settings: Settings, facts: PostFacts) -> Post:
    """The Post, or PostError when the body cannot be rendered at all."""
    warnings: list[Problem] = []

    def lenient(read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except PostError as exc:
            warnings.append(Problem(source, f"{exc.message} (ignored)", exc.line, warning=True))
            return default

    path, rules, meta = PurePosixPath(source), RULES[facts.dialect], facts.meta
    name_slug, _name_date = name_slug_and_date(path, settings.tz)
    slug, title = lenient(lambda: slug_and_title(meta, name_slug, None, settings), (name_slug, name_slug))
    updated = facts.updated or lenient(lambda: _updated(facts, settings), None) or facts.published
    terms = {"categories": list(facts.categories), "tags": list(facts.tags)}
    url, is_markdown = facts.url, path.suffix.lower() in MARKDOWN_SUFFIXES
    expanded = expand(front_matter, source, settings, facts)  # template code first, as the generator
    warnings += expanded.warnings
    rendered = render_parts(
        expanded.text, is_markdown, url, settings.limits.max_html_depth, None, expanded.restore
    )
    content_html = rendered[0]
    summary = lenient(lambda: _summary(front_matter, source, settings, facts, expanded, rendered), "")
    legacy = facts.dialect in settings.legacy_urls
    image: str | None = lenient(lambda: first_image(meta, rules.image, url), None)
    author: Author | None = lenient(lambda: first_author(meta, settings.post_base), None)
    return Post(
        id=entry_id(meta, absolute_url(facts.generator_id, url) if legacy else url),
        url=url,
        slug=slug,
        title=title,
        published=facts.published,
        updated=max(updated, facts.published),
        categories=term_list(terms, ("categories",), frozenset(), settings),
        tags=term_list(terms, ("tags",), frozenset(), settings),
        summary=summary,
        body=content_html,
        image=image,
        media=own_media(content_html, image, settings),
        author=author,
        status=Status.DRAFT if facts.draft else Status.PUBLISHED,
        source=source,
        dialect=facts.dialect,
        expires=facts.expires,
        available=facts.available,
        warnings=_first_warnings(warnings, source),
    )


MAX_WARNINGS = 100  # per post: a hostile page can make tens of thousands (one per broken tag)


def _first_warnings(warnings: list[Problem], source: str) -> tuple[Problem, ...]:
    """The first MAX_WARNINGS warnings, and one line counting the rest."""
    if len(warnings) <= MAX_WARNINGS:
        return tuple(warnings)
    rest = Problem(source, f"{len(warnings) - MAX_WARNINGS} more warnings like these", None, warning=True)
    return (*warnings[:MAX_WARNINGS], rest)


def _summary(
    front_matter: FrontMatter,
    source: str,
    settings: Settings,
    facts: PostFacts,
    expanded: Expanded,
    rendered: tuple[str, str | None],
) -> str:
    """The summary from the text the generator's own feed picks (read.site_summary)."""
    is_markdown = source.lower().endswith(MARKDOWN_SUFFIXES)
    depth, length = settings.limits.max_html_depth, settings.feeds.summary_length
    content_html, more_html = rendered

    def render_given(text: str) -> str:
        part = FrontMatter(front_matter.format, front_matter.metadata, text, front_matter.body_line)
        done = expand(part, source, settings, facts)
        return render_body(done.text, is_markdown, facts.url, depth, done.restore)

    if facts.dialect == JEKYLL:
        return jekyll_summary(
            facts.meta,
            expanded.text,
            facts.excerpt_separator,
            content_html,
            lambda text: render_body(text, is_markdown, facts.url, depth, expanded.restore),
            render_given,
            length,
        )
    site = settings.profile
    words, cjk = 70, False
    if isinstance(site, HugoSite):
        words, cjk = site.summary_length, hugo_is_cjk(facts.meta, front_matter.body, site.has_cjk_language)
    return hugo_summary(facts.meta, more_html, content_html, render_given, words, cjk, length)


def _updated(facts: PostFacts, settings: Settings) -> datetime | None:
    """The update time the generator's own feed shows (jekyll-feed: `last_modified_at`; Hugo's
    `lastmod` chain is already in the facts)."""
    keys = _UPDATED_KEYS.get(facts.dialect, ())
    return first_date(facts.meta, keys, settings) if keys else None

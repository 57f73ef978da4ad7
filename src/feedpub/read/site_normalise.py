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
from feedpub.read.body import render_parts
from feedpub.read.dialect_rules import MARKDOWN_SUFFIXES, RULES
from feedpub.read.dialects import entry_id, name_slug_and_date, own_media, slug_and_title, summary
from feedpub.read.facts import JEKYLL, PostFacts
from feedpub.read.fields import first_author, first_date, first_image, term_list
from feedpub.read.front_matter import FrontMatter
from feedpub.read.templates import expand
from feedpub.read.urls import absolute_url

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

    path = PurePosixPath(source)
    rules = RULES[facts.dialect]
    meta = facts.meta
    name_slug, _name_date = name_slug_and_date(path, settings.tz)
    slug, title = lenient(lambda: slug_and_title(meta, name_slug, None, settings), (name_slug, name_slug))
    updated = facts.updated or lenient(lambda: _updated(facts, settings), None) or facts.published
    terms = {"categories": list(facts.categories), "tags": list(facts.tags)}
    url = facts.url
    is_markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    content_html, more_html = _content(front_matter, source, settings, facts, is_markdown, warnings)
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
        summary=lenient(
            lambda: summary(meta, rules, is_markdown, content_html, more_html, url, settings), ""
        ),
        body=content_html,
        image=image,
        media=own_media(content_html, image, settings),
        author=author,
        status=Status.DRAFT if facts.draft else Status.PUBLISHED,
        source=source,
        dialect=facts.dialect,
        expires=facts.expires,
        available=facts.available,
        warnings=tuple(warnings),
    )


def _content(
    front_matter: FrontMatter,
    source: str,
    settings: Settings,
    facts: PostFacts,
    is_markdown: bool,
    warnings: list[Problem],
) -> tuple[str, str | None]:
    """The body as safe HTML, template code run first (its warnings added to `warnings`), and
    the part before the excerpt marker."""
    expanded = expand(front_matter, source, settings, facts)
    warnings += expanded.warnings
    depth = settings.limits.max_html_depth
    return render_parts(
        expanded.text, is_markdown, facts.url, depth, facts.excerpt_separator, expanded.restore
    )


def _updated(facts: PostFacts, settings: Settings) -> datetime | None:
    """The update time the generator's own feed shows (jekyll-feed: `last_modified_at`; Hugo's
    `lastmod` chain is already in the facts)."""
    keys = _UPDATED_KEYS.get(facts.dialect, ())
    return first_date(facts.meta, keys, settings) if keys else None

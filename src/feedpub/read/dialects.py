"""Jekyll and Hugo front matter → one canonical Post ("The post model" in docs/architecture.md).

Each dialect is a table of which keys feed which field; the readers in `fields` check types and
raise PostError naming the key. `normalise` runs the steps below in a fixed order, so a file
with several bad keys always reports the same one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC as _UTC
from datetime import datetime, tzinfo
from pathlib import PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import quote

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import Post, Status, Term
from feedpub.read.body import render_body, render_parts
from feedpub.read.dates import file_name_date
from feedpub.read.dialect_rules import MARKDOWN_SUFFIXES, RULES, DialectRules, detect_dialect
from feedpub.read.facts import HUGO
from feedpub.read.fields import (
    date_value,
    expand_permalink,
    first_author,
    first_date,
    first_image,
    flag_value,
    given_text,
    post_url,
    term_list,
)
from feedpub.read.front_matter import FrontMatter
from feedpub.read.media import media_paths
from feedpub.read.sanitize import strip_xml_forbidden
from feedpub.read.summary import cut_summary, first_paragraph_text, html_to_text
from feedpub.read.terms import post_slug

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# ---- the canonical post -----------------------------------------------------------------------


def normalise(
    front_matter: FrontMatter,
    source: str,
    settings: Settings,
    slug_override: str | None = None,
) -> Post:
    """Turn one parsed file into a Post, or raise PostError saying which key is wrong and why.

    `slug_override` is how the scan gives a post a free slug when its own is already taken.
    (A post of a Jekyll or Hugo site is read by `read.site_normalise` instead.)
    """
    path = PurePosixPath(source)  # once: four of them were a tenth of a post's normalising
    dialect = detect_dialect(front_matter, path.name)
    rules = RULES[dialect]
    raw = front_matter.metadata
    meta: Mapping[str, Any] = {k.lower(): v for k, v in raw.items()} if dialect == HUGO else raw
    name_slug, name_date = name_slug_and_date(path, settings.tz)
    dates = _dates(meta, dialect, rules, settings, name_date)
    draft = _is_draft(meta)
    slug, title = slug_and_title(meta, name_slug, slug_override, settings)
    categories, tags = _categories_and_tags(meta, dialect, rules, settings)
    url = _url(meta, rules, slug, dates.published, categories, settings.post_base)
    post_id = entry_id(meta, url)
    is_markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    content_html, more_html = _render(front_matter.body, meta, is_markdown, url, settings)
    return Post(
        id=post_id,
        url=url,
        slug=slug,
        title=title,
        published=dates.published,
        updated=dates.updated,
        categories=categories,
        tags=tags,
        summary=summary(meta, rules, is_markdown, content_html, more_html, url, settings),
        body=content_html,
        image=(image := first_image(meta, rules.image, url)),
        media=own_media(content_html, image, settings),
        author=first_author(meta, settings.post_base),
        status=Status.DRAFT if draft else Status.PUBLISHED,
        source=source,
        dialect=dialect,
        expires=dates.expires,
        available=dates.available,
    )


def name_slug_and_date(path: PurePosixPath, tz: tzinfo) -> tuple[str, datetime | None]:
    """The slug and date a file's name gives (`2024-05-01-slug.md`, or a bundle's `slug/index.md`)."""
    stem = path.stem
    if stem in ("index", "README") and path.parent.name:
        stem = path.parent.name
    dated = file_name_date(stem, _UTC)
    if dated is not None:
        return dated[1], dated[0].replace(tzinfo=tz)
    return stem, None


class _Dates(NamedTuple):
    published: datetime
    updated: datetime  # never before `published`
    available: datetime | None  # Hugo's publish date, only when later than `published`
    expires: datetime | None


def _dates(
    meta: Mapping[str, Any], dialect: str, rules: DialectRules, settings: Settings, name_date: datetime | None
) -> _Dates:
    """The post's dates from the dialect's keys; the file name's date when no key gives one."""
    published = first_date(meta, rules.date, settings) or name_date
    if published is None:
        raise PostError("no date: set `date` in the front matter (or name the file YYYY-MM-DD-slug.md)")
    available = date_value(meta, "publishdate", settings) if dialect == HUGO else None
    if dialect == HUGO and available is None and not isinstance(meta.get("published"), bool):
        available = date_value(meta, "published", settings)
    updated = first_date(meta, rules.updated, settings) or published
    updated = max(updated, published)
    expires = None
    if dialect == HUGO:
        expires = date_value(meta, "expirydate", settings) or date_value(meta, "unpublishdate", settings)
    return _Dates(published, updated, available if available and available > published else None, expires)


def _is_draft(meta: Mapping[str, Any]) -> bool:
    """Hugo's `draft: true` or Jekyll's `published: false` (a `published` date is no flag)."""
    draft = "draft" in meta and meta["draft"] is not None and flag_value(meta["draft"], "draft")
    if (
        "published" in meta
        and isinstance(meta["published"], bool | str)
        and not _looks_like_date(meta["published"])
    ):
        draft = draft or not flag_value(meta["published"], "published")
    return draft


def slug_and_title(
    meta: Mapping[str, Any], name_slug: str, slug_override: str | None, settings: Settings
) -> tuple[str, str]:
    """The slug (the scan's free one, else `slug`, else the file name's) and the title (else one
    made from the file name, else the slug)."""
    given_slug = given_text(meta, "slug")
    slug = slug_override or post_slug(given_slug if given_slug else name_slug)
    title = " ".join((given_text(meta, "title") or "").split())
    title = title[: settings.limits.max_title_length] or name_slug.replace("-", " ").strip() or slug
    return slug, strip_xml_forbidden(title)


def _categories_and_tags(
    meta: Mapping[str, Any], dialect: str, rules: DialectRules, settings: Settings
) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """The terms of the keys `taxonomies.categories` and `taxonomies.tags` name."""
    categories = term_list(
        meta, _lower(settings.taxonomies.categories, dialect), rules.split_strings, settings
    )
    tags = term_list(meta, _lower(settings.taxonomies.tags, dialect), rules.split_strings, settings)
    return categories, tags


def _url(
    meta: Mapping[str, Any],
    rules: DialectRules,
    slug: str,
    published: datetime,
    categories: tuple[Term, ...],
    base: str,
) -> str:
    """The first permalink key given (Jekyll placeholders expanded), else `posts/<slug>/`."""
    for key in rules.url:
        given = given_text(meta, key)
        if given is not None:
            return post_url(expand_permalink(given, slug, published, categories), key, base)
    return base + "posts/" + quote(slug, safe="") + "/"


def entry_id(meta: Mapping[str, Any], url: str) -> str:
    """`id` or `guid` (a URN unless it has a scheme), else the post's URL."""
    for key in ("id", "guid"):
        given = given_text(meta, key)
        if given is not None:
            return given if _SCHEME.match(given) else "urn:feedpub:" + quote(given, safe="")
    return url


def _render(
    body: str, meta: Mapping[str, Any], is_markdown: bool, url: str, settings: Settings
) -> tuple[str, str | None]:
    """The body as safe HTML, and the part before `excerpt_separator` (or `<!--more-->`), if any."""
    separator = meta.get("excerpt_separator")
    return render_parts(
        body,
        is_markdown,
        url,
        settings.limits.max_html_depth,
        separator if isinstance(separator, str) and separator else None,
    )


def _lower(keys: tuple[str, ...], dialect: str) -> tuple[str, ...]:
    return tuple(k.lower() for k in keys) if dialect == HUGO else keys


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", value) is not None


def summary(
    meta: Mapping[str, Any],
    rules: DialectRules,
    is_markdown: bool,
    content_html: str,
    more_html: str | None,
    url: str,
    settings: Settings,
) -> str:
    """Explicit summary keys first, then the part before `<!--more-->`, then first paragraph or auto."""
    length = settings.feeds.summary_length
    for key in rules.summary:
        given = given_text(meta, key)
        if given is not None:
            rendered = render_body(given, is_markdown, url, settings.limits.max_html_depth)
            return cut_summary(html_to_text(rendered), length * 4)
    if more_html:
        return cut_summary(html_to_text(more_html), length * 4)
    if rules.summary_from_first_paragraph:
        return cut_summary(first_paragraph_text(content_html), length)
    return cut_summary(html_to_text(content_html), length)


def own_media(content_html: str, image: str | None, settings: Settings) -> tuple[str, ...]:
    """The media the post links to on feedpub's host, when feedpub is the site (else none)."""
    base = settings.site.base_url
    return media_paths(content_html, image, base) if settings.post_base == base else ()

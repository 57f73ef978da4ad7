"""Jekyll and Hugo front matter → one canonical Post (the table in DESIGN.md §3).

Each dialect is a table of which keys feed which field; coercers check types and raise PostError
naming the key, so `tags: {a: 1}` or `date: [1]` is a clear problem, not a crash or a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import Author, Post, Status, Term, shared_term
from feedpub.read.body import render_body, render_parts
from feedpub.read.dates import DateError, file_name_date, parse_date
from feedpub.read.front_matter import FrontMatter
from feedpub.read.sanitize import strip_xml_forbidden
from feedpub.read.summary import cut_summary, first_paragraph_text, html_to_text
from feedpub.read.terms import clean_name, post_slug, term_key
from feedpub.read.urls import safe_url

JEKYLL, HUGO = "jekyll", "hugo"
MARKDOWN_SUFFIXES = (".md", ".markdown")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# `[^\S\n]*`, not `\s*`: from every line start `\s*` ran across all the blank lines after it, so a
# summary of many blank lines cost time quadratic in their number.
_MARKUP = re.compile(r"[<>&*_`\[\]!\\#~|]|^[^\S\n]*[-+>=]|^[^\S\n]*\d+[.)]", re.MULTILINE)
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")
# URL paths a post may not claim: they are the site's own pages and feeds.
_RESERVED_NAMES = ("rss.xml", "atom.xml", "feed.json", "opml.xml", "manifest.json")


@dataclass(frozen=True)
class DialectRules:
    """Where each canonical field comes from in one dialect."""

    date: tuple[str, ...]
    updated: tuple[str, ...]
    summary: tuple[str, ...]
    url: tuple[str, ...]
    image: tuple[str, ...]
    split_strings: frozenset[str]  # term keys whose string values are space-separated lists
    summary_from_first_paragraph: bool


RULES = {
    JEKYLL: DialectRules(
        date=("date",),
        updated=("last_modified_at", "last_modified", "updated", "lastmod"),
        summary=("excerpt", "description", "summary"),
        url=("permalink", "url"),
        image=("image", "featured_image", "images", "cover"),
        split_strings=frozenset({"categories", "tags"}),
        summary_from_first_paragraph=True,
    ),
    HUGO: DialectRules(
        date=("date", "publishdate", "pubdate", "published"),
        updated=("lastmod", "modified", "last_modified_at"),
        summary=("summary", "description", "excerpt"),
        url=("url", "permalink"),
        image=("featured_image", "images", "image", "cover"),
        split_strings=frozenset(),
        summary_from_first_paragraph=False,
    ),
}


def detect_dialect(front_matter: FrontMatter, file_name: str) -> str:
    """Score the signals of each dialect; a dated Jekyll file name breaks ties."""
    meta = front_matter.metadata
    keys = {k.lower() for k in meta}
    if front_matter.format in ("toml", "json"):
        return HUGO
    jekyll = hugo = 0
    dated_name = file_name_date(PurePosixPath(file_name).stem, _UTC) is not None
    jekyll += 3 * dated_name + 2 * ("layout" in keys) + 2 * isinstance(meta.get("published"), bool)
    jekyll += isinstance(meta.get("categories"), str) + isinstance(meta.get("tags"), str)
    hugo_keys = {"draft", "lastmod", "publishdate", "expirydate", "summary", "main_topics", "featured_image"}
    hugo += 2 * len(keys & hugo_keys)
    date = meta.get("date")
    if isinstance(date, str) and re.match(r"\s*\d{4}-\d{1,2}-\d{1,2} +\d", date):
        jekyll += 2
    elif isinstance(date, datetime) or (isinstance(date, str) and "T" in date):
        hugo += 2
    return JEKYLL if jekyll > hugo or (jekyll == hugo and dated_name) else HUGO


# ---- coercers --------------------------------------------------------------------------------


def _text(value: Any, key: str) -> str:
    """Text, or a number written as text; anything else (lists, sets, bytes, booleans) is an error."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PostError(f"{key}: expected text, got {type(value).__name__}")
    return strip_xml_forbidden(str(value))


def _given(meta: Mapping[str, Any], key: str) -> str | None:
    """The stripped text of `key`, or None when it is absent, empty or only whitespace."""
    value = meta.get(key)
    if value is None:
        return None
    text = _text(value, key).strip()
    return text or None


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    words = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    raise PostError(f"{key}: expected true or false, got {value!r}"[:200])


def _date(meta: Mapping[str, Any], key: str, settings: Settings) -> datetime | None:
    if key not in meta or meta[key] in (None, ""):
        return None
    try:
        return parse_date(meta[key], settings.tz)
    except DateError as exc:
        raise PostError(f"{key}: {exc}") from exc


def _first_date(meta: Mapping[str, Any], keys: tuple[str, ...], settings: Settings) -> datetime | None:
    for key in keys:
        if key == "published" and isinstance(meta.get(key), bool):
            continue
        moment = _date(meta, key, settings)
        if moment is not None:
            return moment
    return None


def _terms(
    meta: Mapping[str, Any], keys: tuple[str, ...], rules: DialectRules, settings: Settings
) -> tuple[Term, ...]:
    """Collect terms from every mapped key, first spelling of each key wins, bounded in count."""
    limit = settings.limits
    seen: dict[str, Term] = {}
    for field_key in keys:
        value = meta.get(field_key)
        if value is None:
            continue
        if isinstance(value, str):
            names = value.split() if field_key in rules.split_strings else [value]
        elif isinstance(value, list):
            names = []
            for item in value:
                if item is None:  # `- ` with nothing after it
                    continue
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise PostError(f"{field_key}: expected a list of names, found {type(item).__name__}")
                names.append(str(item))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            names = [str(value)]
        else:
            raise PostError(f"{field_key}: expected a name or a list of names, got {type(value).__name__}")
        for raw in names:
            name = clean_name(strip_xml_forbidden(raw))[: limit.max_term_length].strip()
            key = term_key(name)
            if key and key not in seen:
                if len(seen) >= limit.max_terms_per_post:
                    raise PostError(
                        f"{field_key}: more than {limit.max_terms_per_post} terms (limits.max_terms_per_post)"
                    )
                seen[key] = shared_term(key, name)
    return tuple(seen.values())


def _image(meta: Mapping[str, Any], keys: tuple[str, ...], base: str) -> str | None:
    """The first image given, as an absolute http(s) URL; other schemes (data:, javascript:) give none."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("path") or value.get("image") or value.get("src") or value.get("url")
        if isinstance(value, str) and value.strip():
            return safe_url(strip_xml_forbidden(value.strip()), base)
    return None


def _author(meta: Mapping[str, Any], base: str) -> Author | None:
    value = meta.get("author", meta.get("authors"))
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and name.strip():
            email, url = value.get("email"), value.get("url")
            email = email.strip() if isinstance(email, str) else ""
            return Author(
                clean_name(strip_xml_forbidden(name)),
                email if _EMAIL.match(email) is not None else None,
                safe_url(strip_xml_forbidden(url), base) if isinstance(url, str) and url.strip() else None,
            )
        return None
    if isinstance(value, str) and value.strip():
        return Author(clean_name(strip_xml_forbidden(value)))
    return None


# ---- the canonical post -----------------------------------------------------------------------


def _source_slug(path: PurePosixPath) -> tuple[str, datetime | None]:
    stem = path.stem
    if stem in ("index", "README") and path.parent.name:
        stem = path.parent.name
    dated = file_name_date(stem, _UTC)
    if dated is not None:
        return dated[1], dated[0]
    return stem, None


def _expand_permalink(pattern: str, slug: str, published: datetime, categories: tuple[Term, ...]) -> str:
    """Jekyll permalink placeholders (`/:categories/:year/:month/:day/:title/`), for migrated sites."""
    values = {
        "year": f"{published.year:04d}",
        "month": f"{published.month:02d}",
        "day": f"{published.day:02d}",
        "i_month": str(published.month),
        "i_day": str(published.day),
        "hour": f"{published.hour:02d}",
        "minute": f"{published.minute:02d}",
        "second": f"{published.second:02d}",
        "title": slug,
        "slug": slug,
        "categories": "/".join(quote(t.key, safe="") for t in categories),
        "output_ext": ".html",
    }
    whole_url = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/]*", pattern)
    authority = whole_url.group(0) if whole_url else ""
    path = pattern[len(authority) :]
    expanded = re.sub(
        r":(i_month|i_day|output_ext|[a-z]+)", lambda m: values.get(m.group(1), m.group(0)), path
    )
    return authority + re.sub(r"/{2,}", "/", expanded)


def normalise(
    front_matter: FrontMatter, source: str, settings: Settings, slug_override: str | None = None
) -> Post:
    """Turn one parsed file into a Post, or raise PostError saying which key is wrong and why.

    `slug_override` is how the scan gives a post a free slug when its own is already taken.
    """
    path = PurePosixPath(source)  # once: four of them were a tenth of a post's normalising
    dialect = detect_dialect(front_matter, path.name)
    rules = RULES[dialect]
    raw = front_matter.metadata
    meta: Mapping[str, Any] = {k.lower(): v for k, v in raw.items()} if dialect == HUGO else raw
    name_slug, name_date = _source_slug(path)
    if name_date is not None:
        name_date = name_date.replace(tzinfo=settings.tz)

    published = _first_date(meta, rules.date, settings) or name_date
    if published is None:
        raise PostError("no date: set `date` in the front matter (or name the file YYYY-MM-DD-slug.md)")
    available = _date(meta, "publishdate", settings) if dialect == HUGO else None
    if dialect == HUGO and available is None and not isinstance(meta.get("published"), bool):
        available = _date(meta, "published", settings)
    updated = _first_date(meta, rules.updated, settings) or published
    updated = max(updated, published)
    expires = None
    if dialect == HUGO:
        expires = _date(meta, "expirydate", settings) or _date(meta, "unpublishdate", settings)

    draft = "draft" in meta and meta["draft"] is not None and _flag(meta["draft"], "draft")
    if (
        "published" in meta
        and isinstance(meta["published"], bool | str)
        and not _looks_like_date(meta["published"])
    ):
        draft = draft or not _flag(meta["published"], "published")

    given_slug = _given(meta, "slug")
    slug = slug_override or post_slug(given_slug if given_slug else name_slug)
    title = " ".join((_given(meta, "title") or "").split())
    title = title[: settings.limits.max_title_length] or name_slug.replace("-", " ").strip() or slug
    title = strip_xml_forbidden(title)

    categories = _terms(meta, _lower(settings.taxonomies.categories, dialect), rules, settings)
    tags = _terms(meta, _lower(settings.taxonomies.tags, dialect), rules, settings)

    base = settings.site.base_url
    url = base + "posts/" + quote(slug, safe="") + "/"
    for key in rules.url:
        given = _given(meta, key)
        if given is not None:
            url = _post_url(_expand_permalink(given, slug, published, categories), key, base)
            break
    post_id = url
    for key in ("id", "guid"):
        given = _given(meta, key)
        if given is not None:
            post_id = given if _SCHEME.match(given) else "urn:feedpub:" + quote(given, safe="")
            break

    is_markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    separator = meta.get("excerpt_separator")
    content_html, more_html = render_parts(
        front_matter.body,
        is_markdown,
        url,
        settings.limits.max_html_depth,
        separator if isinstance(separator, str) and separator else None,
    )
    summary = _summary(meta, rules, is_markdown, content_html, more_html, url, settings)

    return Post(
        id=post_id,
        url=url,
        slug=slug,
        title=title,
        published=published,
        updated=updated,
        categories=categories,
        tags=tags,
        summary=summary,
        body=content_html,
        image=_image(meta, rules.image, url),
        author=_author(meta, base),
        status=Status.DRAFT if draft else Status.PUBLISHED,
        source=source,
        dialect=dialect,
        expires=expires,
        available=available if available and available > published else None,
    )


def _post_url(given: str, key: str, base: str) -> str:
    """An absolute http(s) permalink that is not one of the site's own pages or feeds."""
    url = safe_url(given, base)
    if url is None:
        raise PostError(f"{key}: expected an http(s) URL or a path, got {given!r}"[:200])
    path = urlsplit(url).path
    if url.rstrip("/") == base.rstrip("/") or path.rsplit("/", 1)[-1] in _RESERVED_NAMES:
        raise PostError(f"{key}: {given!r} is the address of the site's own home page or feeds")
    return url


def _lower(keys: tuple[str, ...], dialect: str) -> tuple[str, ...]:
    return tuple(k.lower() for k in keys) if dialect == HUGO else keys


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"\s*\d{4}-\d{1,2}-\d{1,2}", value) is not None


def _summary(
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
        given = _given(meta, key)
        if given is not None:
            if not _MARKUP.search(given):  # plain text, as summaries usually are: nothing to render
                return cut_summary(given, length * 4)
            rendered = render_body(given, is_markdown, url, settings.limits.max_html_depth)
            return cut_summary(html_to_text(rendered), length * 4)
    if more_html:
        return cut_summary(html_to_text(more_html), length * 4)
    if rules.summary_from_first_paragraph:
        return cut_summary(first_paragraph_text(content_html), length)
    return cut_summary(html_to_text(content_html), length)

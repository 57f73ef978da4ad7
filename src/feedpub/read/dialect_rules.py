"""The two dialects of a plain posts/ folder: which front-matter keys feed which field, and
which dialect a file is written in (a Jekyll or Hugo site says so itself: read.site_posts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC as _UTC
from datetime import datetime
from pathlib import PurePosixPath

from feedpub.read.dates import file_name_date
from feedpub.read.facts import HUGO, JEKYLL
from feedpub.read.front_matter import FrontMatter

MARKDOWN_SUFFIXES = (".md", ".markdown")


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

"""PostFacts: what a site's generator decides about one post (read.site_posts computes them,
dialects.normalise takes them as given instead of applying feedpub's own rules)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

JEKYLL, HUGO = "jekyll", "hugo"


@dataclass(frozen=True)
class PostFacts:
    """What the site's generator decides about one post; `normalise` takes these as given."""

    dialect: str
    meta: Mapping[str, Any]  # front matter with the site's defaults (Jekyll) or cascade (Hugo)
    url: str  # absolute: where the post is published
    published: datetime
    updated: datetime | None  # None: from the dialect's keys in `meta`
    available: datetime | None
    expires: datetime | None
    draft: bool
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    generator_id: str  # the id the generator's own feed gives the entry (jekyll-feed's <id>)
    excerpt_separator: str | None = None
    refs: str = ""  # for a post with Hugo `ref`/`relref`: the page index's fingerprint (read.hugo_refs)

    def fingerprint(self) -> str:
        """Changes whenever the facts do: a post is read again when its facts change, even if
        its file did not (an `_index.md` cascade, another file's section)."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]

"""The feed URLs of the tools a site moves from, answered with 301 to feedpub's own feeds, so
no subscriber is lost with the move (config `legacy_urls: [jekyll, hugo]`).

jekyll-feed publishes Atom at `/feed.xml`, `/feed/<category>.xml` and `/feed/by_tag/<tag>.xml`;
Hugo publishes RSS at `/index.xml`, `/categories/<term>/index.xml` and `/tags/<term>/index.xml`.
Each goes to the same format here. A term is found by its key (case, width and spacing as
feedpub merges them), so `/tags/Machine Learning/index.xml`, Hugo's `/tags/machine-learning/…`
and feedpub's own slug all land on one feed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from feedpub.read.terms import raw_slug, term_key

_JEKYLL_TAG = re.compile(r"feed/by_tag/([^/]+)\.xml")
_JEKYLL_CATEGORY = re.compile(r"feed/([^/]+)\.xml")
_HUGO_TERM = re.compile(r"(categories|tags)/([^/]+)/index\.xml")


def legacy_target(path: str, tools: Iterable[str], exists: Callable[[str], bool]) -> str | None:
    """The feeds/-relative path of the feed a legacy URL path (no leading '/') stands for, when
    that tool's URLs are answered and the feed exists; else None."""
    tools = set(tools)
    wanted: list[str] = []
    if "jekyll" in tools:
        if path == "feed.xml":
            wanted.append("atom.xml")
        elif match := _JEKYLL_TAG.fullmatch(path):
            wanted.append(_term_feed("tags", match.group(1), "atom.xml"))
        elif match := _JEKYLL_CATEGORY.fullmatch(path):
            wanted.append(_term_feed("categories", match.group(1), "atom.xml"))
    if "hugo" in tools:
        if path == "index.xml":
            wanted.append("rss.xml")
        elif match := _HUGO_TERM.fullmatch(path):
            wanted.append(_term_feed(match.group(1), match.group(2), "rss.xml"))
    return next((target for target in wanted if exists(target)), None)


def _term_feed(scope: str, term: str, name: str) -> str:
    return f"{scope}/{raw_slug(term_key(term))}/{name}"

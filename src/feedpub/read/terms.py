"""Keys, display names and URL slugs of categories, tags and posts ("The post model" in
docs/architecture.md).

A key merges spellings readers consider the same (`AI芯片`, `ai芯片`, `ＡＩ芯片`); a slug is the key
made safe as one path segment, with Unicode kept. Slugs are unique within a set: where two keys
would share one, the keys that needed changes get a short hash of themselves appended, so the
result depends only on the set of keys, never on the order posts were read.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
_UNSAFE = re.compile(r"[\s/?#%\\]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_SLUG_BYTES = 120
# Names of files feedpub writes inside term and post directories: a slug may not be one of them.
RESERVED_SLUGS = frozenset({"index.html", "rss.xml", "atom.xml", "feed.json", "opml.xml", "manifest.json"})
# Zero-width joiner/non-joiner carry meaning (emoji sequences, Persian); other format characters
# (zero-width space, BOM, bidi marks, soft hyphen) are invisible and only split one term into two.
_KEEP_FORMAT = frozenset({"\u200c", "\u200d"})


def _drop_invisible(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in text if c in _KEEP_FORMAT or unicodedata.category(c) != "Cf")


# Only names this short are remembered: the caches hold at most 65 536 of them, and a hostile
# post (or a web request for /tags/<a megabyte>/) must not park megabyte strings there.
CACHED_NAME_LENGTH = 100


def _term_key(name: str) -> str:
    text = _drop_invisible(unicodedata.normalize("NFKC", name))
    text = _CONTROL.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip().casefold()


_cached_term_key = lru_cache(maxsize=1 << 16)(_term_key)  # names recur post after post (Zipf)


def term_key(name: str) -> str:
    """NFKC, trimmed, inner whitespace collapsed, casefolded."""
    return _cached_term_key(name) if len(name) <= CACHED_NAME_LENGTH else _term_key(name)


def _clean_name(name: str) -> str:
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", _drop_invisible(name))).strip()


_cached_clean_name = lru_cache(maxsize=1 << 16)(_clean_name)  # as term_key: the same few thousand


def clean_name(name: str) -> str:
    """A term's display spelling: whitespace collapsed, control characters gone, width kept."""
    return _cached_clean_name(name) if len(name) <= CACHED_NAME_LENGTH else _clean_name(name)


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def raw_slug(key: str) -> str:
    """The key as one safe path segment: separators and whitespace become '-', no leading dot."""
    slug = _UNSAFE.sub("-", key).strip("-").lstrip(".")
    encoded = slug.encode("utf-8")
    if len(encoded) > MAX_SLUG_BYTES:
        slug = encoded[: MAX_SLUG_BYTES - 9].decode("utf-8", "ignore").rstrip("-.") + "-" + _short_hash(key)
    if slug.lower() in RESERVED_SLUGS:
        slug = f"{slug}-{_short_hash(key)}"
    return slug or _short_hash(key)


def assign_slugs(keys: Iterable[str]) -> dict[str, str]:
    """Map every key to a slug unique within `keys`; the outcome does not depend on their order."""
    wanted = {key: raw_slug(key) for key in set(keys)}
    counts = Counter(wanted.values())
    slugs: dict[str, str] = {}
    for key, slug in wanted.items():
        if counts[slug] > 1 and slug != key:
            slug = f"{slug}-{_short_hash(key)}"
        slugs[key] = slug
    return slugs


def display_name(spellings: Counter[str]) -> str:
    """The most used spelling; ties go to the first in sorted order."""
    best = max(spellings.values())
    return min(name for name, count in spellings.items() if count == best)


def post_slug(text: str) -> str:
    """A post's slug from front matter or its file name: like a term slug, case kept."""
    text = _drop_invisible(unicodedata.normalize("NFKC", text))
    slug = _UNSAFE.sub("-", _CONTROL.sub(" ", text)).strip("-").lstrip(".")
    encoded = slug.encode("utf-8")
    if len(encoded) > MAX_SLUG_BYTES:
        slug = encoded[: MAX_SLUG_BYTES - 9].decode("utf-8", "ignore").rstrip("-.") + "-" + _short_hash(text)
    if slug.lower() in RESERVED_SLUGS:
        slug = f"{slug}-{_short_hash(text)}"
    return slug or _short_hash(text)

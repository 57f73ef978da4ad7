"""Hugo's `ref`/`relref` in a reader process: every published page's URL, indexed site-wide with
the facts (`read.site_posts.HugoFacts`) and handed to the reader processes once, through their
pool's initializer (or set around an in-process read), so a shortcode can find any page.

Pages are found as Hugo's `getPageRef` finds them (`sites.hugo_shortcode_refs`): `/path` from
the content folder; else relative to the current page's folder, then from the content folder,
then by the last part of the name when only one page has it. URLs are feedpub's: on `site.url`
beside a site, on feedpub's own host when it is the site.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from feedpub.sites.hugo import HugoPage, HugoSite, page_url
from feedpub.sites.hugo_shortcode_refs import ref_key

Resolve = Callable[[str, bool], "str | None"]


@dataclass(frozen=True)
class RefIndex:
    """Ref key → (root-relative URL, absolute URL); last name → the keys that end in it."""

    by_key: Mapping[str, tuple[str, str]]
    by_name: Mapping[str, tuple[str, ...]]
    fingerprint: str  # changes whenever a page's URL does: posts with refs are read again

    def resolver(self, source: str) -> Resolve:
        """`resolve(target, relative)` for the page at `source` (its path in the content folder)."""
        folder = posixpath.dirname(source)

        def resolve(target: str, relative: bool) -> str | None:
            key = ref_key(target)
            found = self.by_key.get(key) if target.startswith("/") else None
            if not target.startswith("/"):
                found = self.by_key.get(ref_key(posixpath.join(folder, target))) or self.by_key.get(key)
                named = self.by_name.get(key.rsplit("/", 1)[-1], ())
                found = found or (self.by_key[named[0]] if len(named) == 1 else None)
            if found is None:
                return None
            return found[0] if relative else found[1]

        return resolve


def ref_index(site: HugoSite, pages: Iterable[HugoPage], post_base: str) -> RefIndex:
    """The index of every published page in the site's default language."""
    by_key: dict[str, tuple[str, str]] = {}
    by_name: dict[str, list[str]] = {}
    for page in pages:
        if page.published and page.lang == site.default_content_language:
            key = ref_key(page.file)
            if key not in by_key:
                absolute = post_base + page_url(site, page).removeprefix(site.base_path).lstrip("/")
                by_key[key] = (urlsplit(absolute).path or "/", absolute)
                by_name.setdefault(key.rsplit("/", 1)[-1], []).append(key)
    digest = hashlib.sha256(repr(sorted(by_key.items())).encode("utf-8")).hexdigest()[:16]
    return RefIndex(by_key, {name: tuple(keys) for name, keys in by_name.items()}, digest)


# The index a reader process resolves with: set once per process by `use` (the read pool's
# initializer), like workers.fork_map's task, because passing it with each post would copy it
# ten thousand times.
_current: RefIndex | None = None


def use(index: RefIndex | None) -> None:
    """Make `index` the one this process resolves refs with (None: none)."""
    global _current
    _current = index


def current() -> RefIndex | None:
    return _current

"""A Jekyll or Hugo site's posts as its generator sees them: which files are posts, and for each
the facts the generator decides (permalink, dates, draft, terms, front matter with defaults or
cascade applied), handed to `dialects.normalise` as PostFacts.

Jekyll decides each post from its own file and the site's config, so `jekyll_facts` runs per
file in the reader pool. Hugo needs the whole content folder (sections, bundles, `_index.md`
cascades, which sections hold the posts), so `HugoFacts.update` reads every content file's front
matter first (kept between rescans by stat signature), then decides every page at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from feedpub.config import Settings
from feedpub.errors import PostError
from feedpub.model import ALWAYS
from feedpub.read.decode import decode
from feedpub.read.facts import HUGO, JEKYLL, PostFacts
from feedpub.read.front_matter import FrontMatter, has_front_matter, split
from feedpub.read.hugo_refs import RefIndex, ref_index
from feedpub.read.safe_read import read_inside
from feedpub.read.scan import DEFAULT_RULES, ScanRules, SourceFile
from feedpub.sites import hugo, jekyll
from feedpub.sites.jekyll_data import truthy
from feedpub.sites.jekyll_posts import filtered_out

HUGO_CONTENT = (".md", ".markdown", ".mdown", ".html", ".htm")


def scan_rules(settings: Settings) -> ScanRules:
    """feedpub's own rules, or the site generator's: which folders and files hold posts."""
    site = settings.profile
    if isinstance(site, jekyll.JekyllSite):
        return _jekyll_rules(site)
    if isinstance(site, hugo.HugoSite):
        return ScanRules(_hugo_enter, lambda source: source.lower().endswith(HUGO_CONTENT))
    return DEFAULT_RULES


def _jekyll_rules(site: jekyll.JekyllSite) -> ScanRules:
    def enter(folder: str) -> bool:
        base, _, name = folder.rpartition("/")
        return name in ("_posts", "_drafts") or filtered_out(site, "/" + base if base else "", name) is None

    return ScanRules(enter, lambda source: isinstance(jekyll.post_name(site, source), jekyll.PostName))


def _hugo_enter(folder: str) -> bool:
    name = folder.rsplit("/", 1)[-1]
    return not name.startswith((".", "#")) and not name.endswith("~")


# ---- Jekyll: one file at a time ----------------------------------------------------------------


def jekyll_facts(settings: Settings, source: str, text: str, path: str) -> PostFacts:
    """The post a file of a Jekyll site is, as Jekyll computes it (PostError when it is none)."""
    site = settings.profile
    assert isinstance(site, jekyll.JekyllSite)
    name = jekyll.post_name(site, source)
    if not isinstance(name, jekyll.PostName):
        raise PostError(f"not a post to Jekyll: {name.reason}")
    try:
        front_matter = jekyll.load_front_matter(text)  # typed as Jekyll's Psych types it
    except Exception as exc:  # feedpub's own reading of the same block passed: report, never crash
        raise PostError(f"YAML front matter, read as Jekyll reads it: {exc}"[:300]) from exc
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC) if name.date is None else None
    post = jekyll.jekyll_post(site, name, front_matter, mtime)
    data = post.data
    draft = "published" in data and not truthy(data["published"]) and not site.unpublished
    return PostFacts(
        dialect=JEKYLL,
        meta=data,
        url=settings.post_base + post.url.lstrip("/"),
        published=post.date,
        updated=None,
        available=ALWAYS if site.future else None,  # `future: true` publishes future dates at once
        expires=None,
        draft=draft or (name.draft and not site.show_drafts),
        categories=tuple(str(c) for c in post.categories),
        tags=tuple(str(t) for t in post.tags),
        generator_id=jekyll.absolute_url(post.id, site.url or "", site.baseurl or ""),
        excerpt_separator=str(data.get("excerpt_separator") or site.excerpt_separator),
    )


# ---- Hugo: the whole content folder at once ----------------------------------------------------


class HugoFacts:
    """Every Hugo page's facts, kept up to date scan by scan: front matter is read again only for
    files whose stat signature changed."""

    def __init__(self) -> None:
        self.metas: dict[str, _Meta] = {}  # by source, as of the file's stat signature
        self.refs: RefIndex | None = None  # every published page's URL, for `ref`/`relref`

    def update(
        self, files: Iterable[SourceFile], settings: Settings, now: datetime
    ) -> tuple[dict[str, PostFacts], dict[str, PostError]]:
        """(facts of every post Hugo publishes, keyed by source; why each other readable file is
        not a post, for the ones that are errors to Hugo)."""
        site = settings.profile
        assert isinstance(site, hugo.HugoSite)
        files = list(files)
        present = {f.source for f in files}
        for source in [s for s in self.metas if s not in present]:
            del self.metas[source]
        content = [self._content_file(f, settings) for f in files]
        errors = {source: meta.error for source, meta in self.metas.items() if meta.error is not None}
        pages = hugo.hugo_pages(site, [c for c in content if c is not None], now, errors)
        mains = set(hugo.main_sections(site, pages))
        # drafts and future pages too (feedpub counts drafts and schedules the future ones)
        posts = [p for p in pages if p.build.list == "always" and p.section in mains]
        self.refs = ref_index(site, pages, settings.post_base)
        facts = {page.file: _hugo_post_facts(settings, site, page) for page in posts}
        for source, known in self.metas.items():
            if known.uses_refs and source in facts:
                facts[source] = replace(facts[source], refs=self.refs.fingerprint)
        return facts, errors

    def _content_file(self, file: SourceFile, settings: Settings) -> hugo.ContentFile | None:
        known = self.metas.get(file.source)
        if known is None or known.signature != file.signature:
            known = _front_matter_of(file, settings)
            self.metas[file.source] = known
        if known.meta is None:
            return None
        mtime = datetime.fromtimestamp(file.signature[0] / 1e9, UTC)
        return hugo.ContentFile(file.source, known.meta, mtime)


class _Meta(NamedTuple):
    """A content file's front matter as of its stat signature (None when it cannot be read, with
    the error: reported at every scan, not only the one that read it), and whether its body uses
    `ref`/`relref` (then its text depends on other pages' URLs)."""

    signature: tuple[int, int, int]
    meta: Mapping[str, Any] | None
    uses_refs: bool = False
    error: PostError | None = None


def _front_matter_of(file: SourceFile, settings: Settings) -> _Meta:
    try:
        text = decode(read_inside(file.path, settings.posts_dir, settings.limits.max_file_bytes))
        uses_refs = "ref" in text and ("{{<" in text or "{{%" in text)
        if not has_front_matter(text):
            return _Meta(file.signature, {}, uses_refs)  # Hugo reads it as a page without any
        front: FrontMatter = split(text, settings.limits.max_yaml_nodes)
    except PostError as exc:
        return _Meta(file.signature, None, error=exc)
    except OSError as exc:
        return _Meta(file.signature, None, error=PostError(f"cannot read: {exc.strerror or exc}"))
    return _Meta(file.signature, front.metadata, uses_refs)


def _hugo_post_facts(settings: Settings, site: hugo.HugoSite, page: hugo.HugoPage) -> PostFacts:
    dates = page.dates
    published = dates.date or dates.publish_date or dates.lastmod
    if published is None:
        published = datetime(1, 1, 1, tzinfo=UTC)  # Hugo's zero time: listed, dated nowhere
    terms = hugo.page_terms(site, page)
    categories = tuple(v for key in _plurals(site, "category", settings) for v in terms.get(key, ()))
    tags = tuple(v for key in _plurals(site, "tag", settings) for v in terms.get(key, ()))
    relative = hugo.page_url(site, page).removeprefix(site.base_path).lstrip("/")
    return PostFacts(
        dialect=HUGO,
        meta=page.meta,
        url=settings.post_base + relative,
        published=published,
        updated=dates.lastmod,
        available=_hugo_available(site, published, dates.publish_date),
        expires=None if site.build_expired else dates.expiry_date,
        draft=page.draft and not site.build_drafts,
        categories=categories,
        tags=tags,
        generator_id=hugo.permalink(site, page),
    )


def _hugo_available(
    site: hugo.HugoSite, published: datetime, publish_date: datetime | None
) -> datetime | None:
    """`buildFuture` publishes every page at once; else a publishDate after the date holds it back."""
    if site.build_future:
        return ALWAYS
    return publish_date if publish_date and publish_date > published else None


def _plurals(site: hugo.HugoSite, singular: str, settings: Settings) -> tuple[str, ...]:
    """The taxonomies that feed feedpub's categories (or tags): Hugo's own, plus the front-matter
    keys config.yaml's `taxonomies` names that the site declares as taxonomies too."""
    wanted = settings.taxonomies.categories if singular == "category" else settings.taxonomies.tags
    own = site.taxonomies.get(singular)
    declared = set(site.taxonomies.values())
    return tuple(
        dict.fromkeys([*([own] if own else []), *(k.lower() for k in wanted if k.lower() in declared)])
    )

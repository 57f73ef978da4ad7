"""Which content files are Hugo pages, of what section and bundle, and whether Hugo publishes them.

Rules from `common/paths/pathparser.go` and `hugolib/content_map_page*.go`: `index.*` makes its
folder a leaf bundle (every other file below it, Markdown included, is a resource); `_index.*`
makes its folder a section (a list page, never a post); each top-level folder is a section even
without `_index`; files whose name starts with `.` or `#` or ends with `~` are ignored. A page's
section is its first folder; its current section the nearest folder with `_index`. Drafts,
future and expired pages are dropped unless buildDrafts/buildFuture/buildExpired; `headless` or
`build: {list: never}` keeps a page out of site.RegularPages (and the RSS) even when published.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from feedpub.errors import PostError
from feedpub.sites.hugo_cascade import BuildOptions, CascadeRule, decode_build, decode_cascade
from feedpub.sites.hugo_cast import draft_flag, go_bool, go_string
from feedpub.sites.hugo_config import lower_keys
from feedpub.sites.hugo_dates import HugoDates, hugo_dates
from feedpub.sites.hugo_site import HugoSite

T = TypeVar("T")
CONTENT_EXTENSIONS = frozenset(
    ["md", "mdown", "markdown", "html", "htm", "adoc", "asciidoc", "ad", "pandoc", "pdc", "rst", "org"]
)


@dataclass(frozen=True)
class ContentFile:
    """One file under contentDir: its `/`-separated path there, its parsed front matter (None
    for a file that is not content, e.g. an image) and its modification time (for :fileModTime)."""

    path: str
    meta: Mapping[str, Any] | None
    mtime: datetime | None = None


@dataclass(frozen=True)
class HugoPage:
    """A regular page as Hugo sees it (kind "page"), published or not."""

    file: str  # path relative to contentDir, as given
    bundle: str  # "leaf" for `folder/index.md`, "" for a single file
    path: str  # Hugo's .Path: "/posts/my-post" (lower-case, spaces as hyphens)
    raw_path: str  # the same in the file's own case
    section: str  # first folder, "" at the root
    current_section: str  # nearest section: "/posts/2024", "/" for the home page
    lang: str
    meta: Mapping[str, Any]  # front matter, lower-case keys, cascade filled in
    title: str
    slug: str
    url: str
    dates: HugoDates
    draft: bool
    build: BuildOptions
    published: bool  # Hugo builds it (not a draft, future or expired one, unless configured)
    listed: bool  # published and in site.RegularPages: what Hugo's RSS and templates list
    resources: tuple[str, ...] = ()

    @property
    def sections(self) -> tuple[str, ...]:
        """The current section's path entries (`.SectionsEntries`)."""
        return tuple(p for p in self.current_section.split("/") if p)

    @property
    def date(self) -> datetime | None:
        return self.dates.date

    @property
    def filename(self) -> str:
        """`File.TranslationBaseName`, the bundle folder for `index.md` (for `:filename`)."""
        return self.raw_path.rsplit("/", 1)[-1]

    @property
    def content_base_name(self) -> str:
        return self.raw_path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class _Parsed:
    file: ContentFile
    dir: str  # "/posts" in the file's own case, "" at the root
    name: str  # base name without extension and language
    lang: str
    kind: str  # "leaf", "branch", "single"


def _parse(cf: ContentFile, languages: Sequence[str], default_lang: str) -> _Parsed:
    rel = "/" + cf.path.strip("/")
    folder, base = rel.rsplit("/", 1)
    stem = base.rsplit(".", 1)[0]
    lang = default_lang
    if "." in stem and stem.rsplit(".", 1)[1].lower() in languages:
        stem, lang = stem.rsplit(".", 1)[0], stem.rsplit(".", 1)[1].lower()
    kind = {"index": "leaf", "_index": "branch"}.get(_norm(stem), "single")
    return _Parsed(cf, folder, stem, lang, kind)


def _norm(s: str) -> str:
    """`NormalizePathStringBasic`: lower case, each space a hyphen."""
    return s.lower().replace(" ", "-")


def _ignored(site: HugoSite, rel: str) -> bool:
    if any(part[:1] in (".", "#") or part.endswith("~") for part in rel.split("/") if part):
        return True
    full = (site.content_dir / rel).as_posix()
    return any(re.search(p, full) for p in site.ignore_files)


def hugo_pages(
    site: HugoSite,
    files: Iterable[ContentFile],
    now: datetime | None = None,
    errors: dict[str, PostError] | None = None,
) -> list[HugoPage]:
    """Every regular page among `files`, with section, bundle, dates and publish/list state.

    A page (or an `_index` cascade) Hugo would fail on raises PostError; with `errors`, it is
    recorded there by file instead and left out, so one bad file does not hide the others."""
    now = now or datetime.now(UTC)
    kept = [f for f in files if not _ignored(site, f.path.strip("/"))]
    parsed = [
        _parse(f, site.languages, site.default_content_language)
        for f in kept
        if f.meta is not None and f.path.rsplit(".", 1)[-1].lower() in CONTENT_EXTENSIONS
    ]
    leaves = sorted({p.dir for p in parsed if p.kind == "leaf"})
    pages = [p for p in parsed if p.kind != "branch" and not _inside_leaf(p, leaves)]
    cascades: dict[str, tuple[CascadeRule, ...]] = {}
    for p in parsed:
        if p.kind == "branch" and not _inside_leaf(p, leaves):
            cascades[_norm(p.dir)] = _isolated(errors, p, partial(_branch_cascade, p)) or ()
    made = [
        _isolated(errors, p, partial(_page, site, p, cascades, now, _resources(p, kept, leaves)))
        for p in pages
    ]
    out = [page for page in made if page is not None]
    branches = set(cascades) | {"/" + p.section for p in out if p.section} | {""}
    keys = branches | {p.path for p in out if p.published}
    return [_with_section(p, keys, branches) for p in out]


def _isolated(errors: dict[str, PostError] | None, p: _Parsed, make: Callable[[], T]) -> T | None:
    """make(), or (with `errors`) None with the error recorded under the file's path."""
    if errors is None:
        return make()
    try:
        return make()
    except PostError as exc:
        errors[p.file.path] = exc
        return None


def _inside_leaf(p: _Parsed, leaves: Sequence[str]) -> bool:
    """Below a leaf bundle's folder (its own index.md excepted), a content file is a resource."""
    folder = p.dir.lower()
    return any(
        folder.startswith(leaf.lower() + "/") or (folder == leaf.lower() and p.kind != "leaf")
        for leaf in leaves
    )


def _resources(p: _Parsed, files: Sequence[ContentFile], leaves: Sequence[str]) -> tuple[str, ...]:
    if p.kind != "leaf":
        return ()
    prefix = p.dir.strip("/") + "/"
    return tuple(sorted(f.path for f in files if f.path.startswith(prefix) and f.path != p.file.path))


def _branch_cascade(p: _Parsed) -> tuple[CascadeRule, ...]:
    meta = lower_keys(dict(p.file.meta or {}))
    return decode_cascade(meta.get("cascade"), f"{p.file.path}: cascade")


def _cascade_chain(
    site: HugoSite, path: str, cascades: Mapping[str, tuple[CascadeRule, ...]]
) -> list[CascadeRule]:
    """Nearest `_index.md` first, then each ancestor up to the home page, then the site config."""
    chain: list[CascadeRule] = []
    folder = path
    while True:
        folder = posixpath.dirname(folder) if folder not in ("", "/") else ""
        chain += cascades.get("" if folder == "/" else folder, ())
        if folder in ("", "/"):
            return chain + list(site.cascade)


def _page(
    site: HugoSite,
    p: _Parsed,
    cascades: Mapping[str, tuple[CascadeRule, ...]],
    now: datetime,
    resources: tuple[str, ...],
) -> HugoPage:
    raw_path = p.dir if p.kind == "leaf" else f"{p.dir}/{p.name}"
    path = _norm(raw_path)
    meta: dict[str, Any] = lower_keys(dict(p.file.meta or {}))
    for rule in _cascade_chain(site, path, cascades):
        if rule.matches("page", path, site.environment):
            for key, value in rule.values.items():
                meta.setdefault(key, value)
    base_name = raw_path.rsplit("/", 1)[-1]
    dates = hugo_dates(meta, site.frontmatter, site.timezone, base_name, p.file.mtime)
    url = go_string(meta.get("url"))
    if url.startswith(("http://", "https://")):
        raise PostError(f"url: URLs with protocol (http*) are not supported: {url!r}")
    draft = draft_flag(meta)
    if "_build" in meta:  # deprecated in 0.145, an error since: the whole build fails
        raise PostError('the "_build" front matter key was removed from Hugo: use "build"')
    build = decode_build(meta.get("build"), go_bool(meta.get("headless")))
    published = "page" not in site.disable_kinds and _should_build(site, draft, dates, now)
    section = (
        ""
        if p.dir.count("/") == 0 or (p.kind == "leaf" and p.dir.count("/") == 1)
        else _norm(p.dir.split("/")[1])
    )
    return HugoPage(
        file=p.file.path,
        bundle="leaf" if p.kind == "leaf" else "",
        path=path,
        raw_path=raw_path,
        section=section,
        current_section="/",
        lang=p.lang,
        meta=meta,
        title=go_string(meta.get("title")),
        slug=go_string(meta.get("slug")).strip("-") if "slug" in meta else (dates.filename_slug or ""),
        url=url,
        dates=dates,
        draft=draft,
        build=build,
        published=published,
        listed=published and build.list == "always",
        resources=resources,
    )


def _should_build(site: HugoSite, draft: bool, dates: HugoDates, now: datetime) -> bool:
    """`hugolib.shouldBuild`."""
    if draft and not site.build_drafts:
        return False
    if not site.build_future and dates.publish_date is not None and dates.publish_date > now:
        return False
    return site.build_expired or dates.expiry_date is None or not dates.expiry_date < now


def _with_section(page: HugoPage, keys: set[str], branches: set[str]) -> HugoPage:
    """`CurrentSection`: Hugo looks up the longest *string* prefix in its page tree, so a folder
    `/posts/2024-recap` without `_index` lands in section `/posts/2024` when that one exists."""
    folder = page.path if page.bundle == "leaf" else posixpath.dirname(page.path)
    while True:
        best = _longest_prefix(folder, keys)
        if best in branches:
            current = best or "/"
            break
        if folder in ("", "/"):
            current = "/"
            break
        folder = posixpath.dirname(folder)
    return replace(page, current_section=current)


def _longest_prefix(text: str, keys: set[str]) -> str:
    """The longest key that `text` starts with ("" when none): one set lookup per length, not a
    scan of every key per page (that was quadratic: 100 million tests for 10 000 pages)."""
    for end in range(len(text), 0, -1):
        if text[:end] in keys:
            return text[:end]
    return ""


def main_sections(site: HugoSite, pages: Iterable[HugoPage]) -> tuple[str, ...]:
    """`params.mainSections`, else the first-level section with the most published pages (Hugo
    ranges over a Go map, so a tie is random there; here the alphabetically first wins)."""
    if site.main_sections_param is not None:
        return site.main_sections_param
    counts: dict[str, int] = {}
    for page in pages:
        if page.published and page.lang == site.default_content_language:
            counts[page.section] = counts.get(page.section, 0) + 1
    ranked = sorted((s for s in counts if s), key=lambda s: (-counts[s], s))
    return (ranked[0],) if ranked else ("",)


def posts(site: HugoSite, pages: Iterable[HugoPage]) -> list[HugoPage]:
    """The published, listed pages of the main sections: what a Hugo blog shows as its posts."""
    pages = list(pages)
    mains = set(main_sections(site, pages))
    return [p for p in pages if p.listed and p.section in mains]

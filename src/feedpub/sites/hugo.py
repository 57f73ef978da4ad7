"""Read a Hugo site the way Hugo 0.16x does: config, which content files are posts, dates, URLs.

Public API (pure functions: nothing is rendered or written; front matter arrives parsed):

    read_hugo_site(root: Path, environment: str = "production") -> HugoSite
        Merge hugo.toml|yaml|json (else config.*) with config/_default/ and config/<environment>/;
        `.basics` is the shared SiteBasics (title, url, language, timezone, author, variables,
        origins with file and line). Raises ConfigError naming file:line and key.
    hugo_pages(site, files: Iterable[ContentFile], now: datetime | None = None) -> list[HugoPage]
        Every regular page among the files under contentDir (ContentFile(path relative to
        contentDir, parsed front matter or None for a non-content file, mtime)): bundle, section,
        current section, cascade applied, dates, slug, url, draft, build options, and whether Hugo
        publishes it (`published`) and lists it in site.RegularPages / its RSS (`listed`).
        Raises PostError for a bad date or an absolute `url`.
    main_sections(site, pages) -> tuple[str, ...]
        params.mainSections, else Hugo's guess: the section with the most published pages.
    posts(site, pages) -> list[HugoPage]
        The published, listed pages of the main sections: a Hugo blog's posts.
    hugo_dates(meta, config, tz, content_base_name, mtime=None) -> HugoDates
        The four dates (date, publish_date, lastmod, expiry_date) as aware datetimes or None.
    page_url(site, page) -> str
        `.RelPermalink`: "/blog/2024/03/hello/" (baseURL path included, %-escaped like Hugo).
    permalink(site, page) -> str
        `.Permalink`: the absolute URL Hugo's RSS writes as <link> and <guid>.
    page_terms(site, page) -> dict[str, tuple[str, ...]]
        The page's values for each taxonomy (plural name → terms as written).
"""

from __future__ import annotations

from collections.abc import Mapping

from feedpub.sites.hugo_content import ContentFile, HugoPage, hugo_pages, main_sections, posts
from feedpub.sites.hugo_dates import HugoDates, hugo_dates
from feedpub.sites.hugo_site import HugoSite, read_hugo_site
from feedpub.sites.hugo_urls import page_url, permalink

__all__ = [
    "ContentFile",
    "HugoDates",
    "HugoPage",
    "HugoSite",
    "hugo_dates",
    "hugo_pages",
    "main_sections",
    "page_terms",
    "page_url",
    "permalink",
    "posts",
    "read_hugo_site",
]


def page_terms(site: HugoSite, page: HugoPage) -> dict[str, tuple[str, ...]]:
    """Taxonomy values as the page's front matter (or a cascade) gives them: a string is one term."""
    terms: dict[str, tuple[str, ...]] = {}
    for plural in site.taxonomies.values():
        value = page.meta.get(plural)
        if isinstance(value, str):
            terms[plural] = (value,) if value else ()
        elif isinstance(value, list | tuple):
            terms[plural] = tuple(str(v) for v in value)
        elif isinstance(value, Mapping) or value is None:
            terms[plural] = ()
        else:
            terms[plural] = (str(value),)
    return terms

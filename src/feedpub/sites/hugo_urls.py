"""A Hugo page's URL: `.RelPermalink` and `.Permalink`, from `resources/page/page_paths.go`.

The path is [permalink pattern expansion] or [folder, slug or file name], then `index.html`
(or `.html` glued on with uglyURLs); every element goes through MakePathSanitized (lower case
unless disablePathToLower, accents off with removePathAccents); the result is %-escaped the Go
way. A front matter `url` skips the sanitizing and is used as given. `.RelPermalink` adds the
baseURL's path (`/blog/…`); `.Permalink` is baseURL + the path, which is what Hugo's RSS writes
as `<link>` and `<guid>`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from feedpub.errors import PostError
from feedpub.sites.hugo_content import HugoPage
from feedpub.sites.hugo_paths import clean, make_path_sanitized, path_escape, query_unescape, urlize
from feedpub.sites.hugo_permalinks import expand, rule_for
from feedpub.sites.hugo_site import HugoSite


def page_link(site: HugoSite, page: HugoPage) -> str:
    """`TargetPaths.Link`: the page's path below the baseURL, starting with `/`."""
    try:
        return _url_link(site, page) if page.url else _page_link(site, page)
    except ValueError as exc:
        raise PostError(f"{page.file}: cannot make Hugo's URL: {exc}") from exc


def page_url(site: HugoSite, page: HugoPage) -> str:
    """`.RelPermalink`: the link with the baseURL's path in front (none with canonifyURLs)."""
    link = page_link(site, page)
    base = "" if site.canonify_urls else site.base_path
    if not base:
        return link
    joined = clean(base + "/" + link)
    return joined + "/" if link.endswith("/") and not joined.endswith("/") else joined


def permalink(site: HugoSite, page: HugoPage) -> str:
    """`.Permalink`: the absolute URL, as Hugo's RSS writes it in `<link>` and `<guid>`."""
    return site.base_url + page_link(site, page).removeprefix("/")


def _urlize(site: HugoSite) -> Callable[[str], str]:
    return lambda s: urlize(
        s, to_lower=not site.disable_path_to_lower, remove_path_accents=site.remove_path_accents
    )


def _lang_prefix(site: HugoSite, lang: str) -> str:
    if lang == site.default_content_language and not site.default_content_language_in_subdir:
        return ""
    return lang if len(site.languages) > 1 or site.default_content_language_in_subdir else ""


def expanded_permalink(site: HugoSite, page: HugoPage) -> str:
    """The page's `[permalinks]` pattern expanded, unescaped and cleaned ("" without a rule)."""
    rule = rule_for(site.permalinks, "page", page.path)
    if rule is None:
        return ""
    opath = query_unescape(expand(rule.pattern, page, _urlize(site)))
    return clean(opath) if opath else ""


def _page_link(site: HugoSite, page: HugoPage) -> str:
    expanded = expanded_permalink(site, page)
    raw = page.raw_path if site.disable_path_to_lower else page.path
    base_name = page.slug or raw.rsplit("/", 1)[-1]
    same_as_type = page.bundle != "leaf" and base_name == "index"
    ugly = site.is_ugly(page.section) or (not expanded and same_as_type)
    if expanded:
        elements = [expanded]
    else:
        container = posixpath.dirname(raw)
        elements = [container, base_name]
    elements = [e for e in elements if e not in ("", "/")]
    if ugly:
        elements = [*elements[:-1], elements[-1].removesuffix("/") + ".html"] if elements else [".html"]
    else:
        elements.append("index.html")
    to_lower = not site.disable_path_to_lower
    elements = [
        make_path_sanitized(e, to_lower=to_lower, remove_path_accents=site.remove_path_accents)
        for e in elements
    ]
    link = _join(elements[:-1] if not ugly else elements)
    if same_as_type and not expanded:
        link = link.removesuffix(base_name)
    prefix = _lang_prefix(site, page.lang)
    if prefix:
        link = "/" + prefix + link
    if not ugly and not link.endswith("/"):
        link += "/"
    return path_escape(link.replace("#", "%23")) or "/"


def _join(elements: list[str]) -> str:
    """`pagePathBuilder.Path`: a slash before each element unless one is already there."""
    out = ""
    trailing = False
    for element in elements:
        if not trailing and not element.startswith("/"):
            out += "/"
        trailing = element.endswith("/")
        out += element
    return out


def _url_link(site: HugoSite, page: HugoPage) -> str:
    """Front matter `url`: used as written (`:tokens` expanded), relative to the baseURL."""
    url = page.url
    if ":" in url:
        expanded = query_unescape(expand(url, page, _urlize(site)))
        url = expanded or url
    url = url.replace("\\", "/")
    if ".." in url:
        url = clean("/" + url)
    elements = [e for e in url.split("/") if e]
    pretty = url.endswith("/") or "." not in url
    link = _join(elements)
    prefix = _lang_prefix(site, page.lang)
    if prefix and not url.startswith("/") and not url.startswith("/" + prefix):
        link = "/" + prefix + link
    if pretty and not link.endswith("/"):
        link += "/"
    path, mark, query = link.replace("#", "%23").partition("?")
    return (path_escape(path) + mark + query) or "/"

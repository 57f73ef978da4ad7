"""`ref`, `relref` and `param`, which need the site and the page, and the site's own templates.

`ref`/`relref` (`hugolib/site.go` refLink): the target's path before `#` goes to the caller's
resolver; a fragment is appended (`"#top"` alone is just `#top`); a page not found prints
`refLinksNotFoundURL` (empty by default) where Hugo reports REF_NOT_FOUND. `param`
(`Page.Param`): the page's params, then the site's, the whole key first, then dotted segments,
case-insensitive; a missing or empty value is Hugo's "Param not found" (a warning here).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from feedpub.sites.hugo_content import CONTENT_EXTENSIONS, HugoPage
from feedpub.sites.hugo_shortcode_values import Call, Resolver, go_print, text, truthy
from feedpub.sites.hugo_site import HugoSite
from feedpub.sites.hugo_urls import page_url, permalink

SHORTCODE_DIRS = ("layouts/_shortcodes", "layouts/shortcodes")
# A site's shortcode that only passes its inner content on: as HTML (`.Inner` is template.HTML),
# or rendered as Markdown. The common `rawhtml`/`html` shortcodes are one line of this.
_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}|<!--.*?-->", re.DOTALL)  # html/template drops both
_PASS_HTML = re.compile(r"\{\{-?\s*\.Inner(?:\s*\|\s*(?:safeHTML|htmlUnescape))*\s*-?\}\}")
_PASS_MARKDOWN = re.compile(
    r"\{\{-?\s*\.Inner\s*\|\s*(?:markdownify|\$?\.Page\.RenderString)\s*(?:\|\s*safeHTML\s*)?-?\}\}"
)


def ref(call: Call) -> str:
    return _link(call, relative=False)


def relref(call: Call) -> str:
    return _link(call, relative=True)


def _link(call: Call, relative: bool) -> str:
    params = call.params
    if isinstance(params, list):
        target = go_print(params[0]) if params else ""
    else:
        target = go_print(params.get("path"))
    if not target:
        return ""
    path, _, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    link = ""
    if path:
        found = call.env.resolve(path, relative)
        if found is None:
            call.warn(f'REF_NOT_FOUND: Ref "{path}": page not found')
            return text(call.env.config.get("reflinksnotfoundurl") or "")
        link = found
    if fragment:
        link += "#" + fragment
    return text(link)


def param(call: Call) -> str:
    """param.html: `{{ with .Page.Param key }}{{ . }}{{ else }}errorf…`."""
    key = call.get(0)
    if not truthy(key):
        call.warn("Missing param key")
        return ""
    value = lookup_param(call.env.page_params, call.env.site_params, go_print(key))
    if not truthy(value):
        call.warn(f'Param "{go_print(key)}" not found')
        return ""
    return text(value)


def lookup_param(page: Mapping[str, Any], site: Mapping[str, Any], key: str) -> Any:
    """`maps.GetNestedParam(key, ".", page params, site params)`."""
    own = page.get("params")
    candidates = [page, *([own] if isinstance(own, Mapping) else []), site]
    key = key.lower()
    for params in candidates:
        if key in params:
            return params[key]
    for params in candidates:
        value: Any = params
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            return value
    return None


def site_templates(site: HugoSite) -> dict[str, str]:
    """Shortcode name → the template defining it in the site or its theme(s), relative to the site."""
    roots = [site.root]
    theme = site.basics.variables.get("theme")
    themes_dir = site.root / str(site.basics.variables.get("themesdir") or "themes")
    for name in [theme] if isinstance(theme, str) else theme if isinstance(theme, list) else []:
        roots.append(themes_dir / str(name))
    found: dict[str, str] = {}
    for root in roots:
        for folder in SHORTCODE_DIRS:
            base = root / folder
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file():
                        found.setdefault(_name(path, base), _shown(path, site.root))
    return found


def _name(path: Path, base: Path) -> str:
    rel = path.relative_to(base).as_posix()
    folder, _, file = rel.rpartition("/")
    stem = file.split(".", 1)[0]
    return f"{folder}/{stem}" if folder else stem


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def page_resolver(site: HugoSite, pages: Iterable[HugoPage], current: HugoPage | None = None) -> Resolver:
    """A resolver for `render_shortcodes` over the site's published pages, found the way
    `getPageRef` finds them: `/path` from contentDir; else relative to the current page's folder,
    then from contentDir, then by its last name when only one page has it."""
    by_key: dict[str, HugoPage] = {}
    by_name: dict[str, list[HugoPage]] = {}
    for page in pages:
        if page.published and page.lang == site.default_content_language:
            key = ref_key(page.file)
            by_key.setdefault(key, page)
            by_name.setdefault(key.rsplit("/", 1)[-1], []).append(page)
    folder = posixpath.dirname(current.file) if current else ""

    def resolve(target: str, relative: bool) -> str | None:
        key = ref_key(target)
        found = by_key.get(key) if target.startswith("/") else None
        if not target.startswith("/"):
            found = by_key.get(ref_key(posixpath.join(folder, target))) or by_key.get(key)
            named = by_name.get(key.rsplit("/", 1)[-1], [])
            found = found or (named[0] if len(named) == 1 else None)
        if found is None:
            return None
        return page_url(site, found) if relative else permalink(site, found)

    return resolve


def ref_key(path: str) -> str:
    """A content path compared as Hugo does: lower case, no extension, a bundle by its folder."""
    key = posixpath.normpath("/" + path.strip().lower()).strip("/")
    stem, dot, ext = key.rpartition(".")
    if dot and ext in CONTENT_EXTENSIONS and "/" not in ext:
        key = stem
    for index in ("/index", "/_index"):
        key = key.removesuffix(index)
    return "" if key in ("index", "_index") else key


def passthrough(root: Path, template: str) -> str | None:
    """ "html" or "markdown" when the site's shortcode template at `template` (as site_templates
    names it) only prints its inner content, as HTML or rendered; else None."""
    try:
        source = (root / template).read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return None
    source = _COMMENT.sub("", source).strip()
    if _PASS_HTML.fullmatch(source):
        return "html"
    return "markdown" if _PASS_MARKDOWN.fullmatch(source) else None

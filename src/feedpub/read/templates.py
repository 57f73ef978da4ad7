"""Template code in a site's posts, run as the generator runs it before Markdown: Hugo's
shortcodes (`sites.hugo_shortcodes`), Jekyll's Liquid (`sites.liquid`), and the Markdown flavour's attribute lists
(`read.attribute_lists`) and, on a kramdown site, what kramdown reads otherwise than CommonMark
(`read.kramdown_blocks`); what cannot be run becomes a warning, never text in a feed.

`expand` hands back the text for the Markdown renderer, what to do to the HTML right after it
(shortcodes' HTML goes back in place of their placeholders), and the warnings, with their lines
in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from feedpub.config import Settings
from feedpub.model import Problem
from feedpub.read import kramdown_blocks
from feedpub.read.attribute_lists import strip_attribute_lists
from feedpub.read.dialect_rules import MARKDOWN_SUFFIXES
from feedpub.read.facts import PostFacts
from feedpub.read.front_matter import FrontMatter
from feedpub.read.hugo_refs import current as current_refs
from feedpub.read.markdown import markdown_to_html, omit_raw_html
from feedpub.read.typography import Typography, goldmark_typography, kramdown_typography, smarten
from feedpub.sites.hugo import HugoSite
from feedpub.sites.hugo_config import config_value
from feedpub.sites.jekyll import JekyllSite

if TYPE_CHECKING:  # the engines are imported when a site needs them: a tenth of a second at start
    from feedpub.sites.liquid import LiquidSite


class Expanded(NamedTuple):
    text: str  # for the Markdown renderer
    restore: Callable[[str], str] | None  # for the HTML it makes
    warnings: list[Problem]


def expand(front_matter: FrontMatter, source: str, settings: Settings, facts: PostFacts) -> Expanded:
    """The post's body with its template code run (as it is, for a site without any)."""
    is_markdown = source.lower().endswith(MARKDOWN_SUFFIXES)
    expanded = _expand(front_matter, source, settings, facts, is_markdown)
    typography = _typography(settings.profile) if is_markdown else None
    if typography is None:
        return expanded
    restore = expanded.restore

    def smarten_then_restore(html: str) -> str:  # the generator's typographer sees its own Markdown only
        html = smarten(html, typography)
        return restore(html) if restore is not None else html

    return expanded._replace(restore=smarten_then_restore)


def _typography(site: object) -> Typography | None:
    if isinstance(site, JekyllSite):
        return kramdown_typography(site.config)
    if isinstance(site, HugoSite):
        return goldmark_typography(site.basics.variables)
    return None


def _expand(
    front_matter: FrontMatter, source: str, settings: Settings, facts: PostFacts, is_markdown: bool
) -> Expanded:
    site = settings.profile
    body = front_matter.body
    if is_markdown:
        body = _markdown_flavour(site, body)
    if isinstance(site, HugoSite):
        from feedpub.sites.hugo_shortcodes import render_shortcodes

        refs = current_refs()  # every page's URL, for `ref`/`relref` (read.hugo_refs)
        resolve = refs.resolver(source) if refs is not None else (lambda _target, _relative: None)
        done = render_shortcodes(site, body, facts.meta, resolve, markdown=markdown_to_html)
        offset = front_matter.body_line - 1
        warnings = [
            Problem(source, f'shortcode "{w.name}": {w.message}', w.line + offset, warning=True)
            for w in done.warnings
        ]
        text = done.text if not is_markdown or _hugo_unsafe(site) else omit_raw_html(done.text)
        return Expanded(text, done.restore if done.fragments else None, warnings)
    if isinstance(site, JekyllSite):
        liquid = _liquid(site, front_matter, source, facts, body, settings.post_base)
        if is_markdown:  # kramdown reads what Liquid made
            text, restore = kramdown_blocks.after_liquid(site, liquid.text, liquid.restore)
            liquid = liquid._replace(text=text, restore=restore)
        return liquid
    return Expanded(body, None, [])


def _liquid(
    site: JekyllSite, front_matter: FrontMatter, source: str, facts: PostFacts, body: str, base: str
) -> Expanded:
    """Jekyll renders a post's Liquid before its Markdown; a tag it cannot run is a warning."""
    from feedpub.sites.liquid import render_liquid

    liquid = _liquid_site(site)
    page = {
        **facts.meta,
        "url": "/" + facts.url[len(base) :] if facts.url.startswith(base) else facts.url,
        "date": facts.published,
        "categories": list(facts.categories),
        "tags": list(facts.tags),
        "id": facts.generator_id,
        "path": source,
    }
    done = render_liquid(liquid, body, page)  # every post: Jekyll renders one without front matter too
    offset = front_matter.body_line - 1
    warnings = [
        Problem(source, w.message, w.line + offset if w.line else None, warning=True) for w in done.warnings
    ]
    if done.failed:
        warnings.append(
            Problem(source, "Liquid stopped at a limit: its tags were left out", None, warning=True)
        )
    return Expanded(done.text, None, warnings)


_SITES: dict[int, tuple[JekyllSite, LiquidSite]] = {}  # one Liquid environment per site and process


def _liquid_site(site: JekyllSite) -> LiquidSite:
    """The site's Liquid environment, built once in a process (a bounded memo: a process reads one
    or two sites; `site.time` is the newest config file's time, so output stays reproducible)."""
    from feedpub.read.jekyll_links import SiteLinks
    from feedpub.sites.liquid import LiquidSite

    known = _SITES.get(id(site))
    if known is not None and known[0] is site:
        return known[1]
    stamps = [(site.root / name).stat().st_mtime for name in site.files if (site.root / name).is_file()]
    moment = datetime.fromtimestamp(max(stamps, default=0), UTC)
    liquid = LiquidSite(site, time=moment, resolver=SiteLinks(site), markdownify=markdown_to_html)
    if len(_SITES) >= 4:
        _SITES.clear()
    _SITES[id(site)] = (site, liquid)
    return liquid


def _hugo_unsafe(site: HugoSite) -> bool:
    """`markup.goldmark.renderer.unsafe`: off by default, when Goldmark omits raw HTML (shortcodes'
    HTML goes back after Markdown, so it stays)."""
    return config_value(site.basics.variables, "markup", "goldmark", "renderer", "unsafe") is True


def _markdown_flavour(site: object, body: str) -> str:
    """The generator's Markdown extensions CommonMark lacks: attribute lists (kramdown's for a
    Jekyll site, Goldmark's for a Hugo site) consumed."""
    if isinstance(site, HugoSite):
        keys = ("markup", "goldmark", "parser", "attribute", "block")  # off by default
        return strip_attribute_lists(body, "goldmark", config_value(site.basics.variables, *keys) is True)
    if isinstance(site, JekyllSite):
        return strip_attribute_lists(kramdown_blocks.before_liquid(site, body), "kramdown")
    return body

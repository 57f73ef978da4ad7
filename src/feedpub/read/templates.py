"""Template code in a site's posts, run as the generator runs it before Markdown: Hugo's
shortcodes (`sites.hugo_shortcodes`), and the Markdown flavour's attribute lists
(`read.attribute_lists`); what cannot be run becomes a warning, never text in a feed.

`expand` hands back the text for the Markdown renderer, what to do to the HTML right after it
(shortcodes' HTML goes back in place of their placeholders), and the warnings, with their lines
in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from feedpub.config import Settings
from feedpub.model import Problem
from feedpub.read.attribute_lists import strip_attribute_lists
from feedpub.read.dialect_rules import MARKDOWN_SUFFIXES
from feedpub.read.facts import PostFacts
from feedpub.read.front_matter import FrontMatter
from feedpub.read.markdown import markdown_to_html
from feedpub.sites.hugo import HugoSite
from feedpub.sites.hugo_shortcodes import render_shortcodes
from feedpub.sites.jekyll import JekyllSite


class Expanded(NamedTuple):
    text: str  # for the Markdown renderer
    restore: Callable[[str], str] | None  # for the HTML it makes
    warnings: list[Problem]


def expand(front_matter: FrontMatter, source: str, settings: Settings, facts: PostFacts) -> Expanded:
    """The post's body with its template code run (as it is, for a site without any)."""
    site = settings.profile
    body = front_matter.body
    if source.lower().endswith(MARKDOWN_SUFFIXES):
        body = _markdown_flavour(site, body)
    if isinstance(site, HugoSite):
        # `ref`/`relref` need every page's URL, which a reader process does not have: not
        # resolved yet (a warning names each), the link text stays
        done = render_shortcodes(
            site, body, facts.meta, lambda _target, _relative: None, markdown=markdown_to_html
        )
        offset = front_matter.body_line - 1
        warnings = [
            Problem(source, f'shortcode "{w.name}": {w.message}', w.line + offset, warning=True)
            for w in done.warnings
        ]
        return Expanded(done.text, done.restore if done.fragments else None, warnings)
    return Expanded(body, None, [])


def _markdown_flavour(site: object, body: str) -> str:
    """The generator's Markdown extensions CommonMark lacks: attribute lists (kramdown's for a
    Jekyll site, Goldmark's for a Hugo site) consumed."""
    if isinstance(site, HugoSite):
        block: object = site.basics.variables
        for key in ("markup", "goldmark", "parser", "attribute", "block"):  # off by default
            block = block.get(key) if isinstance(block, Mapping) else None
        return strip_attribute_lists(body, "goldmark", block is True)
    if isinstance(site, JekyllSite):
        return strip_attribute_lists(body, "kramdown")
    return body

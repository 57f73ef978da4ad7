"""A Jekyll post's Markdown made to read in CommonMark as kramdown (Jekyll's default) reads it.

`read.templates` calls `before_liquid` while kramdown's attribute lists are still in the text
(headings marked, the `{:toc}` list made a placeholder: `read.kramdown_toc`), and `after_liquid`
on what Liquid made, as kramdown sees it: HTML blocks (`read.kramdown_html`) and tables
(`read.kramdown_tables`) rewritten, and the step that puts ids, the table of contents and the
tables' missing headers right in the HTML. A site whose `markdown:` is another engine, and a text
without the syntax, are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from feedpub.read.kramdown import kramdown_options
from feedpub.read.kramdown_html import kramdown_html_blocks
from feedpub.read.kramdown_math import cut_math
from feedpub.read.kramdown_tables import NO_HEADER, drop_empty_headers, kramdown_tables
from feedpub.read.kramdown_toc import HEADING_MARK, TOC_MARK, heading_ids, mark_headings
from feedpub.sites.jekyll import JekyllSite

Restore = Callable[[str], str]


def before_liquid(site: JekyllSite, body: str) -> str:
    """The body with its headings and table of contents marked, for a kramdown site."""
    return mark_headings(body) if kramdown_options(site.config) is not None else body


def after_liquid(site: JekyllSite, text: str, restore: Restore | None) -> tuple[str, Restore | None]:
    """The text for CommonMark, and the step for the HTML it makes (after `restore`, if any)."""
    options = kramdown_options(site.config)
    if options is None:
        return text, restore
    text, math = cut_math(text)  # before the HTML and table rules: TeX holds `<` and `|`
    text = kramdown_tables(kramdown_html_blocks(text))
    if HEADING_MARK not in text and TOC_MARK not in text and NO_HEADER not in text:
        return text, _chain(restore, math)
    return text, _chain(restore, math, lambda page: drop_empty_headers(heading_ids(page, options)))


def _chain(*steps: Restore | None) -> Restore | None:
    """The steps there are, one after another."""
    present = [step for step in steps if step is not None]
    if len(present) <= 1:
        return present[0] if present else None

    def restore(page: str) -> str:
        for step in present:
            page = step(page)
        return page

    return restore

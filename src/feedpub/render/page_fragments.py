"""The parts of post and term pages that link beyond the page (previous/next, subscribe, pages of
a term, "combine with…"), written in code as `render.pages` writes the rest of those pages: the
same bytes as tests/render/templates/post.html and term.html render (test_pages_fast holds them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from feedpub.render.page_parts import escape, feed_links


def post_pager(
    older: tuple[str, str] | None, newer: tuple[str, str] | None, labels: Mapping[str, str]
) -> str:
    """post.html's previous/next: (link, title) of the older and the newer post ("" at no end)."""
    if older is None and newer is None:
        return ""
    parts = ['<nav class="pager">']
    if older is not None:
        parts += (
            f'<a class="prev" rel="prev" href="{escape(older[0])}"><span class="meta">← ',
            f"{escape(labels['previous'])}</span><br>{escape(older[1])}</a>",
        )
    if newer is not None:
        parts += (
            f'<a class="next" rel="next" href="{escape(newer[0])}"><span class="meta">',
            f"{escape(labels['next'])} →</span><br>{escape(newer[1])}</a>",
        )
    return "".join((*parts, "</nav>\n"))


def subscribe_item(label: str, page: str, name: str, feeds: list[dict[str, str]]) -> str:
    """One term's line in a post page's subscribe list: its page and its feeds."""
    return (
        f'\n<li><span class="meta">{escape(label)}</span> <a href="{escape(page)}">{escape(name)}</a> '
        f"{feed_links(feeds)}</li>"
    )


def subscribe_section(items: Iterable[str], labels: Mapping[str, str]) -> str:
    """post.html's subscribe section around the items of `subscribe_item` ("" without any)."""
    joined = "".join(items)
    if not joined:
        return ""
    heading = escape(labels["subscribe"])
    return f'<section class="subscribe">\n<h2>{heading}</h2>\n<ul class="subscribe">{joined}\n</ul>\n</section>\n'


def term_pager(page: int, pages: int, links: tuple[str | None, str | None], labels: Mapping[str, str]) -> str:
    """term.html's pager: (the newer page's link, the older page's link), shown when paged."""
    if pages <= 1:
        return ""
    newer, older = links
    where = escape(labels["page_of"].format(page=page, pages=pages))
    return "".join(
        (
            '<nav class="pager">',
            f'<a class="prev" rel="prev" href="{escape(newer)}">← {escape(labels["newer_posts"])}</a>'
            if newer is not None
            else "",
            f'\n<span class="meta">{where}</span>',
            f'<a class="next" rel="next" href="{escape(older)}">{escape(labels["older_posts"])} →</a>'
            if older is not None
            else "",
            "</nav>\n",
        )
    )


def combine_section(terms: list[tuple[str, str, list[dict[str, str]]]], labels: Mapping[str, str]) -> str:
    """term.html's "combine with…": (page, name, combined feeds) of each term."""
    if not terms:
        return ""
    items = "".join(
        f'\n<li><a href="{escape(page)}">{escape(name)}</a> {feed_links(feeds)}</li>'
        for page, name, feeds in terms
    )
    return (
        f'<section class="combine">\n<h2>{escape(labels["combine"])}</h2>\n'
        f'<p class="meta">{escape(labels["combine_note"])}</p>\n<ul class="subscribe">{items}\n</ul>\n</section>\n'
    )

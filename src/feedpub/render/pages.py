"""HTML pages written beside the feeds: the index with discovery links, term lists, term pages
and one readable page per post (the page each entry's permalink points to).

Links inside pages are root-relative (the base URL's path plus the feed path), so the pages work
whichever host name a reader used; no page contains the build time.

The index pages are rendered by Jinja. Post and term pages, ten thousand of them on a large site,
are written in code around base.html rendered once; post.html and term.html remain their
specification, kept with the tests (tests/render/templates/, extending this package's base.html):
tests/render/test_pages_fast.py holds the code to what those templates render, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from markupsafe import Markup

from feedpub.config import Settings
from feedpub.model import FeedKey, Post, Scope
from feedpub.render.feed_spec import term_feed_words, term_heading
from feedpub.render.page_parts import (
    Links,
    dates,
    discovery,
    environment,
    escape,
    feed_links,
    labels_for,
    post_page_path,
    post_terms,
)
from feedpub.render.taxonomy import Taxonomy

RECENT_ON_INDEX = 30


def _post_view(post: Post, links: Links) -> dict[str, Any]:
    """A post as the index page's list sees it."""
    return {
        "title": post.title,
        "page": links.post(post),
        "iso": post.published.isoformat(),
        "day": post.published.strftime("%Y-%m-%d"),
        "summary": post.summary,
    }


def _term_views(taxonomy: Taxonomy, scope: Scope, links: Links, settings: Settings) -> list[dict[str, Any]]:
    return [
        {
            "name": key.name,
            "count": len(posts),
            "page": links.page(key.path),
            "feeds": links.feeds(key, term_feed_words(key, settings)[0]),
        }
        for key, posts in taxonomy.terms(scope)
    ]


class PageRenderer:
    """Renders the HTML pages one at a time, so a rescan can redo only the pages a change touched."""

    def __init__(self, taxonomy: Taxonomy, settings: Settings) -> None:
        self.taxonomy = taxonomy
        self.settings = settings
        self.env = environment()
        self.links = Links(settings)
        self.labels = labels_for(settings)
        self.common = {"site": settings.site, "labels": self.labels}
        self.site_feeds = self.links.feeds(FeedKey(Scope.SITE), settings.site.title)
        self._items: dict[str, tuple[Post, str]] = {}
        self._term_links: dict[tuple[Scope, str], str] = {}

    def _render(self, template: str, **values: Any) -> bytes:
        return self.env.get_template(template).render(**self.common, **values).encode("utf-8")

    def _heading(self, scope: Scope) -> str:
        return self.labels["categories" if scope is Scope.CATEGORY else "tags"]

    def index_pages(self) -> Iterator[tuple[str, bytes]]:
        """`/`, `/categories/` and `/tags/`: they list every term, so any change of terms touches them."""
        site = self.settings.site
        views = {
            scope: _term_views(self.taxonomy, scope, self.links, self.settings)
            for scope in (Scope.CATEGORY, Scope.TAG)
        }
        site_posts = self.taxonomy.scopes[FeedKey(Scope.SITE)]
        yield (
            "index.html",
            self._render(
                "index.html",
                page_title=site.title,
                discovery=self.site_feeds,
                site_feeds=self.site_feeds,
                categories=views[Scope.CATEGORY],
                tags=views[Scope.TAG],
                posts=[_post_view(p, self.links) for p in site_posts[:RECENT_ON_INDEX]],
            ),
        )
        for scope, scope_views in views.items():
            heading = self._heading(scope)
            yield (
                f"{scope.value}/index.html",
                self._render(
                    "terms.html",
                    page_title=f"{heading} · {site.title}",
                    discovery=self.site_feeds,
                    heading=heading,
                    terms=scope_views,
                ),
            )

    def term_page(self, key: FeedKey, members: tuple[Post, ...]) -> tuple[str, bytes]:
        """term.html, written in code: fifteen hundred term pages of a large site spent most of
        their time in Jinja's attribute lookups and escaping, and in listing the same posts again."""
        site = self.settings.site
        title = term_heading(key, self.labels)
        feeds = self.links.feeds(key, term_feed_words(key, self.settings)[0])
        heading = escape(title)
        main = "".join(
            (
                '\n<nav class="crumbs"><a href="',
                escape(self.links.page(f"{key.scope.value}/")),
                '">',
                escape(self._heading(key.scope)),
                "</a></nav>\n<h1>",
                heading,
                "</h1>\n<p>",
                self._subscribe,
                ": ",
                feed_links(feeds),
                ' <span class="count">',
                str(len(members)),
                " ",
                self._posts_label,
                '</span></p>\n<ul class="posts">',
                *map(self._post_item, members[: self.settings.feeds.limit]),
                "\n</ul>\n",
            )
        )
        page = self._page(f"{title} · {site.title}", discovery(feeds), main)
        return key.path + "index.html", page

    def post_pages(self, posts: Iterable[Post]) -> Iterator[tuple[str, bytes]]:
        """The pages of `posts` that feedpub publishes."""
        return (page for post in posts if (page := self.post_page(post)) is not None)

    def post_page(self, post: Post) -> tuple[str, bytes] | None:
        """post.html, written in code: ten thousand post pages spent most of their time in Jinja's
        attribute lookups and escaping (test_pages_fast holds both to the same bytes). None for a
        post published on another site (`post_page_path`)."""
        path = post_page_path(post, self.settings.site.base_url)
        if path is None:
            return None
        iso, day = dates(post)
        image = post.image
        main = "".join(
            (
                "\n<article>\n<h1>",
                escape(post.title),
                '</h1>\n<p class="meta"><time datetime="',
                iso,
                '">',
                day,
                "</time>",
                " · " + escape(post.author.name) if post.author and post.author.name else "",
                *map(self._term_link, post_terms(post)),
                "</p>\n",
                f'<p><img src="{escape(image)}" alt=""></p>' if image else "",
                "\n",
                post.content_html,
                "\n</article>\n",
            )
        )
        page = self._page(f"{post.title} · {self.settings.site.title}", self._site_discovery, main)
        return path, page

    def _page(self, title: str, links: str, main: str) -> bytes:
        """base.html around `main`, with this page's title and discovery links."""
        head, top, bottom = self._shell
        return "".join((head, escape(title), "</title>", links, top, main, bottom)).encode("utf-8")

    @cached_property
    def _shell(self) -> tuple[str, str, str]:
        """base.html rendered once with no title and no discovery links, cut where pages differ:
        (up to the title, from the discovery links to the content of <main>, from the end of that
        content on). The title's slot is a text the shell does not hold (a site title may)."""
        base = self.env.get_template("base.html")
        slot = "\x00"
        while slot in base.render(**self.common, page_title="", discovery=()):
            slot += "\x00"
        shell = base.render(**self.common, page_title=Markup(slot), discovery=())
        head, rest = shell.split(slot, 1)
        rest = rest.removeprefix("</title>")
        top, bottom = rest.split("<main>\n", 1)
        return head, top + "<main>\n", bottom

    @cached_property
    def _site_discovery(self) -> str:
        return discovery(self.site_feeds)

    @cached_property
    def _subscribe(self) -> str:
        return escape(self.labels["subscribe"])

    @cached_property
    def _posts_label(self) -> str:
        return escape(self.labels["posts"])

    def _post_item(self, post: Post) -> str:
        """A post's <li> in term pages' post_list: made once per post, as a post is listed on
        the page of each of its terms. Cached by id and checked against the Post object it was
        made from (posts are immutable; an edit is a new object); the cache lives as long as this
        renderer, which `retarget` replaces."""
        found = self._items.get(post.id)
        if found is not None and found[0] is post:
            return found[1]
        iso, day = dates(post)
        item = "".join(
            (
                '\n<li><a href="',
                escape(self.links.post(post)),
                '">',
                escape(post.title),
                '</a><br><span class="meta"><time datetime="',
                iso,
                '">',
                day,
                "</time></span>",
                "<br>" + escape(post.summary) if post.summary else "",
                "</li>",
            )
        )
        self._items[post.id] = (post, item)
        return item

    def _term_link(self, term: tuple[Scope, str]) -> str:
        """` · <a href=…>name</a>` for one term of a post page ("" for a term with no page); a
        term appears on many post pages and its link depends only on the taxonomy."""
        link = self._term_links.get(term)
        if link is None:
            slug = self.taxonomy.slugs.get(term)
            link = ""
            if slug is not None:
                href = escape(self.links.page(f"{term[0].value}/{slug}/"))
                link = f' · <a href="{href}">{escape(self.taxonomy.names[term])}</a>'
            self._term_links[term] = link
        return link

"""HTML pages written beside the feeds: the index with discovery links, term lists, term pages
(paged), the archive by month, and one readable page per post (where its permalink points).

Links inside pages are root-relative (the base URL's path plus the feed path), so the pages work
whichever host name a reader used; no page contains the build time.

The index and archive pages are rendered by Jinja. Post and term pages, ten thousand of them on
a large site, are written in code around base.html rendered once (with `render.page_fragments`);
post.html and term.html remain their specification, kept with the tests (tests/render/templates/):
tests/render/test_pages_fast.py holds the code to what those templates render, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from markupsafe import Markup

from feedpub.config import Settings
from feedpub.model import FeedKey, Post, Scope
from feedpub.render.archive_pages import ArchivePages
from feedpub.render.feed_spec import term_feed_words, term_heading
from feedpub.render.page_fragments import (
    combine_section,
    post_pager,
    subscribe_item,
    subscribe_section,
    term_pager,
)
from feedpub.render.page_nav import ARCHIVES, co_terms, neighbours, page_count, term_page_path
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
    post_view,
    term_views,
)
from feedpub.render.taxonomy import Taxonomy

RECENT_ON_INDEX = 30


class PageRenderer:
    """Renders the HTML pages one at a time, so a rescan can redo only the pages a change touched."""

    def __init__(
        self, taxonomy: Taxonomy, settings: Settings, items: dict[str, tuple[Post, str]] | None = None
    ) -> None:
        self.taxonomy = taxonomy
        self.settings = settings
        self.env = environment()
        self.links = Links(settings)
        self.labels = labels_for(settings)
        self.common = {"site": settings.site, "labels": self.labels}
        self.site_feeds = self.links.feeds(FeedKey(Scope.SITE), settings.site.title)
        self.items: dict[str, tuple[Post, str]] = {} if items is None else items  # see _post_item
        self._term_links: dict[tuple[Scope, str], tuple[str, str]] = {}
        self.site_posts = taxonomy.scopes[FeedKey(Scope.SITE)]

    def render(self, template: str, **values: Any) -> bytes:
        return self.env.get_template(template).render(**self.common, **values).encode("utf-8")

    def _heading(self, scope: Scope) -> str:
        return self.labels["categories" if scope is Scope.CATEGORY else "tags"]

    def index_pages(self) -> Iterator[tuple[str, bytes]]:
        """`/`, `/categories/` and `/tags/`: they list every term, so any change of terms touches them."""
        site = self.settings.site
        views = {
            scope: term_views(self.taxonomy, scope, self.links, self.settings)
            for scope in (Scope.CATEGORY, Scope.TAG)
        }
        site_posts = self.taxonomy.scopes[FeedKey(Scope.SITE)]
        yield (
            "index.html",
            self.render(
                "index.html",
                page_title=site.title,
                discovery=self.site_feeds,
                site_feeds=self.site_feeds,
                categories=views[Scope.CATEGORY],
                tags=views[Scope.TAG],
                posts=[post_view(p, self.links) for p in site_posts[:RECENT_ON_INDEX]],
                archives_page=self.links.page(ARCHIVES),
            ),
        )
        for scope, scope_views in views.items():
            heading = self._heading(scope)
            yield (
                f"{scope.value}/index.html",
                self.render(
                    "terms.html",
                    page_title=f"{heading} · {site.title}",
                    discovery=self.site_feeds,
                    heading=heading,
                    terms=scope_views,
                ),
            )

    def term_pages(self, key: FeedKey, members: tuple[Post, ...]) -> list[tuple[str, bytes]]:
        """term.html's pages in code (Jinja's lookups and escaping cost most of 1 500 term pages'
        time): `pages.per_page` posts each, at the term's folder, then `page/2/` … (Hugo's URLs)."""
        pages = page_count(len(members), self.settings.pages.per_page)
        shared = self._term_shared(key, members)
        return [self._term_page(key, members, page, pages, shared) for page in range(1, pages + 1)]

    def _term_shared(self, key: FeedKey, members: tuple[Post, ...]) -> tuple[str, str, str, str]:
        """(title, discovery links, the page's top, its "combine with…") for every page of a term."""
        title = term_heading(key, self.labels)
        feeds = self.links.feeds(key, term_feed_words(key, self.settings)[0])
        top = "".join(
            (
                '\n<nav class="crumbs"><a href="',
                escape(self.links.page(f"{key.scope.value}/")),
                '">',
                escape(self._heading(key.scope)),
                "</a></nav>\n<h1>",
                escape(title),
                "</h1>\n<p>",
                self._subscribe,
                ": ",
                feed_links(feeds),
                ' <span class="count">',
                str(len(members)),
                " ",
                self._posts_label,
                '</span></p>\n<ul class="posts">',
            )
        )
        recent = members[: self.settings.feeds.limit]
        combine = [
            (self.links.page(other.path), other.name, self.links.combined((key, other)))
            for other in co_terms(self.taxonomy, key, recent)
        ]
        return title, discovery(feeds), top, combine_section(combine, self.labels)

    def _term_page(
        self,
        key: FeedKey,
        members: tuple[Post, ...],
        page: int,
        pages: int,
        shared: tuple[str, str, str, str],
    ) -> tuple[str, bytes]:
        title, links, top, combine = shared
        per_page = self.settings.pages.per_page
        newer = self.links.page(term_page_path(key, page - 1)) if page > 1 else None
        older = self.links.page(term_page_path(key, page + 1)) if page < pages else None
        main = "".join(
            (
                top,
                *map(self._post_item, members[(page - 1) * per_page : page * per_page]),
                "\n</ul>\n",
                term_pager(page, pages, (newer, older), self.labels),
                combine,
                "\n",
            )
        )
        if page > 1:
            title += " · " + self.labels["page_of"].format(page=page, pages=pages)
        page_file = self._page(f"{title} · {self.settings.site.title}", links, main)
        return term_page_path(key, page) + "index.html", page_file

    @cached_property
    def archives(self) -> ArchivePages:
        """The archive by month (`render.archive_pages`): its index and every month, or some."""
        return ArchivePages(self)

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
        older, newer = neighbours(self.site_posts, post, self._places.get(post.id))
        terms = list(post_terms(post))
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
                *(self._term_parts(term)[0] for term in terms),
                "</p>\n",
                f'<p><img src="{escape(post.image)}" alt=""></p>' if post.image else "",
                "\n",
                post.content_html,
                "\n</article>\n",
                post_pager(self._nav(older), self._nav(newer), self.labels),
                subscribe_section((self._term_parts(term)[1] for term in terms), self.labels),
                "\n",
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
    def _places(self) -> dict[str, int]:
        """Each post's place in the site feed, for previous/next (found once, not per page)."""
        return {post.id: at for at, post in enumerate(self.site_posts)}

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
        made from (posts are immutable; an edit is a new object). An item depends on its post
        alone, so `SiteRenderer.retarget` hands the cache on: an edit re-renders every page of a
        big term (a new post moves every post down a page), from items already made."""
        found = self.items.get(post.id)
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
        self.items[post.id] = (post, item)
        return item

    def _nav(self, post: Post | None) -> tuple[str, str] | None:
        return None if post is None else (self.links.post(post), post.title)

    def _term_parts(self, term: tuple[Scope, str]) -> tuple[str, str]:
        """(` · <a href=…>name</a>` for a post page's meta line, its line in the subscribe list)
        for one term ("" for a term with no page); a term appears on many post pages and these
        depend only on the taxonomy."""
        parts = self._term_links.get(term)
        if parts is None:
            parts = ("", "")
            if term in self.taxonomy.slugs:
                key = self.taxonomy.feed_key(*term)
                href, name = self.links.page(key.path), key.name
                feeds = self.links.feeds(key, term_feed_words(key, self.settings)[0])
                label = self.labels["category" if term[0] is Scope.CATEGORY else "tag"]
                parts = (
                    f' · <a href="{escape(href)}">{escape(name)}</a>',
                    subscribe_item(label, href, name, feeds),
                )
            self._term_links[term] = parts
        return parts

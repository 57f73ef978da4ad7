"""HTML pages written beside the feeds: the index with discovery links, term lists, term pages
and one readable page per post (the page each entry's permalink points to).

Links inside pages are root-relative (the base URL's path plus the feed path), so the pages work
whichever host name a reader used; no page contains the build time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..config import Settings
from ..model import FeedKey, Post, Scope
from ..taxonomy import Taxonomy
from .common import FEED_FILES, MEDIA_TYPES, url_path

LABELS = {
    "en": {
        "categories": "Categories",
        "tags": "Tags",
        "category": "Category",
        "tag": "Tag",
        "subscribe": "Subscribe",
        "recent": "Recent posts",
        "posts": "posts",
    },
    "zh": {
        "categories": "分类",
        "tags": "标签",
        "category": "分类",
        "tag": "标签",
        "subscribe": "订阅",
        "recent": "最新文章",
        "posts": "篇",
    },
}
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
RECENT_ON_INDEX = 30


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("feedpub", "templates"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # else every render stats each template file: 50 000 stats a cold build
    )


def post_page_path(post: Post) -> str:
    """Where a post's readable page lives under feeds/."""
    return f"posts/{post.slug}/index.html"


@dataclass(frozen=True)
class _Links:
    settings: Settings

    @property
    def root(self) -> str:
        return urlsplit(self.settings.site.base_url).path or "/"

    def page(self, path: str) -> str:
        return self.root + url_path(path)

    def feeds(self, key: FeedKey, title: str) -> list[dict[str, str]]:
        return [
            {
                "href": self.page(key.path + FEED_FILES[fmt]),
                "type": MEDIA_TYPES[fmt],
                "label": FORMAT_LABELS[fmt],
                "title": f"{title} ({FORMAT_LABELS[fmt]})",
            }
            for fmt in self.settings.feeds.formats
        ]


def _labels(settings: Settings) -> dict[str, str]:
    return LABELS["zh" if settings.site.language.lower().startswith("zh") else "en"]


def _post_view(post: Post, links: _Links, taxonomy: Taxonomy, with_content: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "title": post.title,
        "page": links.page(f"posts/{post.slug}/"),
        "iso": post.published.isoformat(),
        "day": post.published.strftime("%Y-%m-%d"),
        "summary": post.summary,
    }
    if with_content:
        terms = []
        for scope, items in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
            for term in items:
                slug = taxonomy.slugs.get((scope, term.key))
                if slug is not None:
                    name = taxonomy.names[(scope, term.key)]
                    terms.append({"name": name, "page": links.page(f"{scope.value}/{slug}/")})
        view.update(
            content_html=post.content_html,
            image=post.image,
            author=post.author.name if post.author else "",
            terms=terms,
        )
    return view


def _term_views(
    taxonomy: Taxonomy, scope: Scope, links: _Links, site_title: str, label: str
) -> list[dict[str, Any]]:
    return [
        {
            "name": key.name,
            "count": len(posts),
            "page": links.page(key.path),
            "feeds": links.feeds(key, f"{site_title} · {label}: {key.name}"),
        }
        for key, posts in taxonomy.terms(scope)
    ]


class PageRenderer:
    """Renders the HTML pages one at a time, so a rescan can redo only the pages a change touched."""

    def __init__(self, taxonomy: Taxonomy, settings: Settings) -> None:
        self.taxonomy = taxonomy
        self.settings = settings
        self.env = _environment()
        self.links = _Links(settings)
        self.labels = _labels(settings)
        self.common = {"site": settings.site, "labels": self.labels}
        self.site_feeds = self.links.feeds(FeedKey(Scope.SITE), settings.site.title)

    def _render(self, template: str, **values: Any) -> bytes:
        return self.env.get_template(template).render(**self.common, **values).encode("utf-8")

    def _label(self, scope: Scope) -> str:
        return self.labels["category" if scope is Scope.CATEGORY else "tag"]

    def _heading(self, scope: Scope) -> str:
        return self.labels["categories" if scope is Scope.CATEGORY else "tags"]

    def index_pages(self) -> Iterator[tuple[str, bytes]]:
        """`/`, `/categories/` and `/tags/`: they list every term, so any change of terms touches them."""
        site = self.settings.site
        views = {
            scope: _term_views(self.taxonomy, scope, self.links, site.title, self._label(scope))
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
                posts=[_post_view(p, self.links, self.taxonomy) for p in site_posts[:RECENT_ON_INDEX]],
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
        site = self.settings.site
        label = self._label(key.scope)
        feeds = self.links.feeds(key, f"{site.title} · {label}: {key.name}")
        return key.path + "index.html", self._render(
            "term.html",
            page_title=f"{label}: {key.name} · {site.title}",
            discovery=feeds,
            heading=f"{label}: {key.name}",
            scope_page=self.links.page(f"{key.scope.value}/"),
            scope_label=self._heading(key.scope),
            feeds=feeds,
            count=len(members),
            posts=[_post_view(p, self.links, self.taxonomy) for p in members[: self.settings.feeds.limit]],
        )

    def post_page(self, post: Post) -> tuple[str, bytes]:
        """post.html, with base.html's part rendered once for all posts (ten thousand post pages
        spent most of their time re-rendering the same head, style and footer)."""
        head, top, bottom = self._post_shell
        template = self.env.get_template("post.html")
        view = _post_view(post, self.links, self.taxonomy, with_content=True)
        context = template.new_context({**self.common, "post": view})
        title = str(escape(f"{post.title} · {self.settings.site.title}"))
        main = "".join(template.blocks["main"](context))
        return post_page_path(post), (head + title + top + main + bottom).encode("utf-8")

    @cached_property
    def _post_shell(self) -> tuple[str, str, str]:
        """base.html as every post page has it: (up to the title, from the title to the content of
        <main>, from the end of that content on)."""
        slot = Markup("\x00")
        shell = self.env.get_template("base.html").render(
            **self.common, page_title=slot, discovery=self.site_feeds
        )
        head, rest = shell.split(slot)
        top, bottom = rest.split("<main>\n", 1)
        return head, top + "<main>\n", bottom

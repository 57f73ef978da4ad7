"""HTML pages written beside the feeds: the index with discovery links, term lists, term pages
and one readable page per post (the page each entry's permalink points to).

Links inside pages are root-relative (the base URL's path plus the feed path), so the pages work
whichever host name a reader used; no page contains the build time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import jinja2

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


def render_pages(taxonomy: Taxonomy, settings: Settings) -> dict[str, bytes]:
    """Every HTML page as {path under feeds/: bytes}."""
    env = _environment()
    site = settings.site
    links = _Links(settings)
    labels = _labels(settings)
    common = {"site": site, "labels": labels}
    site_key = FeedKey(Scope.SITE)
    site_posts = taxonomy.scopes[site_key]
    site_feeds = links.feeds(site_key, site.title)
    categories = _term_views(taxonomy, Scope.CATEGORY, links, site.title, labels["category"])
    tags = _term_views(taxonomy, Scope.TAG, links, site.title, labels["tag"])
    pages: dict[str, str] = {}
    pages["index.html"] = env.get_template("index.html").render(
        **common,
        page_title=site.title,
        discovery=site_feeds,
        site_feeds=site_feeds,
        categories=categories,
        tags=tags,
        posts=[_post_view(p, links, taxonomy) for p in site_posts[:RECENT_ON_INDEX]],
    )
    for scope, views, heading in (
        (Scope.CATEGORY, categories, labels["categories"]),
        (Scope.TAG, tags, labels["tags"]),
    ):
        pages[f"{scope.value}/index.html"] = env.get_template("terms.html").render(
            **common,
            page_title=f"{heading} · {site.title}",
            discovery=site_feeds,
            heading=heading,
            terms=views,
        )
        label = labels["category" if scope is Scope.CATEGORY else "tag"]
        for key, members in taxonomy.terms(scope):
            title = f"{site.title} · {label}: {key.name}"
            feeds = links.feeds(key, title)
            pages[key.path + "index.html"] = env.get_template("term.html").render(
                **common,
                page_title=f"{label}: {key.name} · {site.title}",
                discovery=feeds,
                heading=f"{label}: {key.name}",
                scope_page=links.page(f"{scope.value}/"),
                scope_label=heading,
                feeds=feeds,
                count=len(members),
                posts=[_post_view(p, links, taxonomy) for p in members[: settings.feeds.limit]],
            )
    post_template = env.get_template("post.html")
    for post in site_posts:
        pages[post_page_path(post)] = post_template.render(
            **common,
            page_title=f"{post.title} · {site.title}",
            discovery=site_feeds,
            post=_post_view(post, links, taxonomy, with_content=True),
        )
    return {path: text.encode("utf-8") for path, text in pages.items()}

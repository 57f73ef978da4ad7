"""The pieces HTML pages share: labels in the site's language (`render.messages`), root-relative
links, Jinja's environment, and the escaping and fragments the pages written in code use (each the same bytes
as what the templates render: tests/render/test_pages_fast.py holds them to it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from feedpub.config import Settings
from feedpub.model import FeedKey, Post, Scope
from feedpub.render.feed_spec import term_feed_words, url_path
from feedpub.render.formats import FORMATS
from feedpub.render.messages import messages
from feedpub.render.page_nav import combined_query
from feedpub.render.taxonomy import Taxonomy


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("feedpub.render", "templates"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # else every render stats each template file: 50 000 stats a cold build
    )


def post_page_path(post: Post, base_url: str) -> str | None:
    """Where a post's readable page lives under feeds/: at its permalink's path, when feedpub
    serves that URL (standalone); None when the post lives on another site (its own page is there).

    `/a/b/` is `a/b/index.html`, `/a/b.html` itself, and a path without an extension gets
    `.html` (Jekyll's `permalink: none` and `:title` without a slash, which the site's server
    answers at the bare path): the file name on disk is the decoded path, as servers map it.
    """
    url = post.url.split("#", 1)[0].split("?", 1)[0]
    if not url.startswith(base_url):
        return None
    path = unquote(url[len(base_url) :])
    if not path or path.endswith("/"):
        return path + "index.html"
    last = path.rsplit("/", 1)[-1]
    return path if "." in last.lstrip(".") else path + ".html"


@dataclass(frozen=True)
class Links:
    settings: Settings

    @property
    def root(self) -> str:
        return urlsplit(self.settings.site.base_url).path or "/"

    def page(self, path: str) -> str:
        return self.root + url_path(path)

    def post(self, post: Post) -> str:
        """A link to the post's page: root-relative on feedpub's own host, else its absolute URL."""
        base = self.settings.site.base_url
        return self.root + post.url[len(base) :] if post.url.startswith(base) else post.url

    def feeds(self, key: FeedKey, title: str) -> list[dict[str, str]]:
        return [
            {
                "href": self.page(key.path + FORMATS[fmt].file_name),
                "type": FORMATS[fmt].media_type,
                "label": FORMATS[fmt].label,
                "title": f"{title} ({FORMATS[fmt].label})",
            }
            for fmt in self.settings.feeds.formats
        ]

    def combined(self, keys: tuple[FeedKey, ...]) -> list[dict[str, str]]:
        """The combined feed of the posts that have all of `keys`, in each format (canonical URLs)."""
        return [
            {
                "href": self.page("feeds/") + "?" + combined_query(keys, fmt),
                "type": FORMATS[fmt].media_type,
                "label": FORMATS[fmt].label,
            }
            for fmt in self.settings.feeds.formats
        ]


def post_view(post: Post, links: Links) -> dict[str, Any]:
    """A post as the index page's list sees it."""
    return {
        "title": post.title,
        "page": links.post(post),
        "iso": post.published.isoformat(),
        "day": post.published.strftime("%Y-%m-%d"),
        "summary": post.summary,
    }


def term_views(taxonomy: Taxonomy, scope: Scope, links: Links, settings: Settings) -> list[dict[str, Any]]:
    """Each term of `scope` as the index page's tables see it."""
    return [
        {
            "name": key.name,
            "count": len(posts),
            "page": links.page(key.path),
            "feeds": links.feeds(key, term_feed_words(key, settings)[0]),
        }
        for key, posts in taxonomy.terms(scope)
    ]


def labels_for(settings: Settings) -> Mapping[str, str]:
    """The site's message catalogue (`render.messages`), chosen by `site.language`."""
    return messages(settings.site.language)


def escape(text: str) -> str:
    """markupsafe's escape (Jinja's autoescape) of a str, as a plain str: pages written in code
    stay byte for byte what the templates render."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def dates(post: Post) -> tuple[str, str]:
    """The post's `datetime` attribute and shown day; the day is the ISO text's date part except
    before year 1000, where strftime's %Y (as the templates had it) is not zero-padded."""
    published = post.published
    iso = published.isoformat()
    return iso, iso[:10] if published.year >= 1000 else published.strftime("%Y-%m-%d")


def post_terms(post: Post) -> Iterator[tuple[Scope, str]]:
    """The post's categories, then its tags, as taxonomy keys."""
    for term in post.categories:
        yield Scope.CATEGORY, term.key
    for term in post.tags:
        yield Scope.TAG, term.key


def discovery(feeds: list[dict[str, str]]) -> str:
    """base.html's <link rel="alternate"> tags for these feeds."""
    return "".join(
        f'\n<link rel="alternate" type="{escape(f["type"])}" title="{escape(f["title"])}"'
        f' href="{escape(f["href"])}">'
        for f in feeds
    )


def feed_links(feeds: list[dict[str, str]]) -> str:
    """_macros.html's feed_links."""
    links = "".join(
        f'<a href="{escape(f["href"])}" type="{escape(f["type"])}">{escape(f["label"])}</a>' for f in feeds
    )
    return f'<span class="feeds">{links}</span>'

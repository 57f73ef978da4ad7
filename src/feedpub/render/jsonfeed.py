"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): items rendered once, joined per feed."""

from __future__ import annotations

import json
from typing import Any

from feedpub.config import Settings
from feedpub.model import Post
from feedpub.read.dates import rfc3339
from feedpub.render.feed_spec import EntryContext, FeedHead, FeedSpec, hub_url

VERSION = "https://jsonfeed.org/version/1.1"


def dumps(value: Any) -> str:
    """JSON as feeds hold it: UTF-8 text, no spaces."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    item: dict[str, Any] = {"id": post.id, "url": post.url, "title": post.title}
    content_html = ctx.content(post)
    if content_html:
        item["content_html"] = content_html
    else:
        item["content_text"] = post.summary or post.title
    if post.summary:
        item["summary"] = post.summary
    if post.image:
        item["image"] = post.image
    item["date_published"] = rfc3339(post.published)
    item["date_modified"] = rfc3339(post.updated)
    if post.author is not None:
        author: dict[str, str] = {"name": post.author.name}
        if post.author.url:
            author["url"] = post.author.url
        item["authors"] = [author]
    names = list(dict.fromkeys(name for _scope, _term, name in ctx.terms(post)))
    if names:
        item["tags"] = names
    return dumps(item).encode("utf-8")


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    head = feed_head(ctx.settings, spec.head("json"))
    hub = hub_url(ctx.settings)
    if hub:
        head["hubs"] = [{"type": "WebSub", "url": hub}]
    return feed_document(head, entries)


def feed_head(settings: Settings, head: FeedHead) -> dict[str, Any]:
    """A feed's top-level members (a term feed's or a combined feed's; JSON Feed has no date)."""
    title, description, home_url, url, language, _updated = head
    site = settings.site
    author: dict[str, str] = {"name": site.author.name}
    if site.author.url:
        author["url"] = site.author.url
    return {
        "version": VERSION,
        "title": title,
        "home_page_url": home_url,
        "feed_url": url,
        "description": description,
        "language": language,
        "authors": [author],
    }


def feed_document(head: dict[str, Any], items: list[bytes]) -> bytes:
    """`head` and the items, already dumped, one a line."""
    opening = dumps(head)[:-1].encode("utf-8")
    return opening + b',"items":[\n' + b",\n".join(items) + b"\n]}\n"

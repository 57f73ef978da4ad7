"""RSS 2.0 feeds and items, with content:encoded, atom:link self and Media RSS thumbnails."""

from __future__ import annotations

import html

from lxml import etree

from ..dates import rfc822
from ..model import Post
from .common import GENERATOR, MEDIA_TYPES, EntryContext, FeedSpec
from .xml import ATOM, CONTENT, DC, MEDIA, fragment, splice, sub

NSMAP: dict[str | None, str] = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA}


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    item = etree.Element("item", nsmap=NSMAP)
    sub(item, "title", post.title)
    sub(item, "link", post.url)
    sub(item, "guid", post.id, isPermaLink="true" if post.id == post.url else "false")
    sub(item, "pubDate", rfc822(post.published))
    if post.author is not None:
        sub(item, f"{{{DC}}}creator", post.author.name)
    for scope, _term, name in ctx.terms(post):
        sub(item, "category", name, domain=ctx.scheme(scope))
    # RSS readers take <description> as HTML: the plain-text summary is escaped once more.
    sub(item, "description", html.escape(post.summary or post.title, quote=False))
    if ctx.full_content and post.content_html:
        encoded = sub(item, f"{{{CONTENT}}}encoded")
        encoded.text = etree.CDATA(post.content_html)
    if post.image:
        sub(item, f"{{{MEDIA}}}thumbnail", url=post.image)
        sub(item, f"{{{MEDIA}}}content", url=post.image, medium="image")
    return fragment(item, NSMAP)


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    rss = etree.Element("rss", nsmap=NSMAP)
    rss.set("version", "2.0")
    channel = sub(rss, "channel")
    sub(channel, "title", spec.title)
    sub(channel, "link", spec.home_url)
    sub(channel, "description", spec.description)
    sub(channel, f"{{{ATOM}}}link", rel="self", type=MEDIA_TYPES["rss"], href=spec.feed_url("rss"))
    sub(channel, "language", spec.language)
    sub(channel, "lastBuildDate", rfc822(spec.updated))
    if spec.posts:
        sub(channel, "pubDate", rfc822(max(p.published for p in spec.posts)))
    sub(channel, "generator", GENERATOR)
    sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    return splice(rss, entries, b"</channel></rss>")

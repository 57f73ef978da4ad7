"""Atom 1.0 (RFC 4287) feeds and entries."""

from __future__ import annotations

from lxml import etree

from ..dates import rfc3339
from ..model import Post
from .common import GENERATOR, MEDIA_TYPES, EntryContext, FeedSpec
from .xml import ATOM, MEDIA, XML_BASE, fragment, splice, sub

NSMAP: dict[str | None, str] = {None: ATOM, "media": MEDIA}
A = f"{{{ATOM}}}"
M = f"{{{MEDIA}}}"


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    entry = etree.Element(A + "entry", nsmap=NSMAP)
    sub(entry, A + "id", post.id)
    sub(entry, A + "title", post.title, type="text")
    sub(entry, A + "updated", rfc3339(post.updated))
    sub(entry, A + "published", rfc3339(post.published))
    if post.author is not None:
        author = sub(entry, A + "author")
        sub(author, A + "name", post.author.name)
        if post.author.email:
            sub(author, A + "email", post.author.email)
        if post.author.url:
            sub(author, A + "uri", post.author.url)
    sub(entry, A + "link", rel="alternate", type="text/html", href=post.url)
    for scope, _term, name in ctx.terms(post):
        sub(entry, A + "category", term=name, scheme=ctx.scheme(scope), label=name)
    if post.summary:
        sub(entry, A + "summary", post.summary, type="text")
    if ctx.full_content and post.content_html:
        content = sub(entry, A + "content", post.content_html, type="html")
        content.set(XML_BASE, post.url)
    if post.image:
        sub(entry, M + "thumbnail", url=post.image)
        sub(entry, M + "content", url=post.image, medium="image")
    return fragment(entry, NSMAP)


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    site = ctx.settings.site
    feed = etree.Element(A + "feed", nsmap=NSMAP)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", spec.language)
    sub(feed, A + "id", spec.id)
    sub(feed, A + "title", spec.title, type="text")
    sub(feed, A + "subtitle", spec.description, type="text")
    sub(feed, A + "updated", rfc3339(spec.updated))
    sub(feed, A + "link", rel="self", type=MEDIA_TYPES["atom"], href=spec.feed_url("atom"))
    sub(feed, A + "link", rel="alternate", type="text/html", href=spec.home_url)
    author = sub(feed, A + "author")
    sub(author, A + "name", site.author.name)
    if site.author.email:
        sub(author, A + "email", site.author.email)
    if site.author.url:
        sub(author, A + "uri", site.author.url)
    sub(feed, A + "generator", GENERATOR)
    return splice(feed, entries, b"</feed>")

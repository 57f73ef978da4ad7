"""RSS 2.0 feeds and items, with content:encoded, atom:link self and Media RSS thumbnails."""

from __future__ import annotations

import html

from feedpub.model import Post
from feedpub.read.dates import rfc822
from feedpub.render.feed_spec import GENERATOR, EntryContext, FeedSpec, hub_url
from feedpub.render.formats import FORMATS
from feedpub.render.xml import ATOM, CONTENT, DC, MEDIA, attr, cdata, document, finish, text


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    is_permalink = "true" if post.id == post.url else "false"
    out = [
        f"<item><title>{text(post.title)}</title><link>{text(post.url)}</link>"
        f'<guid isPermaLink="{is_permalink}">{text(post.id)}</guid><pubDate>{rfc822(post.published)}</pubDate>'
    ]
    if post.author is not None:
        out.append(f"<dc:creator>{text(post.author.name)}</dc:creator>")
    out.append(ctx.category_markup(post, _category))
    # RSS readers take <description> as HTML: the plain-text summary is escaped once more.
    description = html.escape(post.summary or post.title, quote=False)
    out.append(f"<description>{text(description)}</description>")
    content_html = ctx.content(post)
    if content_html:
        out.append(f"<content:encoded>{cdata(content_html)}</content:encoded>")
    if post.image:
        image = attr(post.image)
        out.append(f'<media:thumbnail url="{image}"/><media:content url="{image}" medium="image"/>')
    out.append("</item>")
    return finish("".join(out))


def _category(scheme: str, name: str) -> str:
    return f'<category domain="{attr(scheme)}">{text(name)}</category>'


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    head = [
        f'<rss xmlns:atom="{ATOM}" xmlns:content="{CONTENT}" xmlns:dc="{DC}" xmlns:media="{MEDIA}"'
        f' version="2.0"><channel><title>{text(spec.title)}</title><link>{text(spec.home_url)}</link>'
        f"<description>{text(spec.description)}</description>"
        f'<atom:link rel="self" type="{FORMATS["rss"].media_type}" href="{attr(spec.feed_url("rss"))}"/>'
        + (f'<atom:link rel="hub" href="{attr(hub)}"/>' if (hub := hub_url(ctx.settings)) else "")
        + f"<language>{text(spec.language)}</language><lastBuildDate>{rfc822(spec.updated)}</lastBuildDate>"
    ]
    if spec.posts:
        head.append(f"<pubDate>{rfc822(max(p.published for p in spec.posts))}</pubDate>")
    head.append(f"<generator>{GENERATOR}</generator><docs>https://www.rssboard.org/rss-specification</docs>")
    return document("".join(head), entries, "</channel></rss>")

"""RSS 2.0 feeds and items, with content:encoded, atom:link self and Media RSS thumbnails."""

from __future__ import annotations

import html
from datetime import datetime

from feedpub.config import Settings
from feedpub.model import Post
from feedpub.read.dates import rfc822
from feedpub.render.feed_spec import GENERATOR, EntryContext, FeedHead, FeedSpec, hub_url
from feedpub.render.feed_view import entry_link, stylesheet_pi, subscribe_box
from feedpub.render.formats import FORMATS
from feedpub.render.xml import ATOM, CONTENT, DC, MEDIA, attr, cdata, document, finish, text


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    is_permalink = "true" if post.id == post.url else "false"
    out = [
        f"<item><title>{text(post.title)}</title><link>{text(post.url)}</link>"
        # the title as an XHTML link, for browsers (render.feed_view)
        f'<atom:link rel="alternate" type="text/html" href="{attr(post.url)}">{entry_link(post.url, post.title)}'
        f'</atom:link><guid isPermaLink="{is_permalink}">{text(post.id)}</guid><pubDate>{rfc822(post.published)}</pubDate>'
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


NAMESPACES = f'xmlns:atom="{ATOM}" xmlns:content="{CONTENT}" xmlns:dc="{DC}" xmlns:media="{MEDIA}"'


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    head = channel_head(
        ctx.settings,
        spec.head("rss"),
        newest=max((p.published for p in spec.posts), default=None),
        hub=hub_url(ctx.settings),
    )
    return document(head, entries, "</channel></rss>")


def channel_head(settings: Settings, head: FeedHead, *, newest: datetime | None, hub: str | None) -> str:
    """The channel's opening and metadata, a term feed's or a combined feed's (`render.combined`):
    `newest` is the newest entry's date (None: no `pubDate`)."""
    title, description, home_url, url, language, updated = head
    return (
        stylesheet_pi(settings) + f'<rss {NAMESPACES} version="2.0"><channel><title>{text(title)}</title>'
        f"<link>{text(home_url)}</link><description>{text(description)}</description>"
        f'<atom:link rel="self" type="{FORMATS["rss"].media_type}" href="{attr(url)}"/>'
        + (f'<atom:link rel="hub" href="{attr(hub)}"/>' if hub else "")
        + f"<language>{text(language)}</language><lastBuildDate>{rfc822(updated)}</lastBuildDate>"
        + (f"<pubDate>{rfc822(newest)}</pubDate>" if newest is not None else "")
        + f"<generator>{GENERATOR}</generator><docs>https://www.rssboard.org/rss-specification</docs>"
        + subscribe_box(url, home_url)
    )

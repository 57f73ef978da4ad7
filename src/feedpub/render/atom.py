"""Atom 1.0 (RFC 4287) feeds and entries, and the RFC 5005 archive documents of a feed.

A subscription feed with archives links its newest archive page (`prev-archive`); each archive
page is marked `fh:archive` and links `current` (the subscription feed) and its neighbours
(`prev-archive`, `next-archive`), so an aggregator can walk back to the first entry ever made.
"""

from __future__ import annotations

from feedpub.config import Settings
from feedpub.model import Post
from feedpub.read.dates import rfc3339
from feedpub.render.feed_spec import GENERATOR, EntryContext, FeedHead, FeedSpec, hub_url
from feedpub.render.feed_view import entry_link, stylesheet_pi, subscribe_box
from feedpub.render.formats import ATOM_FORMAT
from feedpub.render.xml import ATOM, MEDIA, attr, document, finish, text

HISTORY = "http://purl.org/syndication/history/1.0"
NAMESPACES = f'xmlns="{ATOM}" xmlns:media="{MEDIA}"'


def render_archive_entry(post: Post, ctx: EntryContext) -> bytes:
    """The entry as archive pages carry it (`feeds.archive_content`)."""
    return render_entry(post, ctx, archived=True)


def render_entry(post: Post, ctx: EntryContext, archived: bool = False) -> bytes:
    out = [
        f'<entry><id>{text(post.id)}</id><title type="text">{text(post.title)}</title>'
        f"<updated>{rfc3339(post.updated)}</updated><published>{rfc3339(post.published)}</published>"
    ]
    if post.author is not None:
        out.append(_person("author", post.author.name, post.author.email, post.author.url))
    url = attr(post.url)  # the link holds the title as XHTML, for browsers (render.feed_view)
    out.append(
        f'<link rel="alternate" type="text/html" href="{url}">{entry_link(post.url, post.title)}</link>'
    )
    out.append(ctx.category_markup(post, _category))
    if post.summary:
        out.append(f'<summary type="text">{text(post.summary)}</summary>')
    content_html = ctx.content(post, archived)
    if content_html:
        out.append(f'<content type="html" xml:base="{attr(post.url)}">{text(content_html)}</content>')
    if post.image:
        image = attr(post.image)
        out.append(f'<media:thumbnail url="{image}"/><media:content url="{image}" medium="image"/>')
    out.append("</entry>")
    return finish("".join(out))


def _category(scheme: str, name: str) -> str:
    name = attr(name)
    return f'<category term="{name}" scheme="{attr(scheme)}" label="{name}"/>'


def _person(tag: str, name: str, email: str | None, uri: str | None) -> str:
    out = f"<{tag}><name>{text(name)}</name>"
    if email:
        out += f"<email>{text(email)}</email>"
    if uri:
        out += f"<uri>{text(uri)}</uri>"
    return out + f"</{tag}>"


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    hub = hub_url(ctx.settings)
    links = f'<link rel="hub" href="{attr(hub)}"/>' if hub else ""
    if spec.archive_pages:
        links += _atom_link("prev-archive", spec.archive_url(spec.archive_pages))
    return document(feed_head(ctx.settings, spec.head("atom"), links), entries, "</feed>")


def render_archive(spec: FeedSpec, page: int, entries: list[bytes], ctx: EntryContext) -> bytes:
    """Archive document `page` (1 = oldest) of the feed `spec` (RFC 5005 section 4)."""
    links = _atom_link("current", spec.feed_url("atom"))
    if page > 1:
        links += _atom_link("prev-archive", spec.archive_url(page - 1))
    if page < spec.archive_pages:
        links += _atom_link("next-archive", spec.archive_url(page + 1))
    head = spec.head("atom")._replace(
        title=f"{spec.title} · archive {page}",  # no page count: a full page never changes
        url=spec.archive_url(page),
        updated=max(p.updated for p in spec.archive_page(page)),
    )
    return document(
        feed_head(ctx.settings, head, links, True, subscribe=spec.feed_url("atom")), entries, "</feed>"
    )


def _atom_link(rel: str, href: str) -> str:
    return f'<link rel="{rel}" type="{ATOM_FORMAT.media_type}" href="{attr(href)}"/>'


def feed_head(
    settings: Settings, head: FeedHead, links: str = "", archive: bool = False, subscribe: str = ""
) -> str:
    """A feed's opening and metadata, a term feed's, an archive page's or a combined feed's
    (`render.combined`): `links` follow the alternate; `subscribe` is the feed the browser view
    offers (default the document's own; an archive page's feed)."""
    title, description, home_url, url, language, updated = head
    author = settings.site.author
    history = f' xmlns:fh="{HISTORY}"' if archive else ""
    return (
        stylesheet_pi(settings) + f'<feed {NAMESPACES}{history} xml:lang="{attr(language)}">'
        f"{'<fh:archive/>' if archive else ''}"
        f'<id>{text(url)}</id><title type="text">{text(title)}</title>'
        f'<subtitle type="text">{text(description)}</subtitle>'
        f"<updated>{rfc3339(updated)}</updated>"
        f"{_atom_link('self', url)}"
        f'<link rel="alternate" type="text/html" href="{attr(home_url)}"/>{links}'
        f"{_person('author', author.name, author.email, author.url)}<generator>{GENERATOR}</generator>"
        + subscribe_box(subscribe or url, home_url)
    )

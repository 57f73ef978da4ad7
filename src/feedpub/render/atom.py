"""Atom 1.0 (RFC 4287) feeds and entries."""

from __future__ import annotations

from ..dates import rfc3339
from ..model import Post
from .common import GENERATOR, MEDIA_TYPES, EntryContext, FeedSpec
from .xml import ATOM, MEDIA, attr, document, finish, text


def render_entry(post: Post, ctx: EntryContext) -> bytes:
    out = [
        f'<entry><id>{text(post.id)}</id><title type="text">{text(post.title)}</title>'
        f"<updated>{rfc3339(post.updated)}</updated><published>{rfc3339(post.published)}</published>"
    ]
    if post.author is not None:
        out.append(_person("author", post.author.name, post.author.email, post.author.url))
    out.append(f'<link rel="alternate" type="text/html" href="{attr(post.url)}"/>')
    for scope, _term, name in ctx.terms(post):
        name = attr(name)
        out.append(f'<category term="{name}" scheme="{attr(ctx.scheme(scope))}" label="{name}"/>')
    if post.summary:
        out.append(f'<summary type="text">{text(post.summary)}</summary>')
    content_html = ctx.content(post)
    if content_html:
        out.append(f'<content type="html" xml:base="{attr(post.url)}">{text(content_html)}</content>')
    if post.image:
        image = attr(post.image)
        out.append(f'<media:thumbnail url="{image}"/><media:content url="{image}" medium="image"/>')
    out.append("</entry>")
    return finish("".join(out))


def _person(tag: str, name: str, email: str | None, uri: str | None) -> str:
    out = f"<{tag}><name>{text(name)}</name>"
    if email:
        out += f"<email>{text(email)}</email>"
    if uri:
        out += f"<uri>{text(uri)}</uri>"
    return out + f"</{tag}>"


def render_feed(spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes:
    author = ctx.settings.site.author
    head = (
        f'<feed xmlns="{ATOM}" xmlns:media="{MEDIA}" xml:lang="{attr(spec.language)}">'
        f'<id>{text(spec.id)}</id><title type="text">{text(spec.title)}</title>'
        f'<subtitle type="text">{text(spec.description)}</subtitle>'
        f"<updated>{rfc3339(spec.updated)}</updated>"
        f'<link rel="self" type="{MEDIA_TYPES["atom"]}" href="{attr(spec.feed_url("atom"))}"/>'
        f'<link rel="alternate" type="text/html" href="{attr(spec.home_url)}"/>'
        f"{_person('author', author.name, author.email, author.url)}<generator>{GENERATOR}</generator>"
    )
    return document(head, entries, "</feed>")

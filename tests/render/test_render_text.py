"""Entries and feed heads are written as text; these tests hold them to an lxml rendering (the
way they were built before) byte for byte, over hostile text, so escaping can never drift."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedpub.config import settings_from_mapping
from feedpub.model import Author, Post, Status, Term
from feedpub.read.dates import rfc822, rfc3339
from feedpub.render import atom, rss
from feedpub.render.feed_spec import GENERATOR, EntryContext, feed_spec
from feedpub.render.feed_view import READERS, XHTML
from feedpub.render.formats import FORMATS
from feedpub.render.taxonomy import build_taxonomy
from feedpub.render.xml import ATOM, CONTENT, DC, MEDIA, XML_DECLARATION, sub  # sub: lxml's

# ---- the lxml reference ---------------------------------------------------------------------

A, M = f"{{{ATOM}}}", f"{{{MEDIA}}}"
ATOM_NS: dict[str | None, str] = {None: ATOM, "media": MEDIA}
RSS_NS: dict[str | None, str] = {"atom": ATOM, "content": CONTENT, "dc": DC, "media": MEDIA}


def lxml_person(parent, name: str, email: str | None, uri: str | None) -> None:
    author = sub(parent, A + "author")
    sub(author, A + "name", name)
    if email:
        sub(author, A + "email", email)
    if uri:
        sub(author, A + "uri", uri)


def lxml_entry_link(link, post: Post) -> None:
    """The XHTML link a browser shows as the entry's title (render.feed_view)."""
    anchor = etree.SubElement(link, f"{{{XHTML}}}a", nsmap={None: XHTML})
    anchor.set("href", post.url)
    anchor.text = post.title


def lxml_subscribe_box(parent, feed_url: str, home_url: str) -> None:
    x = f"{{{XHTML}}}"
    box = etree.SubElement(parent, x + "div", nsmap={None: XHTML})
    box.set("class", "feedpub")
    sub(sub(box, x + "p", **{"class": "address"}), x + "code", feed_url)
    readers = sub(box, x + "p", **{"class": "readers"})
    for name, pattern in READERS:
        sub(
            readers, x + "a", name, **{"class": "reader", "href": pattern.format(quote(feed_url, safe=""))}
        ).tail = " "
    readers[-1].tail = None
    sub(sub(box, x + "p", **{"class": "home"}), x + "a", **{"class": "home", "href": home_url})


def fragment(element, nsmap) -> bytes:
    data = etree.tostring(element, encoding="utf-8")
    declared = etree.tostring(etree.Element(element.tag, nsmap=nsmap), encoding="utf-8")[:-2]
    assert data.startswith(declared)
    return b"<" + etree.QName(element).localname.encode() + data[len(declared) :]


def splice(root, entries, close: bytes) -> bytes:
    stylesheet = etree.tostring(etree.PI("xml-stylesheet", 'type="text/css" href="/feed.css"')) + b"\n"
    head = XML_DECLARATION + stylesheet + etree.tostring(root, encoding="utf-8")
    assert head.endswith(close)
    return head[: -len(close)] + b"".join(b"\n" + e for e in entries) + b"\n" + close + b"\n"


def lxml_atom_entry(post: Post, ctx: EntryContext) -> bytes:
    entry = etree.Element(A + "entry", nsmap=ATOM_NS)
    sub(entry, A + "id", post.id)
    sub(entry, A + "title", post.title, type="text")
    sub(entry, A + "updated", rfc3339(post.updated))
    sub(entry, A + "published", rfc3339(post.published))
    if post.author is not None:
        lxml_person(entry, post.author.name, post.author.email, post.author.url)
    lxml_entry_link(sub(entry, A + "link", rel="alternate", type="text/html", href=post.url), post)
    for scope, _term, name in ctx.terms(post):
        sub(entry, A + "category", term=name, scheme=ctx.scheme(scope), label=name)
    if post.summary:
        sub(entry, A + "summary", post.summary, type="text")
    if body := ctx.content(post):  # which posts carry content is not what this oracle checks
        content = sub(entry, A + "content", body, type="html")
        content.set("{http://www.w3.org/XML/1998/namespace}base", post.url)
    if post.image:
        sub(entry, M + "thumbnail", url=post.image)
        sub(entry, M + "content", url=post.image, medium="image")
    return fragment(entry, ATOM_NS)


def lxml_atom_feed(spec, entries, ctx) -> bytes:
    site = ctx.settings.site
    feed = etree.Element(A + "feed", nsmap=ATOM_NS)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", spec.language)
    sub(feed, A + "id", spec.id)
    sub(feed, A + "title", spec.title, type="text")
    sub(feed, A + "subtitle", spec.description, type="text")
    sub(feed, A + "updated", rfc3339(spec.updated))
    sub(feed, A + "link", rel="self", type=FORMATS["atom"].media_type, href=spec.feed_url("atom"))
    sub(feed, A + "link", rel="alternate", type="text/html", href=spec.home_url)
    lxml_person(feed, site.author.name, site.author.email, site.author.url)
    sub(feed, A + "generator", GENERATOR)
    lxml_subscribe_box(feed, spec.feed_url("atom"), spec.home_url)
    return splice(feed, entries, b"</feed>")


def lxml_rss_entry(post: Post, ctx: EntryContext) -> bytes:
    item = etree.Element("item", nsmap=RSS_NS)
    sub(item, "title", post.title)
    sub(item, "link", post.url)
    lxml_entry_link(sub(item, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=post.url), post)
    sub(item, "guid", post.id, isPermaLink="true" if post.id == post.url else "false")
    sub(item, "pubDate", rfc822(post.published))
    if post.author is not None:
        sub(item, f"{{{DC}}}creator", post.author.name)
    for scope, _term, name in ctx.terms(post):
        sub(item, "category", name, domain=ctx.scheme(scope))
    sub(item, "description", html.escape(post.summary or post.title, quote=False))
    if body := ctx.content(post):
        sub(item, f"{{{CONTENT}}}encoded").text = etree.CDATA(body)
    if post.image:
        sub(item, f"{{{MEDIA}}}thumbnail", url=post.image)
        sub(item, f"{{{MEDIA}}}content", url=post.image, medium="image")
    return fragment(item, RSS_NS)


def lxml_rss_feed(spec, entries, ctx) -> bytes:
    root = etree.Element("rss", nsmap=RSS_NS)
    root.set("version", "2.0")
    channel = sub(root, "channel")
    sub(channel, "title", spec.title)
    sub(channel, "link", spec.home_url)
    sub(channel, "description", spec.description)
    sub(channel, f"{{{ATOM}}}link", rel="self", type=FORMATS["rss"].media_type, href=spec.feed_url("rss"))
    sub(channel, "language", spec.language)
    sub(channel, "lastBuildDate", rfc822(spec.updated))
    if spec.posts:
        sub(channel, "pubDate", rfc822(max(p.published for p in spec.posts)))
    sub(channel, "generator", GENERATOR)
    sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    lxml_subscribe_box(channel, spec.feed_url("rss"), spec.home_url)
    return splice(root, entries, b"</channel></rss>")


# ---- the comparison --------------------------------------------------------------------------

# every kind of character that escaping treats specially; what XML refuses outright is put
# into a few posts only (`spoil`), so most examples render
HOSTILE = st.text(
    st.one_of(
        st.sampled_from(list("&<>\"'\r\n\t ]]>\x7f\x85\u2028")),
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
    ),
    max_size=40,
)
REFUSED = list("\x00\x01\x0b\x1f\ufffe\uffff\ud800")
WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12)


@st.composite
def posts(draw) -> Post:
    zone = timezone(timedelta(minutes=draw(st.integers(-12 * 60, 14 * 60))))
    published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, 10**9)))
    url = "https://e.example/" + draw(HOSTILE)
    author = draw(st.none() | st.builds(Author, HOSTILE, st.none() | HOSTILE, st.none() | HOSTILE))
    terms = st.lists(st.builds(lambda w: Term(w.casefold(), w), WORD), max_size=3, unique_by=lambda t: t.key)
    spoil = draw(st.sampled_from([None] * 6 + ["title", "summary", "body", "id"]))
    bad = draw(st.sampled_from(REFUSED))

    def field(name: str, value: str) -> str:
        return value + bad if name == spoil else value

    return Post(
        id=field("id", draw(st.sampled_from([url, "urn:x:" + draw(HOSTILE)]))),
        url=url,
        slug="s",
        title=field("title", draw(HOSTILE)),
        published=published.astimezone(zone),
        updated=published + timedelta(seconds=draw(st.integers(0, 10**6))),
        categories=tuple(draw(terms)),
        tags=tuple(draw(terms)),
        summary=field("summary", draw(HOSTILE)),
        body=field("body", draw(HOSTILE)),
        image=draw(st.none() | HOSTILE),
        author=author,
        status=Status.PUBLISHED,
        source="p.md",
        dialect="hugo",
    )


def outcome(render, *args) -> bytes | str:
    """The bytes, or the kind of error (both ways must refuse the same text)."""
    try:
        return render(*args)
    except ValueError:  # UnicodeEncodeError included: a lone surrogate
        return "refused"


@pytest.mark.parametrize("content", ["full", "summary"])
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(post=posts(), title=HOSTILE, author=HOSTILE)
def test_text_rendering_equals_lxml(content, post, title, author):
    config = settings_from_mapping(
        {"site": {"title": title or "t", "author": {"name": author or "a"}}, "feeds": {"content": content}}
    )
    ctx = EntryContext(config, build_taxonomy([post], post.published))
    assert outcome(atom.render_entry, post, ctx) == outcome(lxml_atom_entry, post, ctx)
    assert outcome(rss.render_entry, post, ctx) == outcome(lxml_rss_entry, post, ctx)
    for key, members in [(k, v) for k, v in ctx.taxonomy.scopes.items()]:
        spec = feed_spec(key, members, config)
        entries = [b"<entry/>"]
        assert outcome(atom.render_feed, spec, entries, ctx) == outcome(lxml_atom_feed, spec, entries, ctx)
        assert outcome(rss.render_feed, spec, entries, ctx) == outcome(lxml_rss_feed, spec, entries, ctx)


def test_the_comparison_sees_real_entries(sample_site, now):
    """The property above is not vacuous: real posts render to the same non-empty bytes."""
    from feedpub.publish.cold_build import load_site

    result = load_site(sample_site, now)
    ctx = EntryContext(sample_site, result.taxonomy)
    assert result.posts
    for post in result.posts:
        made = atom.render_entry(post, ctx)
        assert made.startswith(b"<entry>") and made == lxml_atom_entry(post, ctx)
        assert rss.render_entry(post, ctx) == lxml_rss_entry(post, ctx)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_finish_refuses_exactly_what_xml_cannot_carry(value: str) -> None:
    """The byte-level check in `finish` agrees with the character class it stands for."""
    from feedpub.render.xml import NOT_XML, finish

    value += "\ufffe\uffff\x00\x1f\x7f\ue000"[len(value) % 7 :][:1]  # now and then one on the edge
    if NOT_XML.search(value):
        with pytest.raises(ValueError, match="XML compatible"):
            finish(value)
    else:
        assert finish(value) == value.encode("utf-8")

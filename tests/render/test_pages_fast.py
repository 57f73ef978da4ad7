"""Post and term pages are written in code; these tests hold them to what post.html and term.html
render through Jinja (the way they were built before) byte for byte, over hostile text, so the
templates stay their specification and escaping can never drift.

The two templates are the specification only, so they live here (tests/render/templates/), not in
the package; they extend base.html and import _macros.html, which production renders and which stay
in src/feedpub/render/templates/.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.config import settings_from_mapping
from feedpub.model import Author, FeedKey, Post, Scope, Status, Term
from feedpub.publish.cold_build import build
from feedpub.render.feed_spec import term_feed_words
from feedpub.render.formats import FORMATS
from feedpub.render.page_parts import post_view as _post_view
from feedpub.render.pages import PageRenderer
from feedpub.render.taxonomy import build_taxonomy

# ---- the Jinja reference ---------------------------------------------------------------------

SPECIFICATION = Path(__file__).resolve().parent / "templates"  # post.html and term.html
TEMPLATES = jinja2.Environment(
    loader=jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(SPECIFICATION), jinja2.PackageLoader("feedpub.render", "templates")]
    ),
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def jinja_render(renderer: PageRenderer, template: str, **values: object) -> bytes:
    common = {"site": renderer.settings.site, "labels": renderer.labels}
    return TEMPLATES.get_template(template).render(**common, **values).encode("utf-8")


def post_html_view(pages: PageRenderer, post: Post) -> dict[str, object]:
    """The post as post.html sees it: the index list's view plus content, image, author, terms
    (with their feeds), and the older and newer posts of the site feed."""
    terms = []
    for scope, items in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
        for term in items:
            slug = pages.taxonomy.slugs.get((scope, term.key))
            if slug is not None:
                key = pages.taxonomy.feed_key(scope, term.key)
                terms.append(
                    {
                        "name": key.name,
                        "page": pages.links.page(f"{scope.value}/{slug}/"),
                        "label": pages.labels["category" if scope is Scope.CATEGORY else "tag"],
                        "feeds": pages.links.feeds(key, term_feed_words(key, pages.settings)[0]),
                    }
                )
    site = pages.taxonomy.scopes[FeedKey(Scope.SITE)]
    at = next((i for i, p in enumerate(site) if p is post), None)

    def beside(i: int) -> dict[str, str] | None:
        if at is None or not 0 <= i < len(site):
            return None
        return {"page": pages.links.post(site[i]), "title": site[i].title}

    return {
        **_post_view(post, pages.links),
        "content_html": post.content_html,
        "image": post.image,
        "author": post.author.name if post.author else "",
        "terms": terms,
        "older": beside(at + 1) if at is not None else None,
        "newer": beside(at - 1) if at is not None else None,
    }


def jinja_post_page(pages: PageRenderer, post: Post) -> bytes:
    return jinja_render(
        pages,
        "post.html",
        page_title=f"{post.title} · {pages.settings.site.title}",
        discovery=pages.site_feeds,
        post=post_html_view(pages, post),
    )


def co_occurring(pages: PageRenderer, key: FeedKey, members: tuple[Post, ...]) -> list[dict[str, object]]:
    """The "combine with…" terms, counted the plain way over the term feed's posts: most posts in
    common first, then categories before tags, then by slug; five at most."""
    counts: dict[tuple[Scope, str], int] = {}
    for post in members[: pages.settings.feeds.limit]:
        for ident in {(Scope.CATEGORY, t.key) for t in post.categories} | {
            (Scope.TAG, t.key) for t in post.tags
        }:
            if ident != (key.scope, key.key):
                counts[ident] = counts.get(ident, 0) + 1
    ranked = sorted(counts, key=lambda i: (-counts[i], i[0] is Scope.TAG, pages.taxonomy.slugs[i]))[:5]
    views = []
    for ident in ranked:
        other = pages.taxonomy.feed_key(*ident)
        by_scope = {
            s: sorted(k.slug for k in (key, other) if k.scope is s) for s in (Scope.CATEGORY, Scope.TAG)
        }
        query = "&".join(
            f"{s.value}=" + "+".join(quote(slug, safe="") for slug in slugs)
            for s, slugs in by_scope.items()
            if slugs
        )
        feeds = [
            {
                "href": pages.links.page("feeds/")
                + "?"
                + query
                + ("" if fmt == "atom" else f"&format={fmt}"),
                "type": FORMATS[fmt].media_type,
                "label": FORMATS[fmt].label,
            }
            for fmt in pages.settings.feeds.formats
        ]
        views.append({"page": pages.links.page(other.path), "name": other.name, "feeds": feeds})
    return views


def jinja_term_page(pages: PageRenderer, key: FeedKey, members: tuple[Post, ...], page: int = 1) -> bytes:
    site = pages.settings.site
    label = pages.labels["category" if key.scope is Scope.CATEGORY else "tag"]
    heading = pages.labels["term_title"].format(label=label, name=key.name)
    feeds = pages.links.feeds(key, term_feed_words(key, pages.settings)[0])
    per_page = pages.settings.pages.per_page
    count = max(1, -(-len(members) // per_page))
    title = heading if page == 1 else f"{heading} · " + pages.labels["page_of"].format(page=page, pages=count)

    def page_link(n: int) -> str | None:
        if not 1 <= n <= count:
            return None
        return pages.links.page(key.path if n == 1 else f"{key.path}page/{n}/")

    return jinja_render(
        pages,
        "term.html",
        page_title=f"{title} · {site.title}",
        discovery=feeds,
        heading=heading,
        scope_page=pages.links.page(f"{key.scope.value}/"),
        scope_label=pages.labels["categories" if key.scope is Scope.CATEGORY else "tags"],
        feeds=feeds,
        count=len(members),
        posts=[_post_view(p, pages.links) for p in members[(page - 1) * per_page : page * per_page]],
        page=page,
        pages=count,
        newer=page_link(page - 1),
        older=page_link(page + 1),
        combine=co_occurring(pages, key, members),
    )


def outcome(render, *args) -> bytes | str:
    """The bytes, or the kind of error (both ways must refuse the same text)."""
    try:
        return render(*args)
    except UnicodeEncodeError:  # a lone surrogate
        return "refused"


def assert_pages_match(pages: PageRenderer, posts: list[Post]) -> None:
    base = pages.settings.site.base_url
    for post in posts:
        page = outcome(pages.post_page, post)
        if page is None:  # a post published on another site has no page here
            assert not post.url.startswith(base), post
            continue
        made = page if isinstance(page, str) else page[1]
        assert made == outcome(jinja_post_page, pages, post), post
    for key, members in pages.taxonomy.scopes.items():
        if key.scope is not Scope.SITE:
            made = outcome(lambda k, m: [data for _path, data in pages.term_pages(k, m)], key, members)
            if isinstance(made, str):  # a page of the term holds a lone surrogate
                count = -(-len(members) // pages.settings.pages.per_page)
                jinja = [outcome(jinja_term_page, pages, key, members, n) for n in range(1, count + 1)]
                assert made in jinja, key
                continue
            for page, data in enumerate(made, 1):
                assert data == outcome(jinja_term_page, pages, key, members, page), (key, page)


# ---- the comparison --------------------------------------------------------------------------

# every character escaping treats specially, markup, Unicode; a lone surrogate goes into a few
# posts only (`spoil`), so most examples render
HOSTILE = st.lists(
    st.one_of(
        st.sampled_from([*"&<>\"'`=/ \n\t·\u2028\x00", "&amp;", "<b>", "&#39;", "芯片"]),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)
WORD = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8) | st.sampled_from(
    ["<b>", "A&B", '"q"', "it's", "标签"]
)
TERMS = st.lists(st.builds(lambda w: Term(w.casefold(), w), WORD), max_size=3, unique_by=lambda t: t.key)
ZONES = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
# years before 1000 too: there the shown day is not the ISO date's first ten characters
PUBLISHED = st.datetimes(datetime(1, 1, 2), datetime(2099, 1, 1), timezones=ZONES)


@st.composite
def posts(draw, index: int) -> Post:
    spoil = draw(st.sampled_from([None] * 8 + ["title", "summary"]))

    def field(name: str) -> str:
        return draw(HOSTILE) + ("\ud800" if name == spoil else "")

    published = draw(PUBLISHED)
    return Post(
        id=f"urn:p:{index}",
        url=f"https://e.example/{index}",
        slug=draw(st.sampled_from([f"s{index}", f"<&'\"{index}>", f"文章-{index}"])),
        title=field("title"),
        published=published,
        updated=published,
        categories=draw(TERMS),
        tags=draw(TERMS),
        summary=field("summary"),
        body=draw(HOSTILE),
        image=draw(st.none() | st.just("") | HOSTILE),
        author=draw(st.none() | st.builds(Author, st.just("") | HOSTILE)),
        status=Status.PUBLISHED,
        source="p.md",
        dialect="hugo",
    )


@st.composite
def sites(draw) -> list[Post]:
    count = draw(st.integers(1, 5))
    return [draw(posts(i)) for i in range(count)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    site_posts=sites(),
    title=HOSTILE,
    path=st.sampled_from(["", "a&b'<c>/", "新闻/", "x%20y/"]),
    language=st.sampled_from(["en", "zh-CN"]),
    formats=st.lists(st.sampled_from(["rss", "atom", "json"]), min_size=1, max_size=3, unique=True),
    limit=st.integers(1, 4),
    per_page=st.integers(1, 3),
    packed=st.booleans(),
)
def test_pages_equal_the_templates(site_posts, title, path, language, formats, limit, per_page, packed):
    config = settings_from_mapping(
        {
            "site": {"title": title or "t", "base_url": "https://h.example/" + path, "language": language},
            "feeds": {"formats": formats, "limit": limit},
            "pages": {"per_page": per_page},
        }
    )
    # even posts live on feedpub's own host (a page each), odd ones on another site (none)
    site_posts = [
        replace(p, url=config.site.base_url + f"p/{i}/") if i % 2 == 0 else p
        for i, p in enumerate(site_posts)
    ]
    if packed:
        site_posts = [p.packed() for p in site_posts]
    taxonomy = build_taxonomy(site_posts, datetime(2100, 1, 1, tzinfo=UTC))
    assert_pages_match(PageRenderer(taxonomy, config), site_posts)


def test_the_comparison_sees_real_pages(sample_site, now):
    """The property above is not vacuous: the sample site's pages render to the same bytes, the
    ones a build writes."""
    result = build(sample_site, now)
    pages = PageRenderer(result.taxonomy, sample_site)
    site_posts = list(result.taxonomy.scopes[FeedKey(Scope.SITE)])
    terms = [(k, m) for k, m in result.taxonomy.scopes.items() if k.scope is not Scope.SITE]
    assert len(site_posts) >= 5 and any(len(m) > 1 for _k, m in terms)
    assert_pages_match(pages, site_posts)
    for post in site_posts:
        assert result.files[pages.post_page(post)[0]] == jinja_post_page(pages, post)
    for key, members in terms:
        assert result.files[pages.term_pages(key, members)[0][0]] == jinja_term_page(pages, key, members)


def test_an_edited_post_is_listed_as_it_is_now(sample_site, now):
    """A term page's list items are cached per post; an edit (a new Post, same id) is not served
    the old item."""
    result = build(sample_site, now)
    pages = PageRenderer(result.taxonomy, sample_site)
    key, members = max(
        ((k, m) for k, m in result.taxonomy.scopes.items() if k.scope is not Scope.SITE),
        key=lambda s: len(s[1]),
    )
    before = pages.term_pages(key, members)[0][1]
    edited = (replace(members[0], title="<Edited> & new", summary=""), *members[1:])
    after = pages.term_pages(key, edited)[0][1]
    assert after != before and after == jinja_term_page(pages, key, edited)
    assert pages.term_pages(key, members)[0][1] == before


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize(("posts", "pages"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)])
def test_a_term_page_is_paged_by_pages_per_page(site, write_post, now, language, posts, pages):
    """`pages.per_page` posts a page (exactly per_page: one page; one more: a second), every post
    listed once, each page linking the next and the one before, not the feed limit."""
    for day in range(1, posts + 1):
        write_post(f"p{day}.md", f"---\ntitle: P{day}\ndate: 2025-01-0{day}T00:00:00Z\ntags: [x]\n---\nb\n")
    config = replace(
        site,
        feeds=replace(site.feeds, limit=1),
        pages=replace(site.pages, per_page=2),
        site=replace(site.site, language=language),
    )
    files = build(config, now).files
    paths = ["tags/x/index.html"] + [f"tags/x/page/{n}/index.html" for n in range(2, pages + 1)]
    assert sorted(p for p in files if p.startswith("tags/x/") and p.endswith(".html")) == sorted(paths)
    assert f"tags/x/page/{pages + 1}/index.html" not in files and "tags/x/page/1/index.html" not in files
    listed = []
    for n, path in enumerate(paths, 1):
        page = files[path].decode("utf-8")
        listed += re.findall(r'<li><a href="/posts/(p\d)/">', page)
        assert f">{posts} " in page  # the term's count on every page
        assert ('rel="next" href="/tags/x/page/' in page) == (n < pages)
        assert ('rel="prev"' in page) == (n > 1)
        assert ('class="pager"' in page) == (pages > 1)
    assert listed == [f"p{day}" for day in range(posts, 0, -1)]

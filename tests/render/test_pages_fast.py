"""Post and term pages are written in code; these tests hold them to what post.html and term.html
render through Jinja (the way they were built before) byte for byte, over hostile text, so the
templates stay their specification and escaping can never drift.

The two templates are the specification only, so they live here (tests/render/templates/), not in
the package; they extend base.html and import _macros.html, which production renders and which stay
in src/feedpub/render/templates/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.config import settings_from_mapping
from feedpub.model import Author, FeedKey, Post, Scope, Status, Term
from feedpub.publish.cold_build import build
from feedpub.render.feed_spec import term_feed_words
from feedpub.render.pages import PageRenderer, _post_view
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


def jinja_render(pages: PageRenderer, template: str, **values: object) -> bytes:
    common = {"site": pages.settings.site, "labels": pages.labels}
    return TEMPLATES.get_template(template).render(**common, **values).encode("utf-8")


def post_html_view(pages: PageRenderer, post: Post) -> dict[str, object]:
    """The post as post.html sees it: the index list's view plus content, image, author, terms."""
    terms = []
    for scope, items in ((Scope.CATEGORY, post.categories), (Scope.TAG, post.tags)):
        for term in items:
            slug = pages.taxonomy.slugs.get((scope, term.key))
            if slug is not None:
                name = pages.taxonomy.names[(scope, term.key)]
                terms.append({"name": name, "page": pages.links.page(f"{scope.value}/{slug}/")})
    return {
        **_post_view(post, pages.links),
        "content_html": post.content_html,
        "image": post.image,
        "author": post.author.name if post.author else "",
        "terms": terms,
    }


def jinja_post_page(pages: PageRenderer, post: Post) -> bytes:
    return jinja_render(
        pages,
        "post.html",
        page_title=f"{post.title} · {pages.settings.site.title}",
        discovery=pages.site_feeds,
        post=post_html_view(pages, post),
    )


def jinja_term_page(pages: PageRenderer, key: FeedKey, members: tuple[Post, ...]) -> bytes:
    site = pages.settings.site
    label = pages.labels["category" if key.scope is Scope.CATEGORY else "tag"]
    heading = pages.labels["term_title"].format(label=label, name=key.name)
    feeds = pages.links.feeds(key, term_feed_words(key, pages.settings)[0])
    return jinja_render(
        pages,
        "term.html",
        page_title=f"{heading} · {site.title}",
        discovery=feeds,
        heading=heading,
        scope_page=pages.links.page(f"{key.scope.value}/"),
        scope_label=pages.labels["categories" if key.scope is Scope.CATEGORY else "tags"],
        feeds=feeds,
        count=len(members),
        posts=[_post_view(p, pages.links) for p in members[: pages.settings.feeds.limit]],
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
            made = outcome(lambda k, m: pages.term_page(k, m)[1], key, members)
            assert made == outcome(jinja_term_page, pages, key, members), key


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
    packed=st.booleans(),
)
def test_pages_equal_the_templates(site_posts, title, path, language, formats, limit, packed):
    config = settings_from_mapping(
        {
            "site": {"title": title or "t", "base_url": "https://h.example/" + path, "language": language},
            "feeds": {"formats": formats, "limit": limit},
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
        assert result.files[pages.term_page(key, members)[0]] == jinja_term_page(pages, key, members)


def test_an_edited_post_is_listed_as_it_is_now(sample_site, now):
    """A term page's list items are cached per post; an edit (a new Post, same id) is not served
    the old item."""
    result = build(sample_site, now)
    pages = PageRenderer(result.taxonomy, sample_site)
    key, members = max(
        ((k, m) for k, m in result.taxonomy.scopes.items() if k.scope is not Scope.SITE),
        key=lambda s: len(s[1]),
    )
    before = pages.term_page(key, members)[1]
    edited = (replace(members[0], title="<Edited> & new", summary=""), *members[1:])
    after = pages.term_page(key, edited)[1]
    assert after != before and after == jinja_term_page(pages, key, edited)
    assert pages.term_page(key, members)[1] == before


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_term_page_lists_at_most_the_feed_limit(site, write_post, now, language):
    for day in range(1, 4):
        write_post(f"p{day}.md", f"---\ntitle: P{day}\ndate: 2025-01-0{day}T00:00:00Z\ntags: [x]\n---\nb\n")
    config = replace(site, feeds=replace(site.feeds, limit=2), site=replace(site.site, language=language))
    result = build(config, now)
    page = result.files["tags/x/index.html"].decode("utf-8")
    assert page.count("<li>") == 2 and ">3 " in page

"""feedpub's reading of three fixture sites against what the real Jekyll 4.3 and jekyll-feed wrote.

Each fixture is built once per module with `jekyll build` (skipped where jekyll is missing, then
the golden files under tests/golden/sites/ stand in for it). Post by post: which posts are
published, url, id, date, title, slug, categories, tags, draft; and feed.xml's link and id.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from feedpub.sites.jekyll import (
    JekyllPost,
    PostName,
    absolute_url,
    find_posts,
    jekyll_post,
    load_front_matter,
    publish_status,
    read_jekyll_site,
)

from . import jekyll_real
from .jekyll_real import FIXTURES, RealBuild

FIXTURE_NAMES = ["jekyll-en", "jekyll-zh", "jekyll-collections"]
NOW = datetime.now(UTC)


def our_posts(fixture: str) -> tuple[Any, list[JekyllPost]]:
    """The posts feedpub says Jekyll publishes, read from the fixture in place."""
    root = FIXTURES / fixture
    configs = [Path(name) for name in jekyll_real.CONFIGS.get(fixture, ())]
    site = read_jekyll_site(root, configs, local_zone=UTC)
    posts = []
    for name in find_posts(site):
        if isinstance(name, PostName):
            text = (root / name.rel_path).read_text(encoding="utf-8")
            post = jekyll_post(site, name, load_front_matter(text))
            if publish_status(site, post, NOW) is None:
                posts.append(post)
    return site, sorted(posts, key=lambda p: p.name.relative_path)


def as_refjson(site: Any, post: JekyllPost) -> dict[str, Any]:
    """Our post in refjson.json's shape."""
    return {
        "relative_path": post.name.relative_path,
        "url": absolute_url(post.url, site.url, site.baseurl),
        "id": post.id,
        "date": post.date.isoformat(),
        "title": post.data["title"],
        "slug": post.data["slug"],
        "categories": list(post.categories),
        "tags": list(post.tags),
        "draft": post.data["draft"],
    }


@pytest.fixture(scope="module", params=FIXTURE_NAMES)
def real(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, RealBuild]:
    fixture = request.param
    try:
        return fixture, jekyll_real.build(fixture, tmp_path_factory.mktemp(fixture))
    except pytest.skip.Exception:
        return fixture, jekyll_real.read_golden(fixture)


@pytest.mark.slow
def test_same_posts_published(real: tuple[str, RealBuild]) -> None:
    fixture, build = real
    _, ours = our_posts(fixture)
    assert [p.name.relative_path for p in ours] == [p["relative_path"] for p in build.posts]


@pytest.mark.slow
def test_every_post_matches_jekyll(real: tuple[str, RealBuild]) -> None:
    fixture, build = real
    site, ours = our_posts(fixture)
    theirs = {p["relative_path"]: p for p in build.posts}
    for post in ours:
        assert as_refjson(site, post) == theirs[post.name.relative_path], post.name.rel_path


@pytest.mark.slow
def test_feed_links_and_ids_match_jekyll_feed(real: tuple[str, RealBuild]) -> None:
    fixture, build = real
    site, ours = our_posts(fixture)
    expected = sorted(
        (
            {
                "link": absolute_url(p.url, site.url, site.baseurl),
                "id": absolute_url(p.id, site.url, site.baseurl),
                "published": p.date.isoformat(),
            }
            for p in ours
            if site.show_drafts or not p.data["draft"]
        ),
        key=lambda e: e["link"],
    )
    assert [{k: e[k] for k in ("link", "id", "published")} for e in build.feed] == expected


@pytest.mark.slow
def test_golden_file_is_what_jekyll_prints(real: tuple[str, RealBuild], tmp_path: Path) -> None:
    """Where jekyll runs, the golden file must equal its output (UPDATE_GOLDEN=1 rewrites it)."""
    fixture, _ = real
    fresh = jekyll_real.build(fixture, tmp_path)  # skips where jekyll is missing
    if os.environ.get("UPDATE_GOLDEN") == "1":
        jekyll_real.write_golden(fixture, fresh)
    assert jekyll_real.read_golden(fixture).as_json() == fresh.as_json()

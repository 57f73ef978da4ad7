"""sites.liquid + the project's Markdown against what Jekyll 4.3 rendered, post by post.

The fixture is built with `jekyll build` (skipped where jekyll is missing, then the golden file
tests/golden/sites/liquid-blog.json stands in). Compared: the visible text (whitespace collapsed,
kramdown's smart quotes and dashes folded to ASCII, as our Markdown does not make them), every
`a@href` and every `img@src`; not the bytes (kramdown and our Markdown differ in markup).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import lxml.html
import pytest

from feedpub.read.markdown import markdown_to_html
from feedpub.sites.jekyll import PostName, find_posts, jekyll_post, read_jekyll_site
from feedpub.sites.jekyll_yaml import load_front_matter, split_front_matter
from feedpub.sites.liquid import LiquidSite, render_liquid

from . import liquid_real
from .jekyll_real import FIXTURES

FIXTURE = "liquid-blog"
FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "--", "—": "---", "…": "..."})
PAGES = {"about.md": "/about.html"}  # the site's one page (feedpub computes post URLs only)


def normalise(html: str, fold: bool = True) -> dict[str, Any]:
    """Visible text, links and images; `fold` maps kramdown's typography to ASCII (this test's
    side renders Markdown alone; the pipeline's typography is compared in test_kramdown_real)."""
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    text = re.sub(r"\s+", " ", root.text_content()).strip()
    text = text.translate(FOLD) if fold else text
    return {
        "text": text,
        "hrefs": [a.get("href") for a in root.iter("a")],
        "imgs": [img.get("src") for img in root.iter("img")],
    }


class FixtureResolver:
    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls

    def post_url(self, name: str) -> str | None:
        return next((url for path, url in self.urls.items() if path.endswith(f"_posts/{name}.md")), None)

    def link(self, path: str) -> str | None:
        return self.urls.get(path) or PAGES.get(path)


def our_contents() -> dict[str, str]:
    root = FIXTURES / FIXTURE
    site = read_jekyll_site(root, local_zone=UTC)
    posts = []
    for name in find_posts(site):
        if isinstance(name, PostName):
            text = (root / name.rel_path).read_text(encoding="utf-8")
            posts.append((name, text, jekyll_post(site, name, load_front_matter(text))))
    resolver = FixtureResolver({name.rel_path: post.url for name, _, post in posts})
    liquid = LiquidSite(
        site, time=datetime(2025, 1, 1, tzinfo=UTC), resolver=resolver, markdownify=markdown_to_html
    )
    contents = {}
    for name, text, post in posts:
        _, body = split_front_matter(text)
        page = {**post.data, "url": post.url, "date": post.date, "id": post.id, "path": name.rel_path}
        page |= {"categories": list(post.categories), "tags": list(post.tags)}
        result = render_liquid(liquid, body, page, front_matter=True)  # posts: with or without
        assert not result.warnings, (name.relative_path, result.warnings)
        contents[name.relative_path] = markdown_to_html(result.text)
    return contents


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return liquid_real.real_contents(FIXTURE, tmp_path_factory)


@pytest.mark.slow
def test_golden_is_what_jekyll_renders(real: dict[str, str]) -> None:
    assert liquid_real.read_golden(FIXTURE) == real, "UPDATE_GOLDEN=1 rewrites it from jekyll"


@pytest.mark.slow
def test_every_post_matches_jekyll(real: dict[str, str]) -> None:
    ours = our_contents()
    assert sorted(ours) == sorted(real)
    for path in sorted(real):
        assert normalise(ours[path]) == normalise(real[path]), path

"""Jekyll posts whose Markdown kramdown reads otherwise than CommonMark, through feedpub's whole
reading pipeline, against what Jekyll 4.3 rendered, post by post.

The fixture (HTML blocks with blank lines, `markdown="1"`, kramdown's tables, a `{:toc}` table of
contents, `$$` math) is built with `jekyll build` (skipped where jekyll is missing: the golden file
tests/golden/sites/kramdown-blog.json stands in; UPDATE_GOLDEN=1 rewrites it). Compared: the
visible text (whitespace collapsed; kramdown's smart quotes, dashes and math as Jekyll shows them), every `a@href`
and `img@src` (Jekyll's made absolute against the post's URL, as feedpub makes them), and the
`id`s of the headings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote, urljoin

import lxml.html
import pytest

from feedpub.publish.cold_build import load_site

from . import liquid_real
from .test_feedpub_on_sites import site_settings
from .test_liquid_real import normalise

FIXTURE = "kramdown-blog"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def compared(html: str, base: str) -> dict[str, object]:
    seen = normalise(html, fold=False)
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    seen["hrefs"] = [unquote(urljoin(base, h)) for h in seen["hrefs"]]  # `#安装` is `#%E5%AE%89`
    seen["imgs"] = [urljoin(base, s) for s in seen["imgs"]]
    seen["ids"] = [h.get("id") for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    return seen


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return liquid_real.real_contents(FIXTURE, tmp_path_factory)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """relative_path → (url, safe HTML body), read by feedpub from the site as `feedpub build --site`."""
    settings = site_settings(tmp_path_factory.mktemp("feedpub"), FIXTURE)
    result = load_site(settings, NOW)
    assert not result.problems
    assert not [w for post in result.posts for w in post.warnings]
    return {post.source: (post.url, post.body) for post in result.posts}


@pytest.mark.slow
def test_golden_is_what_jekyll_renders(real: dict[str, str]) -> None:
    assert liquid_real.read_golden(FIXTURE) == real, "UPDATE_GOLDEN=1 rewrites it from jekyll"


@pytest.mark.slow
def test_every_post_shows_what_jekyll_shows(real: dict[str, str], ours: dict[str, tuple[str, str]]) -> None:
    assert sorted(ours) == sorted(real)
    for path in sorted(real):
        url, body = ours[path]
        assert compared(body, url) == compared(real[path], url), path

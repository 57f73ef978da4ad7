"""feedpub's shortcodes against the real Hugo's `.Content`, page by page, on the fixture sites.

Hugo builds each fixture once per module; its reduced view (text, links, images, media; see
shortcodes_real.view) is kept in tests/golden/sites/shortcodes-<fixture>.json so the comparison
runs where Hugo is missing. UPDATE_GOLDEN=1 rewrites the golden files from Hugo's output.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .hugo_real import FIXTURES, keep_golden
from .shortcodes_real import golden_path, hugo_contents, hugo_view, our_rendering, our_view, shortcode_sites

SITES = shortcode_sites()
ALL = ("text", "links", "images", "media")
# Where feedpub prints something else on purpose, what must still agree:
COMPARED = {
    "posts/videos.md": ("media",),  # Hugo's iframes, feedpub's links to the same videos
    "posts/qr.md": (),  # Hugo's PNG, feedpub's text (checked below)
    "posts/escapes.md": ("text", "media"),  # shortcodes-nested: one video among escaped tags
}


@pytest.fixture(scope="module", params=SITES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    name = request.param
    return name, hugo_view(hugo_contents(FIXTURES / name, tmp_path_factory.mktemp(name)))


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    problems = [f"pages differ: {sorted(set(ours) ^ set(theirs))}"] if set(ours) != set(theirs) else []
    for file in sorted(set(ours) & set(theirs)):
        for key in COMPARED.get(file, ALL):
            if ours[file][key] != theirs[file][key]:
                problems.append(
                    f"{file} {key}:\n  Hugo    {theirs[file][key]!r}\n  feedpub {ours[file][key]!r}"
                )
    return problems


def test_pages_read_as_hugo_renders_them(built: tuple[str, Any]) -> None:
    name, theirs = built
    assert differences(our_view(FIXTURES / name), theirs) == []


def test_golden_file_is_what_hugo_prints(built: tuple[str, Any]) -> None:
    name, theirs = built
    keep_golden(golden_path(name), theirs)


@pytest.mark.parametrize("name", SITES)
def test_pages_match_the_golden_view_without_hugo(name: str) -> None:
    assert (
        differences(our_view(FIXTURES / name), json.loads(golden_path(name).read_text(encoding="utf-8")))
        == []
    )


def test_qr_codes_are_their_text_where_hugo_draws_an_image() -> None:
    golden = json.loads(golden_path("shortcodes-blog").read_text(encoding="utf-8"))["posts/qr.md"]
    assert len(golden["images"]) == 2 and all("/qr_" in src for src in golden["images"])
    ours = our_view(FIXTURES / "shortcodes-blog")["posts/qr.md"]
    assert ours["links"] == ["https://example.org/qr"]
    assert "hello world" in ours["text"]


def test_only_the_sites_own_shortcode_warns() -> None:
    warned = {
        file: [str(w) for w in rendered.warnings]
        for file, (_, rendered) in our_rendering(FIXTURES / "shortcodes-blog").items()
        if rendered.warnings
    }
    assert list(warned) == ["posts/custom.md"]
    assert all("layouts/shortcodes/note.html" in w for w in warned["posts/custom.md"])
    assert [w.split(":")[0] for w in warned["posts/custom.md"]] == ["line 3", "line 7"]

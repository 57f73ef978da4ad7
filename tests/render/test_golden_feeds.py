"""Golden files for a few complete outputs of the sample site: each file under tests/golden/feeds/
is, byte for byte, what a build writes at the same path of feeds/.

The build reads the repository's posts/ with its config.yaml, at the suite's fixed clock (NOW, so
the 2099 post stays scheduled): the bytes depend on nothing else. manifest.json (timestamps) and
the .gz siblings (made by the store) are not among them. After an intended change, `make golden`
regenerates every golden file (UPDATE_GOLDEN=1); read the diff before committing it.
"""

from __future__ import annotations

import os

import pytest

from feedpub.config import load_settings
from feedpub.publish.cold_build import build

from ..conftest import NOW, ROOT

GOLDEN = ROOT / "tests" / "golden" / "feeds"
FILES = (
    # the site feed in every format
    "rss.xml",
    "atom.xml",
    "feed.json",
    # a category and a tag (spelt AI芯片, ai芯片 and ＡＩ芯片 by its posts), every format each
    "categories/算力与芯片/rss.xml",
    "categories/算力与芯片/atom.xml",
    "categories/算力与芯片/feed.json",
    "tags/ai芯片/rss.xml",
    "tags/ai芯片/atom.xml",
    "tags/ai芯片/feed.json",
    "opml.xml",
    # a post page: footnote, table, image, a featured image with a space, terms
    "posts/hbm-memory-race/index.html",
)


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return build(load_settings(ROOT / "config.yaml", env={}), NOW).files


@pytest.mark.parametrize("path", FILES)
def test_output_equals_its_golden_file(built, path):
    golden = GOLDEN / path
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(built[path])
    assert built[path] == golden.read_bytes(), f"{path} differs from tests/golden/feeds/{path}"


def test_the_golden_files_are_exactly_these():
    """No golden file is left over from an earlier list (`make golden` removes them)."""
    found = {p.relative_to(GOLDEN).as_posix(): p for p in GOLDEN.rglob("*") if p.is_file()}
    if os.environ.get("UPDATE_GOLDEN"):
        for name in found.keys() - set(FILES):
            found.pop(name).unlink()
    assert sorted(found) == sorted(FILES)

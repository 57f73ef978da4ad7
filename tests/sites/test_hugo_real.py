"""The fixture sites, read by feedpub.sites.hugo, against what the real Hugo prints for them.

Each fixture is built once per module with the real `hugo` (the refjson layout lists every page
of site.RegularPages); the same answers are kept in tests/golden/sites/hugo-<fixture>.json so the
comparison still runs where Hugo is missing. UPDATE_GOLDEN=1 rewrites them from Hugo's output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .hugo_real import FIXTURES, GOLDEN, build_with_hugo, hugo_view, keep_golden, our_view

SITES = sorted(p.name for p in FIXTURES.glob("hugo-*"))


def golden_path(name: str) -> Path:
    return GOLDEN / f"{name}.json"


@pytest.fixture(scope="module", params=SITES)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any]]:
    """(fixture name, Hugo's view of it), one hugo run per fixture for the whole module."""
    name = request.param
    build = build_with_hugo(FIXTURES / name, tmp_path_factory.mktemp(name))
    return name, hugo_view(build)


def diff_pages(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Page-by-page differences, readable: which files only one side publishes, which fields differ."""
    problems = [f"only Hugo publishes {f}" for f in sorted(set(theirs["pages"]) - set(ours["pages"]))]
    problems += [f"only feedpub publishes {f}" for f in sorted(set(ours["pages"]) - set(theirs["pages"]))]
    for file in sorted(set(ours["pages"]) & set(theirs["pages"])):
        for key, value in theirs["pages"][file].items():
            if ours["pages"][file].get(key) != value:
                problems.append(f"{file} {key}: Hugo {value!r}, feedpub {ours['pages'][file].get(key)!r}")
    if ours["mainSections"] != theirs["mainSections"]:
        problems.append(f"mainSections: Hugo {theirs['mainSections']}, feedpub {ours['mainSections']}")
    return problems


def test_pages_urls_dates_and_terms_match_real_hugo(built: tuple[str, dict[str, Any]]) -> None:
    name, theirs = built
    assert diff_pages(our_view(FIXTURES / name), theirs) == []


def test_rss_links_and_guids_match_hugos_index_xml(built: tuple[str, dict[str, Any]]) -> None:
    name, theirs = built
    ours = our_view(FIXTURES / name)
    assert {i["link"] for i in ours["rss"]} == {i["link"] for i in theirs["rss"]}
    assert [i["guid"] for i in theirs["rss"]] == [i["link"] for i in theirs["rss"]]
    by_link = {i["link"]: i["pubDate"] for i in ours["rss"]}
    assert {i["link"]: i["pubDate"] for i in theirs["rss"]} == by_link


def test_golden_file_is_what_hugo_prints(built: tuple[str, dict[str, Any]]) -> None:
    name, theirs = built
    keep_golden(golden_path(name), theirs)


@pytest.mark.parametrize("name", SITES)
def test_pages_match_the_golden_answers_without_hugo(name: str) -> None:
    golden = json.loads(golden_path(name).read_text(encoding="utf-8"))
    ours = our_view(FIXTURES / name)
    assert diff_pages(ours, golden) == []
    assert sorted(i["link"] for i in ours["rss"]) == sorted(i["link"] for i in golden["rss"])

"""A site moving from Jekyll (jekyll-feed) or Hugo keeps its subscribers: every feed URL those
tools publish answers 301 to the feedpub feed with the same entries (issue 6, part 3)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote, urlsplit

import feedparser
import pytest

from feedpub.config import settings_from_mapping
from feedpub.publish.cold_build import build
from feedpub.publish.store import publish

from ..http import fetch, running_app

# (legacy URL path, the feedpub feed it must lead to); terms spelled as the old tool wrote them
FORMS = [
    ("/feed.xml", "/atom.xml"),
    ("/feed/cailianshe.xml", "/categories/cailianshe/atom.xml"),
    ("/feed/CailianShe.xml", "/categories/cailianshe/atom.xml"),
    ("/feed/by_tag/寒武纪.xml", "/tags/寒武纪/atom.xml"),
    ("/feed/by_tag/AI芯片.xml", "/tags/ai芯片/atom.xml"),
    ("/feed/by_tag/ＡＩ芯片.xml", "/tags/ai芯片/atom.xml"),
    ("/index.xml", "/rss.xml"),
    ("/categories/cailianshe/index.xml", "/categories/cailianshe/rss.xml"),
    ("/categories/算力与芯片/index.xml", "/categories/算力与芯片/rss.xml"),
    ("/tags/财联社新闻/index.xml", "/tags/财联社新闻/rss.xml"),
    ("/tags/AI芯片/index.xml", "/tags/ai芯片/rss.xml"),
]


@pytest.fixture
def legacy_site(sample_site, now):
    settings = replace(sample_site, legacy_urls=("jekyll", "hugo"))
    publish(build(settings, now).files, settings.feeds_dir)
    return settings


def entry_ids(body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0 and parsed.entries
    return [entry.id for entry in parsed.entries]


@pytest.mark.parametrize(("legacy", "target"), FORMS)
def test_every_legacy_url_redirects_to_the_feed_with_the_same_entries(legacy_site, legacy, target):
    with running_app(legacy_site) as base:
        for method in ("GET", "HEAD"):
            moved = fetch(base, quote(legacy), method)
            assert moved.status == 301, (legacy, moved.status)
            location = moved.header("Location")
            assert urlsplit(location).path == quote(target)
        landed = fetch(base, location)
        assert landed.status == 200
        assert entry_ids(landed.body) == entry_ids((legacy_site.feeds_dir / target[1:]).read_bytes())


def test_legacy_urls_are_answered_only_when_configured(sample_site, now):
    publish(build(sample_site, now).files, sample_site.feeds_dir)
    jekyll_only = replace(sample_site, legacy_urls=("jekyll",))
    with running_app(sample_site) as base:
        assert fetch(base, "/feed.xml").status == 404
        assert fetch(base, "/index.xml").status == 404
    with running_app(jekyll_only) as base:
        assert fetch(base, "/feed.xml").status == 301
        assert fetch(base, "/index.xml").status == 404


def test_legacy_urls_of_terms_that_do_not_exist_are_404(legacy_site):
    with running_app(legacy_site) as base:
        assert fetch(base, quote("/feed/by_tag/没有这个标签.xml")).status == 404
        assert fetch(base, "/tags/nothing-here/index.xml").status == 404
        assert fetch(base, "/feed/../manifest.json").status == 404


def test_config_names_the_tools():
    assert settings_from_mapping({"legacy_urls": "hugo"}).legacy_urls == ("hugo",)
    with pytest.raises(Exception, match="legacy_urls"):
        settings_from_mapping({"legacy_urls": ["wordpress"]})

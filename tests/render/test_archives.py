"""RFC 5005 archived feeds: from any subscription feed an aggregator walks `prev-archive` back to the
first page and finds every entry the scope ever published exactly once; full pages never change
as posts are added; a running service republishes only the pages a change touches (issue 6,
part 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import feedparser
import pytest
from lxml import etree

from feedpub.config import settings_from_mapping
from feedpub.model import FeedKey, Scope
from feedpub.publish.cold_build import build
from feedpub.publish.store import publish
from feedpub.service.publisher import Publisher

from ..conftest import Clock
from ..helpers import assert_same_as_cold_build, corpus, write
from ..http import fetch, running_app
from ..validators import check_atom, check_jing

A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def links(root: etree._Element) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in root.findall(A + "link")}


def walk(base: str, feed_path: str) -> tuple[list[str], list[bytes]]:
    """Entry ids from the subscription feed back through every archive page (over HTTP), and
    the archive documents met, newest first; checks each page's links on the way."""
    current = fetch(base, feed_path)
    assert current.status == 200
    root = check_atom(current.body)
    assert root.find(FH + "archive") is None  # the subscription document is not an archive
    ids = [e.findtext(A + "id") for e in root.iter(A + "entry")]
    pages: list[bytes] = []
    next_url = links(root).get("prev-archive")
    newer: str | None = None
    while next_url:
        reply = fetch(base, urlsplit(next_url).path)
        assert reply.status == 200 and reply.header("content-type").startswith("application/atom+xml")
        page = check_atom(reply.body)
        assert page.find(FH + "archive") is not None
        page_links = links(page)
        assert page_links["self"] == next_url and page.findtext(A + "id") == next_url
        assert urlsplit(page_links["current"]).path == feed_path
        assert page_links.get("next-archive") == newer  # the chain is doubly linked
        assert feedparser.parse(reply.body).bozo == 0
        ids += [e.findtext(A + "id") for e in page.iter(A + "entry")]
        pages.append(reply.body)
        newer, next_url = next_url, page_links.get("prev-archive")
    return ids, pages


@pytest.fixture
def big_site(tmp_path):
    corpus.generate(tmp_path / "posts", 500, seed=11)
    config = {"site": {"base_url": "https://archive.example/", "timezone": "Asia/Shanghai"}}
    return settings_from_mapping(config, root=tmp_path)


@pytest.mark.slow
def test_walking_the_archive_chain_recovers_every_entry_exactly_once(big_site):
    result = build(big_site, NOW)
    publish(result.files, big_site.feeds_dir)
    taxonomy = result.taxonomy
    site = taxonomy.scopes[FeedKey(Scope.SITE)]
    assert len(site) > 400
    busiest = max(taxonomy.terms(Scope.TAG), key=lambda item: len(item[1]))
    with running_app(big_site) as base:
        for key, members in [(FeedKey(Scope.SITE), site), busiest]:
            ids, pages = walk(base, quote("/" + key.path + "atom.xml"))
            assert len(ids) == len(set(ids)) == len(members)  # each entry once, none missing
            assert set(ids) == {p.id for p in members}
            assert len(pages) == -(-(len(members) - 20) // 100)
    archive_files = sorted(big_site.feeds_dir.rglob("archive/*.xml"))
    check_jing(*archive_files[:50])


def test_full_pages_never_change_as_posts_are_added(big_site):
    first = build(big_site, NOW).files
    again = build(big_site, NOW).files
    assert first == again  # deterministic
    pages = sorted(p for p in first if p.startswith("archive/"))
    assert len(pages) >= 4
    newest = f"archive/{len(pages)}.xml"
    for index in range(60):  # sixty new posts, newer than all others
        moment = NOW - timedelta(hours=1) + timedelta(seconds=index)
        (big_site.posts_dir / f"zz-new-{index}.md").write_text(
            f"---\ntitle: New {index}\ndate: {moment.isoformat()}\n---\nbody {index}\n", "utf-8"
        )
    later = build(big_site, NOW).files
    for path in pages:
        if path != newest:
            assert later[path] == first[path], path  # byte for byte
    assert later[newest] != first[newest]
    grown = sorted(p for p in later if p.startswith("archive/"))
    assert len(grown) >= len(pages)


def test_archives_can_be_switched_off_and_carry_full_content_when_asked(big_site):
    off = build(replace(big_site, feeds=replace(big_site.feeds, archive_page_size=0)), NOW).files
    assert not [p for p in off if "archive/" in p]
    assert b"prev-archive" not in off["atom.xml"]
    full = build(replace(big_site, feeds=replace(big_site.feeds, archive_content="full")), NOW).files
    summary = build(big_site, NOW).files
    assert b"<content" in full["archive/1.xml"] and b"<content" not in summary["archive/1.xml"]
    check_atom(full["archive/1.xml"])


@pytest.fixture
def small_pages(sample_site):
    """Three entries per feed and two per archive page, so seven posts make archives."""
    settings = replace(sample_site, feeds=replace(sample_site.feeds, limit=3, archive_page_size=2))
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    publisher = Publisher(settings, clock=clock)
    publisher.rescan()
    assert (settings.feeds_dir / "archive" / "1.xml").exists()
    assert_same_as_cold_build(settings, clock)
    return settings, clock, publisher


def test_a_running_service_keeps_archives_as_a_cold_build_makes_them(small_pages):
    settings, clock, publisher = small_pages

    def step() -> None:
        report = publisher.rescan()
        assert report.error is None
        assert_same_as_cold_build(settings, clock)

    write(settings, "new.md", "Newest", "2025-12-31T00:00:00Z", "[芯片]")  # one moves to the archive
    step()
    write(settings, "old.md", "Backdated", "2001-01-01T00:00:00Z", "[芯片]")  # a new first page
    step()
    path = settings.posts_dir / "old.md"
    path.write_text(path.read_text().replace("Backdated", "Backdated, edited"))  # an archived edit
    step()
    path.unlink()
    (settings.posts_dir / "new.md").unlink()  # pages shrink again
    step()
    assert not (settings.feeds_dir / "archive" / "3.xml").exists()


def test_adding_a_post_renders_only_the_newest_archive_page(small_pages, monkeypatch):
    from feedpub.render import atom

    settings, _clock, publisher = small_pages
    rendered: list[str] = []
    real = atom.render_archive

    def counting(spec, page, entries, ctx):
        rendered.append(spec.archive_path(page))
        return real(spec, page, entries, ctx)

    monkeypatch.setattr(atom, "render_archive", counting)
    assert sorted(p.name for p in (settings.feeds_dir / "archive").glob("*.xml")) == ["1.xml", "2.xml"]
    write(settings, "new.md", "Newest", "2025-12-31T00:00:00Z", "[新标签]")
    assert publisher.rescan().rendered
    # a third page starts; the second gains its next-archive link; the first is not touched
    assert rendered == ["archive/2.xml", "archive/3.xml"]
    rendered.clear()
    write(settings, "newer.md", "Newer", "2025-12-31T01:00:00Z", "[新标签]")
    assert publisher.rescan().rendered
    assert rendered == ["archive/3.xml"]  # it fills the newest page, and nothing else changes


def test_a_body_edit_of_an_archived_post_rewrites_no_archive_page(small_pages, monkeypatch):
    """Archives carry summaries: a new body changes nothing there, a new title does."""
    from feedpub.render import atom

    settings, clock, publisher = small_pages
    rendered: list[str] = []
    real = atom.render_archive
    monkeypatch.setattr(
        atom,
        "render_archive",
        lambda spec, page, e, ctx: rendered.append(spec.archive_path(page)) or real(spec, page, e, ctx),
    )
    oldest = min(publisher.posts, key=lambda p: p.published)
    path = settings.posts_dir / oldest.source
    path.write_text(path.read_text(encoding="utf-8") + "\n\n补充一段正文。\n", encoding="utf-8")
    assert publisher.rescan().rendered
    assert rendered == []
    assert_same_as_cold_build(settings, clock)
    path.write_text(path.read_text(encoding="utf-8").replace(oldest.title, "改过的标题", 1), encoding="utf-8")
    assert publisher.rescan().rendered
    assert "archive/1.xml" in rendered
    assert_same_as_cold_build(settings, clock)

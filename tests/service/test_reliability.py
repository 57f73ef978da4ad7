"""Sources that break or vanish and a disk that refuses writes: the service keeps serving the last
good feeds, says so in /healthz, and recovers by itself (issue 5, parts 5 and 6)."""

from __future__ import annotations

import json
import resource
import shutil
from datetime import UTC, datetime, timedelta

import feedparser

from feedpub.service.publisher import Publisher

from ..helpers import TAG_FEED, post_text, serve, titles, wait_for
from ..http import fetch
from ..validators import check_atom

PAST = datetime(2025, 1, 1, tzinfo=UTC)


def health(base: str) -> dict:
    return json.loads(fetch(base, "/healthz").body)


def atom_titles(settings, path: str = "atom.xml") -> list[str]:
    return [e.title for e in feedparser.parse((settings.feeds_dir / path).read_bytes()).entries]


def test_a_post_broken_mid_edit_keeps_its_last_good_version(site, now):
    posts = site.posts_dir
    posts.mkdir(parents=True, exist_ok=True)
    (posts / "a.md").write_text(post_text("Alpha", PAST))
    (posts / "b.md").write_text(post_text("Beta", PAST + timedelta(days=1)))
    publisher = Publisher(site, clock=lambda: now)
    assert publisher.rescan().rendered
    assert atom_titles(site) == ["Beta", "Alpha"]

    (posts / "a.md").write_text("---\ntitle: [unclosed\n---\nhalf saved")  # an editor mid-save
    report = publisher.rescan()
    assert report.error is None and report.changed_sources == 1
    (problem,) = report.problems
    assert problem.source == "a.md" and "last good version stays published" in problem.message
    assert atom_titles(site) == ["Beta", "Alpha"]  # still there for every subscriber
    assert report.posts["published"] == 2

    publisher.close()  # and across a restart, from the cache
    publisher = Publisher(site, clock=lambda: now)
    again = publisher.rescan()
    assert [p.source for p in again.problems] == ["a.md"] and atom_titles(site) == ["Beta", "Alpha"]

    (posts / "a.md").write_bytes(b"\xff\xfe not even text")  # broken another way: still kept
    assert publisher.rescan().problems[0].source == "a.md"
    assert atom_titles(site) == ["Beta", "Alpha"]

    (posts / "a.md").write_text(post_text("Alpha, fixed", PAST))
    fixed = publisher.rescan()
    assert fixed.problems == [] and atom_titles(site) == ["Beta", "Alpha, fixed"]

    (posts / "a.md").write_text("no front matter at all")
    publisher.rescan()
    (posts / "a.md").unlink()  # deleting the file is meant: the entry goes
    publisher.rescan()
    assert atom_titles(site) == ["Beta"]
    publisher.close()


def test_a_post_broken_before_it_was_ever_good_is_only_reported(site, now):
    site.posts_dir.mkdir(parents=True, exist_ok=True)
    (site.posts_dir / "a.md").write_text(post_text("Alpha", PAST))
    (site.posts_dir / "bad.md").write_text("---\ntitle: [x\n---\n")
    publisher = Publisher(site, clock=lambda: now)
    report = publisher.rescan()
    assert [p.source for p in report.problems] == ["bad.md"]
    assert "last good" not in report.problems[0].message
    assert atom_titles(site) == ["Alpha"]
    publisher.close()


def test_posts_folder_gone_or_replaced_keeps_the_last_feeds_served(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "first.md").write_text(post_text("First", PAST))
    with serve(tmp_path, interval=0.3) as (base, _proc):
        before = fetch(base, TAG_FEED)
        assert before.status == 200 and health(base)["status"] == "ok"

        posts.rename(tmp_path / "posts-away")  # deleted (as far as feedpub can tell)
        wait_for(lambda: health(base)["status"] == "degraded", "missing posts/ not reported")
        assert "posts directory" in health(base)["error"]
        during = fetch(base, TAG_FEED)
        assert during.status == 200 and during.body == before.body  # the last good feeds, unchanged
        assert fetch(base, "/healthz").status == 200  # degraded, still serving

        posts.write_text("not a folder")  # replaced by a file
        wait_for(lambda: health(base)["status"] == "degraded", "posts/ as a file not reported")
        assert fetch(base, TAG_FEED).body == before.body

        posts.unlink()
        (tmp_path / "posts-away").rename(posts)  # back, with one post more
        (posts / "second.md").write_text(post_text("Second", PAST + timedelta(days=1)))
        wait_for(lambda: health(base)["status"] == "ok", "did not recover when posts/ came back")
        wait_for(lambda: titles(base) == ["Second", "First"], "posts added meanwhile not published")


def test_a_disk_refusing_writes_keeps_the_old_feeds_and_recovers(tmp_path):
    """`ulimit -f` on the running service (prlimit): writes of the edit's feeds fail with EFBIG."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "first.md").write_text(post_text("First", PAST))
    with serve(tmp_path, interval=0.3) as (base, proc):
        feeds = tmp_path / "feeds"
        before = {p: p.read_bytes() for p in feeds.rglob("*") if p.is_file()}
        soft, hard = resource.prlimit(proc.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (512, hard))  # smaller than any feed
        try:
            (posts / "second.md").write_text(post_text("Second", PAST + timedelta(days=1), "x" * 2000))
            wait_for(lambda: health(base)["status"] == "degraded", "write failure not reported")
            assert "cannot write" in health(base)["error"]
            assert titles(base) == ["First"]  # the last good feed, still served
            after = {
                p: p.read_bytes() for p in feeds.rglob("*") if p.is_file() and not p.name.startswith(".")
            }
            assert {p: d for p, d in after.items() if p in before} == {
                p: d for p, d in before.items() if p in after
            }  # nothing published before was damaged
            check_atom(fetch(base, "/atom.xml").body)
        finally:
            resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (soft, hard))
        wait_for(lambda: health(base)["status"] == "ok", "did not recover once writes worked")
        wait_for(lambda: titles(base) == ["Second", "First"], "the edit was not published after recovery")
        leftovers = [p for p in feeds.rglob(".*") if p.name.endswith(".tmp")]
        assert leftovers == []  # no half-written temporary files left behind
    shutil.rmtree(tmp_path / ".feedpub")

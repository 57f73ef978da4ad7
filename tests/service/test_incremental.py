"""A long-running Publisher that republishes only what changed ends with the same feeds/ as a cold
build of the same posts, whatever the change; and so does `feedpub build`, run again after each
change (a real process, through the same parse cache and manifest)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import yaml

from feedpub.model import Problem
from feedpub.service.publisher import Publisher
from feedpub.service.state import ScanReport

from ..conftest import BASE_CONFIG, Clock
from ..helpers import assert_same_as_cold_build, write


class CliBuilds:
    """`feedpub build` as a Publisher: each rescan is a new process, at the clock's time
    (SOURCE_DATE_EPOCH), and its report is read back from what the command printed."""

    def __init__(self, settings, clock) -> None:
        self.settings, self.clock = settings, clock
        self.config = settings.posts_dir.parent / "config.yaml"
        self.config.write_text(yaml.safe_dump(BASE_CONFIG, allow_unicode=True))
        self.sources = SimpleNamespace(watcher=None, touched=None)

    def rescan(self) -> ScanReport:
        epoch = str(int(self.clock().timestamp()))
        result = subprocess.run(
            [sys.executable, "-m", "feedpub.cli", "build", "--config", str(self.config)],
            env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        read = re.search(r"^read: (\d+) changed", result.stdout, re.M)
        feeds = re.search(r"^feeds: (\d+) written, \d+ unchanged, (\d+) removed.*$", result.stdout, re.M)
        assert read and feeds, result.stdout
        problems = [Problem(line.strip(), "") for line in result.stderr.splitlines() if line.strip()]
        return ScanReport(
            self.clock(),
            0.0,
            int(read[1]),
            not feeds[0].endswith("(nothing to render)"),
            written=int(feeds[1]),
            removed=int(feeds[2]),
            problems=problems,
        )

    def close(self) -> None:
        pass


@pytest.fixture(params=["walk", "inotify", "cli"])
def live(sample_site, request):
    """A publisher that finds changes by walking posts/, or (as `feedpub serve` does) through
    inotify, which reads and compares only the files it reported; or `feedpub build` run anew."""
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    if request.param == "cli":
        publisher = CliBuilds(sample_site, clock)
    else:
        publisher = Publisher(sample_site, clock=clock, watch=request.param == "inotify")
    request.addfinalizer(publisher.close)
    publisher.rescan()
    assert_same_as_cold_build(sample_site, clock)
    return sample_site, clock, publisher


def _settle(publisher) -> None:
    """Wait for inotify's report of what the test just changed (watchdog holds events ~0.5 s)."""
    watcher = publisher.sources.watcher
    if watcher is None:
        return
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and not (watcher._changed or watcher._dirty):
        time.sleep(0.05)
    time.sleep(0.15)  # the rest of the burst (create, modify, close)


def step(live):
    settings, clock, publisher = live
    _settle(publisher)
    report = publisher.rescan()
    assert report.error is None
    if publisher.sources.watcher is not None and report.changed_sources:
        assert publisher.sources.touched is not None  # the reported files alone were compared
    assert_same_as_cold_build(settings, clock)
    if isinstance(publisher, CliBuilds):
        return report
    saved = publisher.db.load()  # what a restart starts from: every file as this scan left it
    assert {s: e[:2] for s, e in saved.items()} == {s: e[:2] for s, e in publisher.cache.items()}
    return report


def test_edit_title_and_body(live):
    settings, _clock, _publisher = live
    path = settings.posts_dir / "hbm-memory-race.md"
    path.write_text(
        path.read_text().replace("HBM 内存竞赛", "HBM 内存竞赛（更新）").replace("良率", "良品率")
    )
    report = step(live)
    assert report.rendered and 0 < report.written < 60


def test_add_and_delete(live):
    settings, _clock, _publisher = live
    write(settings, "new.md", "New", "2025-12-01T00:00:00Z", "[新标签, AI芯片]")
    assert step(live).written
    os.unlink(settings.posts_dir / "open-source-models.md")
    report = step(live)
    assert report.removed  # its tags 开源 and 大模型 had no other post


def test_rename_file(live):
    settings, _clock, _publisher = live
    os.rename(settings.posts_dir / "hbm-memory-race.md", settings.posts_dir / "hbm-renamed.md")
    step(live)


def test_tag_changes(live):
    settings, _clock, _publisher = live
    path = settings.posts_dir / "hbm-memory-race.md"
    path.write_text(path.read_text().replace('"HBM", ', '"Brand New", '))
    step(live)
    path.write_text(path.read_text().replace('"Brand New", ', ""))
    step(live)


def test_display_name_change_rerenders_everywhere(live):
    settings, _clock, _publisher = live
    for i in range(3):  # ai芯片 becomes the most used spelling of the tag
        write(settings, f"lower{i}.md", f"L{i}", f"2024-0{i + 1}-01T00:00:00Z", "[ai芯片]")
    step(live)


@pytest.mark.slow
def test_scheduled_post_becoming_due_and_expiring(live):
    settings, clock, _publisher = live
    write(settings, "soon.md", "Soon", "2026-01-01T01:00:00Z", "[定时]")
    path = settings.posts_dir / "expiring.md"
    path.write_text(
        "---\ntitle: Expiring\ndate: 2025-01-01T00:00:00Z\nexpiryDate: 2026-01-01T02:00:00Z\ntags: [过期]\n---\nx\n"
    )
    step(live)
    clock.moment += timedelta(hours=1, minutes=1)
    report = step(live)
    assert report.rendered and report.changed_sources == 0
    clock.moment += timedelta(hours=1)
    step(live)


def test_post_becomes_draft_and_broken(live):
    settings, _clock, _publisher = live
    path = settings.posts_dir / "open-source-models.md"
    path.write_text(path.read_text().replace('"title"', '"draft": true, "title"'))
    step(live)
    path.write_text("{ broken json")
    step(live)


def test_nothing_changed_renders_nothing(live):
    report = step(live)
    assert not report.rendered and report.written == 0


def _raw(settings, name, front):
    (settings.posts_dir / name).write_text(
        f"---\n{front}\ndate: 2025-05-01T08:00:00+08:00\n---\nbody {name}\n"
    )


def test_a_slug_given_up_goes_back_to_the_post_that_had_to_yield(live):
    settings, _clock, _publisher = live
    # explicit ids: B's id does not move with its slug, so only the slug rule can bring B back
    _raw(settings, "a-first.md", "title: A\nslug: same\nid: id-a\ntags: [x]")
    _raw(settings, "b-second.md", "title: B\nslug: same\nid: id-b\ntags: [y]")
    step(live)
    assert (settings.feeds_dir / "posts/same/index.html").read_text().count("<h1>A</h1>") == 1
    _raw(settings, "a-first.md", "title: A\nslug: other\nid: id-a\ntags: [x]")  # only A is edited…
    step(live)  # …and B, not re-read, must take the slug back
    assert "<h1>B</h1>" in (settings.feeds_dir / "posts/same/index.html").read_text()


def test_a_duplicate_id_given_up_brings_the_other_post_back(live):
    settings, _clock, _publisher = live
    _raw(settings, "a-first.md", "title: A\nid: shared-id\ntags: [x]")
    _raw(settings, "b-second.md", "title: B\nid: shared-id\ntags: [y]")
    report = step(live)
    assert any("b-second.md" in p.source for p in report.problems)
    _raw(settings, "a-first.md", "title: A\nid: own-id\ntags: [x]")
    report = step(live)
    assert not any("b-second.md" in p.source for p in report.problems)
    assert (settings.feeds_dir / "tags/y/atom.xml").exists()


# ---- pages that depend on their neighbours (issue 19) -------------------------------------------


def _page(settings, path: str) -> str:
    return (settings.feeds_dir / path).read_text(encoding="utf-8")


def test_a_middle_post_added_redated_retitled_and_deleted_moves_its_neighbours_links(live):
    """Previous/next: the posts beside a middle post before and after each change are rendered
    again (the cold build comparison in `step` sees any page left behind), as are the archive's
    months it leaves and joins."""
    settings, _clock, _publisher = live
    write(settings, "middle.md", "Middle", "2025-04-15T00:00:00Z", "[中间]")
    step(live)
    assert "Middle</a>" in _page(settings, "posts/hbm-memory-race/index.html")  # its older neighbour
    path = settings.posts_dir / "middle.md"
    path.write_text(path.read_text().replace("2025-04-15", "2023-12-01"))  # to another place and month
    step(live)
    assert "Middle</a>" not in _page(settings, "posts/hbm-memory-race/index.html")
    assert "Middle</a>" in _page(settings, "archives/2023/12/index.html")
    path.write_text(path.read_text().replace("title: Middle", "title: Renamed middle"))
    step(live)
    path.unlink()
    step(live)
    assert not (settings.feeds_dir / "archives/2023/12/index.html").exists()


def test_a_term_that_shrinks_loses_its_last_page(live):
    """A term one post past `pages.per_page` (30 by default) has a second page; one post fewer
    and that page is removed (and listed as gone), as a cold build has none; no post, no page."""
    settings, _clock, _publisher = live
    for day in range(1, 32):
        write(settings, f"long{day}.md", f"P{day}", f"2024-07-{day:02d}T00:00:00Z", "[长]")
    step(live)
    second = "tags/长/page/2/index.html"
    assert "P1</a>" in _page(settings, second) and 'rel="next"' in _page(settings, "tags/长/index.html")
    (settings.posts_dir / "long31.md").unlink()
    report = step(live)
    assert report.removed and not (settings.feeds_dir / second).exists()
    manifest = json.loads((settings.feeds_dir / "manifest.json").read_text())
    assert second in manifest["gone"] and second not in manifest["files"]
    for day in range(1, 31):  # the term goes: its first page too
        (settings.posts_dir / f"long{day}.md").unlink()
    step(live)
    assert not (settings.feeds_dir / "tags/长/index.html").exists()

"""Publisher and Scheduler: cheap rescans, due posts, failures that do not stop the schedule."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta

from feedpub.service.publisher import Publisher
from feedpub.service.scheduler import DUE_JOB, Scheduler
from feedpub.service.status import read_status

from ..conftest import Clock
from ..helpers import assert_same_as_cold_build

POST = "---\ntitle: {title}\ndate: {date}\ntags: [t]\n---\nbody\n"


def test_rescan_with_nothing_changed_renders_nothing(sample_site, now):
    publisher = Publisher(sample_site, clock=lambda: now)
    first = publisher.rescan()
    assert first.rendered and first.written > 50 and first.changed_sources == 10
    manifest = (sample_site.feeds_dir / "manifest.json").read_bytes()
    second = publisher.rescan()
    assert not second.rendered and second.changed_sources == 0 and second.written == 0
    assert (sample_site.feeds_dir / "manifest.json").read_bytes() == manifest


def test_rescan_sees_new_changed_and_deleted_files(site, write_post):
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    publisher = Publisher(site, clock=clock)
    write_post("a.md", POST.format(title="A", date="2025-01-01T00:00:00Z"))
    publisher.rescan()
    write_post("b.md", POST.format(title="B", date="2025-01-02T00:00:00Z"))
    report = publisher.rescan()
    assert report.rendered and report.changed_sources == 1 and report.posts["published"] == 2
    (site.posts_dir / "a.md").unlink()
    report = publisher.rescan()
    assert report.rendered and report.posts["published"] == 1
    assert b"<title>B</title>" in (site.feeds_dir / "tags/t/rss.xml").read_bytes()


def test_scheduled_post_becomes_due(site, write_post):
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    publisher = Publisher(site, clock=clock)
    write_post("later.md", POST.format(title="Later", date="2026-01-01T00:10:00Z"))
    first = publisher.rescan()
    assert first.posts["scheduled"] == 1
    assert publisher.next_due() == datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
    clock.moment += timedelta(minutes=11)
    due = publisher.rescan()
    assert due.rendered and due.changed_sources == 0 and due.posts["published"] == 1
    assert publisher.next_due() is None


def test_failed_scan_is_recorded_and_the_next_one_recovers(site, write_post, caplog):
    write_post("a.md", POST.format(title="A", date="2025-01-01T00:00:00Z"))
    shutil.rmtree(site.feeds_dir)
    site.feeds_dir.write_text("not a directory")  # publishing must fail
    publisher = Publisher(site, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    jobs = Scheduler(publisher, 60)
    with caplog.at_level(logging.ERROR, logger="feedpub"):
        jobs.run_scan()  # must not raise
    assert "scan failed" in caplog.text
    status = read_status(site.cache_dir)
    assert status["error"] and status["last_success"] is None
    site.feeds_dir.unlink()
    jobs.run_scan()
    status = read_status(site.cache_dir)
    assert status["error"] is None and status["last_success"]


def test_due_job_points_at_next_scheduled_post(site, write_post):
    future = datetime.now(UTC) + timedelta(hours=1)
    write_post("f.md", POST.format(title="F", date=future.strftime("%Y-%m-%dT%H:%M:%SZ")))
    jobs = Scheduler(Publisher(site), 3600)
    jobs.start()
    try:
        job = jobs.scheduler.get_job(DUE_JOB)
        assert job is None  # nothing scanned yet: no due post known
        jobs.run_scan()
        job = jobs.scheduler.get_job(DUE_JOB)
        assert job is not None
        assert abs(job.next_run_time - future.replace(microsecond=0)) < timedelta(seconds=1)
    finally:
        jobs.stop()


def test_watching_publisher_sees_changes_and_skips_walks_when_quiet(site, write_post, monkeypatch):
    import time

    import feedpub.service.sources

    walks = []
    real_scan = feedpub.service.sources.scan
    monkeypatch.setattr(feedpub.service.sources, "scan", lambda *args: walks.append(1) or real_scan(*args))
    write_post("a.md", POST.format(title="A", date="2025-01-01T00:00:00Z"))
    publisher = Publisher(site, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC), watch=True)
    try:
        assert publisher.rescan().rendered
        assert len(walks) == 1  # the first scan walks posts/…
        quiet = publisher.rescan()
        assert not quiet.rendered and quiet.posts["published"] == 1
        assert len(walks) == 1  # …a quiet one does not
        write_post("b.md", POST.format(title="B", date="2025-01-02T00:00:00Z"))
        deadline = time.monotonic() + 5
        report = publisher.rescan()
        while not report.rendered and time.monotonic() < deadline:  # the inotify event may lag a little
            time.sleep(0.05)
            report = publisher.rescan()
        assert report.rendered and report.posts["published"] == 2
        write_post("b.md", POST.format(title="B edited", date="2025-01-02T00:00:00Z"))
        time.sleep(0.3)
        assert publisher.rescan().rendered
        assert b"B edited" in (site.feeds_dir / "atom.xml").read_bytes()
        assert len(walks) == 1, "an edit seen by inotify stats only the changed files"
        (site.posts_dir / "b.md").rename(site.posts_dir / "c.md")
        (site.posts_dir / "a.md").unlink()
        time.sleep(0.3)
        report = publisher.rescan()
        assert report.posts["published"] == 1
        assert_same_as_cold_build(site, lambda: datetime(2026, 1, 1, tzinfo=UTC))
    finally:
        publisher.close()


def test_watcher_still_asks_for_a_full_walk_now_and_then(site, monkeypatch):
    """The README promises a full stat walk at least every FULL_WALK_SECONDS, events or not."""
    from feedpub.service import watcher as watch

    watcher = watch.PostsWatcher(site.posts_dir)
    try:
        assert watcher.take() is None  # the first take always walks
        assert watcher.take() == set()  # nothing happened: no walk
        monkeypatch.setattr(watch, "FULL_WALK_SECONDS", 0.0)
        assert watcher.take() is None  # the interval passed: walk although no event came
    finally:
        watcher.stop()


def test_a_post_due_at_the_end_of_time_does_not_break_the_schedule(site, write_post):
    """9999-12-31 23:59:59 -12:00 is a valid date, but past the last instant a UTC clock holds."""
    write_post("end.md", POST.format(title="End", date="9999-12-31T23:59:59-12:00"))
    jobs = Scheduler(Publisher(site), 3600)
    jobs.start()
    try:
        jobs.run_scan()
        assert jobs.scheduler.get_job(DUE_JOB) is None
        assert read_status(site.cache_dir)["error"] is None
    finally:
        jobs.stop()

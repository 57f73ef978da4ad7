"""feeds/ heals: what the manifest lists and is gone from disk (`rm -rf feeds/`, a file deleted
by hand, at run time or while the service was down) is rewritten by the next scan, and nothing
else is touched (service.feeds_check)."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

from feedpub.publish.manifest import read_manifest
from feedpub.service.publisher import Publisher

from ..helpers import assert_same_as_cold_build, post_text, serve, titles, wait_for
from ..http import fetch


def every_listed_file_is_there(feeds_dir: Path) -> bool:
    files = read_manifest(feeds_dir)["files"]
    return bool(files) and all((feeds_dir / name).is_file() for name in files)


def test_rm_rf_feeds_is_rewritten_by_the_next_scan(sample_site, now):
    publisher = Publisher(sample_site, clock=lambda: now)
    try:
        assert publisher.rescan().rendered
        shutil.rmtree(sample_site.feeds_dir)
        report = publisher.rescan()
        assert report.error is None and report.rendered
        assert every_listed_file_is_there(sample_site.feeds_dir)
        assert_same_as_cold_build(sample_site, lambda: now)
        assert not publisher.rescan().rendered  # healed: quiet again
    finally:
        publisher.close()


def test_a_deep_file_deleted_by_hand_comes_back_at_the_full_check(sample_site, now):
    clock = [now]
    publisher = Publisher(sample_site, clock=lambda: clock[0])
    try:
        publisher.rescan()
        deep = next(n for n in read_manifest(sample_site.feeds_dir)["files"] if n.count("/") >= 2)
        written = (sample_site.feeds_dir / deep).read_bytes()
        (sample_site.feeds_dir / deep).unlink()
        clock[0] += timedelta(seconds=30)
        assert not publisher.rescan().rendered  # the cheap check looks at the top level only
        clock[0] += publisher.feeds_check.full_every
        assert publisher.rescan().rendered
        assert (sample_site.feeds_dir / deep).read_bytes() == written
        assert_same_as_cold_build(sample_site, lambda: now)
    finally:
        publisher.close()


def test_a_restart_checks_feeds_before_trusting_a_warm_start(sample_site, now):
    publisher = Publisher(sample_site, clock=lambda: now)
    publisher.rescan()
    publisher.close()
    deep = next(n for n in read_manifest(sample_site.feeds_dir)["files"] if n.count("/") >= 2)
    (sample_site.feeds_dir / deep).unlink()  # while the service was down
    (sample_site.feeds_dir / (deep + ".gz")).unlink(missing_ok=True)
    again = Publisher(sample_site, clock=lambda: now)
    try:
        assert again.rescan().rendered
        assert every_listed_file_is_there(sample_site.feeds_dir) and (sample_site.feeds_dir / deep).is_file()
        assert_same_as_cold_build(sample_site, lambda: now)
    finally:
        again.close()


def test_the_running_service_repairs_rm_rf_feeds_within_a_scan_interval(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(post_text("Alpha", datetime(2024, 1, 2)))
    with serve(tmp_path, interval=1) as (base, _proc):
        wait_for(lambda: fetch(base, "/atom.xml").status == 200, "never published")
        shutil.rmtree(tmp_path / "feeds")
        started = time.monotonic()
        wait_for(lambda: (tmp_path / "feeds" / "atom.xml").is_file(), "feeds/ never repaired", seconds=5)
        assert time.monotonic() - started < 3  # one scan interval (1 s), with room for a slow machine
        assert fetch(base, "/atom.xml").status == 200
        assert every_listed_file_is_there(tmp_path / "feeds")
        assert titles(base, "/atom.xml") == ["Alpha"]

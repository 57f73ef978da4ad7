"""A publish that runs out of disk half-way (a real tmpfs filled up) leaves readers a consistent
feeds/: every entry of every feed has its page on disk, every file the manifest lists is there;
when the disk has room again, the next scan publishes everything, and entries never outlive the
posts that made them. Needs root to mount the tmpfs (`.ci/run` runs as root); skipped otherwise.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest

from feedpub.config import settings_from_mapping
from feedpub.publish.manifest import read_manifest
from feedpub.service.publisher import Publisher

from ..conftest import BASE_CONFIG
from ..helpers import post_text

BASE = BASE_CONFIG["site"]["base_url"]
LATE = 150  # late posts: their feeds fit on the disk, their pages do not all


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "feeds"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def consistent(feeds: Path) -> list[str]:
    """What is wrong with feeds/: entries without their page, listed files not on disk."""
    wrong = [name for name in read_manifest(feeds)["files"] if not (feeds / name).is_file()]
    for item in json.loads((feeds / "feed.json").read_text())["items"]:
        path = unquote(item["url"][len(BASE) :])
        page = feeds / (path + "index.html" if path.endswith("/") or not path else path)
        if not page.is_file() and not page.with_suffix(".html").is_file():
            wrong.append(f"entry {item['url']} has no page")
    return wrong


def test_a_full_disk_never_leaves_an_entry_without_its_page(tmp_path, small_disk, now):
    settings = settings_from_mapping(BASE_CONFIG, root=tmp_path)
    posts = settings.posts_dir
    posts.mkdir()
    for day in range(3):
        (posts / f"early-{day}.md").write_text(post_text(f"Early {day}", datetime(2024, 1, 1 + day)))
    clock = [now]
    publisher = Publisher(settings, clock=lambda: clock[0])
    try:
        assert publisher.rescan().rendered and consistent(small_disk) == []
        body = "Words that take room. " * 250  # ~5 KB a page: the feeds fit, not every page
        for day in range(LATE):
            late = datetime(2024, 2, 1) + timedelta(hours=day)
            (posts / f"late-{day:03}.md").write_text(post_text(f"Late {day}", late, body))
        clock[0] += timedelta(seconds=1)
        report = publisher.rescan()
        assert report.error is not None and "No space left" in report.error
        assert consistent(small_disk) == []  # old lists beside whatever new pages got in

        for day in range(LATE):  # the late posts go away before the disk had room for them
            (posts / f"late-{day:03}.md").unlink()
        clock[0] += timedelta(seconds=1)
        again = publisher.rescan()
        assert again.error is None, again.error
        assert consistent(small_disk) == []
        titles = {item["title"] for item in json.loads((small_disk / "feed.json").read_text())["items"]}
        assert titles == {"Early 0", "Early 1", "Early 2"}  # no phantom entries
    finally:
        publisher.close()


def test_a_cold_build_that_runs_out_of_disk_leaves_no_entry_without_its_page(tmp_path, small_disk, now):
    """The same for `feedpub build`, whose forked workers write pages and media before any feed."""
    from feedpub.errors import FeedpubError
    from feedpub.publish.cold_build import build_and_publish

    settings = settings_from_mapping(BASE_CONFIG, root=tmp_path)
    settings.posts_dir.mkdir()
    for day in range(3):
        (settings.posts_dir / f"early-{day}.md").write_text(
            post_text(f"Early {day}", datetime(2024, 1, 1 + day))
        )
    build_and_publish(settings, now, workers=2)
    assert consistent(small_disk) == []
    body = "Words that take room. " * 250
    for day in range(LATE):
        late = datetime(2024, 2, 1) + timedelta(hours=day)
        (settings.posts_dir / f"late-{day:03}.md").write_text(post_text(f"Late {day}", late, body))
    with pytest.raises((FeedpubError, OSError)):
        build_and_publish(settings, now, workers=2)
    assert consistent(small_disk) == []

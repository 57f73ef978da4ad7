"""A post that is a link flipped between a file inside posts/ and one outside, as fast as
another process can flip it, while the service rescans and while cold builds run: nothing from outside
posts/ is ever published or cached (read.safe_read checks the opened descriptor, not the path).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from feedpub.publish.cold_build import build_and_publish
from feedpub.service.publisher import Publisher

SECRET = "SECRET-FROM-OUTSIDE-POSTS"
RACE_SECONDS = float(os.environ.get("FEEDPUB_RACE_SECONDS", "30"))


def post(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02T10:00:00Z\n---\n{body}\n"


FLIP = """
import os, sys
link, inside, outside = sys.argv[1:4]
temporary, flips = link + ".tmp", 0
while True:
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass
    os.symlink((inside, outside)[flips % 2], temporary)
    os.replace(temporary, link)
    flips += 1
"""


def flipper(link: Path, inside: Path, outside: Path) -> subprocess.Popen[bytes]:
    """Another process (as an attacker would be: no lock shared with feedpub) pointing
    posts/flip.md at the inside file, then the outside one, over and over, atomically."""
    return subprocess.Popen([sys.executable, "-c", FLIP, str(link), str(inside), str(outside)])


def found_anywhere(*folders: Path) -> list[str]:
    return [
        str(path)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and SECRET.encode() in path.read_bytes()
    ]


def race(site, outside_dir: Path, seconds: float, step) -> int:
    """Run `step` again and again while the link flips; after each, nothing of the outside file
    may be in feeds/ or the cache (a later step would overwrite what an earlier one leaked)."""
    posts = site.posts_dir
    (posts / "inside.txt").write_text(post("Inside", "Inside text."))  # not a post by its name
    (posts / "a.md").write_text(post("A", "Alpha."))
    outside = outside_dir / "outside.md"
    outside.write_text(post("Outside " + SECRET, SECRET))
    os.symlink(posts / "inside.txt", posts / "flip.md")
    flipping = flipper(posts / "flip.md", posts / "inside.txt", outside)
    deadline, rounds = time.monotonic() + seconds, 0
    try:
        while time.monotonic() < deadline:
            step()
            rounds += 1
            leaked = found_anywhere(site.feeds_dir, site.cache_dir)
            assert leaked == [], f"round {rounds}: {leaked}"
    finally:
        flipping.kill()
        flipping.wait()
    assert rounds > 10, rounds
    return rounds


def test_the_service_never_publishes_or_caches_a_file_outside_posts(site, tmp_path_factory, now):
    clock = [now]
    publisher = Publisher(site, clock=lambda: clock[0])

    def rescan() -> None:
        clock[0] += timedelta(seconds=1)
        publisher.rescan()

    try:
        race(site, tmp_path_factory.mktemp("outside"), RACE_SECONDS, rescan)
    finally:
        publisher.close()
    assert found_anywhere(site.feeds_dir, site.cache_dir) == []
    assert "Alpha." in (site.feeds_dir / "feed.json").read_text()


def test_cold_builds_never_publish_a_file_outside_posts(site, tmp_path_factory, now):
    race(
        site, tmp_path_factory.mktemp("outside"), min(RACE_SECONDS, 10), lambda: build_and_publish(site, now)
    )
    assert found_anywhere(site.feeds_dir) == []

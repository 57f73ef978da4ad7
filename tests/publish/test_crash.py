"""kill -9 in the middle of `feedpub build` rewriting a whole site, again and again: after every
kill each file in feeds/ is complete and valid and matches the manifest (or, for the files the
killed build was putting in place, its journal); the next build completes and leaves feeds/
exactly as a build that was never interrupted (issue 5, part 4).

`make soak` runs it longer: FEEDPUB_CRASH_RUNS and FEEDPUB_CRASH_POSTS.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from lxml import etree

from feedpub.publish.atomic import TMP_SUFFIX
from feedpub.publish.journal import journal_names, read_journals
from feedpub.publish.manifest import MANIFEST
from feedpub.publish.precompress import GZIP_SUFFIX, precompressed

from ..helpers import corpus
from ..sessions import assert_session_ends
from ..validators import check_atom, check_json_feed, check_rss

RUNS = int(os.environ.get("FEEDPUB_CRASH_RUNS", "6"))
POSTS = int(os.environ.get("FEEDPUB_CRASH_POSTS", "150"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def valid(path: str, data: bytes) -> None:
    """The file is a complete document of its kind."""
    name = path.rsplit("/", 1)[-1]
    if name == "atom.xml":
        check_atom(data)
    elif name == "rss.xml":
        check_rss(data)
    elif name == "feed.json":
        check_json_feed(data)
    elif name.endswith(".xml"):
        etree.fromstring(data)
    elif name.endswith(".css"):  # the feeds' stylesheet: its last rule closed
        assert data.rstrip().endswith(b"}"), path
    else:
        assert data.rstrip().endswith(b"</html>"), path


def check_consistent(feeds: Path) -> int:
    """Every file matches the manifest or a journal and is valid; returns how many were ahead."""
    manifest = json.loads((feeds / MANIFEST).read_text("utf-8"))
    in_flight = read_journals(feeds)
    ahead = 0
    on_disk = {
        p.relative_to(feeds).as_posix()
        for p in feeds.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(feeds).parts)
    }
    for path, record in manifest["files"].items():
        assert path in on_disk, f"{path}: listed but missing"
        data = (feeds / path).read_bytes()
        allowed = {record["sha256"], *in_flight.get(path, ())}
        assert sha(data) in allowed, f"{path}: matches neither the manifest nor a journal"
        if "gzip_sha256" in record:  # feeds: a .gz beside; pages: none (compressed when served)
            assert precompressed(path) and path + GZIP_SUFFIX in on_disk, f"{path}: its .gz is missing"
            packed = (feeds / (path + GZIP_SUFFIX)).read_bytes()
            assert sha(packed) in {record["gzip_sha256"], *in_flight.get(path, ())}, path
            assert sha(gzip.decompress(packed)) in allowed, path
        else:
            assert not precompressed(path) and path + GZIP_SUFFIX not in on_disk, path
        ahead += sha(data) != record["sha256"]
        valid(path, data)
    packed_too = {p + GZIP_SUFFIX for p, record in manifest["files"].items() if "gzip_sha256" in record}
    unlisted = on_disk - set(manifest["files"]) - {MANIFEST} - packed_too
    for path in unlisted:  # files the killed build was adding: journaled before they appeared
        plain = path.removesuffix(GZIP_SUFFIX)
        data = (feeds / path).read_bytes()
        assert plain in in_flight, f"{path}: neither listed nor journaled"
        digest = sha(data) if path == plain else sha(gzip.decompress(data))
        assert digest in in_flight[plain], path
        valid(plain, data if path == plain else gzip.decompress(data))
    return ahead


def rewrite_every_post(posts: Path, run: int) -> None:
    """A new last paragraph in every post: every entry, so every feed and page, changes."""
    for path in posts.iterdir():
        text = path.read_text("utf-8").split("\n\n修订 ")[0]
        path.write_text(f"{text}\n\n修订 {run}\n", "utf-8")


def start_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedpub.cli", "build", "--config", str(root / "config.yaml")],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its processes are its session's: none may outlive it
    )


@pytest.mark.slow
def test_kill_9_during_a_rewrite_never_leaves_a_broken_or_unaccounted_file(tmp_path):
    corpus.generate(tmp_path / "posts", POSTS, seed=5)
    config = {
        "site": {"title": "Crash", "base_url": "https://crash.example/", "timezone": "Asia/Shanghai"},
        "paths": {"posts": "posts", "feeds": "feeds", "cache": ".feedpub"},
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    feeds = tmp_path / "feeds"

    started = time.monotonic()
    assert start_build(tmp_path).wait(300) == 0
    rewrite_every_post(tmp_path / "posts", 0)
    assert start_build(tmp_path).wait(300) == 0
    full = time.monotonic() - started
    assert check_consistent(feeds) == 0

    rng = random.Random(20261123)
    ahead_seen = 0
    for run in range(1, RUNS + 1):
        rewrite_every_post(tmp_path / "posts", run)
        build = start_build(tmp_path)
        time.sleep(rng.uniform(0.1, 0.9) * full / 2)  # anywhere from reading to the manifest
        os.kill(build.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        build.wait(30)
        assert_session_ends(build.pid)  # its workers did not outlive it (issue 20)
        ahead_seen += check_consistent(feeds)

    rewrite_every_post(tmp_path / "posts", RUNS + 1)
    assert start_build(tmp_path).wait(300) == 0  # the next build completes normally...
    assert check_consistent(feeds) == 0  # ...and settles every file
    assert journal_names(feeds) == []
    assert not [p for p in feeds.rglob("*") if p.name.endswith(TMP_SUFFIX)]
    from feedpub.config import load_settings
    from feedpub.publish.cold_build import build

    from ..helpers import on_disk

    expected = build(load_settings(tmp_path / "config.yaml"), datetime.now(UTC)).files
    assert on_disk(feeds) == expected  # as if no build had ever been killed
    assert ahead_seen > 0 or RUNS < 3, "no kill landed while files were being replaced"


def test_a_service_starting_after_a_killed_build_republishes_everything(tmp_path):
    """The manifest of a killed build is not the whole truth (its journal says so): the service
    must not warm-start from it, or the files the build put in place would stay unaccounted."""
    from feedpub.config import load_settings
    from feedpub.service.publisher import Publisher

    corpus.generate(tmp_path / "posts", 60, seed=6)
    config = {"site": {"base_url": "https://crash.example/"}, "paths": {"feeds": "feeds"}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    settings = load_settings(tmp_path / "config.yaml")
    first = Publisher(settings)
    assert first.rescan().rendered
    first.close()  # recorded: a restart now would be warm

    rewrite_every_post(tmp_path / "posts", 1)
    build = start_build(tmp_path)
    deadline = time.monotonic() + 60
    while not journal_names(tmp_path / "feeds") and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(30)
    assert journal_names(tmp_path / "feeds"), "the build was not caught putting files in place"
    check_consistent(tmp_path / "feeds")

    publisher = Publisher(settings)
    report = publisher.rescan()
    publisher.close()
    assert report.error is None and report.rendered
    assert check_consistent(tmp_path / "feeds") == 0 and journal_names(tmp_path / "feeds") == []


def test_after_a_kill_journaled_files_are_rewritten_even_when_their_size_agrees(tmp_path):
    """A killed publish put B in place of A (same length); the next publish renders A again.
    Size and manifest say "unchanged": only the journal knows better."""
    from feedpub.publish.atomic import write_atomic
    from feedpub.publish.precompress import gzip_bytes
    from feedpub.publish.store import Store

    a, b = b"<feed>version-AAAA</feed>", b"<feed>version-BBBB</feed>"
    Store(tmp_path).publish({"atom.xml": a, "rss.xml": b"x"})
    (tmp_path / ".publishing-999999.journal").write_text(f"atom.xml\t{sha(b)}\t{sha(gzip_bytes(b))}\n")
    write_atomic(tmp_path / "atom.xml.gz", gzip_bytes(b))
    write_atomic(tmp_path / "atom.xml", b)
    report = Store(tmp_path).publish({"atom.xml": a, "rss.xml": b"x"})
    assert report.written == ["atom.xml"]
    assert (tmp_path / "atom.xml").read_bytes() == a and gzip.decompress(
        (tmp_path / "atom.xml.gz").read_bytes()
    ) == a
    assert journal_names(tmp_path) == []
    assert json.loads((tmp_path / MANIFEST).read_text())["files"]["atom.xml"]["sha256"] == sha(a)


def test_a_file_removed_by_a_killed_publish_is_deleted_by_the_next(tmp_path):
    """Killed between the manifest (which lists the file as gone) and the deletion: the journal
    names the path, and the next publish deletes it, so nginx does not serve it for ever."""
    from feedpub.publish.store import Store

    Store(tmp_path).publish({"atom.xml": b"<feed/>", "tags/x/atom.xml": b"<feed>x</feed>"})
    kept = (tmp_path / "tags/x/atom.xml").read_bytes()
    Store(tmp_path).publish({"atom.xml": b"<feed/>"})  # a real removal, then undo the deletion
    (tmp_path / "tags/x").mkdir(parents=True)
    (tmp_path / "tags/x/atom.xml").write_bytes(kept)
    (tmp_path / ".publishing-999999.journal").write_text("tags/x/atom.xml\n")
    Store(tmp_path).publish({"atom.xml": b"<feed/>"})
    assert not (tmp_path / "tags/x/atom.xml").exists()
    assert journal_names(tmp_path) == []

"""publish(): changed files only, atomic replacement, manifest, removed feeds listed as gone."""

from __future__ import annotations

import json
import os
import stat

import pytest

from feedpub.errors import StoreError
from feedpub.publish.cold_build import build
from feedpub.publish.manifest import MANIFEST, sha256
from feedpub.publish.store import Store, publish, safe_relative


def test_publish_writes_and_records(tmp_path):
    out = tmp_path / "feeds"
    report = publish({"atom.xml": b"<a/>", "tags/x/atom.xml": b"<b/>"}, out)
    assert sorted(report.written) == ["atom.xml", "tags/x/atom.xml"]
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["files"]["atom.xml"]["sha256"] == sha256(b"<a/>")
    assert manifest["files"]["tags/x/atom.xml"]["size"] == 4
    assert (out / "tags/x/atom.xml").read_bytes() == b"<b/>"


def test_unchanged_files_are_not_rewritten(tmp_path):
    out = tmp_path / "feeds"
    publish({"atom.xml": b"<a/>"}, out)
    before = (out / "atom.xml").stat().st_mtime_ns, (out / MANIFEST).read_bytes()
    report = publish({"atom.xml": b"<a/>"}, out)
    assert report.written == [] and report.unchanged == ["atom.xml"]
    assert ((out / "atom.xml").stat().st_mtime_ns, (out / MANIFEST).read_bytes()) == before


def test_removed_feeds_are_deleted_and_listed_as_gone(tmp_path):
    out = tmp_path / "feeds"
    publish({"atom.xml": b"1", "tags/old/atom.xml": b"2"}, out)
    report = publish({"atom.xml": b"1"}, out)
    assert report.removed == ["tags/old/atom.xml"]
    assert not (out / "tags/old").exists()
    manifest = json.loads((out / MANIFEST).read_text())
    assert "tags/old/atom.xml" in manifest["gone"] and "tags/old/atom.xml" not in manifest["files"]
    publish({"atom.xml": b"1", "tags/old/atom.xml": b"3"}, out)  # the term comes back
    manifest = json.loads((out / MANIFEST).read_text())
    assert "tags/old/atom.xml" not in manifest["gone"]


def test_a_file_changed_behind_our_back_is_rewritten(tmp_path):
    out = tmp_path / "feeds"
    publish({"atom.xml": b"<a/>"}, out)
    (out / "atom.xml").write_bytes(b"<truncated")
    assert publish({"atom.xml": b"<a/>"}, out).written == ["atom.xml"]
    assert (out / "atom.xml").read_bytes() == b"<a/>"


def test_corrupt_manifest_is_not_trusted(tmp_path):
    out = tmp_path / "feeds"
    publish({"atom.xml": b"<a/>"}, out)
    (out / MANIFEST).write_text("{not json")
    report = publish({"atom.xml": b"<a/>"}, out)
    assert report.written == ["atom.xml"]
    assert json.loads((out / MANIFEST).read_text())["files"]["atom.xml"]["sha256"] == sha256(b"<a/>")


def test_no_temporary_files_left_behind(tmp_path):
    out = tmp_path / "feeds"
    publish({"a/b.xml": b"x", "c.xml": b"y"}, out)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [
        "b.xml",
        "b.xml.gz",
        "c.xml",
        "c.xml.gz",
        MANIFEST,
    ]


def test_gzip_siblings_are_deterministic_and_match(tmp_path):
    import gzip

    out = tmp_path / "feeds"
    publish({"atom.xml": b"<feed>" + b"x" * 1000 + b"</feed>"}, out)
    packed = (out / "atom.xml.gz").read_bytes()
    assert gzip.decompress(packed) == (out / "atom.xml").read_bytes()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["files"]["atom.xml"]["gzip_sha256"] == sha256(packed)
    other = tmp_path / "other"
    publish({"atom.xml": b"<feed>" + b"x" * 1000 + b"</feed>"}, other)
    assert (other / "atom.xml.gz").read_bytes() == packed


def test_pages_are_published_without_a_gzip_sibling(tmp_path):
    """HTML pages are compressed when served; feeds keep the .gz their readers poll for."""
    out = tmp_path / "feeds"
    publish({"atom.xml": b"<feed/>", "posts/a/index.html": b"<html></html>"}, out)
    files = json.loads((out / MANIFEST).read_text())["files"]
    assert (out / "atom.xml.gz").exists() and "gzip_sha256" in files["atom.xml"]
    assert not (out / "posts/a/index.html.gz").exists()
    assert set(files["posts/a/index.html"]) == {"sha256", "size", "modified"}


def test_a_page_published_with_a_gzip_before_loses_it(tmp_path):
    """feeds/ from a version that wrote a .gz for every file: the next publish takes each page's
    .gz away (and its record's gzip fields), even where the page itself is unchanged."""
    out = tmp_path / "feeds"
    publish({"posts/a/index.html": b"<html></html>"}, out)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["posts/a/index.html"].update(gzip_sha256=sha256(b"old"), gzip_size=3)
    (out / MANIFEST).write_text(json.dumps(manifest))
    (out / "posts/a/index.html.gz").write_bytes(b"old")
    report = Store(out).publish({"posts/a/index.html": b"<html></html>"})
    assert report.written == ["posts/a/index.html"]
    assert not (out / "posts/a/index.html.gz").exists()
    assert "gzip_size" not in json.loads((out / MANIFEST).read_text())["files"]["posts/a/index.html"]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "a\\..\\x", "a\x00b", ""])
def test_unsafe_paths_are_refused(bad):
    with pytest.raises(StoreError):
        safe_relative(bad)


def test_read_only_feeds_dir_raises_store_error_and_keeps_old_files(tmp_path):
    import os

    out = tmp_path / "feeds"
    publish({"atom.xml": b"old"}, out)
    out.chmod(0o555)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as root: directory permissions do not bind")
        with pytest.raises(StoreError):
            publish({"atom.xml": b"new"}, out)
        assert (out / "atom.xml").read_bytes() == b"old"
    finally:
        out.chmod(0o755)


def test_rebuild_after_deleting_a_post_removes_its_term_feeds(sample_site, now):
    publish(build(sample_site, now).files, sample_site.feeds_dir)
    assert (sample_site.feeds_dir / "tags/hbm/atom.xml").exists()
    (sample_site.posts_dir / "hbm-memory-race.md").unlink()
    report = publish(build(sample_site, now).files, sample_site.feeds_dir)
    assert "tags/hbm/atom.xml" in report.removed
    assert not (sample_site.feeds_dir / "tags/hbm").exists()
    assert "tags/算力/atom.xml" in report.written  # still exists, one entry fewer


def test_a_long_lived_store_patches_the_manifest_exactly(tmp_path):
    """The manifest text a store keeps between publishes is what encoding it afresh gives."""
    import random

    from feedpub.publish.store import Store

    out = tmp_path / "feeds"
    store = Store(out)
    rng = random.Random(3)
    names = [f"tags/标签{i}/atom.xml" for i in range(300)] + [f"posts/p{i}/index.html" for i in range(300)]
    live: dict[str, bytes] = {}
    for step in range(40):
        if step % 10 == 0:  # a full publish: whatever is not listed goes
            live = {name: f"{name}{rng.random()}".encode() for name in rng.sample(names, 200)}
            store.publish(live)
        else:  # incremental: a few changed, a few removed
            changed = {name: f"{name}{rng.random()}".encode() for name in rng.sample(names, 5)}
            doomed = [name for name in rng.sample(sorted(live), 3) if name not in changed]
            store.publish(changed, remove=doomed)
            live.update(changed)
            for name in doomed:
                live.pop(name)
        data = (out / MANIFEST).read_bytes()
        manifest = json.loads(data)
        fresh = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        assert data == fresh.encode("utf-8")
        assert sorted(manifest["files"]) == sorted(live)
        assert Store(out).manifest == manifest


def _deleted_files_held(directory) -> int:
    """Descriptors of this process on files under `directory` that are no longer linked."""
    import os
    from pathlib import Path

    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(directory)) and target.endswith("(deleted)"):
            count += 1
    return count


def test_replaced_files_are_freed_by_the_reaper_not_the_publish(tmp_path):
    import time

    from feedpub.publish.reaper import Reaper
    from feedpub.publish.store import Store

    out = tmp_path / "feeds"
    reaper = Reaper()
    store = Store(out, reaper)
    store.publish({"atom.xml": b"<a/>", "tags/x/atom.xml": b"<b/>"})
    report = store.publish({"atom.xml": b"<a2/>", "tags/x/atom.xml": b"<b2/>"})
    assert sorted(report.written) == ["atom.xml", "tags/x/atom.xml"]
    assert (out / "atom.xml").read_bytes() == b"<a2/>"  # readers see the new bytes at once
    deadline = time.monotonic() + 5
    while _deleted_files_held(out) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _deleted_files_held(out) == 0  # and the old ones are closed soon after
    assert not store._held


def test_a_huge_publish_does_not_hold_more_than_the_limit(tmp_path, monkeypatch):
    from feedpub.publish.reaper import Reaper
    from feedpub.publish.store import Store

    monkeypatch.setattr(Reaper, "LIMIT", 3)
    handed: list[list[int]] = []
    reaper = Reaper()
    monkeypatch.setattr(reaper, "close_later", lambda fds: handed.append(list(fds)))
    store = Store(tmp_path / "feeds", reaper)
    files = {f"tags/t{i}/atom.xml": b"x" for i in range(10)}
    store.publish(files)
    store.publish({path: b"y" for path in files})
    assert sum(len(fds) for fds in handed) <= 3
    for fds in handed:
        for fd in fds:
            import os

            os.close(fd)


def test_files_appear_whole_with_no_other_name_left(tmp_path):
    """A new file (its folder made on the way) and a replaced one: whole, mode 0644 under umask
    022, and no temporary name left beside them."""
    from feedpub.publish import atomic

    old_umask = os.umask(0o022)
    try:
        atomic.write_atomic(tmp_path / "a" / "new.xml", b"<new/>")
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "there.xml").write_bytes(b"old")
        atomic.write_atomic(tmp_path / "b" / "there.xml", b"<replaced/>")
    finally:
        os.umask(old_umask)
    assert (tmp_path / "a" / "new.xml").read_bytes() == b"<new/>"
    assert (tmp_path / "b" / "there.xml").read_bytes() == b"<replaced/>"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["new.xml", "there.xml"]
    assert stat.S_IMODE((tmp_path / "a" / "new.xml").stat().st_mode) == 0o644


def test_a_page_is_compressed_once_per_version_when_asked_for_gzip(tmp_path):
    """What the README promises of pages published without a .gz: FeedFiles compresses the
    page on the first gzip request, keeps the result, and compresses a new version afresh."""
    import gzip

    from feedpub.serve.published import FeedFiles

    out = tmp_path / "feeds"
    page = "posts/a/index.html"
    publish({page: b"<html>one</html>", "atom.xml": b"<feed/>"}, out)
    files = FeedFiles(out)
    first = files.get(page, True)
    assert first is not None and gzip.decompress(first.data) == b"<html>one</html>"
    assert first.sha256 == sha256(first.data)
    assert files.get(page, True) is first  # kept, not compressed again
    assert files.get("atom.xml", True).data == (out / "atom.xml.gz").read_bytes()  # feeds: the .gz
    publish({page: b"<html>two, longer</html>", "atom.xml": b"<feed/>"}, out)
    second = files.get(page, True)
    assert second is not None and gzip.decompress(second.data) == b"<html>two, longer</html>"


def test_a_publish_failing_scan_after_scan_keeps_the_journal_bounded(tmp_path):
    """Each failed attempt journals its batch before the failure; the journal keeps one line
    per path, so a fault that lasts (here: a folder where a file must go) cannot grow it."""
    from feedpub.publish.journal import journal_names
    from feedpub.publish.store import Store, StoreError

    store = Store(tmp_path / "feeds")
    store.publish({"a.xml": b"<a/>"})
    (tmp_path / "feeds" / "z.html").mkdir()  # where the next publishes must put a file
    for attempt in range(20):
        with pytest.raises(StoreError):
            store.publish({"a.xml": f"<a n='{attempt}'/>".encode(), "z.html": b"page"})
    [journal] = journal_names(tmp_path / "feeds")
    lines = (tmp_path / "feeds" / journal).read_text().splitlines()
    assert len(lines) <= 2, lines
    (tmp_path / "feeds" / "z.html").rmdir()  # the fault is gone: the next publish settles all
    store.publish({"a.xml": b"<a n='last'/>", "z.html": b"page"})
    assert journal_names(tmp_path / "feeds") == []
    assert (tmp_path / "feeds" / "a.xml").read_bytes() == b"<a n='last'/>"

"""The SQLite post cache: a restart with nothing changed parses and renders nothing; a damaged,
truncated or foreign cache is rebuilt, never trusted."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from feedpub.read.cache import DB_NAME
from feedpub.service.publisher import Publisher

from ..helpers import assert_same_as_cold_build


def restart(settings, now):
    publisher = Publisher(settings, clock=lambda: now)
    report = publisher.rescan()
    publisher.close()
    return report


def test_restart_with_nothing_changed_parses_and_renders_nothing(sample_site, now):
    first = restart(sample_site, now)
    assert first.rendered and first.changed_sources == 10
    again = restart(sample_site, now)
    assert again.error is None and again.changed_sources == 0 and not again.rendered
    assert_same_as_cold_build(sample_site, lambda: now)


def test_restart_after_an_edit_reads_only_that_file(sample_site, now):
    restart(sample_site, now)
    path = sample_site.posts_dir / "hbm-memory-race.md"
    path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 竞赛"))
    report = restart(sample_site, now)
    assert report.changed_sources == 1 and report.rendered
    assert_same_as_cold_build(sample_site, lambda: now)


def test_touched_but_unchanged_file_is_not_parsed_again(sample_site, now):
    restart(sample_site, now)
    path = sample_site.posts_dir / "hbm-memory-race.md"
    path.write_bytes(path.read_bytes())  # new mtime, same bytes
    assert restart(sample_site, now).changed_sources == 0


def test_corrupt_cache_is_rebuilt(sample_site, now):
    restart(sample_site, now)
    db = sample_site.cache_dir / DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    report = restart(sample_site, now)
    assert report.error is None and report.changed_sources == 10
    assert_same_as_cold_build(sample_site, lambda: now)
    assert restart(sample_site, now).changed_sources == 0  # and it works again afterwards


def test_truncated_cache_is_rebuilt(sample_site, now):
    restart(sample_site, now)
    db = sample_site.cache_dir / DB_NAME
    db.write_bytes(db.read_bytes()[:1500])
    report = restart(sample_site, now)
    assert report.error is None and report.changed_sources == 10
    assert_same_as_cold_build(sample_site, lambda: now)


def test_foreign_or_damaged_rows_are_not_trusted(sample_site, now):
    restart(sample_site, now)
    with sqlite3.connect(sample_site.cache_dir / DB_NAME) as conn:
        conn.execute("UPDATE posts SET result = X'00010203'")
    report = restart(sample_site, now)
    assert report.error is None and report.changed_sources == 10


def test_other_version_or_settings_drop_the_cache(sample_site, now):
    restart(sample_site, now)
    with sqlite3.connect(sample_site.cache_dir / DB_NAME) as conn:
        conn.execute("UPDATE meta SET value = 'old version' WHERE key = 'fingerprint'")
    assert restart(sample_site, now).changed_sources == 10
    other = replace(sample_site, site=replace(sample_site.site, base_url="https://elsewhere.example/"))
    report = restart(other, now)
    assert report.changed_sources == 10 and report.rendered
    assert_same_as_cold_build(other, lambda: now)


def test_deleting_the_cache_is_always_safe(sample_site, now):
    import shutil

    restart(sample_site, now)
    shutil.rmtree(sample_site.cache_dir)
    report = restart(sample_site, now)
    assert report.error is None and report.changed_sources == 10
    assert_same_as_cold_build(sample_site, lambda: now)


def test_first_change_after_a_warm_start_republishes_incrementally(sample_site, now):
    restart(sample_site, now)
    publisher = Publisher(sample_site, clock=lambda: now)
    try:
        assert not publisher.rescan().rendered  # warm: nothing rendered
        path = sample_site.posts_dir / "hbm-memory-race.md"
        path.write_text(path.read_text().replace('"HBM", ', '"Warm Tag", '))
        report = publisher.rescan()
        assert report.rendered and report.changed_sources == 1 and 0 < report.written < 40
        assert_same_as_cold_build(sample_site, lambda: now)
    finally:
        publisher.close()


def _total_files(settings) -> int:
    return len(list(settings.feeds_dir.rglob("*")))


def test_changes_made_while_stopped_are_published_incrementally(sample_site, now):
    from datetime import timedelta

    first = restart(sample_site, now)
    assert first.written > 40  # everything, the first time
    posts = sample_site.posts_dir
    path = posts / "hbm-memory-race.md"
    path.write_text(path.read_text().replace('"HBM", ', '"Offline Tag", '))  # a tag added
    (posts / "open-source-models.md").unlink()  # a post deleted
    (posts / "new-while-down.md").write_text(
        "---\ntitle: 停机时写的\ndate: 2025-06-01T08:00:00+08:00\ntags: [HBM]\n---\n正文\n", encoding="utf-8"
    )
    later = now + timedelta(days=400)  # and the clock moved past the scheduled post
    report = restart(sample_site, later)
    assert report.rendered and report.changed_sources == 3
    assert 0 < report.written < first.written // 2, "only what those changes touch"
    assert_same_as_cold_build(sample_site, lambda: later)


def test_a_stale_record_of_the_last_run_renders_everything(sample_site, now):
    publisher = Publisher(sample_site, clock=lambda: now)
    publisher.rescan()  # records what it published: its first publish
    path = sample_site.posts_dir / "hbm-memory-race.md"
    path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 竞赛"))
    assert publisher.rescan().rendered  # published again, but the record is not updated…
    publisher.db.close()  # …because the process dies here, without close()
    path.write_text(path.read_text().replace("HBM 竞赛", "HBM 再竞赛"))
    report = restart(sample_site, now)
    assert report.rendered and report.error is None
    assert_same_as_cold_build(sample_site, lambda: now)


def test_a_feeds_folder_changed_by_hand_is_rendered_whole(sample_site, now):
    restart(sample_site, now)
    (sample_site.feeds_dir / "atom.xml").write_bytes(b"<feed/>")  # someone edited feeds/
    (sample_site.feeds_dir / "manifest.json").write_text("{}")
    path = sample_site.posts_dir / "hbm-memory-race.md"
    path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 竞赛"))
    report = restart(sample_site, now)
    assert report.rendered and report.written > 40
    assert_same_as_cold_build(sample_site, lambda: now)


def test_an_idle_scan_after_a_warm_start_prepares_for_the_first_edit(sample_site, now):
    restart(sample_site, now)
    publisher = Publisher(sample_site, clock=lambda: now)
    try:
        assert not publisher.rescan().rendered
        assert publisher.state.published.taxonomy is None  # the warm start itself answers at once
        assert not publisher.rescan().rendered
        assert publisher.state.published.taxonomy is not None and publisher.renderer is not None
        path = sample_site.posts_dir / "hbm-memory-race.md"
        path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 竞赛"))
        assert publisher.rescan().rendered
        assert_same_as_cold_build(sample_site, lambda: now)
    finally:
        publisher.close()


def test_posts_sharing_a_slug_do_not_stop_an_incremental_restart(sample_site, now):
    posts = sample_site.posts_dir
    for name in ("dup-a.md", "dup-b.md"):  # the second gets a free slug: read again on every load
        (posts / name).write_text(
            f"---\ntitle: {name}\nslug: dup\ndate: 2025-06-01T08:00:00+08:00\ntags: [HBM]\n---\n正文\n",
            encoding="utf-8",
        )
    first = restart(sample_site, now)
    path = posts / "hbm-memory-race.md"
    path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 竞赛"))
    report = restart(sample_site, now)
    assert report.rendered and 0 < report.written < first.written // 2
    assert_same_as_cold_build(sample_site, lambda: now)
    # and when the renamed post itself changed while stopped, everything is rendered, correctly
    (posts / "dup-b.md").write_text((posts / "dup-b.md").read_text().replace("正文", "改了"))
    assert restart(sample_site, now).rendered
    assert_same_as_cold_build(sample_site, lambda: now)


def test_posts_share_term_objects_when_read_and_when_unpickled(sample_site, now):
    import pickle

    from feedpub.publish.cold_build import load_site

    posts = load_site(sample_site, now).posts
    by_key: dict[str, object] = {}
    for post in posts:
        for term in post.categories + post.tags:
            assert by_key.setdefault((term.key, term.name), term) is term  # one object per term
    copies = pickle.loads(pickle.dumps(posts))
    for post in copies:
        for term in post.categories + post.tags:
            assert by_key[(term.key, term.name)] is term


def test_a_service_keeps_post_bodies_packed_and_renders_them_as_read(sample_site, now):
    import pickle

    from feedpub.publish.cold_build import load_site

    read = {p.source: p for p in load_site(sample_site, now).posts}
    publisher = Publisher(sample_site, clock=lambda: now)
    assert publisher.rescan().rendered
    kept = publisher.posts
    assert kept and all(type(p.body) is bytes for p in kept)  # packed in memory...
    for post in kept:
        assert post.content_html == read[post.source].content_html  # ...and unpacked exactly
        assert len(post.body) < len(read[post.source].content_html.encode()) or len(post.body) < 200
        assert pickle.loads(pickle.dumps(post)) == post
    publisher.close()
    restarted = Publisher(sample_site, clock=lambda: now)
    restarted.rescan()
    assert all(type(p.body) is bytes for p in restarted.posts)  # and stay packed through the cache
    restarted.close()
    assert_same_as_cold_build(sample_site, lambda: now)

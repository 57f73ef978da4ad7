"""Cold builds render and write in forked workers: the same feeds/, problems and errors as one
process, whatever the worker count and however the work is cut."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime

import pytest

from feedpub import parallel
from feedpub.build import build_and_publish
from feedpub.errors import StoreError
from feedpub.render import rss, site
from feedpub.store import MANIFEST

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _square_with_pid(index: int) -> tuple[int, int]:
    return index * index, os.getpid()


@pytest.mark.skipif(not parallel.fork_safe(), reason="other threads run in this test process")
def test_fork_map_keeps_order_and_runs_in_children():
    results = parallel.fork_map(_square_with_pid, 40, workers=2)
    assert [value for value, _pid in results] == [i * i for i in range(40)]
    assert os.getpid() not in {pid for _value, pid in results}


def test_fork_map_runs_in_process_with_one_worker():
    results = parallel.fork_map(_square_with_pid, 5, workers=1)
    assert results == [(i * i, os.getpid()) for i in range(5)]


def _published(feeds_dir) -> dict[str, bytes]:
    return {
        path.relative_to(feeds_dir).as_posix(): path.read_bytes()
        for path in sorted(feeds_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _records(feeds_dir) -> dict[str, dict]:
    files = json.loads((feeds_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    return {path: {k: v for k, v in record.items() if k != "modified"} for path, record in files.items()}


def test_workers_write_the_same_bytes_as_one_process(sample_site, monkeypatch):
    monkeypatch.setattr(site, "GROUP_SIZE", 3)  # many small pieces, shared posts across workers
    _result, one = build_and_publish(sample_site, NOW, workers=1)
    expected, expected_records = _published(sample_site.feeds_dir), _records(sample_site.feeds_dir)
    shutil.rmtree(sample_site.feeds_dir)
    _result, many = build_and_publish(sample_site, NOW, workers=2)
    assert _published(sample_site.feeds_dir) == expected
    assert _records(sample_site.feeds_dir) == expected_records
    assert many.written == one.written and len(one.written) > 20


def test_a_problem_met_in_a_worker_is_reported_once(sample_site, monkeypatch):
    monkeypatch.setattr(site, "GROUP_SIZE", 3)
    real = rss.render_entry

    def failing(post, ctx):
        if "hbm-memory-race" in post.source:
            raise ValueError("cannot render this one")
        return real(post, ctx)

    monkeypatch.setattr(rss, "render_entry", failing)
    result, _report = build_and_publish(sample_site, NOW, workers=2)
    found = [p for p in result.problems if "left out of rss feeds" in p.message]
    assert len(found) == 1 and "hbm-memory-race" in found[0].source
    feed = (sample_site.feeds_dir / "rss.xml").read_text(encoding="utf-8")
    atom = (sample_site.feeds_dir / "atom.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == atom.count("<entry>") - 1  # only that entry, only in RSS


def test_a_write_error_in_a_worker_fails_the_build(sample_site, monkeypatch):
    monkeypatch.setattr(site, "GROUP_SIZE", 3)
    (sample_site.feeds_dir / "tags").write_text("a file where a folder must go")
    with pytest.raises(StoreError, match="cannot write"):
        build_and_publish(sample_site, NOW, workers=2)
    assert not (sample_site.feeds_dir / MANIFEST).exists()  # nothing claims a finished build

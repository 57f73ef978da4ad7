"""Cold builds render and write in forked workers: the same feeds/, problems and errors as one
process, whatever the worker count and however the work is cut.

fork_map falls back to one process while other threads run (a server fixture of this session),
so the builds under test run in a freshly spawned interpreter, where it really forks."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from feedpub import workers as parallel
from feedpub.errors import StoreError
from feedpub.publish.manifest import MANIFEST

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _square_with_pid(index: int) -> tuple[int, int]:
    return index * index, os.getpid()


def _published(feeds_dir) -> dict[str, bytes]:
    return {
        path.relative_to(feeds_dir).as_posix(): path.read_bytes()
        for path in sorted(feeds_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _records(feeds_dir) -> dict[str, dict]:
    files = json.loads((feeds_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    return {path: {k: v for k, v in record.items() if k != "modified"} for path, record in files.items()}


# ---- run in a spawned interpreter (no threads: fork_map really forks) -------------------------


def _fork_map_children() -> tuple[bool, list[tuple[int, int]], int]:
    return parallel.fork_safe(), parallel.fork_map(_square_with_pid, 40, workers=2), os.getpid()


def _lanes_children() -> tuple[bool, list[tuple[int, int]]]:
    lanes = ["a" if i % 4 == 0 else "b" if i % 4 == 1 else None for i in range(40)]
    return parallel.fork_safe(), parallel.fork_map(_square_with_pid, 40, workers=2, lanes=lanes)


def _killed_on(index: int) -> int:
    if index == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return index


def _failing_on(index: int) -> int:
    if index == 7:
        raise StoreError("disk full on task 7")
    return index


def _outcome(task) -> tuple[bool, str]:
    try:
        parallel.fork_map(task, 20, workers=2)
    except Exception as exc:  # the spawned interpreter reports what the parent saw
        return parallel.fork_safe(), f"{type(exc).__name__}: {exc}"
    return parallel.fork_safe(), "no error"


def _build(settings, workers: int, group_size: int, failing_source: str | None = None):
    from feedpub.publish.cold_build import build_and_publish
    from feedpub.render import rss, site

    site.GROUP_SIZE = group_size  # many small pieces: posts shared across workers
    if failing_source is not None:
        real = rss.render_entry

        def failing(post, ctx):
            if failing_source in post.source:
                raise ValueError("cannot render this one")
            return real(post, ctx)

        rss.render_entry = failing
    try:
        result, report = build_and_publish(settings, NOW, workers=workers)
    except StoreError as exc:
        return parallel.fork_safe(), str(exc)
    return parallel.fork_safe(), (result.problems, report.written)


def _in_fresh_interpreter(function, *args):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        could_fork, value = pool.submit(function, *args).result()
    assert could_fork, "the spawned interpreter should be free to fork"
    return value


def test_fork_map_keeps_order_and_runs_in_children():
    could_fork, results, pid = (
        ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        .submit(_fork_map_children)
        .result()
    )
    assert could_fork
    assert [value for value, _pid in results] == [i * i for i in range(40)]
    assert pid not in {child for _value, child in results}  # computed in forked children


def test_each_lane_runs_in_one_worker_and_the_rest_anywhere():
    results = _in_fresh_interpreter(_lanes_children)
    assert [value for value, _pid in results] == [i * i for i in range(40)]
    lane_a = {pid for i, (_value, pid) in enumerate(results) if i % 4 == 0}
    lane_b = {pid for i, (_value, pid) in enumerate(results) if i % 4 == 1}
    assert len(lane_a) == 1 and len(lane_b) == 1  # each lane in one worker


def test_lanes_go_whole_the_biggest_first_then_the_rest_one_by_one():
    assert parallel.pool_tasks(["a", "b", "a", None, "c", "a", "b"]) == [[0, 2, 5], [1, 6], [4], [3]]
    assert parallel.pool_tasks([None, None]) == [[0], [1]]
    assert parallel.pool_tasks(["x"] * 3) == [[0, 1, 2]]


def test_an_error_in_a_worker_is_raised_in_the_parent():
    assert _in_fresh_interpreter(_outcome, _failing_on) == "StoreError: disk full on task 7"


def test_a_killed_worker_fails_the_map_instead_of_hanging():
    message = _in_fresh_interpreter(_outcome, _killed_on)
    assert message.startswith("WorkerDied:") and "killed" in message


def test_fork_map_runs_in_process_with_one_worker():
    results = parallel.fork_map(_square_with_pid, 5, workers=1)
    assert results == [(i * i, os.getpid()) for i in range(5)]


def test_workers_write_the_same_bytes_as_one_process(sample_site):
    _problems, one = _in_fresh_interpreter(_build, sample_site, 1, 3)
    expected, expected_records = _published(sample_site.feeds_dir), _records(sample_site.feeds_dir)
    shutil.rmtree(sample_site.feeds_dir)
    _problems, many = _in_fresh_interpreter(_build, sample_site, 2, 3)
    assert _published(sample_site.feeds_dir) == expected
    assert _records(sample_site.feeds_dir) == expected_records
    assert many == one and len(one) > 20


def test_a_problem_met_in_a_worker_is_reported_once(sample_site):
    problems, _written = _in_fresh_interpreter(_build, sample_site, 2, 3, "hbm-memory-race")
    found = [p for p in problems if "left out of rss feeds" in p.message]
    assert len(found) == 1 and "hbm-memory-race" in found[0].source
    feed = (sample_site.feeds_dir / "rss.xml").read_text(encoding="utf-8")
    atom = (sample_site.feeds_dir / "atom.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == atom.count("<entry>") - 1  # only that entry, only in RSS


def test_a_write_error_in_a_worker_fails_the_build(sample_site):
    (sample_site.feeds_dir / "tags").write_text("a file where a folder must go")
    error = _in_fresh_interpreter(_build, sample_site, 2, 3)
    assert isinstance(error, str) and "cannot write" in error
    assert not (sample_site.feeds_dir / MANIFEST).exists()  # nothing claims a finished build


def test_threads_running_means_one_process(sample_site):
    """With another thread alive, fork_map does not fork, and a build still completes."""
    import threading

    from feedpub.publish.cold_build import build_and_publish

    release = threading.Event()
    waiter = threading.Thread(target=release.wait, daemon=True)
    waiter.start()
    try:
        assert not parallel.fork_safe()
        assert parallel.fork_map(_square_with_pid, 3, workers=2) == [(i * i, os.getpid()) for i in range(3)]
        _result, report = build_and_publish(sample_site, NOW, workers=2)
        assert report.written and (sample_site.feeds_dir / MANIFEST).exists()
    finally:
        release.set()
        waiter.join()

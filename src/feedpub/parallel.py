"""fork_map: run task(0..n-1) across forked processes that inherit everything built so far.

A cold build renders thousands of files from one big in-memory taxonomy; sending it to workers
would cost more than the rendering, but a forked child already has it. Only the (small) results
travel back, in index order, so the outcome is the same whatever the worker count.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_task: Callable[[int], object] | None = None


def _run(index: int) -> object:
    assert _task is not None  # set before the fork
    return _task(index)


def fork_safe() -> bool:
    """fork() copies only the calling thread: unsafe once other threads may hold locks."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def fork_map(task: Callable[[int], T], count: int, workers: int | None = None) -> list[T]:
    """[task(0), …, task(count-1)], across `workers` forked processes when that is safe and pays."""
    global _task
    workers = min(workers or os.cpu_count() or 1, count)
    if workers <= 1 or not fork_safe():
        return [task(index) for index in range(count)]
    _task = task
    gc.freeze()  # keep the collector from touching (and so copying) every inherited object
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, range(count), chunksize=1)  # type: ignore[return-value]
    finally:
        _task = None
        gc.unfreeze()

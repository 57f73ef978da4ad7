"""fork_map: run task(0..n-1) across forked processes that inherit everything built so far.

A cold build renders thousands of files from one big in-memory taxonomy; sending it to workers
would cost more than the rendering, but a forked child already has it. Only the (small) results
travel back, and land in index order, so the outcome is the same whatever the worker count.

Tasks may name a lane: one worker runs every task of a lane, in order. A cold build puts each
feed format in its own lane, so each post's entry in that format is rendered by one process
once, instead of by every worker whose feeds hold the post. Tasks without a lane (pages) go to
whichever worker is free, which evens out lanes of different weights.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Hashable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerDied(RuntimeError):
    """A forked worker ended without handing back its results (killed, out of memory)."""


def fork_safe() -> bool:
    """fork() copies only the calling thread: unsafe once other threads may hold locks."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def assign_lanes(lanes: Sequence[Hashable | None], workers: int) -> list[list[int]]:
    """The task indices each worker runs first: whole lanes, the biggest lanes placed first, each
    on the worker with the fewest tasks so far (deterministic)."""
    members: dict[Hashable, list[int]] = {}
    for index, lane in enumerate(lanes):
        if lane is not None:
            members.setdefault(lane, []).append(index)
    shares: list[list[int]] = [[] for _ in range(workers)]
    for indices in sorted(members.values(), key=len, reverse=True):
        min(shares, key=len).extend(indices)
    return [sorted(share) for share in shares]


def fork_map(
    task: Callable[[int], T],
    count: int,
    workers: int | None = None,
    lanes: Sequence[Hashable | None] | None = None,
) -> list[T]:
    """[task(0), …, task(count-1)], across `workers` forked processes when that is safe and pays.

    `lanes[i]`, when given and not None, is task i's lane (see the module's docstring). An
    exception in a worker is raised here; a worker that dies raises WorkerDied."""
    workers = min(workers or os.cpu_count() or 1, count)
    if workers <= 1 or not fork_safe():
        return [task(index) for index in range(count)]
    lanes = lanes if lanes is not None else [None] * count
    shares = assign_lanes(lanes, workers)
    anyone = [index for index in range(count) if lanes[index] is None]
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # how many of `anyone` workers have claimed
    children: list[tuple[Any, Connection]] = []
    results: list[Any] = [None] * count
    gc.freeze()  # keep the collector from touching (and so copying) every inherited object
    try:
        for share in shares:
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(target=_work, args=(task, share, anyone, taken, writer), daemon=True)
            child.start()
            writer.close()
            children.append((child, reader))
        for child, reader in children:
            try:
                ok, payload = reader.recv()
            except EOFError:
                child.join()
                raise WorkerDied(
                    f"a build worker ended without its results (exit code {child.exitcode})"
                ) from None
            if not ok:
                raise payload
            for index, value in payload:
                results[index] = value
    finally:
        for child, reader in children:
            reader.close()
            if child.is_alive():
                child.terminate()
            child.join()
        gc.unfreeze()
    return results


def _work(
    task: Callable[[int], Any], share: list[int], anyone: list[int], taken: Any, out: Connection
) -> None:
    """A worker: its lanes' tasks, then free tasks until none is left; all results sent at the end."""
    done: list[tuple[int, Any]] = []
    try:
        for index in share:
            done.append((index, task(index)))
        while True:
            with taken.get_lock():
                claimed = taken.value
                taken.value += 1
            if claimed >= len(anyone):
                break
            done.append((anyone[claimed], task(anyone[claimed])))
        out.send((True, done))
    except BaseException as exc:  # the parent raises it; a worker never dies silently
        try:
            out.send((False, exc))
        except Exception:  # an exception that cannot be pickled still says what happened
            out.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        out.close()

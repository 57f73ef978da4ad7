"""Worker processes never outlive the process that started them.

A process pool's worker that loses its parent (SIGKILL, the OOM killer, `systemctl kill`) used
to live on for ever: it blocked writing its result to a pipe whose read end it held itself
(inherited at the fork), so the write could neither finish nor fail. Each worker therefore, as
it starts:
- asks the kernel to kill it when its parent dies (`PR_SET_PDEATHSIG`, Linux), and exits at once
  if the parent is already gone (it may have died before the request took effect);
- closes the ends of the pool's pipes that belong to the parent, so that with the parent gone a
  write fails (EPIPE) and a read ends (EOF) instead of waiting.
And the parent, when it is interrupted (SIGTERM, Ctrl-C, an error), kills its workers before it
leaves, instead of waiting for the work they have queued.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any

PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """SIGTERM arrived: unwind (workers killed, nothing committed) and exit with one line.
    A BaseException, so no `except Exception` on the way swallows it."""

    exit_code = 128 + signal.SIGTERM


def die_with_parent(parent_pid: int | None = None) -> None:
    """In a worker: the kernel kills this process when its parent dies; if the parent (the one
    `multiprocessing` started it from, or `parent_pid`) is gone already, it ends now."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if parent_pid is not None:
        gone = os.getppid() != parent_pid
    else:
        parent = multiprocessing.parent_process()
        gone = parent is not None and not parent.is_alive()
    if gone:
        os.kill(os.getpid(), signal.SIGKILL)


_forking: ProcessPoolExecutor | None = None  # the pool whose workers are being forked now


@contextlib.contextmanager
def guarded(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """Use `pool` (its initializer calls `worker_started`): its forked workers find it here to
    drop the parent's pipe ends; if the body is interrupted, the workers are killed."""
    global _forking
    _forking = pool
    try:
        yield pool
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        _forking = None


def worker_started() -> None:
    """The first thing a pool worker does (from the pool's initializer)."""
    die_with_parent()
    close_parent_ends()


def close_parent_ends() -> None:
    """In a pool worker: close the pipe ends it inherited but only its parent uses. The call
    queue's writer and the result queue's reader come with the worker however it was started
    (they are its process's arguments); a forked worker also has the pool's wake-up pipe; a fork
    server's child holds the fork server's lifeline, which would keep that server, and so the
    worker, alive after the parent died."""
    args = getattr(multiprocessing.current_process(), "_args", ())
    call_queue, result_queue = (*args[:2], None, None)[:2]
    wakeup = getattr(_forking, "_executor_manager_thread_wakeup", None)
    for end in (
        getattr(call_queue, "_writer", None),
        getattr(result_queue, "_reader", None),
        getattr(wakeup, "_reader", None),
        getattr(wakeup, "_writer", None),
    ):
        if end is not None:
            with contextlib.suppress(OSError):
                end.close()
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(alive, int):
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """The parent leaves early: kill the workers (their work is abandoned) and let the pool go
    without waiting for what was queued."""
    processes: dict[Any, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.kill()
    # the queue's feeder thread may be blocked on a full pipe nobody reads any more: exiting
    # must not wait for it (the pool's manager thread and the interpreter both would)
    queue = getattr(pool, "_call_queue", None)
    if queue is not None:
        queue.cancel_join_thread()  # (the manager thread closes its reader when it breaks down)
    # a worker killed half-way through sending its result leaves the pool's manager thread
    # waiting for the rest: with our copy of the write end closed too, it reads EOF and ends
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False)
    if manager is not None:  # it notices the dead workers and ends; exiting while it does races
        manager.join(5)
    feeder = getattr(queue, "_thread", None)  # ends with the queue (fork needs one thread again)
    if feeder is not None:
        feeder.join(5)


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread for the body (a build: its workers are
    killed on the way out and the store commits nothing), then the old handler is back."""

    def raise_terminated(_signum: int, _frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
    except ValueError:  # not the main thread: leave SIGTERM as it is
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

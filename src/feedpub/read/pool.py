"""Many post files read in order, across a process pool when there are many.

Reading is CPU work (YAML, Markdown, sanitising) spread over every core. A reader process dies
with the process that started it and is killed when that one is interrupted (`lifeline`).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor

from feedpub.config import Settings
from feedpub.lifeline import guarded, worker_started
from feedpub.model import Post, Problem
from feedpub.read.facts import PostFacts
from feedpub.read.hugo_refs import RefIndex
from feedpub.read.hugo_refs import use as use_refs
from feedpub.read.post_file import read_hashed
from feedpub.read.scan import SourceFile
from feedpub.workers import fork_safe

PARALLEL_THRESHOLD = 256
CHUNK = 32  # files per pool task
Hashed = tuple[str, Post | Problem]
Progress = Callable[[Iterator[Hashed], int], Iterable[Hashed]]


def read_all(
    files: list[SourceFile],
    settings: Settings,
    workers: int | None = None,
    progress: Progress | None = None,
    facts: Mapping[str, PostFacts] | None = None,
    refs: RefIndex | None = None,
) -> list[Hashed]:
    """Read files in order; across a process pool when there are many (same results, any worker
    count). `facts`: a Hugo site's, by source; `refs`: its page index, which every reader
    process gets once (`read.hugo_refs`)."""
    workers = workers or os.cpu_count() or 1
    given: list[PostFacts | None] = [facts.get(f.source) for f in files] if facts else [None] * len(files)
    if len(files) < PARALLEL_THRESHOLD or workers == 1:
        use_refs(refs)
        try:
            results: Iterator[Hashed] = (
                read_hashed(f, settings, None, g) for f, g in zip(files, given, strict=True)
            )
            return list(progress(results, len(files)) if progress else results)
        finally:
            use_refs(None)
    # fork is cheapest, but is unsafe once threads run (the service): then use a fork server
    method = "fork" if fork_safe() else "forkserver"
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_reader, initargs=(refs,))
    with guarded(pool):  # interrupted: the readers are killed, not waited for
        # chunks submitted one by one, not pool.map: on an interruption map cancels what is
        # pending, and Python 3.11's pool then fails on the cancelled futures as it breaks down
        futures = [
            pool.submit(_read_chunk, files[i : i + CHUNK], settings, given[i : i + CHUNK])
            for i in range(0, len(files), CHUNK)
        ]
        results = (hashed for future in futures for hashed in future.result())
        read = list(progress(results, len(files)) if progress else results)
    pool.shutdown()
    return read


def _read_chunk(files: list[SourceFile], settings: Settings, given: list[PostFacts | None]) -> list[Hashed]:
    """One pool task: a few files read in a row (one round trip for CHUNK files)."""
    return [read_hashed(f, settings, None, g) for f, g in zip(files, given, strict=True)]


def _start_reader(refs: RefIndex | None) -> None:
    """A reader process's initializer: it dies with its parent, and has the Hugo page index."""
    worker_started()
    use_refs(refs)

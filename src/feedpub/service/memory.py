"""A service's memory kept at what it uses, for months: freed pages handed back, and the posts
that live as long as the service kept out of the garbage collector's walks."""

from __future__ import annotations

import contextlib
import ctypes
import gc


def release_free_memory() -> None:
    """Give the pages malloc holds free back to the system (glibc keeps them after a burst of
    allocations, so a service's RSS would stay at its start-up peak for months)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back
        ctypes.CDLL(None).malloc_trim(0)


def freeze_long_lived() -> None:
    """Once: what the first scan loaded (every post) lives as long as the service, so move it out
    of the collector's sight (no later collection walks ten thousand posts), then trim."""
    if gc.get_freeze_count() != 0:
        return
    gc.collect()
    gc.freeze()
    release_free_memory()

"""write_atomic: put one file in place so that readers see its old or its new bytes, never a mix.

Every file is written to a temporary name in its directory and renamed over the old one (an
unnamed O_TMPFILE linked in for new files saved 0.7 % of a cold build: not worth its code, see
docs/architecture.md). `remove_temporary_files` clears the temporary names a killed process left.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

from feedpub.publish.reaper import Reaper

TMP_SUFFIX = ".tmp"

_counter = itertools.count()


def write_atomic(
    target: str | Path,
    data: bytes,
    durable: bool = False,
    keep_old: list[int] | None = None,
) -> None:
    """Write `data` to `target` so that readers see the old or the new bytes, never a mix, even if
    this process is killed.

    The bytes go to a temporary name in the target's directory, then os.replace puts them in
    place. `durable` also fsyncs before the rename (for
    the manifest); feed files skip it: a crash of the machine itself is repaired by the next
    publish, which checks every file against the manifest. Plain strings and os calls throughout.
    With `keep_old`, the replaced file is held open (its descriptor appended) for a Reaper.
    """
    target = os.fspath(target)
    directory, name = os.path.split(target)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}-{next(_counter)}{TMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = _open_making_dirs(tmp, directory, flags)
    try:
        try:
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if keep_old is not None and len(keep_old) < Reaper.LIMIT:
            with contextlib.suppress(OSError):  # no old file: nothing to hold
                keep_old.append(os.open(target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _open_making_dirs(path: str, directory: str, flags: int) -> int:
    """os.open(path), making `directory` (and its parents) first when it is missing."""
    try:
        return os.open(path, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(directory, exist_ok=True)
        return os.open(path, flags, 0o644)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def remove_temporary_files(root: str) -> None:
    """The temporary files a killed publish left. (Its journals stay until a manifest covers
    the files it renamed into place, or the next killed publish would leave files that neither
    manifest nor journal account for.)"""
    for directory, _dirs, names in os.walk(root):
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(directory, name))

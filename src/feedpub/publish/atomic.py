"""write_atomic: put one file in place so that readers see its old or its new bytes, never a mix.

A changed file is written to a temporary name in its directory and renamed over the old one; a
new one is written unnamed (O_TMPFILE) and linked in whole. `remove_temporary_files` clears the
temporary names a killed process left.
"""

from __future__ import annotations

import contextlib
import errno
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
    new: bool = False,
) -> None:
    """Write `data` to `target` so that readers see the old or the new bytes, never a mix, even if
    this process is killed.

    A `new` file (one the caller believes absent) is written unnamed (O_TMPFILE) and linked in
    whole: one directory change instead of a temporary name's two, and nearly every file of a
    cold build is new. Any other file (or a `new` one that exists after all) goes through a
    temporary name in its directory and os.replace. `durable` also fsyncs before the rename (for
    the manifest); feed files skip it: a crash of the machine itself is repaired by the next
    publish, which checks every file against the manifest. Plain strings and os calls throughout.
    With `keep_old`, the replaced file is held open (its descriptor appended) for a Reaper.
    """
    target = os.fspath(target)
    if new and not durable and _link_new(target, data):
        return
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


_TMPFILE = getattr(os, "O_TMPFILE", 0)
_proc_fds: tuple[int, int] | None = None  # (pid, descriptor of /proc/self/fd as that pid opened it)
_no_tmpfile = False  # the file system or kernel refused O_TMPFILE or /proc once: stop trying


def _proc_fd_dir() -> int:
    """/proc/self/fd of this process (a forked child opens its own: /proc/self resolves at open)."""
    global _proc_fds
    pid = os.getpid()
    if _proc_fds is None or _proc_fds[0] != pid:
        _proc_fds = (
            pid,
            os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)),
        )
    return _proc_fds[1]


def _link_new(target: str, data: bytes) -> bool:
    """Write `data` into an unnamed file in `target`'s directory and link it as `target`, when
    `target` does not exist (False: it exists, or O_TMPFILE is unavailable; nothing was made).
    A process killed before the link leaves nothing behind: the file never had a name."""
    global _no_tmpfile
    if not _TMPFILE or _no_tmpfile:
        return False
    directory = os.path.dirname(target) or "."
    flags = _TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = _open_making_dirs(directory, directory, flags)
    except (NotADirectoryError, PermissionError):
        return False  # the temporary-name way meets (and reports) the same
    except OSError:  # EISDIR: a kernel without O_TMPFILE; EOPNOTSUPP: a file system without it
        _no_tmpfile = True
        return False
    try:
        _write_all(fd, data)
        try:
            os.link(str(fd), target, src_dir_fd=_proc_fd_dir(), follow_symlinks=True)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP):
                _no_tmpfile = True  # no /proc, or linking is refused here: the temporary-name way
                return False
            raise
        return True
    finally:
        os.close(fd)


def remove_temporary_files(root: str) -> None:
    """The temporary files a killed publish left. (Its journals stay until a manifest covers
    the files it renamed into place, or the next killed publish would leave files that neither
    manifest nor journal account for.)"""
    for directory, _dirs, names in os.walk(root):
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(directory, name))

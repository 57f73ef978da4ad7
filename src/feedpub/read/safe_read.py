"""A post's bytes, read through one descriptor that is checked after it is opened: what is read
is what was checked, even while someone swaps the file for a link out of posts/.

The scan refuses links leaving posts/, but a file can become such a link between the scan and
the read (a race, tried: a link flipped between a post and a file outside for 30 s published the
outside file). So the file is opened once (never blocking: a FIFO swapped in is not waited on),
the opened descriptor's real path (`/proc/self/fd`) must lie under the posts directory, and its
`fstat` must be a regular file within the size limit; only then are its bytes read, from that
same descriptor.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from feedpub.errors import PostError

LEAVES = "symbolic link leaves the posts directory; not followed"
_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)
_PROC_FD = Path("/proc/self/fd")


@functools.lru_cache(maxsize=16)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def read_inside(path: str, root: Path, max_bytes: int) -> bytes:
    """The bytes of the file at `path`, which must really lie under `root` when opened; PostError
    (a Problem for the post) when it does not, is not a regular file, or is over `max_bytes`."""
    fd = os.open(path, _FLAGS)
    try:
        real = os.readlink(_PROC_FD / str(fd)) if _PROC_FD.is_dir() else os.path.realpath(path)
        base = _real_root(str(root))
        if not (real == base or real.startswith(base.rstrip(os.sep) + os.sep)):
            raise PostError(LEAVES)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PostError("not a regular file; not read")
        if info.st_size > max_bytes:
            raise PostError(f"file is {info.st_size} bytes, over limits.max_file_bytes ({max_bytes})")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # it grew after the fstat
            raise PostError(f"file is over limits.max_file_bytes ({max_bytes})")
        return b"".join(chunks)
    finally:
        os.close(fd)

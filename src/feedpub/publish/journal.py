"""The journal: which files a publish in flight may have put in place ahead of the manifest.

Before a batch of files is renamed into place, their new digests are appended to
`.publishing-<pid>.journal` in feeds/; once the manifest covers them, the journals are deleted.
Journals still there after a publish name what a killed one may have changed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

JOURNAL_PREFIX = ".publishing-"
JOURNAL_SUFFIX = ".journal"


class Journal:
    """This process's `.publishing-<pid>.journal` in feeds/: lines of path, sha256 and gzip
    sha256 of files about to replace what the manifest lists; deleted once the manifest is."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._fd: int | None = None
        self._pid = 0

    def record(self, lines: list[str]) -> None:
        if self._fd is None or self._pid != os.getpid():  # a forked worker writes its own
            name = os.path.join(self._root, own_journal_name())
            os.makedirs(self._root, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
            self._fd, self._pid = os.open(name, flags, 0o644), os.getpid()
        data = "".join(lines).encode("utf-8", "surrogateescape")
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def compact(self) -> None:
        """Keep one line per path (the last) in this process's journal: a publish that fails
        scan after scan must not grow it without bound. Only the paths matter to `recover`."""
        name = os.path.join(self._root, own_journal_name())
        try:
            with open(name, encoding="utf-8", errors="surrogateescape") as handle:
                text = handle.read()
        except OSError:
            return
        last = {line.split("\t", 1)[0]: line for line in text.splitlines()}
        data = "".join(line + "\n" for line in last.values())
        if len(data) == len(text):
            return
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None  # the next record opens the compacted file
        with contextlib.suppress(OSError):  # a full disk: the appends fail as well, nothing grows
            temporary = name + ".compact"
            with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(data)
            os.replace(temporary, name)

    def clear(self) -> None:
        """After a manifest is written, every journal in feeds/ is settled: ours, those of this
        publish's forked workers and of any killed publish."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
        for name in journal_names(self._root):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self._root, name))


def own_journal_name() -> str:
    return f"{JOURNAL_PREFIX}{os.getpid()}{JOURNAL_SUFFIX}"


def journal_names(root: str | Path) -> list[str]:
    """The journals in `root`: this process's, its workers' and any a killed publish left."""
    try:
        return [n for n in os.listdir(root) if n.startswith(JOURNAL_PREFIX) and n.endswith(JOURNAL_SUFFIX)]
    except OSError:
        return []


def read_journals(feeds_dir: Path) -> dict[str, set[str]]:
    """path → the digests (of the file or of its .gz) that publishes in flight may have written."""
    found: dict[str, set[str]] = {}
    for name in journal_names(feeds_dir):
        with contextlib.suppress(OSError):
            for line in (feeds_dir / name).read_text("utf-8", "surrogateescape").splitlines():
                path, *digests = line.split("\t")
                found.setdefault(path, set()).update(digests)
    return found

"""publish(): the only writer of feeds/. Changed files only, each atomically, then the manifest.

A reader (the app, nginx, a feed reader) sees either the old or the new bytes of a file, never a
mix: a changed file is written to a temporary name in its directory and renamed over the old
one; a new one is written unnamed (O_TMPFILE) and linked in whole. Feeds get a .gz beside them
(`precompressed`). The manifest is written next, renamed in like a changed file, and records
path → sha256, size (and the .gz's) and when the bytes last changed; feeds that disappeared
are listed as gone (for 410s), then deleted.

A publish killed half-way (kill -9, a crash) leaves every file complete, and each one matches
either the manifest or the journal: before a batch of files is renamed into place, their new
digests are appended to `.publishing-<pid>.journal`. The next publish clears what the killed one
left (its journals and temporary files) and rewrites whatever differs from its manifest.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import json
import os
import queue
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from isal import igzip

from feedpub.errors import StoreError
from feedpub.publish.manifest_text import SortedJsonObject, compact_json

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
GZIP_SUFFIX = ".gz"
# ISA-L's level 2 packs feeds about as tightly as zlib's level 1 (nginx's default) and runs seven
# times faster than zlib's level 6 (files about 15 % larger): on a cold build of ten thousand
# posts, gzip went from a fifth of the work to a trifle.
GZIP_LEVEL = 2
JOURNAL_PREFIX = ".publishing-"
JOURNAL_SUFFIX = ".journal"
TMP_SUFFIX = ".tmp"
BATCH = 64  # files whose digests go into the journal with one write, before they are renamed


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (no file name, mtime 0): the same bytes whenever and wherever made."""
    return igzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def precompressed(path: str) -> bool:
    """Whether publish writes a .gz beside the file: feeds, archives and the OPML, which readers
    and aggregators poll all day. HTML pages, two thirds of a site's files but visited now and
    then by people following a link, are compressed when asked for (the app keeps the result;
    nginx has `gzip on`): writing them compressed as well cost a cold build a tenth of its time."""
    return not path.endswith(".html")


def lists_gzip(record: Any) -> bool:
    """Whether a manifest record says its file has a .gz beside it (feeds do, pages do not)."""
    return isinstance(record, dict) and "gzip_size" in record


class _Pending(NamedTuple):
    """A file about to be written: its bytes, its .gz (None for a page), its new manifest record,
    and the record it replaces (None: a file the manifest does not list)."""

    path: str
    data: bytes
    packed: bytes | None
    record: dict[str, Any]
    previous: Any

    def journal_line(self) -> str:
        digests = [self.record["sha256"]] + ([self.record["gzip_sha256"]] if self.packed is not None else [])
        return "\t".join([self.path, *digests]) + "\n"


@dataclass
class Written:
    """What writing some files did: their manifest records, and which were written or unchanged."""

    records: dict[str, Any]
    written: list[str]
    unchanged: list[str]


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_relative(path: str) -> str:
    """`path` itself when it is relative with no '..', '.' or empty part, no NUL and no backslash;
    StoreError otherwise."""
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or path.startswith("/")
        or any(part in ("..", ".", "") for part in path.split("/"))
    ):
        raise StoreError(f"refusing unsafe output path {path!r}")
    return path


_counter = itertools.count()


class Reaper:
    """Closes, on a thread of its own, descriptors held on files that a publish replaced.

    Dropping the last reference to a file frees its blocks, which on a disk mounted with
    `discard` costs a millisecond or two per file (ten times the write itself). Holding the old
    file open across the rename and closing it here keeps that off the path between an edit and
    its republished feeds; readers already see the new bytes either way.
    """

    LIMIT = 256  # descriptors one publish may hand over; past that, replaced files are freed at once

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def close_later(self, fds: list[int]) -> None:
        if not fds:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="feedpub-reaper", daemon=True)
                self._thread.start()
        self._queue.put(fds)

    def _run(self) -> None:
        while True:
            for fd in self._queue.get():
                with contextlib.suppress(OSError):
                    os.close(fd)


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
    temporary name in its directory and os.replace. `durable` also fsyncs before the rename (for the manifest); feed files skip it:
    a crash of the machine itself is repaired by the next publish, which checks every file
    against the manifest. Plain strings and os calls throughout.
    With `keep_old`, the replaced file is held open (its descriptor appended) for a Reaper.
    """
    target = os.fspath(target)
    if new and not durable and _link_new(target, data):
        return
    directory, name = os.path.split(target)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}-{next(_counter)}{TMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(directory, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
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
        try:
            fd = os.open(directory, flags, 0o644)
        except FileNotFoundError:
            os.makedirs(directory, exist_ok=True)
            fd = os.open(directory, flags, 0o644)
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


def read_manifest(feeds_dir: Path) -> dict[str, Any]:
    """The manifest, or an empty one when it is missing, unreadable or of another version."""
    empty: dict[str, Any] = {"version": MANIFEST_VERSION, "files": {}, "gone": {}}
    try:
        data = json.loads((feeds_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return empty
    files, gone = data.get("files"), data.get("gone")
    if not isinstance(files, dict) or not isinstance(gone, dict):
        return empty
    return {"version": MANIFEST_VERSION, "files": files, "gone": gone}


def new_stamp() -> str:
    """When this publish happened, as the manifest records it (never inside a feed)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _unchanged(target: str, record: Any, digest: str, size: int, packed: bool) -> bool:
    """The manifest says these bytes are there (with a .gz when `packed`, else without one),
    and the files on disk agree in size."""
    if not isinstance(record, dict) or record.get("sha256") != digest or lists_gzip(record) != packed:
        return False
    try:
        if packed and os.stat(target + GZIP_SUFFIX).st_size != record["gzip_size"]:
            return False
        return os.stat(target).st_size == size
    except OSError:
        return False


Files = Mapping[str, bytes] | Iterable[tuple[str, bytes]]


class Journal:
    """This process's `.publishing-<pid>.journal` in feeds/: lines of path, sha256 and gzip
    sha256 of files about to replace what the manifest lists; deleted once the manifest is."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._fd: int | None = None
        self._pid = 0

    def record(self, lines: list[str]) -> None:
        if self._fd is None or self._pid != os.getpid():  # a forked worker writes its own
            name = os.path.join(self._root, _own_journal())
            os.makedirs(self._root, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
            self._fd, self._pid = os.open(name, flags, 0o644), os.getpid()
        data = "".join(lines).encode("utf-8", "surrogateescape")
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def clear(self) -> None:
        """After a manifest is written, every journal in feeds/ is settled: ours, those of this
        publish's forked workers and of any killed publish."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None
        for name in journal_names(self._root):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self._root, name))


def _own_journal() -> str:
    return f"{JOURNAL_PREFIX}{os.getpid()}{JOURNAL_SUFFIX}"


def journal_names(root: str | Path) -> list[str]:
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


def _remove_temporary_files(root: str) -> None:
    """The temporary files a killed publish left. (Its journals stay until a manifest covers
    the files it renamed into place, or the next killed publish would leave files that neither
    manifest nor journal account for.)"""
    for directory, _dirs, names in os.walk(root):
        for name in names:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(directory, name))


class Store:
    """feeds/ and its manifest, kept in memory between publishes by a long-running service."""

    def __init__(self, feeds_dir: Path, reaper: Reaper | None = None) -> None:
        """With a `reaper` (a long-running service), replaced files are freed off the publish."""
        self.feeds_dir = feeds_dir
        self._reaper = reaper
        self._held: list[int] | None = [] if reaper is not None else None
        self._root = os.fspath(feeds_dir)
        self._manifest: dict[str, Any] | None = None
        self._files_text: SortedJsonObject | None = None  # the text of manifest["files"], kept
        self.manifest_sha: str | None = None  # of the manifest bytes this store last wrote
        self._journal = Journal(self._root)
        self._recovered = False
        self._suspect: set[str] = set()  # paths a killed publish may have replaced or left behind

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest = read_manifest(self.feeds_dir)
        if not self._recovered:
            self._recovered = True
            self._recover(self._manifest)
        return self._manifest

    def _recover(self, manifest: dict[str, Any]) -> None:
        """After a killed publish (its journals are still here): clear its temporary files, treat
        every path it journaled as changed (its bytes may be ahead of the manifest even where the
        size agrees), and delete the files the manifest lists as gone but that are still there."""
        stale = [n for n in journal_names(self._root) if n != _own_journal()]
        if not stale:
            return
        _remove_temporary_files(self._root)
        self._suspect = set(read_journals(self.feeds_dir))
        for path in manifest["gone"]:
            if os.path.lexists(os.path.join(self._root, path)):
                with contextlib.suppress(OSError, StoreError):
                    self._delete(path)

    def publish(self, files: Files, remove: Iterable[str] | None = None) -> PublishReport:
        """Write the changed files among `files`, each atomically, then the manifest.

        With `remove=None`, feeds/ ends up holding exactly `files`: everything else feedpub wrote
        before is deleted and listed as gone. With a `remove` list (an incremental publish), only
        those paths are deleted and every other earlier file is kept.
        """
        stamp = new_stamp()
        return self.commit([self.write(files, stamp)], stamp, remove)

    def write(self, files: Files, stamp: str) -> Written:
        """Write the changed files among `files` (not the manifest): the first half of `publish`,
        which forked workers may run on their share of the files, each with its own copy of the store."""
        old_files = self.manifest["files"]
        done = Written({}, [], [])
        items = files.items() if isinstance(files, Mapping) else files
        batch: list[_Pending] = []
        try:
            for path, data in items:
                target = os.path.join(self._root, safe_relative(path))
                digest = sha256(data)
                previous = old_files.get(path)
                pack = precompressed(path)
                if path not in self._suspect and _unchanged(target, previous, digest, len(data), pack):
                    done.unchanged.append(path)
                    done.records[path] = previous
                    continue
                record = {"sha256": digest, "size": len(data), "modified": stamp}
                packed = gzip_bytes(data) if pack else None
                if packed is not None:
                    record["gzip_sha256"], record["gzip_size"] = sha256(packed), len(packed)
                batch.append(_Pending(path, data, packed, record, previous))
                if len(batch) >= BATCH:
                    self._write_batch(batch, done)
            self._write_batch(batch, done)
        except OSError as exc:
            raise self._failed(exc) from exc
        return done

    def _write_batch(self, batch: list[_Pending], done: Written) -> None:
        """Journal the batch's digests, then put each file (and its .gz) in place."""
        if not batch:
            return
        self._journal.record([pending.journal_line() for pending in batch])
        for path, data, packed, record, previous in batch:
            target = os.path.join(self._root, path)
            new = previous is None  # then linked in, not renamed over
            if packed is not None:
                write_atomic(target + GZIP_SUFFIX, packed, keep_old=self._held, new=new)
            write_atomic(target, data, keep_old=self._held, new=new)
            if packed is None and lists_gzip(previous):
                with contextlib.suppress(FileNotFoundError):  # from before pages went without
                    os.unlink(target + GZIP_SUFFIX)
            done.written.append(path)
            done.records[path] = record
        batch.clear()

    def commit(self, parts: list[Written], stamp: str, remove: Iterable[str] | None = None) -> PublishReport:
        """Delete what went away and write the manifest, after `write` did the files (in `parts`)."""
        report = PublishReport()
        old = self.manifest
        records: dict[str, Any] = {} if remove is None else dict(old["files"])
        for part in parts:
            records.update(part.records)
            report.written += part.written
            report.unchanged += part.unchanged
        seen = {path for part in parts for path in part.records}
        try:
            doomed = set(old["files"]) - seen if remove is None else set(remove) - seen
            gone = {p: t for p, t in old["gone"].items() if p not in seen}
            for path in sorted(doomed & set(old["files"])):
                records.pop(path, None)
                gone[path] = stamp
                report.removed.append(path)
            manifest = {"version": MANIFEST_VERSION, "files": records, "gone": gone}
            if report.removed:  # a kill between the manifest and the deletions must leave a trace
                self._journal.record([f"{path}\n" for path in report.removed])
            if report.written or report.removed or gone != old["gone"]:
                data = self._serialize(manifest, report, whole=remove is None)
                write_atomic(self.feeds_dir / MANIFEST, data, durable=True, keep_old=self._held)
                self._manifest, self.manifest_sha = manifest, sha256(data)
            for path in report.removed:  # after the manifest: every file it lists always exists
                self._delete(path)
            self._journal.clear()
            self._suspect = set()
        except OSError as exc:
            raise self._failed(exc) from exc
        finally:
            self._release()
        return report

    def _failed(self, exc: OSError) -> StoreError:
        """Forget what we believed was on disk (it is re-read next time) and say what failed."""
        self._manifest, self._files_text, self.manifest_sha = None, None, None
        self._release()
        return StoreError(f"cannot write to {self.feeds_dir}: {exc.strerror or exc}")

    def prepare(self) -> None:
        """Read the manifest and encode its text now (an idle moment), not in the first publish."""
        if self._files_text is None:
            self._files_text = SortedJsonObject()
            self._files_text.replace_all(self.manifest["files"])

    def _release(self) -> None:
        """Hand the replaced files held during this publish to the reaper."""
        if self._reaper is not None and self._held:
            self._reaper.close_later(self._held)
            self._held = []

    def _serialize(self, manifest: dict[str, Any], report: PublishReport, whole: bool) -> bytes:
        """The manifest as sorted, compact JSON. The text of "files" is kept between publishes and
        patched where records changed, so a small publish does not re-encode ten thousand records;
        a `whole` publish (every file listed) encodes them all at once."""
        if whole:
            self._files_text = SortedJsonObject()
            self._files_text.replace_all(manifest["files"])
        else:
            self.prepare()  # from the records before this publish, then patched
            assert self._files_text is not None
            for path in report.removed:
                self._files_text.delete(path)
            for path in report.written:
                self._files_text.set(path, manifest["files"][path])
        gone = compact_json(manifest["gone"]).encode("utf-8")
        head = b'{"files":' + self._files_text.to_bytes() + b',"gone":' + gone
        return head + b',"version":' + str(manifest["version"]).encode() + b"}\n"

    def _delete(self, path: str) -> None:
        target = self.feeds_dir / safe_relative(path)
        for doomed in (target, target.with_name(target.name + GZIP_SUFFIX)):
            with contextlib.suppress(FileNotFoundError):
                doomed.unlink()
        _remove_empty_dirs(target.parent, self.feeds_dir)


def manifest_digest(feeds_dir: Path) -> str | None:
    """sha256 of manifest.json as it is on disk; None when it cannot be read, or when a killed
    publish left files newer than it (its journals say so): then it is not the whole truth."""
    if journal_names(feeds_dir):
        return None
    try:
        return sha256((feeds_dir / MANIFEST).read_bytes())
    except OSError:
        return None


def publish(files: Files, feeds_dir: Path) -> PublishReport:
    """Make feeds/ hold exactly `files` (plus what it had that feedpub never wrote)."""
    return Store(feeds_dir).publish(files)


def _remove_empty_dirs(directory: Path, stop: Path) -> None:
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent

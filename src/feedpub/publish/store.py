"""Store and publish(): the only writer of feeds/. Changed files only, each atomically, then the
manifest.

A reader (the app, nginx, a feed reader) sees either the old or the new bytes of a file, never a
mix: each file is written to a temporary name in its directory and renamed over the old one
(`atomic`). Feeds get a .gz
beside them (`precompress`). The manifest (`manifest`) is written next, renamed in like a changed
file, and records path → sha256, size (and the .gz's) and when the bytes last changed; feeds that
disappeared are listed as gone (for 410s), then deleted.

A publish killed half-way (kill -9, a crash) leaves every file complete, and each one matches
either the manifest or the journal: before a batch of files is renamed into place, their new
digests are appended to `.publishing-<pid>.journal` (`journal`). The next publish clears what the
killed one left (its journals and temporary files) and rewrites whatever differs from its
manifest: `Store.recover`, the first step of a store's `write`, `commit` and `prepare`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from feedpub.errors import StoreError
from feedpub.publish.atomic import remove_temporary_files, write_atomic
from feedpub.publish.journal import Journal, journal_names, own_journal_name, read_journals
from feedpub.publish.manifest import (
    MANIFEST,
    MANIFEST_VERSION,
    ManifestText,
    lists_gzip,
    new_stamp,
    read_manifest,
    sha256,
)
from feedpub.publish.precompress import GZIP_SUFFIX, gzip_bytes, precompressed
from feedpub.publish.reaper import Reaper

BATCH = 64  # files whose digests go into the journal with one write, before they are renamed


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


class Store:
    """feeds/ and its manifest, kept in memory between publishes by a long-running service."""

    def __init__(self, feeds_dir: Path, reaper: Reaper | None = None) -> None:
        """With a `reaper` (a long-running service), replaced files are freed off the publish."""
        self.feeds_dir = feeds_dir
        self._reaper = reaper
        self._held: list[int] | None = [] if reaper is not None else None
        self._root = os.fspath(feeds_dir)
        self._manifest: dict[str, Any] | None = None
        self._text = ManifestText()
        self.manifest_sha: str | None = None  # of the manifest bytes this store last wrote
        self._journal = Journal(self._root)
        self._recovered = False
        self._suspect: set[str] = set()  # paths a killed publish may have replaced or left behind

    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest as this store last wrote it, else as it is on disk (read on first use and
        after a failed write). Reading it changes nothing in feeds/: that is `recover`'s job."""
        if self._manifest is None:
            self._manifest = read_manifest(self.feeds_dir)
        return self._manifest

    def recover(self) -> None:
        """Read the manifest and, after a killed publish (its journals are still here), clear its
        temporary files, treat every path it journaled as changed (its bytes may be ahead of the
        manifest even where the size agrees), and delete the files the manifest lists as gone but
        that are still there. Once per store: `write`, `commit` and `prepare` call it first, and
        a caller about to fork workers that write calls it before forking."""
        if self._recovered:
            return
        self._recovered = True
        manifest = self.manifest
        stale = [n for n in journal_names(self._root) if n != own_journal_name()]
        if not stale:
            return
        remove_temporary_files(self._root)
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
        self.recover()
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
            if packed is not None:
                write_atomic(target + GZIP_SUFFIX, packed, keep_old=self._held)
            write_atomic(target, data, keep_old=self._held)
            if packed is None and lists_gzip(previous):
                with contextlib.suppress(FileNotFoundError):  # from before pages went without
                    os.unlink(target + GZIP_SUFFIX)
            done.written.append(path)
            done.records[path] = record
        batch.clear()

    def commit(self, parts: list[Written], stamp: str, remove: Iterable[str] | None = None) -> PublishReport:
        """Delete what went away and write the manifest, after `write` did the files (in `parts`)."""
        self.recover()
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
        self._manifest, self.manifest_sha = None, None
        self._text.forget()
        self._release()
        self._journal.compact()
        return StoreError(f"cannot write to {self.feeds_dir}: {exc.strerror or exc}")

    def prepare(self) -> None:
        """Read the manifest and encode its text now (an idle moment), not in the first publish."""
        self.recover()
        self._text.prepare(self.manifest["files"])

    def _release(self) -> None:
        """Hand the replaced files held during this publish to the reaper."""
        if self._reaper is not None and self._held:
            self._reaper.close_later(self._held)
            self._held = []

    def _serialize(self, manifest: dict[str, Any], report: PublishReport, whole: bool) -> bytes:
        """The manifest's bytes, its "files" text patched from the records before this publish;
        a `whole` publish (every file listed) encodes them all at once."""
        if whole:
            self._text.rebuild(manifest["files"])
        else:
            self.prepare()  # from the records before this publish, then patched
            self._text.patch(report.removed, report.written, manifest["files"])
        return self._text.encode(manifest)

    def _delete(self, path: str) -> None:
        target = self.feeds_dir / safe_relative(path)
        for doomed in (target, target.with_name(target.name + GZIP_SUFFIX)):
            with contextlib.suppress(FileNotFoundError):
                doomed.unlink()
        _remove_empty_dirs(target.parent, self.feeds_dir)


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

"""publish(): the only writer of feeds/. Changed files only, each atomically, then the manifest.

A reader (the app, nginx, a feed reader) sees either the old or the new bytes of a file, never a
mix: every file is written to a temporary name in its directory, flushed, and renamed over the
old one. The manifest is written last, the same way, and records path → sha256, size and when
the bytes last changed; feeds that disappeared are deleted and listed as gone (for 410s).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import StoreError

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
GZIP_SUFFIX = ".gz"
GZIP_LEVEL = 9


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (no file name, mtime 0), written once at publish time for every file."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_relative(path: str) -> PurePosixPath:
    """A relative path with no '..', no absolute part and no NUL; StoreError otherwise."""
    pure = PurePosixPath(path)
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or pure.is_absolute()
        or any(p in ("..", ".", "") for p in pure.parts)
    ):
        raise StoreError(f"refusing unsafe output path {path!r}")
    return pure


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary file in the same directory and os.replace."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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


def _now_stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _unchanged(target: Path, record: Any, digest: str, size: int) -> bool:
    """The manifest says these bytes are there, and the files on disk agree in size."""
    if not isinstance(record, dict) or record.get("sha256") != digest or "gzip_size" not in record:
        return False
    try:
        packed = target.with_name(target.name + GZIP_SUFFIX)
        return target.stat().st_size == size and packed.stat().st_size == record["gzip_size"]
    except OSError:
        return False


def publish(files: dict[str, bytes], feeds_dir: Path) -> PublishReport:
    """Make feeds/ hold exactly `files` (plus what it had that feedpub never wrote)."""
    report = PublishReport()
    old = read_manifest(feeds_dir)
    stamp = _now_stamp()
    records: dict[str, Any] = {}
    try:
        for path in sorted(files):
            data = files[path]
            target = feeds_dir / safe_relative(path)
            digest = sha256(data)
            previous = old["files"].get(path)
            if _unchanged(target, previous, digest, len(data)):
                records[path] = previous
                report.unchanged.append(path)
                continue
            packed = gzip_bytes(data)
            write_atomic(target.with_name(target.name + GZIP_SUFFIX), packed)
            write_atomic(target, data)
            records[path] = {
                "sha256": digest,
                "size": len(data),
                "modified": stamp,
                "gzip_sha256": sha256(packed),
                "gzip_size": len(packed),
            }
            report.written.append(path)
        gone = {p: t for p, t in old["gone"].items() if p not in files}
        for path in sorted(set(old["files"]) - set(files)):
            target = feeds_dir / safe_relative(path)
            for doomed in (target, target.with_name(target.name + GZIP_SUFFIX)):
                with contextlib.suppress(FileNotFoundError):
                    doomed.unlink()
            _remove_empty_dirs(target.parent, feeds_dir)
            gone[path] = stamp
            report.removed.append(path)
        manifest = {"version": MANIFEST_VERSION, "files": records, "gone": dict(sorted(gone.items()))}
        if manifest != old or report.written or report.removed:
            payload = (
                json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"
            )
            write_atomic(feeds_dir / MANIFEST, payload)
    except OSError as exc:
        raise StoreError(f"cannot write to {feeds_dir}: {exc.strerror or exc}") from exc
    return report


def _remove_empty_dirs(directory: Path, stop: Path) -> None:
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent

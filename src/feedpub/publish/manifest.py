"""manifest.json: what feeds/ holds, as the last complete publish wrote it.

It maps each path to the sha256 and size of its bytes (and of its .gz, when it has one) and when
they last changed, and lists the feeds that went away (for 410s). The app serves through it and
a service start compares it with what it last published; `ManifestText` writes its bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedpub.publish.journal import journal_names
from feedpub.publish.manifest_text import SortedJsonObject, compact_json

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def sha256(data: bytes) -> str:
    """The digest the manifest records for some bytes (hex)."""
    return hashlib.sha256(data).hexdigest()


def lists_gzip(record: Any) -> bool:
    """Whether a manifest record says its file has a .gz beside it (feeds do, pages do not)."""
    return isinstance(record, dict) and "gzip_size" in record


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


def manifest_digest(feeds_dir: Path) -> str | None:
    """sha256 of manifest.json as it is on disk; None when it cannot be read, or when a killed
    publish left files newer than it (its journals say so): then it is not the whole truth."""
    if journal_names(feeds_dir):
        return None
    try:
        return sha256((feeds_dir / MANIFEST).read_bytes())
    except OSError:
        return None


class ManifestText:
    """The manifest as sorted, compact JSON. The text of "files" is kept between publishes and
    patched where records changed, so a small publish does not re-encode ten thousand records;
    a publish that lists every file encodes them all at once (`rebuild`)."""

    def __init__(self) -> None:
        self._files: SortedJsonObject | None = None  # the text of manifest["files"], kept

    def prepare(self, files: Mapping[str, Any]) -> None:
        """Encode `files` (the records on disk) now, unless their text is kept already."""
        if self._files is None:
            self.rebuild(files)

    def rebuild(self, files: Mapping[str, Any]) -> None:
        """Encode `files` afresh."""
        self._files = SortedJsonObject()
        self._files.replace_all(files)

    def patch(self, removed: list[str], written: list[str], files: Mapping[str, Any]) -> None:
        """Drop the `removed` paths and take the records of the `written` ones from `files`."""
        assert self._files is not None
        for path in removed:
            self._files.delete(path)
        for path in written:
            self._files.set(path, files[path])

    def forget(self) -> None:
        """What was kept may not be what is on disk: encode afresh next time."""
        self._files = None

    def encode(self, manifest: dict[str, Any]) -> bytes:
        """The bytes of `manifest`, whose "files" this text was brought up to date with."""
        assert self._files is not None
        gone = compact_json(manifest["gone"]).encode("utf-8")
        head = b'{"files":' + self._files.to_bytes() + b',"gone":' + gone
        return head + b',"version":' + str(manifest["version"]).encode() + b"}\n"

"""Read what `store.publish` wrote, for the web app: the manifest and file bytes with their sha256.

The app never walks feeds/ and never opens a path the manifest does not list, so no URL can
reach outside it. Bytes are cached by the file's stat signature; because publish replaces files
atomically, bytes read once are always one complete version, and the ETag is computed from
exactly those bytes, so a body and its ETag can never disagree.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedpub.publish.manifest import MANIFEST, lists_gzip, read_manifest, sha256
from feedpub.publish.precompress import GZIP_SUFFIX, gzip_bytes

CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Served:
    """One representation of a file, ready to send."""

    data: bytes
    sha256: str
    modified: datetime


def _signature(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class FeedFiles:
    """Thread-safe, read-only access to feeds/ through its manifest."""

    def __init__(self, feeds_dir: Path, cache_bytes: int = CACHE_BYTES) -> None:
        self.feeds_dir = feeds_dir
        self._lock = threading.Lock()
        self._manifest: dict[str, Any] = {"files": {}, "gone": {}}
        self._manifest_sig: tuple[int, int, int] | None = None
        self._cache: OrderedDict[tuple[str, bool], tuple[tuple[int, int, int], Served]] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._cached = 0

    def manifest(self) -> dict[str, Any]:
        """The current manifest, re-read only when manifest.json changed on disk."""
        try:
            sig = _signature(os.stat(self.feeds_dir / MANIFEST))
        except OSError:
            sig = None
        with self._lock:
            if sig != self._manifest_sig:
                self._manifest = read_manifest(self.feeds_dir) if sig else {"files": {}, "gone": {}}
                self._manifest_sig = sig
            return self._manifest

    def exists(self, path: str) -> bool:
        return path in self.manifest()["files"]

    def gone(self, path: str) -> bool:
        manifest = self.manifest()
        return path not in manifest["files"] and path in manifest["gone"]

    def get(self, path: str, compressed: bool) -> Served | None:
        """The bytes of a listed file, or gzipped: its .gz sibling, or for a file published without
        one (a page) the file compressed here, once per version; None when not listed or missing."""
        record = self.manifest()["files"].get(path)
        if record is None:
            return None
        in_memory = compressed and not lists_gzip(record)
        target = self.feeds_dir / (path + GZIP_SUFFIX if compressed and not in_memory else path)
        try:
            st = os.stat(target)
        except OSError:
            return None
        key = (path, compressed)
        sig = _signature(st)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == sig:
                self._cache.move_to_end(key)
                return hit[1]
        try:
            with open(target, "rb") as handle:
                data = handle.read()
                sig = _signature(os.fstat(handle.fileno()))
        except OSError:
            return None
        if in_memory:
            data = gzip_bytes(data)
        served = Served(data, sha256(data), datetime.fromtimestamp(sig[0] // 1_000_000_000, UTC))
        self._remember(key, sig, served)
        return served

    def _remember(self, key: tuple[str, bool], sig: tuple[int, int, int], served: Served) -> None:
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._cached -= len(old[1].data)
            self._cache[key] = (sig, served)
            self._cached += len(served.data)
            while self._cached > self._cache_bytes and self._cache:
                _key, (_sig, dropped) = self._cache.popitem(last=False)
                self._cached -= len(dropped.data)

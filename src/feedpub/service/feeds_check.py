"""Is feeds/ still what the manifest says? Checked at every scan, cheaply, so that `rm -rf feeds/`
or a file deleted by hand is rewritten by the next scan instead of 404ing for ever.

Every scan: the folder is the one last published into (same inode), and the manifest and the
top-level files (the site's feeds, the index, the OPML) are there. Every `full_every` (and at
the first scan): every file the manifest lists, and its `.gz`, is there with its size. A file
outside the manifest is none of feedpub's business.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from feedpub.publish.manifest import MANIFEST
from feedpub.publish.precompress import GZIP_SUFFIX

log = logging.getLogger("feedpub")


class FeedsCheck:
    def __init__(self, feeds_dir: Path, full_every: timedelta = timedelta(minutes=5)) -> None:
        self.feeds_dir = feeds_dir
        self.full_every = full_every
        self._inode: tuple[int, int] | None = None
        self._full_at: datetime | None = None

    def published(self) -> None:
        """feeds/ was just written whole or in part: remember which folder it is."""
        try:
            info = os.stat(self.feeds_dir)
        except OSError:
            self._inode = None
        else:
            self._inode = (info.st_dev, info.st_ino)

    def needs_repair(self, manifest: Mapping[str, Any], now: datetime) -> bool:
        """Whether feeds/ lost files `manifest` lists (then the caller rewrites them; logged)."""
        damage = self.damage(manifest, now)
        if damage is None:
            return False
        log.warning("feeds/ damaged (%r): rewriting what is missing", damage)
        self.feeds_dir.mkdir(parents=True, exist_ok=True)
        return True

    def damage(self, manifest: Mapping[str, Any], now: datetime) -> str | None:
        """What is missing from feeds/, or None when it holds what `manifest` lists."""
        files = manifest.get("files") or {}
        try:
            info = os.stat(self.feeds_dir)
        except OSError:  # not made yet is no damage: the first publish makes it
            return f"{self.feeds_dir} is gone" if files or self._inode is not None else None
        if self._inode is not None and (info.st_dev, info.st_ino) != self._inode:
            return f"{self.feeds_dir} was replaced"
        if files and not (self.feeds_dir / MANIFEST).is_file():
            return f"{MANIFEST} is gone"
        full = self._full_at is None or now - self._full_at >= self.full_every
        if full:
            self._full_at = now
        names = files if full else [name for name in files if "/" not in name]
        missing = next((name for name in names if not self._present(name, files[name])), None)
        return None if missing is None else f"{missing} is missing or damaged"

    def _present(self, name: str, record: Any) -> bool:
        target = os.path.join(self.feeds_dir, name)
        try:
            if os.stat(target).st_size != record.get("size"):
                return False
            gzip_size = record.get("gzip_size")
            return gzip_size is None or os.stat(target + GZIP_SUFFIX).st_size == gzip_size
        except (OSError, AttributeError):
            return False

"""PostsWatcher: inotify (through watchdog) tells a rescan whether anything under posts/ changed.

With it, a rescan with nothing changed costs nothing: no directory walk, no stat of ten thousand
files. Events only ever make a rescan do more (a full stat walk), never less, and a full walk still
happens at least every FULL_WALK_SECONDS, so a missed event (queue overflow, network file system)
is caught within that time.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("feedpub")

FULL_WALK_SECONDS = 60.0


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: PostsWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type != "modified":
            self.watcher.mark(None)  # a folder came, went or moved: walk everything
        elif not event.is_directory:
            paths = [event.src_path, getattr(event, "dest_path", "")]
            self.watcher.mark([p if isinstance(p, str) else p.decode() for p in paths if p])


class PostsWatcher:
    """Remembers whether posts/ may have changed since the last `take()`."""

    def __init__(self, posts_dir: Path) -> None:
        self._lock = threading.Lock()
        self._dirty = True  # a full walk is needed
        self._changed: set[str] = set()  # files that changed since the last take, when that is all
        self._last_walk = 0.0
        self._observer = Observer()
        try:
            self._observer.schedule(_Handler(self), str(posts_dir.resolve()), recursive=True)
            self._observer.daemon = True
            self._observer.start()
            self.active = True
        except (OSError, RuntimeError) as exc:  # no inotify here, or posts/ missing: always walk
            log.warning("not watching %s (%s); every rescan walks the directory", posts_dir, exc)
            self.active = False

    def mark(self, paths: list[str] | None) -> None:
        """Record changed files (absolute paths), or None when only a full walk will do."""
        with self._lock:
            if paths is None:
                self._dirty = True
            else:
                self._changed.update(paths)

    def take(self) -> set[str] | None:
        """The files changed since the last call, or None when a full stat walk is due (something
        changed that is not just files, or it has been a while)."""
        with self._lock:
            if not self.active or self._dirty or time.monotonic() - self._last_walk >= FULL_WALK_SECONDS:
                self._dirty = False
                self._changed = set()
                self._last_walk = time.monotonic()
                return None
            changed, self._changed = self._changed, set()
            return changed

    def stop(self) -> None:
        if self.active:
            self._observer.stop()
            self._observer.join(2)

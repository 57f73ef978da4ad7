"""The files of posts/ as of the last scan: walked, or patched with what inotify named.

A walk stats every file; with the watcher, a scan between walks looks only at the paths inotify
reported (none at all when nothing happened), and patches the known list instead of rebuilding
it: ten thousand tuples cost more than the edit.
"""

from __future__ import annotations

import os
from pathlib import Path

from feedpub.model import Problem
from feedpub.read.scan import (
    DEFAULT_RULES,
    UNREADABLE_FOLDER,
    ScanRules,
    SourceFile,
    Walk,
    scan,
    update_sources,
)
from feedpub.service.state import Signatures
from feedpub.service.watcher import PostsWatcher


class Sources:
    """posts/'s files by source, the problems of the last walk, and what the last scan compared."""

    def __init__(self, posts_dir: Path, watch: bool, rules: ScanRules = DEFAULT_RULES) -> None:
        self.posts_dir = posts_dir
        self.rules = rules
        self.watcher = PostsWatcher(posts_dir) if watch and posts_dir.is_dir() else None
        self.known: dict[str, SourceFile] = {}  # as of the last scan
        self.walk_problems: list[Problem] = []  # links, unreadable folders: known since the last walk
        self.touched: set[str] | None = None  # the only sources this scan compares (None: all)
        self.primed: Walk | None = None  # a walk made moments ago, which the next walk() takes

    def watched(self, last: Signatures | None) -> list[SourceFile] | None:
        """The files as inotify says they are now, without a walk (an empty list when nothing
        changed at all); None when a walk is due. `last`: the last scan's signatures, when it
        published (else a walk is due anyway)."""
        self.touched = None
        if self.watcher is None:
            return None
        changed = self.watcher.take()  # always: a walk made for any reason covers what it gathered
        if changed is None or last is None:
            return None
        if not changed:
            return []
        updated = update_sources(self.posts_dir, last, changed, self.rules)
        if updated is None:
            return None
        signatures, touched = updated
        root = str(self.posts_dir) + os.sep
        known = self.known
        for source in touched:
            signature = signatures.get(source)
            if signature is None:
                known.pop(source, None)
            elif source not in known or known[source].signature != signature:
                known[source] = SourceFile(root + source, source, signature)
        self.touched = touched
        return list(known.values())

    def walk(self) -> list[SourceFile]:
        """Stat every file under posts/ (raises FeedpubError when the folder is gone), or take the
        walk made just before (`primed`, once)."""
        self.touched = None
        if self.primed is not None:
            found, self.walk_problems = list(self.primed.found), list(self.primed.problems)
            self.primed = None
        else:
            self.walk_problems = []
            found = scan(self.posts_dir, self.walk_problems, self.rules)
        found += self._unreadable_kept(found)
        self.known = {f.source: f for f in found}
        return found

    def _unreadable_kept(self, found: list[SourceFile]) -> list[SourceFile]:
        """The files last seen in folders this walk could not read: kept as they were (a
        permissions slip must not unpublish a folder's posts; a deleted folder is not unreadable)."""
        folders = tuple(p.source for p in self.walk_problems if p.message.startswith(UNREADABLE_FOLDER))
        if not folders:
            return []
        seen = {f.source for f in found}
        return [f for src, f in sorted(self.known.items()) if src.startswith(folders) and src not in seen]

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

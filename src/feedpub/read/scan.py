"""Which files under posts/ are posts, and their stat signatures (no file is opened here).

`scan` walks the folder; `update_sources` patches the last walk with the paths inotify named. A
folder that cannot be listed, a link and a name that is not UTF-8 become Problems, not errors.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from feedpub.errors import FeedpubError
from feedpub.model import Problem

POST_SUFFIXES = (".md", ".markdown", ".html")
UNREADABLE_FOLDER = "cannot read directory"  # how `scan` reports a folder it could not list


class SourceFile(NamedTuple):
    """A candidate post: its path, its path relative to posts/ and its stat signature.

    A NamedTuple with a str path: a rescan makes ten thousand of these, and Paths or frozen
    dataclasses cost more to build than the stat calls themselves.
    """

    path: str
    source: str
    signature: tuple[int, int, int]


def _skip_name(name: str) -> bool:
    """Hidden files, editor droppings and Jekyll/Hugo special files are not posts."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith("~")
        or name == "_index.md"
        or name.startswith("_index.")
    )


def _skip_dir(name: str) -> bool:
    """`_drafts/` and other underscore folders (but `_posts/`) and hidden folders are skipped."""
    return name.startswith(".") or (name.startswith("_") and name != "_posts")


class ScanRules(NamedTuple):
    """Which folders a walk enters and which files it lists: feedpub's own rules for a folder
    of posts, or a generator's for a whole site (`read.site_rules`)."""

    enter: Callable[[str], bool]  # a folder's path relative to posts/ ("a/b", no slash at the end)
    accept: Callable[[str], bool]  # a file's path relative to posts/


def _default_enter(folder: str) -> bool:
    return not _skip_dir(folder.rsplit("/", 1)[-1])


def _default_accept(source: str) -> bool:
    name = source.rsplit("/", 1)[-1]
    return not _skip_name(name) and name.lower().endswith(POST_SUFFIXES)


DEFAULT_RULES = ScanRules(_default_enter, _default_accept)


def is_post_path(source: str, rules: ScanRules = DEFAULT_RULES) -> bool:
    """Whether a path relative to posts/ is one `scan` would list (ignoring symbolic links)."""
    *folders, _name = source.split("/")
    if not all(rules.enter("/".join(folders[: i + 1])) for i in range(len(folders))):
        return False
    return rules.accept(source)


def update_sources(
    posts_dir: Path,
    known: dict[str, tuple[int, int, int]],
    changed: set[str],
    rules: ScanRules = DEFAULT_RULES,
) -> tuple[dict[str, tuple[int, int, int]], set[str]] | None:
    """`known` signatures with the `changed` files (absolute paths) stat'ed again, and the sources
    those paths are; None when one of them is something only a full `scan` judges correctly (a
    link, a path outside posts/)."""
    root = str(posts_dir.resolve()) + os.sep
    updated = dict(known)
    touched: set[str] = set()
    for path in changed:
        if not path.startswith(root):
            return None
        source = path[len(root) :].replace(os.sep, "/")
        if not is_post_path(source, rules):
            continue
        touched.add(source)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            updated.pop(source, None)
            continue
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode) or (not source.isascii() and not _is_utf8(source)):
            return None
        if stat.S_ISREG(st.st_mode):
            updated[source] = (st.st_mtime_ns, st.st_size, st.st_ino)
        else:
            updated.pop(source, None)
    return updated, touched


class Walk(NamedTuple):
    """What one stat walk of posts/ found: its files, and the problems it met (links, folders)."""

    found: list[SourceFile]
    problems: list[Problem]


def scan(
    posts_dir: Path, problems: list[Problem] | None = None, rules: ScanRules = DEFAULT_RULES
) -> list[SourceFile]:
    """Every post file below `posts_dir`, sorted by relative path; links leaving it are refused.

    A posts directory that is missing, not a directory or unreadable raises FeedpubError: feeds
    made from "no posts" would unpublish every entry because of a moved folder or a bad mount.
    A subfolder that cannot be read is a Problem whose source is its path with a trailing '/'."""
    walk = _Walk(posts_dir, [] if problems is None else problems, rules)
    if not walk.root.is_dir():
        raise FeedpubError(f"posts directory {posts_dir} is missing or not a directory; nothing published")
    walk.folder(walk.root, "")
    return walk.found


class _Walk:
    """One `scan`: the files found and the problems met, depth first in name order; each real
    folder is entered once, so links between folders cannot loop."""

    def __init__(self, posts_dir: Path, problems: list[Problem], rules: ScanRules) -> None:
        self.posts_dir = posts_dir
        self.rules = rules
        self.root = posts_dir.resolve()
        self.problems = problems
        self.found: list[SourceFile] = []
        self.visited: set[Path] = {self.root}

    def inside(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def folder(self, directory: Path, rel: str) -> None:
        """Every entry of `directory`, whose path relative to posts/ is `rel` ("" or ending in '/')."""
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if not rel:
                raise FeedpubError(
                    f"cannot read posts directory {self.posts_dir}: {exc.strerror or exc}"
                ) from exc
            self.problems.append(Problem(rel, f"{UNREADABLE_FOLDER}: {exc.strerror or exc}"))
            return
        for entry in entries:
            source = f"{rel}{entry.name}"
            if not source.isascii() and not _is_utf8(source):
                shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                self.problems.append(Problem(shown, "file name is not valid UTF-8; rename it"))
                continue
            try:
                if entry.is_dir():
                    self.subfolder(entry, source)
                else:
                    self.add_file(entry, source)
            except OSError as exc:
                self.problems.append(Problem(source, f"cannot read: {exc.strerror or exc}"))

    def subfolder(self, entry: os.DirEntry[str], source: str) -> None:
        """Walk a folder (or a link to one inside posts/) unless it is skipped or already walked."""
        if not self.rules.enter(source):
            return
        real = Path(entry.path).resolve()
        if entry.is_symlink() and not self.inside(real):
            self.problems.append(Problem(source, "symbolic link leaves the posts directory; not followed"))
        elif real not in self.visited:
            self.visited.add(real)
            self.folder(Path(entry.path), source + "/")

    def add_file(self, entry: os.DirEntry[str], source: str) -> None:
        """Add a regular post file (or a link to one inside posts/) with its stat signature."""
        if not self.rules.accept(source):
            return
        if entry.is_symlink():
            if not self.inside(Path(entry.path).resolve()):
                self.problems.append(
                    Problem(source, "symbolic link leaves the posts directory; not followed")
                )
                return
            if not entry.is_file():
                return
        st = entry.stat()
        if not stat.S_ISREG(st.st_mode):
            return
        self.found.append(SourceFile(entry.path, source, (st.st_mtime_ns, st.st_size, st.st_ino)))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

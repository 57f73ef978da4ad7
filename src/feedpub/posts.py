"""Find the post files under posts/ and turn each into a Post or a Problem (input I/O only).

One bad file never stops a scan: every failure, expected or not, becomes a Problem naming the
file and the reason, and every other post is still read.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import multiprocessing
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from .config import Settings
from .content import is_panic
from .dialects import normalise
from .errors import FeedpubError, PostError
from .front_matter import split
from .model import Post, Problem
from .parallel import fork_safe

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


def is_post_path(source: str) -> bool:
    """Whether a path relative to posts/ is one `scan` would list (ignoring symbolic links)."""
    *folders, name = source.split("/")
    if any(_skip_dir(folder) for folder in folders) or _skip_name(name):
        return False
    return name.lower().endswith(POST_SUFFIXES)


def update_sources(
    posts_dir: Path, known: dict[str, tuple[int, int, int]], changed: set[str]
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
        if not is_post_path(source):
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


def scan(posts_dir: Path, problems: list[Problem] | None = None) -> list[SourceFile]:
    """Every post file below `posts_dir`, sorted by relative path; links leaving it are refused.

    A posts directory that is missing, not a directory or unreadable raises FeedpubError: feeds
    made from "no posts" would unpublish every entry because of a moved folder or a bad mount.
    A subfolder that cannot be read is a Problem whose source is its path with a trailing '/'."""
    root = posts_dir.resolve()
    found: list[SourceFile] = []
    visited: set[Path] = {root}
    problems = [] if problems is None else problems

    def inside(path: Path) -> bool:
        return path == root or root in path.parents

    def walk(directory: Path, rel: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if not rel:
                raise FeedpubError(f"cannot read posts directory {posts_dir}: {exc.strerror or exc}") from exc
            problems.append(Problem(rel, f"{UNREADABLE_FOLDER}: {exc.strerror or exc}"))
            return
        for entry in entries:
            source = f"{rel}{entry.name}"
            if not source.isascii() and not _is_utf8(source):
                shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                problems.append(Problem(shown, "file name is not valid UTF-8; rename it"))
                continue
            try:
                if entry.is_dir():
                    if _skip_dir(entry.name):
                        continue
                    real = Path(entry.path).resolve()
                    if entry.is_symlink() and not inside(real):
                        problems.append(
                            Problem(source, "symbolic link leaves the posts directory; not followed")
                        )
                    elif real not in visited:
                        visited.add(real)
                        walk(Path(entry.path), source + "/")
                    continue
                if _skip_name(entry.name) or not entry.name.lower().endswith(POST_SUFFIXES):
                    continue
                if entry.is_symlink():
                    if not inside(Path(entry.path).resolve()):
                        problems.append(
                            Problem(source, "symbolic link leaves the posts directory; not followed")
                        )
                        continue
                    if not entry.is_file():
                        continue
                st = entry.stat()
                if not stat.S_ISREG(st.st_mode):
                    continue
                found.append(SourceFile(entry.path, source, (st.st_mtime_ns, st.st_size, st.st_ino)))
            except OSError as exc:
                problems.append(Problem(source, f"cannot read: {exc.strerror or exc}"))

    if not root.is_dir():
        raise FeedpubError(f"posts directory {posts_dir} is missing or not a directory; nothing published")
    walk(root, "")
    return found


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or BOM-marked UTF-16/32 → text with LF line endings; else PostError."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            data, chosen = data[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if chosen == "utf-8" else None
        raise PostError(
            f"not {chosen.upper()} text (byte {exc.start}); save the file as UTF-8", line=line
        ) from exc
    if "\x00" in text:
        raise PostError(
            "contains NUL characters: not a text file", line=text[: text.index("\x00")].count("\n") + 1
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _key_line(text: str, message: str) -> int | None:
    """The line of the front-matter key a message starts with (`tags: ...`), when we can find it."""
    match = re.match(r"([A-Za-z_][\w-]*):", message)
    if not match:
        return None
    found = re.search(
        rf"^[ \t]*\"?{re.escape(match.group(1))}\"?[ \t]*[:=]", text, re.MULTILINE | re.IGNORECASE
    )
    return text.count("\n", 0, found.start()) + 1 if found else None


def read_post(source_file: SourceFile, settings: Settings, slug: str | None = None) -> Post | Problem:
    """Read and normalise one file; any failure becomes a Problem, never an exception."""
    return read_hashed(source_file, settings, slug)[1]


def file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def read_hashed(
    source_file: SourceFile, settings: Settings, slug: str | None = None
) -> tuple[str, Post | Problem]:
    """(sha256 of the bytes read, the Post or Problem they make); never raises."""
    source = source_file.source
    text, digest = "", ""
    try:
        size = os.stat(source_file.path).st_size
        if size > settings.limits.max_file_bytes:
            limit = settings.limits.max_file_bytes
            return digest, Problem(source, f"file is {size} bytes, over limits.max_file_bytes ({limit})")
        with open(source_file.path, "rb") as handle:
            data = handle.read()
        digest = hashlib.sha256(data).hexdigest()
        text = decode(data)
        front_matter = split(text, settings.limits.max_yaml_nodes)
        return digest, normalise(front_matter, source, settings, slug)
    except PostError as exc:
        return digest, Problem(source, exc.message, exc.line or _key_line(text, exc.message))
    except OSError as exc:
        return digest, Problem(source, f"cannot read: {exc.strerror or exc}")
    except RecursionError:
        return digest, Problem(source, "content is nested too deeply to process")
    except Exception as exc:  # one odd file must never stop the scan
        return digest, Problem(source, f"cannot process: {type(exc).__name__}: {exc}"[:300])
    except BaseException as exc:  # a Rust library's panic (pyo3's PanicException) is no Exception
        if not is_panic(exc):
            raise
        return digest, Problem(source, f"cannot process: a parser failed: {exc}"[:300])


PARALLEL_THRESHOLD = 256
Hashed = tuple[str, Post | Problem]
Progress = Callable[[Iterator[Hashed], int], Iterable[Hashed]]
Entry = tuple[tuple[int, int, int], str, Post | Problem]


def read_all(
    files: list[SourceFile], settings: Settings, workers: int | None = None, progress: Progress | None = None
) -> list[Hashed]:
    """Read files in order; across a process pool when there are many (same results, any worker count)."""
    workers = workers or os.cpu_count() or 1
    if len(files) < PARALLEL_THRESHOLD or workers == 1:
        results: Iterator[Hashed] = (read_hashed(f, settings) for f in files)
        return list(progress(results, len(files)) if progress else results)
    # fork is cheapest, but is unsafe once threads run (the service): then use a fork server
    method = "fork" if fork_safe() else "forkserver"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        mapped = pool.map(read_hashed, files, itertools.repeat(settings), chunksize=32)
        return list(progress(mapped, len(files)) if progress else mapped)


@dataclass
class Loaded:
    """The posts and problems of one scan, and which sources had to be read again."""

    posts: list[Post]
    problems: list[Problem]
    read: list[str]
    renamed: list[str] = field(default_factory=list)  # sources read again for a free slug
    updated: list[str] = field(default_factory=list)  # sources whose cache entry was replaced
    deleted: list[str] = field(default_factory=list)  # sources dropped from the cache (files gone)


def load_posts(
    files: Iterable[SourceFile],
    settings: Settings,
    cache: dict[str, Entry] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    pack: bool = False,
    keep_last_good: bool = False,
    changed: Collection[str] | None = None,
) -> Loaded:
    """Read every file whose stat signature differs from `cache` (updated in place) unless its bytes
    hash the same; resolve slug and id collisions deterministically (first source in path order wins).
    `pack` compresses the bodies of the posts read (`Post.packed`), for a process that keeps them.
    With `keep_last_good`, a file that made a post and now makes a Problem keeps its last good
    post published, with the problem reported (the service: an editor's half-saved file must not
    drop an entry from every reader). `changed` names the only sources whose signature may
    differ from `cache` (what inotify reported), so the others are not compared one by one."""
    by_source = {f.source: f for f in files}
    cache = {} if cache is None else cache
    deleted = sorted(cache.keys() - by_source.keys())
    for source in deleted:
        del cache[source]
    stale: list[SourceFile] = []
    resigned: list[str] = []  # touched, same bytes: only the signature is new
    candidates = by_source.values() if changed is None else [by_source[s] for s in changed if s in by_source]
    for source_file in candidates:
        known = cache.get(source_file.source)
        if known is None or known[0] == source_file.signature:
            if known is None:
                stale.append(source_file)
            continue
        try:  # touched, but perhaps not changed (a checkout, `touch`): the hash decides
            same = known[1] != "" and file_digest(source_file.path) == known[1]
        except OSError:
            same = False
        if same:
            cache[source_file.source] = (source_file.signature, known[1], known[2])
            resigned.append(source_file.source)
        else:
            stale.append(source_file)
    for source_file, (digest, result) in zip(
        stale, read_all(stale, settings, workers, progress), strict=True
    ):
        if pack and isinstance(result, Post):
            result = result.packed()
        elif keep_last_good and isinstance(result, Problem):
            result = _with_last_good(result, cache.get(source_file.source))
        cache[source_file.source] = (source_file.signature, digest, result)
    posts: list[Post] = []
    problems: list[Problem] = []
    add_post, add_problem = posts.append, problems.append
    for source in sorted(by_source):
        result = cache[source][2]
        if isinstance(result, Post):
            add_post(result)
        else:
            add_problem(result)
            if result.kept is not None:
                add_post(result.kept)
    # `posts` is in source order from here on, which the two checks below rely on
    renamed = _unique_slugs(posts)
    if renamed:
        position = {post.source: index for index, post in enumerate(posts)}
        for source, slug in renamed.items():
            renamed_result = read_post(by_source[source], settings, slug)
            if isinstance(renamed_result, Post):
                posts[position[source]] = renamed_result.packed() if pack else renamed_result
    posts, duplicates = _unique_ids(posts)
    problems.extend(duplicates)
    problems.sort(key=lambda p: (p.source, p.line or 0))
    read = [f.source for f in stale]
    return Loaded(posts, problems, read, sorted(renamed), read + resigned, deleted)


def _with_last_good(problem: Problem, previous: Entry | None) -> Problem:
    """`problem`, carrying the post its file made before (kept through any number of bad saves)."""
    last = previous[2] if previous is not None else None
    good = last.kept if isinstance(last, Problem) else last
    if good is None:
        return problem
    return replace(problem, message=f"{problem.message} (its last good version stays published)", kept=good)


def _unique_slugs(posts: list[Post]) -> dict[str, str]:
    """Later sources (in path order; `posts` come in that order) whose slug is taken get the slug
    plus a hash of their path."""
    folded = [post.slug.casefold() for post in posts]
    if len(set(folded)) == len(folded):
        return {}  # no two alike (every scan but the rare one): no walk through the posts
    taken: dict[str, str] = {}
    renamed: dict[str, str] = {}
    for post in posts:
        key = post.slug.casefold()
        if key in taken:
            suffix = hashlib.sha1(post.source.encode("utf-8")).hexdigest()[:6]
            renamed[post.source] = f"{post.slug}-{suffix}"
        else:
            taken[key] = post.source
    return renamed


def _unique_ids(posts: list[Post]) -> tuple[list[Post], list[Problem]]:
    """Two posts with one id would be one entry to every reader: keep the first (in source order,
    the order `posts` come in), report the rest."""
    if len({post.id for post in posts}) == len(posts):
        return posts, []  # every id once: the common case, without the walk below
    seen: dict[str, str] = {}
    kept: list[Post] = []
    problems: list[Problem] = []
    for post in posts:
        if post.id in seen:
            problems.append(
                Problem(post.source, f"same id/permalink as {seen[post.id]} ({post.id}); left out")
            )
            continue
        seen[post.id] = post.source
        kept.append(post)
    return kept, problems

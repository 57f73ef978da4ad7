"""Which files Jekyll 4.3 reads as posts, and what their names and folders tell it.

reader.rb walks the site from the root into every folder that EntryFilter lets through (not
starting with `.`, `_`, `#`, `~`, not excluded unless included) and in each one reads `_posts/`
(and `_drafts/` with show_drafts), recursively, keeping the files whose path below `_posts/`
matches DATE_FILENAME_MATCHER. Any extension is a post (a `.txt` file is published as `.txt`),
with or without front matter. Folders above `_posts/` become categories (`news/tech/_posts/` →
news, tech); folders below it do not. With `collections_dir`, only folders whose path starts
with it are read.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from feedpub.sites.jekyll_config import JekyllSite

# document.rb, with Ruby's line anchors (re.M) and ASCII \d
DATE_FILENAME_MATCHER: Final = re.compile(
    r"^(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$", re.M | re.ASCII
)
DATELESS_FILENAME_MATCHER: Final = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$", re.M)
_SPECIAL: Final = (".", "_", "#", "~")
_MAGIC: Final = ("_posts", "_drafts")


@dataclass(frozen=True)
class PostName:
    """What Jekyll knows of a post before reading it: from its path alone.

    `relative_path` is Jekyll's (from collections_dir); `date` is the name's date text
    (`2024-8-21`), None for an undated draft; `slug` is the name without date and extension;
    `ext` the extension the name shows (`data["ext"]`), `extname` File.extname of the path.
    """

    rel_path: str
    relative_path: str
    draft: bool
    date: str | None
    slug: str
    ext: str
    extname: str
    basename_without_ext: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class NotAPost:
    """A path Jekyll does not read as a post, and why."""

    rel_path: str
    reason: str


def _glob_include(site: JekyllSite, patterns: tuple[str, ...], entry: str) -> bool:
    """EntryFilter#glob_include?: File.fnmatch? without flags (`*` crosses `/`), or a plain string
    prefix of the site-relative path (so excluding `news` also excludes `newsletter/`)."""
    path = "/" + entry.lstrip("/")
    is_dir = (site.root / entry.lstrip("/")).is_dir()
    for pattern in patterns:
        full = "/" + pattern.lstrip("/")
        if fnmatch.fnmatchcase(path, full) or path.startswith(full) or (is_dir and full == path + "/"):
            return True
    return False


def filtered_out(site: JekyllSite, base: str, entry: str) -> str | None:
    """EntryFilter#filter for one entry under `base` (site-relative): the reason it is dropped, or None."""
    if entry.endswith("."):
        return "a dot entry"
    basename = entry.rsplit("/", 1)[-1]
    included = _glob_include(site, site.include, entry) or _glob_include(site, site.include, basename)
    excluded = _glob_include(site, tuple(p for p in site.exclude if p not in site.include), f"{base}/{entry}")
    if excluded and not included:
        return "excluded by the config"
    if included:
        return None
    if entry.startswith(_SPECIAL) or basename.startswith(_SPECIAL):
        return "starts with . _ # or ~"
    return "a backup file (ends with ~)" if entry.endswith("~") else None


def _walk_problem(site: JekyllSite, parts: list[str]) -> str | None:
    """Why Jekyll's reader never enters the folders `parts` (None when it does)."""
    for index, name in enumerate(parts):
        base = "/".join(["", *parts[:index]]) if index else ""
        reason = filtered_out(site, base, name)
        if reason is not None:
            return f"inside {'/'.join(parts[: index + 1])}/, which Jekyll skips ({reason})"
    return None


def _entry_problem(site: JekyllSite, base: str, entry: str, draft: bool) -> str | None:
    if any(part.startswith(".") for part in entry.split("/")):
        return "hidden: Dir['**/*'] skips names starting with ."
    reason = filtered_out(site, base, entry)
    if reason is not None:
        return reason
    matcher = DATELESS_FILENAME_MATCHER if draft else DATE_FILENAME_MATCHER
    if matcher.search(entry) is None:
        return "the name has no extension" if draft else "the name does not start with a YYYY-MM-DD- date"
    return None


def post_name(site: JekyllSite, rel_path: str) -> PostName | NotAPost:
    """The post a file (path from the site root, `/`-separated) is to Jekyll, or why it is none."""
    parts = rel_path.strip("/").split("/")
    magic = next((i for i, part in enumerate(parts[:-1]) if part in _MAGIC), None)
    if magic is None:
        return NotAPost(rel_path, "not inside a _posts/ or _drafts/ folder")
    folder = "/".join(["", *parts[:magic]]) if magic else ""
    problem = _walk_problem(site, parts[:magic])
    if site.collections_dir and not folder.startswith("/" + site.collections_dir):
        problem = f"outside collections_dir {site.collections_dir}/"
    if parts[magic] == "_drafts" and not site.show_drafts:
        problem = problem or "a draft, and show_drafts is off"
    problem = problem or _entry_problem(
        site, f"{folder}/{parts[magic]}", "/".join(parts[magic + 1 :]), parts[magic] == "_drafts"
    )
    if problem is None and parts[-1].lower().endswith((".yml", ".yaml")):
        problem = "a YAML file: Jekyll loads it as data, without a date or title"
    if problem is not None:
        return NotAPost(rel_path, problem)
    prefix = site.collections_dir + "/" if site.collections_dir else ""
    return _name_facts(
        rel_path, rel_path.strip("/").replace(prefix, "", 1) if prefix else rel_path.strip("/")
    )


def _name_facts(rel_path: str, relative_path: str) -> PostName:
    """Document#initialize and #populate_title on Jekyll's relative_path."""
    draft = "_posts" not in relative_path
    basename = relative_path.rsplit("/", 1)[-1]
    stem, dot, tail = basename.rpartition(".")
    extname = "." + tail if dot and stem else ""
    without_ext = basename[: len(basename) - len(extname)]
    date: str | None = None
    slug, ext = without_ext, ""
    dated = DATE_FILENAME_MATCHER.search(relative_path)
    plain = DATELESS_FILENAME_MATCHER.search(relative_path)
    if dated is not None:
        date, slug, ext = dated.groups()
    elif plain is not None:
        slug, ext = plain.groups()
    return PostName(
        rel_path=rel_path,
        relative_path=relative_path,
        draft=draft,
        date=date,
        slug=slug.rstrip("."),
        ext=ext,
        extname=extname,
        basename_without_ext=without_ext,
        categories=categories_from_path(relative_path, "_drafts" if draft else "_posts"),
    )


def categories_from_path(relative_path: str, special_dir: str) -> tuple[str, ...]:
    """Document#categories_from_path: the folders before the first `_posts` (a plain substring
    search, so `my_posts_x/_posts/` gives the category `my`)."""
    if relative_path.startswith(special_dir):
        return ()
    basename = relative_path.rsplit("/", 1)[-1]
    head = re.sub(re.escape(special_dir) + ".*", "", relative_path, count=1)
    return tuple(part for part in head.split("/") if part and part not in (special_dir, basename))


def find_posts(site: JekyllSite) -> list[PostName | NotAPost]:
    """Every file under a `_posts/` or `_drafts/` folder of the site, judged by post_name."""
    found: list[PostName | NotAPost] = []
    for path in sorted(site.root.rglob("*")):
        if path.is_file() and any(part in _MAGIC for part in path.relative_to(site.root).parts[:-1]):
            found.append(post_name(site, path.relative_to(site.root).as_posix()))
    return found


def source_path(site: JekyllSite, name: PostName) -> Path:
    """The post's file on disk."""
    return site.root / name.rel_path

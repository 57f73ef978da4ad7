"""The files a post links to on feedpub's own host, published beside the pages when feedpub is
the site (standalone): a Hugo page bundle's images, the site's static files, an image next to a
post in posts/. Without them every such image in feeds and pages would 404.

Only what a post's content (or its image) links to is published, only media files by their
extension, only from inside the folder they belong to (no `..`, no link leaving it), and never
over one of feedpub's own files. Where the site is published elsewhere (`site.url`), it serves
its files itself and nothing is copied.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from feedpub.config import Settings
from feedpub.model import Post
from feedpub.read.media import MAX_ASSET_BYTES
from feedpub.sites.hugo import HugoSite
from feedpub.sites.jekyll import JekyllSite


def asset_files(settings: Settings, posts: Iterable[Post]) -> dict[str, Path]:
    """Every asset the posts link to → the file it is published from (standalone mode only)."""
    if settings.post_base != settings.site.base_url:
        return {}
    finder = _Finder(settings)
    found: dict[str, Path] = {}
    for post in posts:
        for path in post.media:
            if path not in found:
                source = finder.source_of(post, path)
                if source is not None:
                    found[path] = source
    return found


class _Finder:
    """Where a post's asset is published from: beside the post (its page bundle, or its folder
    in posts/), else the site's static folder. A folder that does not exist is looked up once."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.site.base_url
        self.site = settings.profile
        self.posts_dir = str(settings.posts_dir)
        self._folders: dict[str, bool] = {}

    def source_of(self, post: Post, path: str) -> Path | None:
        """The asset's file; None when there is none, or it is no plain file inside its root."""
        for root, relative in self._candidates(post, path):
            candidate = os.path.join(root, relative)
            folder = os.path.dirname(candidate)
            if folder not in self._folders:
                self._folders[folder] = os.path.isdir(folder)
            if not self._folders[folder]:
                continue
            try:
                if os.stat(candidate).st_size > MAX_ASSET_BYTES:
                    continue
                real_root, real = os.path.realpath(root), os.path.realpath(candidate)
            except OSError:
                continue
            if real.startswith(real_root + os.sep) and os.path.isfile(real):
                return Path(real)
        return None

    def _candidates(self, post: Post, path: str) -> Iterator[tuple[str, str]]:
        site = self.site
        if isinstance(site, JekyllSite):  # Jekyll copies every other file of the site as it is
            if not any(part.startswith(("_", "#", "~")) for part in path.split("/")):
                yield str(site.root), path
            return
        page_dir = _page_dir(post.url, self.base)
        bundle = isinstance(site, HugoSite) and PurePosixPath(post.source).stem == "index"
        if page_dir and path.startswith(page_dir) and (bundle or site is None):
            folder = os.path.dirname(os.path.join(self.posts_dir, post.source))
            yield folder, path[len(page_dir) :]  # a page bundle's resource, or a file beside the post
        if isinstance(site, HugoSite):
            yield str(site.root / "static"), path
        elif site is None:
            yield self.posts_dir, path


def _page_dir(url: str, base: str) -> str:
    """The folder of the post's page under feeds/ ("" when the post is not on feedpub's host)."""
    if not url.startswith(base):
        return ""
    page = url[len(base) :]
    return unquote(page if page.endswith("/") else page.rsplit("/", 1)[0] + "/" if "/" in page else "")


def asset_bytes(assets: Iterable[tuple[str, Path]]) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of each asset still readable (one removed since is simply left out)."""
    for path, source in assets:
        try:
            data = source.read_bytes()
        except OSError:
            continue
        yield path, data

"""What Jekyll's `post_url` and `link` tags look up in a Jekyll site: another post's URL by its
file stem, any file's URL by its path. A reader process reads only the post it is given, so the
target is found on disk and its front matter read when a tag asks for it (and remembered).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from feedpub.sites.jekyll import JekyllSite, PostName, jekyll_post, load_front_matter, post_name

MAX_FRONT_MATTER_BYTES = 1_000_000  # a target's front matter is read from at most this much


class SiteLinks:
    """The Resolver of `sites.liquid` for one Jekyll site."""

    def __init__(self, site: JekyllSite) -> None:
        self.site = site
        self._stems = lru_cache(maxsize=4096)(self._find_post)
        self._urls = lru_cache(maxsize=4096)(self._url_of)
        self._index: dict[str, list[str]] | None = None

    def post_url(self, name: str) -> str | None:
        """`{% post_url 2024-01-01-slug %}` (or `sub/2024-01-01-slug`): that post's `url`."""
        path = self._stems(name.strip().strip("/"))
        return self._urls(path) if path else None

    def link(self, path: str) -> str | None:
        """`{% link _posts/2024-01-01-x.md %}`: the file's `url`; a page's is its path with
        `.html` for Markdown (Jekyll's default page permalink); None when there is no such file."""
        relative = path.strip().lstrip("/")
        target = self.site.root / relative
        if ".." in Path(relative).parts or not target.is_file():
            return None
        if isinstance(post_name(self.site, relative), PostName):
            return self._urls(relative)
        stem, dot, ext = relative.rpartition(".")
        html = dot and ext.lower() in {e.lstrip(".") for e in self.site.markdown_ext}
        url = "/" + (stem + ".html" if html else relative)
        return url[: -len("index.html")] if url.endswith("/index.html") else url

    def _find_post(self, name: str) -> str | None:
        """The path (from the site root) of the post whose file stem is `name` (with its folder
        below `_posts/` when given)."""
        folder, _, stem = name.rpartition("/")
        for path in self._posts().get(stem, ()):
            if not folder or path.rsplit("/", 1)[0].endswith(folder):
                return path
        return None

    def _posts(self) -> dict[str, list[str]]:
        """Every file under a `_posts/` folder, by stem: walked once, on the first lookup."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for directory, dirs, files in os.walk(self.site.root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                relative = os.path.relpath(directory, self.site.root).replace(os.sep, "/")
                if "_posts" in relative.split("/"):
                    for file in sorted(files):
                        index.setdefault(file.rsplit(".", 1)[0], []).append(f"{relative}/{file}")
            self._index = index
        return self._index

    def _url_of(self, path: str) -> str | None:
        name = post_name(self.site, path)
        if not isinstance(name, PostName):
            return None
        try:
            with open(self.site.root / path, "rb") as handle:
                text = handle.read(MAX_FRONT_MATTER_BYTES).decode("utf-8", "replace")
            return jekyll_post(self.site, name, load_front_matter(text)).url
        except Exception:  # a target that cannot be read is a link that cannot be made
            return None

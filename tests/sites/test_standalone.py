"""Standalone: feedpub is the site (`site.url: null`). Each post's page is served at exactly its
permalink's path, and the files posts link to (a Hugo bundle's image, a Jekyll site's static
file, an image beside a post in posts/) are published beside the pages: the real `feedpub serve`
is crawled, every link and image on its own host in every feed and page is followed, and each
must answer 200.
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from ..helpers import serve
from ..http import fetch, free_port
from .hugo_real import FIXTURES

pytestmark = pytest.mark.slow

_LINK = re.compile(
    r'(?:href|src|url|poster)="([^"]+)"|"(?:url|image|home_page_url|feed_url|external_url)": "([^"]+)"'
)


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid PNG of one grey pixel, made here rather than kept as a binary fixture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def crawl(base: str, start: list[str]) -> dict[str, int]:
    """Every URL on feedpub's host reachable from `start` through feeds and pages → its status."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        reply = fetch(base, path)
        seen[path] = reply.status
        kind = reply.headers.get("content-type", "")
        if reply.status != 200 or not any(t in kind for t in ("html", "xml", "json", "opml")):
            continue
        for found in _LINK.finditer(reply.body.decode("utf-8")):
            url = urljoin(base + path, (found[1] or found[2]).replace("&amp;", "&"))
            if url.startswith(base + "/"):  # the query kept: combined feeds are /feeds/?tags=…
                parts = urlsplit(url)
                queue.append((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    return seen


def standalone(title: str) -> tuple[int, dict[str, object]]:
    """A free port, and config.yaml's keys for the site beside it, served by feedpub alone."""
    port = free_port()
    site = {"title": title, "source": "site", "url": None, "base_url": f"http://127.0.0.1:{port}/"}
    return port, {"site": site, "paths": {"feeds": "feeds", "cache": "cache"}}


START = ["/", "/opml.xml", "/rss.xml", "/atom.xml", "/feed.json", "/categories/", "/tags/"]


def _broken(seen: dict[str, int]) -> list[tuple[str, int]]:
    return [(unquote(path), status) for path, status in sorted(seen.items()) if status != 200]


def test_a_hugo_site_served_standalone_has_no_broken_link_or_image(tmp_path):
    shutil.copytree(FIXTURES / "hugo-blog", tmp_path / "site")
    (tmp_path / "site" / "content" / "posts" / "my-bundle" / "cover.jpg").write_bytes(png())
    (tmp_path / "site" / "static" / "img").mkdir(parents=True)
    (tmp_path / "site" / "static" / "img" / "logo.png").write_bytes(png(2, 2))
    post = tmp_path / "site" / "content" / "posts" / "hello-world.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n![logo](/img/logo.png)\n", encoding="utf-8")
    port, extra = standalone("Lab")
    with serve(tmp_path, 3600, port=port, extra=extra) as (base, _proc):
        seen = crawl(base, START)
    assert not _broken(seen)
    assert any(p.endswith("/cover.jpg") for p in seen) and "/img/logo.png" in seen  # both images followed
    assert any(re.fullmatch(r"/2024/\d\d/[^/]+/", p) for p in seen)  # pages at Hugo's permalinks


def test_a_jekyll_site_served_standalone_has_no_broken_link_or_image(tmp_path):
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "site")
    (tmp_path / "site" / "assets").mkdir()
    (tmp_path / "site" / "assets" / "logo.png").write_bytes(png())
    post = tmp_path / "site" / "_posts" / "2024-01-15-hello-world.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n![logo](/assets/logo.png)\n", encoding="utf-8")
    port, extra = standalone("Notes")
    with serve(tmp_path, 3600, port=port, extra=extra) as (base, _proc):
        seen = crawl(base, START)
    assert not _broken(seen)
    assert "/assets/logo.png" in seen
    assert "/2024/01/14/hello-world/" in seen  # Jekyll's pretty permalink, served by feedpub


def test_no_file_outside_the_site_is_published(tmp_path):
    """A post linking to `../` paths or to a file that is no media gets nothing copied."""
    (tmp_path / "secret.png").write_bytes(png())
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "site")
    (tmp_path / "site" / "_config.yml").write_text(
        (tmp_path / "site" / "_config.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    post = tmp_path / "site" / "_posts" / "2024-01-15-hello-world.md"
    post.write_text(
        post.read_text(encoding="utf-8")
        + "\n![a](/../secret.png) ![b](/%2E%2E/secret.png) [c](/_config.yml)\n",
        encoding="utf-8",
    )
    port, extra = standalone("Notes")
    with serve(tmp_path, 3600, port=port, extra=extra) as (base, _proc):
        assert fetch(base, "/_config.yml").status == 404
        assert fetch(base, "/secret.png").status == 404
    published = {p.name for p in Path(tmp_path / "feeds").rglob("*") if p.is_file()}
    assert "secret.png" not in published and "_config.yml" not in published


def test_a_permalink_without_an_extension_answers_at_its_bare_path(tmp_path):
    """jekyll-zh has `permalink: /archives/:title` (no slash, no extension): its page is
    `archives/no-ext-permalink.html` under feeds/, answered at `/archives/no-ext-permalink`."""
    shutil.copytree(FIXTURES / "jekyll-zh", tmp_path / "site")
    port, extra = standalone("中文")
    with serve(tmp_path, 3600, port=port, extra=extra) as (base, _proc):
        seen = crawl(base, START)
        page = fetch(base, "/archives/no-ext-permalink")
    assert page.status == 200 and page.header("content-type").startswith("text/html")
    assert "/archives/no-ext-permalink" in seen and not _broken(seen)
    assert (tmp_path / "feeds" / "archives" / "no-ext-permalink.html").is_file()

"""deploy/nginx.conf, run by a real nginx on loopback, serves the same bytes and types as the app."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

from ..conftest import ROOT
from ..http import fetch, free_port
from ..tools import require


def site_config(feeds_dir, port: int, app_port: int, access_log: str = "off", edits=()) -> str:
    """deploy/nginx.conf for loopback; `edits`: more (pattern, replacement) pairs, each found once."""
    text = (ROOT / "deploy/nginx.conf").read_text()
    replacements = [
        *edits,
        (r"access_log /var/log/nginx/feedpub\.access\.log feedpub;", f"access_log {access_log};"),
        (r"listen 80;", f"listen 127.0.0.1:{port};"),
        (r"listen \[::\]:80;\n", ""),
        (r"root /srv/feedpub/feeds;", f"root {feeds_dir};"),
        (r"server 127\.0\.0\.1:8080;", f"server 127.0.0.1:{app_port};"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        assert count == 1, f"deploy/nginx.conf no longer has {pattern!r}"
    return text


@contextmanager
def running_nginx(root, feeds_dir, app_port: int, log_format: str = "feedpub", edits=()) -> Iterator[str]:
    """A real nginx with deploy/nginx.conf serving `feeds_dir`, the app expected on `app_port`,
    its access log in `root`/access.log."""
    nginx = require("nginx", "nginx-light")
    port = free_port()
    log = f"{root}/access.log {log_format}"  # what `feedpub stats ingest` reads (test_stats_nginx)
    (root / "site.conf").write_text(site_config(feeds_dir, port, app_port, log, edits))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n"
        f"  fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n"
        f"  include {root}/site.conf;\n}}\n"
    )
    check = subprocess.run([nginx, "-t", "-c", str(root / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([nginx, "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base, "/")
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def both(served_sample, tmp_path_factory):
    """(settings, app base URL, nginx base URL) serving one published copy of the sample site."""
    settings, app_base = served_sample
    app_port = int(app_base.rsplit(":", 1)[1])
    with running_nginx(tmp_path_factory.mktemp("nginx"), settings.feeds_dir, app_port) as base:
        yield settings, app_base, base


def test_a_permalink_without_an_extension_is_its_html_page(tmp_path):
    """Jekyll's `permalink: /:title` (no slash, no extension) is published as `a.html` and must
    answer at `/a`, as the site's own server answers it (the app does the same: tests/sites)."""
    feeds = tmp_path / "feeds"
    (feeds / "archives").mkdir(parents=True)
    (feeds / "archives" / "no-ext.html").write_text("<!doctype html><title>page</title>", encoding="utf-8")
    with running_nginx(tmp_path, feeds, free_port()) as nginx:
        reply = fetch(nginx, "/archives/no-ext")
    assert reply.status == 200 and b"<title>page</title>" in reply.body
    assert reply.header("content-type").startswith("text/html")


def served_paths(settings) -> list[str]:
    import json

    manifest = json.loads((settings.feeds_dir / "manifest.json").read_text())
    return sorted(manifest["files"])


def url_of(path: str) -> str:
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return "/" + quote(path)


def test_same_bytes_and_media_types(both):
    settings, app, nginx = both
    paths = served_paths(settings)
    assert len(paths) > 50
    for path in paths:
        from_app, from_nginx = fetch(app, url_of(path)), fetch(nginx, url_of(path))
        assert from_nginx.status == from_app.status == 200, path
        assert from_nginx.body == from_app.body, path
        assert from_nginx.header("content-type") == from_app.header("content-type"), path


def test_gzip_static_serves_the_published_gzip_and_pages_are_compressed_too(both):
    _settings, app, nginx = both
    for path in ("/atom.xml", "/rss.xml", "/feed.json", "/tags/" + quote("ai芯片") + "/atom.xml", "/"):
        a = fetch(app, path, headers={"Accept-Encoding": "gzip"})
        n = fetch(nginx, path, headers={"Accept-Encoding": "gzip"})
        assert n.header("content-encoding") == "gzip" == a.header("content-encoding"), path
        assert gzip.decompress(n.body) == gzip.decompress(a.body)
        assert "Accept-Encoding" in (n.header("vary") or "")


def test_feed_headers(both):
    _settings, _app, nginx = both
    reply = fetch(nginx, "/atom.xml")
    assert reply.header("access-control-allow-origin") == "*"
    assert reply.header("cache-control") == "public, max-age=300"
    assert reply.header("etag") and reply.header("last-modified")
    assert fetch(nginx, "/atom.xml", headers={"If-None-Match": reply.header("etag")}).status == 304


def test_what_nginx_cannot_answer_goes_to_the_app(both):
    _settings, _app, nginx = both
    health = fetch(nginx, "/healthz")
    assert health.status == 200 and b'"status"' in health.body
    redirect = fetch(nginx, "/tags/" + quote("ＡＩ芯片") + "/atom.xml")
    assert redirect.status == 301 and redirect.header("location").endswith(
        "/tags/" + quote("ai芯片") + "/atom.xml"
    )
    assert fetch(nginx, "/no/such/feed.xml").status == 404
    for legacy, target in (  # jekyll-feed's and Hugo's feed URLs: the app knows the term slugs
        ("/feed.xml", "/atom.xml"),
        ("/feed/by_tag/" + quote("AI芯片") + ".xml", "/tags/" + quote("ai芯片") + "/atom.xml"),
        ("/index.xml", "/rss.xml"),
        ("/tags/" + quote("AI芯片") + "/index.xml", "/tags/" + quote("ai芯片") + "/rss.xml"),
        ("/categories/cailianshe/index.xml", "/categories/cailianshe/rss.xml"),
    ):
        moved = fetch(nginx, legacy)
        assert moved.status == 301 and moved.header("location").endswith(target), legacy
        assert fetch(nginx, target).status == 200
    assert fetch(nginx, "/manifest.json").status == 404
    assert fetch(nginx, "/atom.xml.gz").status == 404
    assert fetch(nginx, "/%2e%2e/%2e%2e/etc/passwd").status in (400, 404)


def test_combined_feeds_go_to_the_app(both):
    """/feeds/?… (serve.combined): nginx passes the query to the app and its answer back."""
    _settings, app, nginx = both
    query = "/feeds/?tags=hbm,nvidia&format=rss"
    through, direct = fetch(nginx, query), fetch(app, query)
    assert through.status == 200 and through.body == direct.body
    assert through.header("content-type") == "application/rss+xml; charset=utf-8"
    assert through.header("etag") == direct.header("etag")
    etag = {"If-None-Match": direct.header("etag")}
    assert fetch(nginx, query, headers=etag).status == 304
    moved = fetch(nginx, "/feeds/?tags=nvidia,hbm")
    assert moved.status == 301 and moved.header("location").endswith("/feeds/?tags=hbm,nvidia")
    assert fetch(nginx, "/feeds/?tags=no-such-tag").status == 404


def test_a_browsers_navigation_gets_xml_from_nginx_as_from_the_app(both):
    """Sec-Fetch-Dest: document (render.feed_view): RSS and Atom as application/xml, the same bytes;
    the stylesheet as text/css; JSON Feed and readers' requests unchanged."""
    _settings, app, nginx = both
    browser = {"Sec-Fetch-Dest": "document", "Accept-Encoding": "gzip"}
    for path in ("/atom.xml", "/rss.xml", "/tags/" + quote("ai芯片") + "/rss.xml", "/feed.json", "/feed.css"):
        a, n = fetch(app, path, headers=browser), fetch(nginx, path, headers=browser)
        assert n.status == a.status == 200, path
        assert n.header("content-type") == a.header("content-type"), path
        assert gzip.decompress(n.body) == gzip.decompress(a.body), path
        if path.endswith(".xml"):
            assert n.header("content-type") == "application/xml; charset=utf-8"
            assert n.header("vary") == a.header("vary") == "Accept-Encoding, Sec-Fetch-Dest"
    assert fetch(nginx, "/@browser/atom.xml").status == 404  # internal only

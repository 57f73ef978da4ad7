"""Real clients read what the service serves: newsboat (a feed reader) and headless Chromium."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from urllib.parse import quote

import pytest

from ..http import fetch
from ..tools import require

TAG_PATH = "/tags/" + quote("ai芯片") + "/"


def test_newsboat_loads_every_entry(served_sample, tmp_path):
    newsboat = require("newsboat", "newsboat")
    _settings, base = served_sample
    feeds = {
        f"{base}/atom.xml": 7,
        f"{base}/rss.xml": 7,
        f"{base}{TAG_PATH}atom.xml": 4,
        f"{base}{TAG_PATH}rss.xml": 4,
        f"{base}/categories/cailianshe/rss.xml": 2,
    }
    # newsboat keys items by guid across all feeds of one cache, so each feed gets its own cache.
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "dumb", "LANG": "C.UTF-8"}
    (tmp_path / "config").write_text("download-timeout 10\n")
    for index, (url, expected) in enumerate(feeds.items()):
        urls, cache = tmp_path / f"urls{index}", tmp_path / f"cache{index}.db"
        urls.write_text(url + "\n")
        base_args = [newsboat, "-u", str(urls), "-c", str(cache), "-C", str(tmp_path / "config")]
        result = subprocess.run(
            [*base_args, "-x", "reload"], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        with sqlite3.connect(cache) as db:
            rows = db.execute("SELECT feedurl, title, url FROM rss_item").fetchall()
        assert len(rows) == expected, (url, rows)
        assert all(
            feed == url and title and link.startswith("https://news.example.org/")
            for feed, title, link in rows
        )
        unread = subprocess.run(
            [*base_args, "-x", "print-unread"], env=env, capture_output=True, text=True, timeout=60
        )
        assert unread.stdout.split()[0] == str(expected), unread.stdout
        if url.endswith("/atom.xml"):
            assert any(title == "商汤重塑：徐冰离职与AI芯片的战略剥离背后" for _f, title, _l in rows)


def chromium_dump(chromium: str, url: str, profile) -> str:
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_index_renders_in_chromium_and_discovery_links_resolve(served_sample, tmp_path):
    chromium = require("chromium", "chromium")
    _settings, base = served_sample
    dom = chromium_dump(chromium, f"{base}/", tmp_path / "profile")
    assert "科技快讯" in dom or "Test Site" in dom
    assert "AI芯片" in dom and "cailianshe" in dom
    from lxml import html as lxml_html

    page = lxml_html.fromstring(dom)
    links = [(el.get("type"), el.get("href")) for el in page.xpath("//link[@rel='alternate']")]
    assert {t for t, _ in links} == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    for _type, href in links:
        assert fetch(base, href).status == 200
    rendered_links = page.xpath("//table[@class='feedlist']//a/@href")
    assert len(rendered_links) > 30
    for href in rendered_links[:40]:
        assert fetch(base, href).status == 200, href
    tag_dom = chromium_dump(chromium, f"{base}{TAG_PATH}", tmp_path / "profile2")
    tag_page = lxml_html.fromstring(tag_dom)
    feeds = tag_page.xpath("//link[@rel='alternate']/@href")
    assert feeds and all(fetch(base, href).status == 200 for href in feeds)

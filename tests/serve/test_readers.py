"""Real clients read what the service serves: newsboat (a feed reader) and headless Chromium."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
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


def _links(data: bytes, base_url: str) -> set[str]:
    """Every link (`<a>`, `<link>`) of a page on this site, as a path (the shell's absolute ones too),
    but not those a post's own text makes."""
    from lxml import html as lxml_html

    found = set()
    ours = "//a[not(ancestor::article)]/@href | //article/p[@class='meta']//a/@href | //link/@href"
    for href in lxml_html.fromstring(data).xpath(ours):
        if href.startswith(base_url):
            href = "/" + href[len(base_url) :]
        if href.startswith("/"):
            found.add(href.split("#", 1)[0])
    return found


def test_every_link_of_every_page_answers_200_and_a_lost_page_410(tmp_path):
    """A crawl from `/` over real HTTP: every href of every page (archive, months, post pages with
    previous/next and subscribe links, term pages and their numbered pages, "combine with…"
    feeds) answers 200, never a 301; then a term that shrinks loses its second page, which
    answers 410."""
    import shutil

    from feedpub.config import settings_from_mapping
    from feedpub.service.publisher import Publisher

    from ..conftest import BASE_CONFIG, NOW, SAMPLE_POSTS
    from ..helpers import write
    from ..http import running_app

    shutil.copytree(SAMPLE_POSTS, tmp_path / "posts")
    settings = settings_from_mapping({**BASE_CONFIG, "pages": {"per_page": 2}}, root=tmp_path)
    for day in (1, 2, 3):
        write(settings, f"pair{day}.md", f"Pair {day}", f"2025-02-0{day}T00:00:00Z", "[pair, AI芯片]")
    publisher = Publisher(settings, clock=lambda: NOW, watch=False)  # each rescan walks posts/
    publisher.rescan()
    with running_app(settings) as base:
        pages, checked, queue = set(), {}, ["/"]
        while queue:
            path = queue.pop()
            if path in pages:
                continue
            pages.add(path)
            reply = fetch(base, path)
            assert reply.status == 200, path
            for link in _links(reply.body, settings.site.base_url) - checked.keys():
                answer = fetch(base, link)
                checked[link] = answer.status
                if answer.status == 200 and answer.header("content-type").startswith("text/html"):
                    queue.append(link)
        assert {link for link, status in checked.items() if status != 200} == set()
        assert "/archives/" in pages and "/archives/2025/02/" in pages and "/tags/pair/page/2/" in pages
        assert any(link.startswith("/feeds/?tags=") and "+" in link for link in checked)  # combine with…
        assert any(link.startswith("/feeds/?categories=") for link in checked)
        (settings.posts_dir / "pair3.md").unlink()
        assert publisher.rescan().removed
        time.sleep(0.3)  # the fast path trusts its last look at the manifest for 0.2 s
        assert fetch(base, "/tags/pair/page/2/").status == 410
        assert fetch(base, "/tags/pair/").status == 200
    publisher.close()

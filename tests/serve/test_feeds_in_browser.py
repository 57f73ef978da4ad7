"""Feeds read as pages in a browser (issue 19): headless Chromium, driven over the DevTools
protocol, opens the RSS and Atom documents the app serves, as a person's click does, and renders
them with feed.css: the feed's title and description, how to subscribe, and each entry's title
as a link, its date and summary, in the site's language; no raw markup. Readers still get the
feed's own media type, and every feed still passes the validators."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import feedparser
import pytest

from feedpub.config import settings_from_mapping
from feedpub.render.feed_view import READERS
from feedpub.render.messages import messages

from ..conftest import BASE_CONFIG, NOW, SAMPLE_POSTS
from ..devtools import Chromium
from ..http import fetch, running_app
from ..validators import check_any, check_jing

TAG = "/tags/" + quote("ai芯片") + "/"
FEEDS = (
    "/rss.xml",
    "/atom.xml",
    TAG + "atom.xml",
    TAG + "rss.xml",
    "/feeds/?tags=hbm,nvidia",
    "/feeds/?tags=hbm,nvidia&format=rss",
)
# what a person must never see: the document's own markup, as text
RAW = ("<?xml", "<rss", "<feed", "<channel", "<item", "<entry", "<title", "<link", "xmlns", "&lt;", "&amp;")
XHTML_LINKS = """[...document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'a')]
  .filter(a => a.closest('entry, item'))
  .map(a => [a.href, a.textContent, a instanceof HTMLAnchorElement, a.getBoundingClientRect().height])"""
BOX = """(() => {
  const box = document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'div')[0];
  const home = box.querySelector('a.home');
  return {about: getComputedStyle(box, '::before').content, readers: [...box.querySelectorAll('a.reader')]
    .map(a => [a.textContent, a.href]), home: home.href, home_label: getComputedStyle(home, '::before').content,
    address: box.querySelector('code').textContent, height: box.getBoundingClientRect().height};
})()"""


@pytest.fixture(scope="module")
def served_en(tmp_path_factory):
    """The sample posts published as an English site, and a server for them."""
    from feedpub.service.publisher import Publisher

    root = tmp_path_factory.mktemp("served-en")
    shutil.copytree(SAMPLE_POSTS, root / "posts")
    config = {**BASE_CONFIG, "site": {**BASE_CONFIG["site"], "language": "en"}}
    settings = settings_from_mapping(config, root=root)
    Publisher(settings, clock=lambda: NOW).rescan()
    with running_app(settings) as base:
        yield settings, base


@pytest.fixture(params=["zh-CN", "en"])
def site(request, served_sample, served_en):
    return served_sample if request.param == "zh-CN" else served_en


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with Chromium(tmp_path_factory.mktemp("chromium")) as browser:
        yield browser


@pytest.mark.slow
@pytest.mark.parametrize("path", FEEDS)
def test_a_feed_reads_as_a_page_in_chromium(site, chromium, path):
    settings, base = site
    parsed = feedparser.parse(fetch(base, path).body)
    assert parsed.bozo == 0 and parsed.entries
    tab = chromium.open(base + path)
    assert chromium.evaluate(tab, "document.contentType") == "application/xml"  # not text/plain
    shown = chromium.rendered_text(tab)
    assert parsed.feed.title in shown and parsed.feed.subtitle in shown
    assert all(entry.title in shown for entry in parsed.entries)
    assert [raw for raw in RAW if raw in shown] == [], shown[:500]
    links = chromium.evaluate(tab, XHTML_LINKS)
    assert [(href, text) for href, text, _a, _h in links] == [(e.link, e.title) for e in parsed.entries]
    assert all(is_anchor and height > 0 for _href, _text, is_anchor, height in links)  # shown, clickable

    words = messages(settings.site.language)
    box = chromium.evaluate(tab, BOX)
    feed_url = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert box["height"] > 0 and box["address"] == feed_url and feed_url in shown
    assert box["about"] == json.dumps(words["feed_about"], ensure_ascii=False)
    assert box["readers"] == [[name, pattern.format(quote(feed_url, safe=""))] for name, pattern in READERS]
    assert box["home"] == parsed.feed.link and words["feed_home"] in box["home_label"]


def test_browsers_get_xml_and_readers_the_feed_type(served_sample):
    _settings, base = served_sample
    for path, own in (("/rss.xml", "application/rss+xml"), ("/atom.xml", "application/atom+xml")):
        reader = fetch(base, path, headers={"Accept-Encoding": "gzip"})
        browser = fetch(base, path, headers={"Accept-Encoding": "gzip", "Sec-Fetch-Dest": "document"})
        assert reader.header("content-type") == f"{own}; charset=utf-8"
        assert browser.header("content-type") == "application/xml; charset=utf-8"
        assert browser.body == reader.body and browser.header("etag") == reader.header("etag")
        assert reader.header("vary") == browser.header("vary") == "Accept-Encoding, Sec-Fetch-Dest"
    as_json = fetch(base, "/feed.json", headers={"Sec-Fetch-Dest": "document"})
    assert as_json.header("content-type") == "application/feed+json; charset=utf-8"  # JSON stays JSON
    sheet = fetch(base, "/feed.css")
    assert sheet.status == 200 and sheet.header("content-type") == "text/css; charset=utf-8"
    assert b"Sec-Fetch-Dest" not in (sheet.header("vary") or "").encode()


def test_every_feed_of_an_english_site_passes_the_validators(served_en):
    settings, _base = served_en
    feeds = [p for p in settings.feeds_dir.rglob("*") if p.name in ("rss.xml", "atom.xml", "feed.json")]
    assert len(feeds) > 60
    for path in feeds:
        data = path.read_bytes()
        count = (
            len(json.loads(data)["items"]) if path.suffix == ".json" else len(feedparser.parse(data).entries)
        )
        check_any(path.name, data, count)
    check_jing(*[p for p in feeds if p.name == "atom.xml"])

"""The app over real HTTP on loopback: media types, conditional GET, gzip, HEAD, errors, paths."""

from __future__ import annotations

import gzip
import hashlib
import json
from urllib.parse import quote

import pytest

from feedpub.publish.cold_build import build
from feedpub.publish.store import publish
from feedpub.service.publisher import Publisher

from ..http import fetch, running_app
from ..validators import check_feedparser

TAG = "/tags/" + quote("ai芯片") + "/atom.xml"


@pytest.fixture
def served(served_sample):
    return served_sample


@pytest.fixture
def base(served):
    return served[1]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/opml.xml", "text/x-opml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/tags/", "text/html; charset=utf-8"),
        ("/categories/", "text/html; charset=utf-8"),
        ("/posts/sensetime-xu-bing-ai-chips/", "text/html; charset=utf-8"),
        (TAG, "application/atom+xml; charset=utf-8"),
        ("/categories/cailianshe/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feed.css", "text/css; charset=utf-8"),
    ],
)
def test_media_types(base, path, media_type):
    reply = fetch(base, path)
    assert reply.status == 200
    assert reply.header("content-type") == media_type
    # RSS and Atom documents: a browser's navigation gets them as application/xml (render.feed_view)
    viewed = media_type.startswith(("application/rss+xml", "application/atom+xml"))
    assert reply.header("vary") == ("Accept-Encoding, Sec-Fetch-Dest" if viewed else "Accept-Encoding")
    assert reply.header("cache-control") == "public, max-age=300"


def test_feeds_are_the_published_bytes_with_strong_etags(served):
    sample_site, base = served
    manifest = json.loads((sample_site.feeds_dir / "manifest.json").read_text())
    reply = fetch(base, "/atom.xml")
    digest = hashlib.sha256(reply.body).hexdigest()
    assert reply.header("etag") == f'"{digest}"'
    assert manifest["files"]["atom.xml"]["sha256"] == digest
    assert reply.body == (sample_site.feeds_dir / "atom.xml").read_bytes()
    assert reply.header("access-control-allow-origin") == "*"
    assert reply.header("last-modified").endswith("GMT")
    check_feedparser(reply.body, 7)


def test_conditional_get(base):
    first = fetch(base, "/atom.xml")
    etag, modified = first.header("etag"), first.header("last-modified")
    again = fetch(base, "/atom.xml", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.header("etag") == etag
    assert fetch(base, "/atom.xml", headers={"If-None-Match": f'"nope", W/{etag}'}).status == 304
    assert fetch(base, "/atom.xml", headers={"If-None-Match": "*"}).status == 304
    assert fetch(base, "/atom.xml", headers={"If-None-Match": '"other"'}).status == 200
    assert fetch(base, "/atom.xml", headers={"If-Modified-Since": modified}).status == 304
    assert (
        fetch(base, "/atom.xml", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    )
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    assert (
        fetch(base, "/atom.xml", headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status
        == 200
    )
    assert fetch(base, "/atom.xml", headers={"If-Modified-Since": "garbage"}).status == 200


@pytest.mark.parametrize("path", ["/atom.xml", "/posts/sensetime-xu-bing-ai-chips/"])
def test_gzip(base, path):
    """Feeds come from the .gz written at publish time; pages, published without one, are
    compressed by the app: the same answers either way, the same bytes every time."""
    plain = fetch(base, path)
    packed = fetch(base, path, headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.header("content-encoding") == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    assert packed.header("etag") != plain.header("etag")
    assert packed.header("etag") == '"' + hashlib.sha256(packed.body).hexdigest() + '"'
    assert int(packed.header("content-length")) == len(packed.body) < len(plain.body)
    again = fetch(base, path, headers={"Accept-Encoding": "gzip"})
    assert (again.body, again.header("etag")) == (packed.body, packed.header("etag"))
    assert fetch(base, path, headers={"Accept-Encoding": "gzip;q=0"}).header("content-encoding") is None
    # a client that cached the gzip variant gets a 304 too
    assert (
        fetch(base, path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.header("etag")}).status
        == 304
    )


def test_head_has_headers_and_no_body(base):
    get = fetch(base, "/rss.xml")
    head = fetch(base, "/rss.xml", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.header("etag") == get.header("etag")
    assert head.header("content-length") == str(len(get.body))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(base, method):
    reply = fetch(base, "/atom.xml", method=method)
    assert reply.status == 405
    assert "GET" in reply.header("allow")


def test_unknown_paths_are_404(base):
    for path in (
        "/nope.xml",
        "/tags/no-such-tag/atom.xml",
        "/manifest.json",
        "/tags/ai芯片/atom.xml.gz".encode().decode(),
    ):
        assert fetch(base, quote(path)).status == 404, path


def test_unicode_paths_and_variant_spellings(base):
    assert fetch(base, TAG).status == 200
    for variant in ("AI芯片", "ＡＩ芯片", "Ai芯片"):
        reply = fetch(base, "/tags/" + quote(variant) + "/atom.xml")
        assert reply.status == 301, variant
        assert reply.header("location").endswith(TAG)
    page = fetch(base, "/tags/" + quote("ＡＩ芯片") + "/")
    assert page.status == 301 and page.header("location").endswith("/tags/" + quote("ai芯片") + "/")
    no_slash = fetch(base, "/tags/" + quote("ai芯片"))
    assert no_slash.status == 301 and no_slash.header("location").endswith("/")


def test_removed_term_feeds_are_410(sample_site, now):
    publish(build(sample_site, now).files, sample_site.feeds_dir)
    (sample_site.posts_dir / "hbm-memory-race.md").unlink()
    publish(build(sample_site, now).files, sample_site.feeds_dir)
    with running_app(sample_site) as base:
        assert fetch(base, "/tags/hbm/atom.xml").status == 410
        assert fetch(base, "/tags/hbm/rss.xml").status == 410
        assert fetch(base, "/tags/never-existed/rss.xml").status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../config.yaml",
        "/%2e%2e/config.yaml",
        "/%2E%2E%2Fconfig.yaml",
        "/tags/%2e%2e/%2e%2e/config.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "/tags/..%5c..%5cconfig.yaml",
        "/tags\\..\\..\\config.yaml",
        "/%00/etc/passwd",
        "/atom.xml%00.html",
        "//etc/passwd",
        "/posts/../../../../etc/passwd",
        "/%252e%252e/config.yaml",
        "/manifest.json",
        "/.feedpub/status.json",
    ],
)
def test_path_traversal_never_escapes_feeds(base, path):
    reply = fetch(base, path)
    assert reply.status in (400, 404), (path, reply.status)
    assert b"site:" not in reply.body and b"root:" not in reply.body


def test_healthz(base):
    reply = fetch(base, "/healthz")
    assert reply.status == 200
    body = json.loads(reply.body)
    assert body["status"] == "ok" and body["posts"]["published"] == 7 and body["feeds"] > 20
    assert body["problems"] == 0 and body["last_scan"] and body["duration_ms"] is not None


def test_healthz_503_before_any_scan(site):
    with running_app(site) as base:
        assert fetch(base, "/healthz").status == 503


def test_index_lists_feeds_with_discovery_links(base):
    html = fetch(base, "/").body.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/tags/' + quote("ai芯片") + '/atom.xml"' in html
    assert "AI芯片" in html


def test_fast_path_and_flask_answer_alike(served):
    """The fast path answers published files itself; Flask answers them the same way."""
    from feedpub.serve.app import create_app

    settings, fast = served
    requests = [
        ("GET", "/atom.xml", {}),
        ("HEAD", "/rss.xml", {}),
        ("GET", "/feed.json", {"Accept-Encoding": "gzip"}),
        ("GET", "/", {}),
        ("GET", "/posts/sensetime-xu-bing-ai-chips/", {"Accept-Encoding": "gzip"}),
        ("GET", TAG, {"Accept-Encoding": "gzip;q=0, deflate"}),
        ("GET", "/opml.xml", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}),
    ]
    with running_app(settings, create_app(settings)) as slow:
        for method, path, headers in requests:
            a, b = fetch(fast, path, method, headers), fetch(slow, path, method, headers)
            assert (a.status, a.body) == (b.status, b.body), path
            for name in (
                "content-type",
                "etag",
                "last-modified",
                "cache-control",
                "vary",
                "content-encoding",
                "access-control-allow-origin",
                "content-length",
            ):
                assert a.header(name) == b.header(name), (path, name)
            etag = a.header("etag")
            assert fetch(fast, path, "GET", {**headers, "If-None-Match": etag}).status == 304
            assert fetch(slow, path, "GET", {**headers, "If-None-Match": etag}).status == 304
        # the gzip variant's ETag sent without Accept-Encoding: the same 304, with the same headers
        gzip_etag = fetch(fast, "/atom.xml", "GET", {"Accept-Encoding": "gzip"}).header("etag")
        a, b = (fetch(app, "/atom.xml", "GET", {"If-None-Match": gzip_etag}) for app in (fast, slow))
        assert a.status == b.status == 304
        # (werkzeug leaves Last-Modified out of a 304 with an ETag, as RFC 9110 §15.4.5 advises)
        for name in ("etag", "cache-control", "vary", "access-control-allow-origin"):
            assert a.header(name) == b.header(name) is not None, name


def test_published_files_never_reach_flask(served):
    """The fast path really answers published files (200, gzip, HEAD, 304) without the app."""
    from feedpub.serve.app import create_app
    from feedpub.serve.fastpath import FastFeeds

    settings, _base = served
    app = create_app(settings)
    reached: list[str] = []

    def recording(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return app(environ, start_response)

    with running_app(settings, FastFeeds(settings, recording)) as fast:
        etag = fetch(fast, "/atom.xml").header("etag")
        for method, path, headers, status in [
            ("GET", "/atom.xml", {"Accept-Encoding": "gzip"}, 200),
            ("HEAD", "/rss.xml", {}, 200),
            ("GET", "/atom.xml", {"If-None-Match": etag}, 304),
            ("GET", TAG, {}, 200),
            ("GET", "/", {}, 200),
        ]:
            assert fetch(fast, path, method, headers).status == status, path
        assert reached == []
        assert fetch(fast, "/healthz").status == 200 and reached == ["/healthz"]  # the rest: Flask


def test_fast_path_sees_a_new_publish(sample_site, now):
    """After a publish, the next request (past the short recheck interval) gets the new bytes."""
    import time

    Publisher(sample_site, clock=lambda: now).rescan()
    with running_app(sample_site) as base:
        before = fetch(base, "/atom.xml")
        path = sample_site.posts_dir / "hbm-memory-race.md"
        path.write_text(path.read_text().replace("HBM 内存竞赛", "HBM 内存竞赛（新）"))
        Publisher(sample_site, clock=lambda: now).rescan()
        time.sleep(0.3)
        after = fetch(base, "/atom.xml")
        assert after.body != before.body and "HBM 内存竞赛（新）" in after.body.decode()
        assert after.header("etag") == '"' + hashlib.sha256(after.body).hexdigest() + '"'


def test_probes_of_unknown_paths_do_not_push_ready_answers_out(served, monkeypatch):
    from werkzeug.test import Client

    from feedpub.serve import fastpath
    from feedpub.serve.app import create_app

    settings, _base = served
    monkeypatch.setattr(fastpath, "MAX_ENTRIES", 3)
    fast = fastpath.FastFeeds(settings, create_app(settings))
    client = Client(fast)
    assert client.get("/atom.xml").status_code == 200
    for i in range(20):  # a scanner walking made-up URLs
        assert client.get(f"/wp-admin/{i}.php").status_code == 404
    assert set(fast._table) == {"atom.xml"}

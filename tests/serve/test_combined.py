"""Combined feeds over real HTTP: /feeds/?tags=a,b (any), a+b (all), categories and tags (both),
each format through the validators, 301 to the canonical query, 304, 400 and 404."""

from __future__ import annotations

import gzip
import json
from urllib.parse import quote

import pytest

from feedpub.serve.combined import MAX_TERMS, CombinedFeeds
from feedpub.serve.published import FeedFiles
from feedpub.service.publisher import Publisher

from ..conftest import NOW
from ..helpers import write
from ..http import fetch
from ..validators import ATOM, check_any, check_atom, check_jing

AI = quote("ai芯片", safe="")
SUANLI = quote("算力", safe="")
HANWUJI = quote("寒武纪", safe="")
FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}


@pytest.fixture
def base(served_sample):
    return served_sample[1]


def ids(reply) -> list[str]:
    if reply.header("content-type").startswith("application/feed+json"):
        return [item["id"].rsplit("/", 2)[-2] for item in json.loads(reply.body)["items"]]
    root = check_atom(reply.body)
    return [entry.findtext(ATOM + "id").rsplit("/", 2)[-2] for entry in root.iter(ATOM + "entry")]


def test_any_of_the_tags(base):
    reply = fetch(base, "/feeds/?tags=hbm,nvidia")
    assert reply.status == 200
    assert reply.header("content-type") == "application/atom+xml; charset=utf-8"
    assert ids(reply) == ["hbm-memory-race", "nvidia-export-rules"]  # newest first, each once
    assert set(ids(fetch(base, f"/feeds/?tags={AI},{HANWUJI}"))) == {
        "sensetime-xu-bing-ai-chips",
        "hbm-memory-race",
        "cambricon-earnings",
        "nvidia-export-rules",
    }


def test_all_of_the_tags(base):
    reply = fetch(base, f"/feeds/?tags={AI}+{SUANLI}")
    assert reply.status == 200
    assert ids(reply) == ["sensetime-xu-bing-ai-chips", "hbm-memory-race"]
    assert ids(fetch(base, "/feeds/?tags=hbm+nvidia")) == []


def test_a_category_and_a_tag(base):
    reply = fetch(base, f"/feeds/?categories=cailianshe&tags={AI}")
    assert reply.status == 200
    assert ids(reply) == ["cambricon-earnings"]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_every_format_passes_the_validators(base, fmt, tmp_path):
    suffix = "" if fmt == "atom" else f"&format={fmt}"
    reply = fetch(base, f"/feeds/?tags={AI},{HANWUJI}{suffix}")
    assert reply.status == 200
    static = fetch(base, f"/tags/{AI}/{FILES[fmt]}")
    assert reply.header("content-type") == static.header("content-type")
    check_any(FILES[fmt], reply.body, 4)
    if fmt == "atom":
        (tmp_path / "combined.xml").write_bytes(reply.body)
        check_jing(tmp_path / "combined.xml")


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_one_term_carries_its_feeds_entries_byte_for_byte(base, fmt):
    combined = fetch(base, f"/feeds/?tags={AI}" + ("" if fmt == "atom" else f"&format={fmt}")).body
    static = fetch(base, f"/tags/{AI}/{FILES[fmt]}").body
    first = 3 if fmt != "json" else 1  # the declaration, the stylesheet and the head, or the JSON head
    assert combined.split(b"\n")[first:] == static.split(b"\n")[first:]


def test_limit(base):
    assert ids(fetch(base, f"/feeds/?tags={AI}&limit=1")) == ["sensetime-xu-bing-ai-chips"]
    assert fetch(base, f"/feeds/?tags={AI}&limit=0").status == 400
    assert fetch(base, f"/feeds/?tags={AI}&limit=21").status == 400  # feeds.limit is 20


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        (f"tags={HANWUJI},{AI}", f"tags={AI},{HANWUJI}"),  # terms sorted
        ("tags=" + quote("ＡＩ芯片"), f"tags={AI}"),  # another spelling of the key
        (f"tags={AI},{AI}", f"tags={AI}"),
        (f"tags={AI}&categories=cailianshe", f"categories=cailianshe&tags={AI}"),
        (f"format=atom&tags={AI}", f"tags={AI}"),  # defaults left out
        (f"limit=20&format=rss&tags={AI}", f"tags={AI}&format=rss"),
        (f"tags={AI}&limit=3&format=json", f"tags={AI}&format=json&limit=3"),
    ],
)
def test_other_spellings_move_to_the_canonical_query(base, query, canonical):
    reply = fetch(base, "/feeds/?" + query)
    assert reply.status == 301
    assert reply.header("location") == "/feeds/?" + canonical
    assert fetch(base, "/feeds/?" + canonical).status == 200


def test_etags_304_and_gzip_as_static_feeds(base):
    path = f"/feeds/?tags={AI},{HANWUJI}"
    first = fetch(base, path)
    etag = first.header("etag")
    assert etag and first.header("last-modified") and first.header("cache-control")
    assert first.header("access-control-allow-origin") == "*" and first.header("link") is None
    assert fetch(base, path).body == first.body
    again = fetch(base, path, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    packed = fetch(base, path, headers={"Accept-Encoding": "gzip"})
    assert packed.header("content-encoding") == "gzip" and gzip.decompress(packed.body) == first.body
    assert fetch(base, path, method="HEAD").body == b""


def test_more_than_ten_terms_is_400(base):
    many = ",".join(f"t{n}" for n in range(MAX_TERMS + 1))
    reply = fetch(base, "/feeds/?tags=" + many)
    assert reply.status == 400
    assert f"at most {MAX_TERMS}" in reply.body.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("tags=no-such-tag", 404),
        (f"tags={AI}&categories=no-such-category", 404),
        ("tags=hbm&colour=red", 400),
        ("tags=hbm&tags=nvidia", 400),
        ("tags=a,b+c", 400),
        ("tags=hbm&format=xml", 400),
        ("tags=", 400),
        ("format=rss", 400),
    ],
)
def test_errors_say_what_is_wrong(base, query, status):
    reply = fetch(base, "/feeds/?" + query)
    assert reply.status == status
    assert reply.header("content-type").startswith("text/plain") and len(reply.body) > 10


def test_cached_per_query_bounded_and_renewed_by_a_publish(sample_site):
    publisher = Publisher(sample_site, clock=lambda: NOW)
    publisher.rescan()
    combined = CombinedFeeds(sample_site, FeedFiles(sample_site.feeds_dir), size=2)
    first = combined.answer("tags=hbm,nvidia")[2]
    assert combined.answer("tags=hbm,nvidia")[2] is first
    combined.answer("tags=hbm")
    combined.answer("tags=nvidia")
    assert len(combined._ready) == 2
    write(sample_site, "fresh.md", "Fresh HBM news", "2025-12-30T10:00:00+08:00", "[hbm]")
    publisher.rescan()
    renewed = combined.answer("tags=hbm,nvidia")[2]
    assert renewed is not None and renewed.etags != first.etags
    assert b"Fresh HBM news" in renewed.plain


def test_the_cache_is_bounded_in_bytes_too(sample_site):
    Publisher(sample_site, clock=lambda: NOW).rescan()
    combined = CombinedFeeds(sample_site, FeedFiles(sample_site.feeds_dir), most_bytes=1)
    assert combined.answer("tags=hbm")[0] == 200
    assert len(combined._ready) == 0 and combined._bytes == 0


@pytest.mark.parametrize(
    "query",
    [
        "tags=%ff%fe",
        "tags=..",
        "tags=%2e%2e%2fatom.xml",
        "tags=%2F",
        "tags=a%00b",
        "tags=,",
        "tags=+",
        "tags=" + "x" * 4000,
        "tags=hbm&limit=99999999999999999999",
        "tags=hbm&limit=%31",
        "tags=hbm&limit=-1",
        "=&&&tags=hbm",
        "tags=hbm&format=",
    ],
)
def test_hostile_queries_get_a_plain_answer(base, query):
    reply = fetch(base, "/feeds/?" + query)
    assert reply.status in (301, 400, 404), (query, reply.status)
    assert reply.status == 301 or reply.header("content-type").startswith("text/plain")


def test_without_a_query_feeds_is_any_other_path(base):
    assert fetch(base, "/feeds/").status == 404


def test_terms_holding_the_separators(sample_site):
    """`+` and `,` inside a term are percent-encoded in the query; as sent they separate terms."""
    write(sample_site, "plus.md", "Plus", "2025-12-30T10:00:00+08:00", '["c++", "x,y"]')
    Publisher(sample_site, clock=lambda: NOW).rescan()
    combined = CombinedFeeds(sample_site, FeedFiles(sample_site.feeds_dir))
    status, _text, ready = combined.answer("tags=c%2B%2B+x%2Cy")
    assert (
        status == 200
        and ready is not None
        and b"<title>Plus</title>" in ready.plain.replace(b' type="text"', b"")
    )
    assert combined.answer("tags=x%2Cy+c%2B%2B")[:2] == (301, "/feeds/?tags=c%2B%2B+x%2Cy")
    assert combined.answer("tags=c++")[0] == 400  # "c" and "" and ""

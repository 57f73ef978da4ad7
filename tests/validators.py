"""Third-party checks for every feed we produce: feedparser, RELAX NG (lxml and jing), and the
spec rules the schemas cannot express (Atom's Schematron, RSS 2.0 and JSON Feed 1.1 fields)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from .tools import require

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "atom.rng"
ATOM = "{http://www.w3.org/2005/Atom}"


@lru_cache(maxsize=1)
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def parse_rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"date without offset: {text}"
    assert "T" in text, f"not RFC 3339: {text}"
    return moment


def check_feedparser(data: bytes, expected_entries: int) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert len(parsed.entries) == expected_entries
    return parsed


def check_atom(data: bytes) -> etree._Element:
    """RFC 4287 Appendix B schema plus its Schematron rules, which RELAX NG cannot run."""
    root = etree.fromstring(data)
    schema = atom_schema()
    assert schema.validate(root), str(schema.error_log)
    entries = root.findall(ATOM + "entry")
    feed_has_author = root.find(ATOM + "author") is not None
    ids = [root.findtext(ATOM + "id")]
    for entry in entries:
        assert feed_has_author or entry.find(ATOM + "author") is not None, "entry without author"
        links = entry.findall(ATOM + "link")
        assert (
            any(link.get("rel", "alternate") == "alternate" for link in links)
            or entry.find(ATOM + "content") is not None
        )
        ids.append(entry.findtext(ATOM + "id"))
        for link in links:
            assert is_absolute(link.get("href")), link.get("href")
        parse_rfc3339(entry.findtext(ATOM + "updated"))
    assert len(set(ids)) == len(ids), "duplicate atom:id"
    self_links = [link for link in root.findall(ATOM + "link") if link.get("rel") == "self"]
    assert len(self_links) == 1 and is_absolute(self_links[0].get("href"))
    return root


def check_jing(*paths: Path) -> None:
    """Validate Atom files with jing (one JVM start for all of them)."""
    jing = require("jing", "jing")
    result = subprocess.run(
        [jing, str(SCHEMA), *map(str, paths)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def check_rss(data: bytes) -> etree._Element:
    """RSS 2.0: required channel elements, items with title or description, absolute links, unique guids."""
    root = etree.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), f"channel/{required} missing"
    assert is_absolute(channel.findtext("link"))
    parsedate_to_datetime(channel.findtext("lastBuildDate"))
    guids = []
    for item in channel.findall("item"):
        assert item.findtext("title") or item.findtext("description")
        assert is_absolute(item.findtext("link"))
        guid = item.find("guid")
        assert guid is not None and guid.text
        if guid.get("isPermaLink", "true") == "true":
            assert is_absolute(guid.text)
        guids.append(guid.text)
        moment = parsedate_to_datetime(item.findtext("pubDate"))
        assert moment.tzinfo is not None
    assert len(set(guids)) == len(guids), "duplicate guid"
    return root


def check_json_feed(data: bytes) -> dict:
    """JSON Feed 1.1: required top-level and item fields, RFC 3339 dates, absolute URLs, unique ids."""
    feed = json.loads(data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for key in ("home_page_url", "feed_url"):
        assert is_absolute(feed[key])
    ids = []
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)
        for key in ("date_published", "date_modified"):
            if key in item:
                parse_rfc3339(item[key])
        for key in ("url", "image"):
            if key in item:
                assert is_absolute(item[key]), item[key]
        if "tags" in item:
            assert all(isinstance(t, str) for t in item["tags"])
        ids.append(item["id"])
    assert len(set(ids)) == len(ids)
    return feed


def check_any(path: str, data: bytes, expected_entries: int) -> None:
    """Run every check that applies to a feed file by its name."""
    if path.endswith("atom.xml"):
        check_atom(data)
        check_feedparser(data, expected_entries)
    elif path.endswith("rss.xml"):
        check_rss(data)
        check_feedparser(data, expected_entries)
    elif path.endswith("feed.json"):
        assert len(check_json_feed(data)["items"]) == expected_entries

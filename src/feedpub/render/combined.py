"""Combined feeds (several terms' posts in one feed): entries taken whole from the published term
feeds of one format, merged by id, newest first, and spliced into a head of their own.

No Post is needed: each published term feed already holds every entry rendered in its format.
XML entries are parsed with lxml and serialised again (lxml's escaping is the one `render.xml`
writes); JSON items are dumped as `render.jsonfeed` dumps them. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from feedpub.config import Settings
from feedpub.read.dates import rfc822, rfc3339
from feedpub.render.feed_spec import EPOCH, GENERATOR
from feedpub.render.formats import FORMATS
from feedpub.render.xml import ATOM, CONTENT, DC, MEDIA, attr, document, text

_PARSER = etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True, huge_tree=True)
_RSS_NAMESPACES = f'xmlns:atom="{ATOM}" xmlns:content="{CONTENT}" xmlns:dc="{DC}" xmlns:media="{MEDIA}"'
_ATOM_NAMESPACES = f'xmlns="{ATOM}" xmlns:media="{MEDIA}"'
# what both heads declare, as lxml writes a declaration
_DECLARED = frozenset(f" {d}".encode() for d in (*_RSS_NAMESPACES.split(" "), *_ATOM_NAMESPACES.split(" ")))
_DECLARATION = re.compile(rb' xmlns(?::[A-Za-z_][\w.-]*)?="[^"]*"')


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as a term feed holds it: its id, dates and its bytes in that feed's format."""

    id: str
    published: datetime
    updated: datetime
    data: bytes


@dataclass(frozen=True, slots=True)
class CombinedSpec:
    """A combined feed's own metadata; `url` is its own address (and its Atom id)."""

    title: str
    description: str
    url: str
    home_url: str


def entries_of(fmt: str, data: bytes) -> tuple[str, list[Entry]]:
    """The title and the entries of a published feed document in format `fmt`."""
    if fmt == "json":
        feed = json.loads(data)
        return feed["title"], [_json_entry(item) for item in feed["items"]]
    root = etree.fromstring(data, _PARSER)
    if fmt == "atom":
        title = root.findtext(f"{{{ATOM}}}title") or ""
        return title, [_atom_entry(entry) for entry in root.iterfind(f"{{{ATOM}}}entry")]
    title = root.findtext("channel/title") or ""
    return title, [_rss_entry(item) for item in root.iterfind("channel/item")]


def _xml(element: etree._Element) -> bytes:
    """An entry's bytes as its feed holds them: lxml repeats the feed's namespace declarations on
    the element it serialises; the combined feed declares the same ones, so they are dropped."""
    data = etree.tostring(element, encoding="utf-8", with_tail=False)
    tag, close, rest = data.partition(b">")
    tag = _DECLARATION.sub(lambda m: b"" if m.group(0) in _DECLARED else m.group(0), tag)
    return tag + close + rest


def _atom_entry(entry: etree._Element) -> Entry:
    published = datetime.fromisoformat(entry.findtext(f"{{{ATOM}}}published") or "")
    updated = datetime.fromisoformat(entry.findtext(f"{{{ATOM}}}updated") or "")
    return Entry(entry.findtext(f"{{{ATOM}}}id") or "", published, updated, _xml(entry))


def _rss_entry(item: etree._Element) -> Entry:
    published = parsedate_to_datetime(item.findtext("pubDate") or "")
    return Entry(item.findtext("guid") or "", published, published, _xml(item))


def _json_entry(item: dict[str, Any]) -> Entry:
    published = datetime.fromisoformat(item["date_published"])
    updated = datetime.fromisoformat(item.get("date_modified", item["date_published"]))
    data = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Entry(item["id"], published, updated, data)


def merge(groups: Iterable[list[Entry]], all_of: bool, limit: int | None) -> list[Entry]:
    """The entries of any (or, `all_of`, every) group, each once, newest first (ties by id, as
    `render.taxonomy` orders a scope), at most `limit` (None: all)."""
    groups = list(groups)
    by_id: dict[str, Entry] = {}
    for group in groups:
        for entry in group:
            by_id.setdefault(entry.id, entry)
    if all_of and groups:
        common = set.intersection(*({entry.id for entry in group} for group in groups))
        by_id = {key: entry for key, entry in by_id.items() if key in common}
    ordered = sorted(sorted(by_id.values(), key=lambda e: e.id), key=lambda e: e.published, reverse=True)
    return ordered[:limit]


def combined_feed(fmt: str, spec: CombinedSpec, entries: list[Entry], settings: Settings) -> bytes:
    """The combined feed document in format `fmt` around `entries` (already merged)."""
    updated = max((entry.updated for entry in entries), default=EPOCH)
    datas = [entry.data for entry in entries]
    if fmt == "json":
        return _json_feed(spec, datas, settings)
    if fmt == "atom":
        return document(_atom_head(spec, updated, settings), datas, "</feed>")
    newest = max((entry.published for entry in entries), default=EPOCH)
    return document(_rss_head(spec, updated, newest, settings), datas, "</channel></rss>")


def _json_feed(spec: CombinedSpec, items: list[bytes], settings: Settings) -> bytes:
    site = settings.site
    author: dict[str, str] = {"name": site.author.name}
    if site.author.url:
        author["url"] = site.author.url
    head = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": spec.url,
        "description": spec.description,
        "language": site.language,
        "authors": [author],
    }
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1].encode("utf-8")
    return opening + b',"items":[\n' + b",\n".join(items) + b"\n]}\n"


def _rss_head(spec: CombinedSpec, updated: datetime, newest: datetime, settings: Settings) -> str:
    return (
        f'<rss {_RSS_NAMESPACES} version="2.0"><channel><title>{text(spec.title)}</title>'
        f"<link>{text(spec.home_url)}</link><description>{text(spec.description)}</description>"
        f'<atom:link rel="self" type="{FORMATS["rss"].media_type}" href="{attr(spec.url)}"/>'
        f"<language>{text(settings.site.language)}</language><lastBuildDate>{rfc822(updated)}</lastBuildDate>"
        f"<pubDate>{rfc822(newest)}</pubDate><generator>{GENERATOR}</generator>"
        "<docs>https://www.rssboard.org/rss-specification</docs>"
    )


def _atom_head(spec: CombinedSpec, updated: datetime, settings: Settings) -> str:
    author = settings.site.author
    person = f"<name>{text(author.name)}</name>"
    person += f"<email>{text(author.email)}</email>" if author.email else ""
    person += f"<uri>{text(author.url)}</uri>" if author.url else ""
    return (
        f'<feed {_ATOM_NAMESPACES} xml:lang="{attr(settings.site.language)}">'
        f'<id>{text(spec.url)}</id><title type="text">{text(spec.title)}</title>'
        f'<subtitle type="text">{text(spec.description)}</subtitle><updated>{rfc3339(updated)}</updated>'
        f'<link rel="self" type="{FORMATS["atom"].media_type}" href="{attr(spec.url)}"/>'
        f'<link rel="alternate" type="text/html" href="{attr(spec.home_url)}"/>'
        f"<author>{person}</author><generator>{GENERATOR}</generator>"
    )

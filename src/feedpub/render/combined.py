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
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from lxml import etree

from feedpub.config import Settings
from feedpub.render import atom, jsonfeed, rss
from feedpub.render.feed_spec import EPOCH, FeedHead
from feedpub.render.xml import ATOM, document

DEFAULT_FORMAT = "atom"  # a combined feed's format when its query names none
_PARSER = etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True, huge_tree=True)
# what both heads declare, as lxml writes a declaration
_DECLARED = frozenset(f" {d}".encode() for d in (*rss.NAMESPACES.split(" "), *atom.NAMESPACES.split(" ")))
_DECLARATION = re.compile(rb' xmlns(?::[A-Za-z_][\w.-]*)?="[^"]*"')


@lru_cache(maxsize=1 << 14)  # a term's slug recurs in the links of every term page it is on
def _quoted(slug: str) -> str:
    return quote(slug, safe="")


def canonical_query(
    groups: Iterable[tuple[str, Iterable[str], bool]], fmt: str, limit: int | None = None
) -> str:
    """A combined feed's query as `/feeds/` answers it without a redirect: each (scope, slugs,
    all of them?) group as `scope=` and its slugs sorted, joined by `+` (all of) or `,` (any
    of), categories first as given; then the format unless the default, then `limit` unless
    None (the default). The one spelling: `serve.combined` redirects to it and pages link to it."""
    parts = [
        f"{scope}=" + ("+" if all_of else ",").join(map(_quoted, sorted(slugs)))
        for scope, slugs, all_of in groups
    ]
    if fmt != DEFAULT_FORMAT:
        parts.append(f"format={fmt}")
    if limit is not None:
        parts.append(f"limit={limit}")
    return "&".join(parts)


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
    data = jsonfeed.dumps(item).encode("utf-8")
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
    """The combined feed document in format `fmt` around `entries` (already merged): the head the
    term feeds have (`render.rss`, `render.atom`, `render.jsonfeed`), without a hub (the
    combined feed is no WebSub topic)."""
    datas = [entry.data for entry in entries]
    updated = max((entry.updated for entry in entries), default=EPOCH)
    head = FeedHead(spec.title, spec.description, spec.home_url, spec.url, settings.site.language, updated)
    if fmt == "json":
        return jsonfeed.feed_document(jsonfeed.feed_head(settings, head), datas)
    if fmt == "atom":
        return document(atom.feed_head(settings, head), datas, "</feed>")
    newest = max((entry.published for entry in entries), default=EPOCH)
    return document(rss.channel_head(settings, head, newest=newest, hub=None), datas, "</channel></rss>")

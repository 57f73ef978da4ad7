"""The feed formats feedpub publishes, in one registry: name, file name, media type, label, renderer.

Everything that names a format asks this table: the config's `feeds.formats`, feed and archive
URLs, discovery links and the OPML, the media type every served file gets (app, fast path, and
`deploy/nginx.conf`, which a test holds to this table), and which renderer writes it.
To add a format: a renderer module with `render_entry` and `render_feed` (see `Renderer`), one
row in `FORMATS`, its name in `config.FORMATS`, and its location block in `deploy/nginx.conf`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol, cast

from feedpub.model import Post
from feedpub.read.media import asset_type

if TYPE_CHECKING:
    from feedpub.render.feed_spec import EntryContext, FeedSpec


class Renderer(Protocol):
    """A format's renderer module: each entry rendered once, then spliced into every feed."""

    def render_entry(self, post: Post, ctx: EntryContext) -> bytes: ...

    def render_feed(self, spec: FeedSpec, entries: list[bytes], ctx: EntryContext) -> bytes: ...


@dataclass(frozen=True)
class FeedFormat:
    name: str  # as `feeds.formats` and the code name it
    file_name: str  # in each scope's folder: /rss.xml, /tags/<slug>/rss.xml …
    media_type: str  # without parameters: what `type=` attributes carry
    label: str  # for people: discovery links, pages
    opml_type: str  # the OPML outline's `type`
    module: str  # the renderer module

    @cached_property
    def renderer(self) -> Renderer:
        """Imported on first use: the renderer modules import the spec types this table serves."""
        return cast(Renderer, importlib.import_module(self.module))

    @property
    def served_type(self) -> str:
        """The Content-Type it is served with."""
        return f"{self.media_type}; charset=utf-8"


FORMATS: dict[str, FeedFormat] = {
    f.name: f
    for f in (
        FeedFormat("rss", "rss.xml", "application/rss+xml", "RSS", "rss", "feedpub.render.rss"),
        FeedFormat("atom", "atom.xml", "application/atom+xml", "Atom", "rss", "feedpub.render.atom"),
        FeedFormat(
            "json", "feed.json", "application/feed+json", "JSON Feed", "json", "feedpub.render.jsonfeed"
        ),
    )
}
ATOM_FORMAT = FORMATS["atom"]  # archive pages (RFC 5005) and feed ids are Atom's
BY_FILE_NAME = {f.file_name: f for f in FORMATS.values()}

OPML_PATH = "opml.xml"
OPML_TYPE = "text/x-opml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
STYLESHEET_PATH = "feed.css"  # what RSS and Atom documents look like in a browser (render.feed_view)
CSS_TYPE = "text/css; charset=utf-8"
# An RSS or Atom document as a browser's navigation gets it: Chromium shows application/rss+xml
# and application/atom+xml as plain text and Firefox downloads them; both style application/xml.
BROWSER_TYPE = "application/xml; charset=utf-8"

if TYPE_CHECKING:  # each renderer module must be a Renderer: mypy checks these assignments
    from feedpub.render import atom, jsonfeed, rss

    _RENDERERS: tuple[Renderer, ...] = (rss, atom, jsonfeed)


def is_archive(path: str) -> bool:
    """An RFC 5005 archive page: `archive/<n>.xml` below a feed's folder (always Atom)."""
    parent, _, name = path.rpartition("/")
    return (parent == "archive" or parent.endswith("/archive")) and name.removesuffix(".xml").isdigit()


def is_topic(path: str) -> bool:
    """A subscription feed (a scope's feed in one format): what WebSub announces."""
    return PurePosixPath(path).name in BY_FILE_NAME


def is_feed(path: str) -> bool:
    """A feed document: a subscription feed, an archive page or the OPML."""
    return is_topic(path) or path.rpartition("/")[2] == OPML_PATH or is_archive(path)


def browser_type(path: str) -> str | None:
    """The Content-Type a browser's navigation (`Sec-Fetch-Dest: document`) gets for an RSS or
    Atom document, so that it shows it styled; None for every other file (JSON Feed stays JSON)."""
    format_ = BY_FILE_NAME.get(PurePosixPath(path).name)
    return BROWSER_TYPE if (format_ is not None and format_.name != "json") or is_archive(path) else None


def media_type(path: str) -> str:
    """The Content-Type of a published file, by its name."""
    name = PurePosixPath(path).name
    if name in BY_FILE_NAME:
        return BY_FILE_NAME[name].served_type
    if name == OPML_PATH:
        return OPML_TYPE
    if is_archive(path):
        return ATOM_FORMAT.served_type
    if path == STYLESHEET_PATH:
        return CSS_TYPE
    return HTML_TYPE if name.endswith(".html") else asset_type(path) or "application/octet-stream"

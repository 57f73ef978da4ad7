"""The answer to GET or HEAD of a published file: media type, ETags, conditional GET, gzip.

Both the fast path and the Flask app answer published files through `ReadyFile.respond`, so
they cannot disagree about a header or a 304.
"""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import PurePosixPath

from .conditional import accepts_gzip, not_modified
from .config import Settings
from .files import Served
from .render.common import FEED_FILES, hub_url, topic_url

MEDIA_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    "opml.xml": "text/x-opml; charset=utf-8",
}
HTML = "text/html; charset=utf-8"


def is_archive(path: str) -> bool:
    """An RFC 5005 archive page: `archive/<n>.xml` below a feed's folder (always Atom)."""
    parent, _, name = path.rpartition("/")
    return (parent == "archive" or parent.endswith("/archive")) and name.removesuffix(".xml").isdigit()


def media_type(path: str) -> str:
    name = PurePosixPath(path).name
    if name in MEDIA_TYPES:
        return MEDIA_TYPES[name]
    if is_archive(path):
        return MEDIA_TYPES["atom.xml"]
    return HTML if name.endswith(".html") else "application/octet-stream"


def is_feed(path: str) -> bool:
    return PurePosixPath(path).name in MEDIA_TYPES or is_archive(path)


def is_topic(path: str) -> bool:
    """A subscription feed (RSS, Atom or JSON Feed of a scope): what WebSub announces."""
    return PurePosixPath(path).name in FEED_FILES.values()


class ReadyFile:
    """Everything needed to answer GET or HEAD of one published path, in either encoding."""

    __slots__ = (
        "etags",
        "gzip",
        "gzip_headers",
        "gzip_not_modified",
        "modified",
        "not_modified",
        "plain",
        "plain_headers",
    )

    def __init__(self, path: str, plain: Served, packed: Served | None, settings: Settings) -> None:
        common = [
            ("Last-Modified", format_datetime(plain.modified, usegmt=True)),
            ("Cache-Control", settings.server.cache_control),
            ("Vary", "Accept-Encoding"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if is_feed(path):
            common.append(("Access-Control-Allow-Origin", "*"))
            hub = hub_url(settings) if is_topic(path) else None
            if hub is not None:  # WebSub discovery, for clients that only read headers
                common.append(("Link", f'<{hub}>; rel="hub", <{topic_url(settings, path)}>; rel="self"'))
        kind = ("Content-Type", media_type(path))
        self.modified = plain.modified
        self.plain = plain.data
        self.plain_headers = [
            ("ETag", f'"{plain.sha256}"'),
            kind,
            *common,
            ("Content-Length", str(len(plain.data))),
        ]
        self.gzip = packed.data if packed else None
        self.gzip_headers = (
            [
                ("ETag", f'"{packed.sha256}"'),
                kind,
                ("Content-Encoding", "gzip"),
                *common,
                ("Content-Length", str(len(packed.data))),
            ]
            if packed
            else None
        )
        self.etags = {plain.sha256} | ({packed.sha256} if packed else set())
        self.not_modified = [("ETag", f'"{plain.sha256}"'), *common]
        self.gzip_not_modified = [("ETag", f'"{packed.sha256}"'), *common] if packed else self.not_modified

    def respond(
        self,
        method: str,
        accept_encoding: str | None,
        if_none_match: str | None,
        if_modified_since: str | None,
    ) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """(status line, headers, body) for one request: the only place these answers are made."""
        compressed = self.gzip is not None and accepts_gzip(accept_encoding)
        if not_modified(if_none_match, if_modified_since, self.etags, self.modified):
            return "304 Not Modified", self.gzip_not_modified if compressed else self.not_modified, []
        headers, data = (self.gzip_headers, self.gzip) if compressed else (self.plain_headers, self.plain)
        assert headers is not None and data is not None
        return "200 OK", headers, [] if method == "HEAD" else [data]

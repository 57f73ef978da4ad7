"""The answer to GET or HEAD of a published file: media type, ETags, conditional GET, gzip.

Both the fast path and the Flask app answer published files through `ReadyFile.respond`, so
they cannot disagree about a header or a 304. A browser's navigation to an RSS or Atom document
(`Sec-Fetch-Dest: document`, which only browsers send) gets the same bytes as
`application/xml`, the type browsers style with the feed's stylesheet (`render.feed_view`);
readers keep the feed's own type, and caches keep the two apart by `Vary`.
"""

from __future__ import annotations

from email.utils import format_datetime

from feedpub.config import Settings
from feedpub.render.feed_spec import hub_url, topic_url
from feedpub.render.formats import browser_type, is_feed, is_topic, media_type
from feedpub.serve.conditional import accepts_gzip, not_modified
from feedpub.serve.published import Served


class ReadyFile:
    """Everything needed to answer GET or HEAD of one published path, in either encoding."""

    __slots__ = (
        "browser",
        "etags",
        "feed",
        "gzip",
        "gzip_headers",
        "gzip_not_modified",
        "modified",
        "not_modified",
        "plain",
        "plain_headers",
    )

    def __init__(
        self, path: str, plain: Served, packed: Served | None, settings: Settings, topic: bool = True
    ) -> None:
        """`topic`: False for a feed no hub announces (a combined feed): no WebSub `Link`."""
        viewed = browser_type(path)
        common = [
            ("Last-Modified", format_datetime(plain.modified, usegmt=True)),
            ("Cache-Control", settings.server.cache_control),
            ("Vary", "Accept-Encoding, Sec-Fetch-Dest" if viewed else "Accept-Encoding"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        self.feed = is_feed(path)  # feed documents: counted, and politely limited (serve.counting)
        if self.feed:
            common.append(("Access-Control-Allow-Origin", "*"))
            hub = hub_url(settings) if topic and is_topic(path) else None
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
        self.browser = (  # the two 200 answers as a browser's navigation gets them
            [_typed(self.plain_headers, viewed), _typed(self.gzip_headers, viewed)] if viewed else None
        )
        self.not_modified = [("ETag", f'"{plain.sha256}"'), *common]
        self.gzip_not_modified = [("ETag", f'"{packed.sha256}"'), *common] if packed else self.not_modified

    def respond(
        self,
        method: str,
        accept_encoding: str | None,
        if_none_match: str | None,
        if_modified_since: str | None,
        fetch_dest: str | None = None,
    ) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """(status line, headers, body) for one request: the only place these answers are made.
        `fetch_dest`: the request's Sec-Fetch-Dest."""
        compressed = self.gzip is not None and accepts_gzip(accept_encoding)
        if not_modified(if_none_match, if_modified_since, self.etags, self.modified):
            return "304 Not Modified", self.gzip_not_modified if compressed else self.not_modified, []
        headers, data = (self.gzip_headers, self.gzip) if compressed else (self.plain_headers, self.plain)
        if fetch_dest == "document" and self.browser is not None:
            headers = self.browser[compressed]
        assert headers is not None and data is not None
        return "200 OK", headers, [] if method == "HEAD" else [data]


def _typed(headers: list[tuple[str, str]] | None, kind: str) -> list[tuple[str, str]] | None:
    """`headers` with another Content-Type."""
    if headers is None:
        return None
    return [("Content-Type", kind) if name == "Content-Type" else (name, value) for name, value in headers]

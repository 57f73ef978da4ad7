"""create_app(settings): serve what publish wrote, politely for feed readers and aggregators.

Conditional GET (strong ETags from sha256, Last-Modified), precompressed gzip, HEAD, CORS on
feeds, 404 for unknown paths, 410 for feeds of terms that disappeared, 301 from other spellings
of a term to its canonical slug, and /healthz for operators.
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from pathlib import PurePosixPath
from urllib.parse import quote

from flask import Flask, Response, request

from .conditional import accepts_gzip, not_modified
from .config import Settings
from .files import FeedFiles, Served
from .status import read_status
from .terms import raw_slug, term_key

MEDIA_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    "opml.xml": "text/x-opml; charset=utf-8",
}
HTML = "text/html; charset=utf-8"
TERM_SCOPES = ("categories", "tags")


def media_type(path: str) -> str:
    name = PurePosixPath(path).name
    if name in MEDIA_TYPES:
        return MEDIA_TYPES[name]
    return HTML if name.endswith(".html") else "application/octet-stream"


def is_feed(path: str) -> bool:
    return PurePosixPath(path).name in MEDIA_TYPES


def _etag(served: Served) -> str:
    return f'"{served.sha256}"'


def _canonical_redirect(files: FeedFiles, path: str) -> str | None:
    """`/tags/ＡＩ芯片/atom.xml` → `/tags/ai芯片/atom.xml` when that is where the feed lives."""
    parts = path.split("/")
    if len(parts) < 2 or parts[0] not in TERM_SCOPES:
        return None
    canonical = raw_slug(term_key(parts[1]))
    if canonical == parts[1]:
        return None
    rest = "/".join(parts[2:])
    candidate = f"{parts[0]}/{canonical}/{rest}"
    if files.exists(candidate) or files.exists(candidate + "index.html"):
        return "/" + quote(candidate)
    return None


def _file_response(files: FeedFiles, path: str, settings: Settings) -> Response:
    compressed = accepts_gzip(request.headers.get("Accept-Encoding")) and files.get(path, True) is not None
    served = files.get(path, compressed)
    if served is None:
        return Response("not found\n", status=404, mimetype="text/plain")
    identity_sha = files.manifest()["files"].get(path, {}).get("sha256", "")
    headers = {
        "ETag": _etag(served),
        "Last-Modified": format_datetime(served.modified, usegmt=True),
        "Cache-Control": settings.server.cache_control,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if is_feed(path):
        headers["Access-Control-Allow-Origin"] = "*"
    etags = {served.sha256, identity_sha}
    if not_modified(
        request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"), etags, served.modified
    ):
        return Response(status=304, headers=headers)
    if compressed:
        headers["Content-Encoding"] = "gzip"
    return Response(served.data, status=200, headers=headers, content_type=media_type(path))


def create_app(settings: Settings, files: FeedFiles | None = None) -> Flask:
    """The app serving `settings.feeds_dir`; several processes may serve the same directory."""
    app = Flask(__name__)
    app.config["FEEDPUB_SETTINGS"] = settings
    files = files or FeedFiles(settings.feeds_dir)

    @app.route("/healthz", methods=["GET", "HEAD"])
    def healthz() -> Response:
        status = read_status(settings.cache_dir)
        manifest_ok = (settings.feeds_dir / "manifest.json").is_file()
        try:
            feed_count = sum(1 for p in files.manifest()["files"] if is_feed(p))
        except OSError:
            feed_count, manifest_ok = 0, False
        body = {
            "status": "ok",
            "last_scan": status.get("last_scan"),
            "last_success": status.get("last_success"),
            "duration_ms": status.get("duration_ms"),
            "posts": status.get("posts", {}),
            "feeds": feed_count,
            "problems": status.get("problems", 0),
            "error": status.get("error"),
        }
        healthy = manifest_ok and status.get("last_success") is not None
        if not healthy:
            body["status"] = "unavailable"
        elif status.get("error"):
            body["status"] = "degraded"
        return Response(
            json.dumps(body, ensure_ascii=False) + "\n",
            status=200 if healthy else 503,
            content_type="application/json; charset=utf-8",
            headers={"Cache-Control": "no-store"},
        )

    @app.route("/", defaults={"path": ""}, methods=["GET", "HEAD"])
    @app.route("/<path:path>", methods=["GET", "HEAD"])
    def serve(path: str) -> Response:
        if "\x00" in path or "\\" in path:
            return Response("not found\n", status=404, mimetype="text/plain")
        if path == "" or path.endswith("/"):
            path += "index.html"
        elif files.exists(path + "/index.html"):
            return Response(status=301, headers={"Location": "/" + quote(path) + "/"})
        if files.exists(path):
            return _file_response(files, path, settings)
        target = _canonical_redirect(files, path)
        if target is not None:
            if target.endswith("/index.html") and not request.path.endswith("index.html"):
                target = target.removesuffix("index.html")
            return Response(status=301, headers={"Location": target})
        if files.gone(path):
            return Response(
                "gone: this feed's term has no posts any more\n", status=410, mimetype="text/plain"
            )
        return Response("not found\n", status=404, mimetype="text/plain")

    return app

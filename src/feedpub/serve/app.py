"""create_app(settings): serve what publish wrote, politely for feed readers and aggregators.

Conditional GET (strong ETags from sha256, Last-Modified), precompressed gzip, HEAD, CORS on
feeds, 404 for unknown paths, 410 for feeds of terms that disappeared, 301 from other spellings
of a term to its canonical slug, and /healthz for operators.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, request

from feedpub.config import Settings
from feedpub.read.terms import raw_slug, term_key
from feedpub.render.formats import is_feed
from feedpub.render.gone_page import gone_page
from feedpub.serve.combined import CombinedFeeds
from feedpub.serve.counting import Counting, install
from feedpub.serve.hub import Hub
from feedpub.serve.legacy import legacy_target
from feedpub.serve.published import FeedFiles
from feedpub.serve.responses import ReadyFile
from feedpub.serve.stats_page import install_stats
from feedpub.service.reload import config_file as default_config_file
from feedpub.service.reload import describe_config
from feedpub.service.status import ISSUE_KEYS, read_status
from feedpub.service.subscriptions import moved_aside

TERM_SCOPES = ("categories", "tags")


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
    plain = files.get(path, False)
    if plain is None:
        return _not_found()
    return _ready_response(ReadyFile(path, plain, files.get(path, True), settings))


def _ready_response(ready: ReadyFile) -> Response:
    # always the body: werkzeug drops it for HEAD and keeps Content-Length right
    status, headers, body = ready.respond(
        "GET",
        request.headers.get("Accept-Encoding"),
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        request.headers.get("Sec-Fetch-Dest"),
    )
    return Response(b"".join(body), status=int(status[:3]), headers=headers)


def _combined_response(combined: CombinedFeeds, raw: str) -> Response:
    status, text, ready = combined.answer(raw)
    if status == 301:
        return _moved(text)
    if ready is None:
        return Response(text + "\n", status=status, mimetype="text/plain")
    return _ready_response(ready)


def create_app(
    settings: Settings,
    files: FeedFiles | None = None,
    config_file: Path | None = None,
    counting: Counting | None = None,
) -> Flask:
    """The app serving `settings.feeds_dir`; several processes may serve the same directory.
    `config_file` is the file /healthz names (default: the one this process would read);
    `counting`: the polite limits and statistics the fast path shares (serve.counting)."""
    app = Flask(__name__)
    install(app, counting)
    install_stats(app, settings)  # /stats/ and /stats.json, only with stats.token
    app.config["FEEDPUB_SETTINGS"] = settings
    files = files or FeedFiles(settings.feeds_dir)
    config = config_file or default_config_file()
    loaded = datetime.now(UTC).isoformat()  # an app is made at each start and each reload

    @app.route("/healthz", methods=["GET", "HEAD"])
    def healthz() -> Response:
        return _health_response(settings, files, {**describe_config(config), "loaded": loaded})

    if settings.websub.builtin:
        hub = Hub(settings, files.exists)

        @app.route("/websub", methods=["POST"])
        def websub() -> Response:
            status, message = hub.request(request.form.to_dict())
            return Response(message, status=status, mimetype="text/plain")

    combined = CombinedFeeds(settings, files)

    @app.route("/feeds/", methods=["GET", "HEAD"])
    def feeds() -> Response:  # combined feeds (serve.combined); without a query, a page as any
        if not request.query_string:
            return _path_response(files, "feeds/", settings)
        return _combined_response(combined, request.query_string.decode("utf-8", "replace"))

    @app.route("/", defaults={"path": ""}, methods=["GET", "HEAD"])
    @app.route("/<path:path>", methods=["GET", "HEAD"])
    def serve(path: str) -> Response:
        return _path_response(files, path, settings)

    return app


def _health_response(settings: Settings, files: FeedFiles, config: dict[str, Any]) -> Response:
    """/healthz: the last scan as the scanning process recorded it (also for a --no-scheduler
    process, which only reads the status file), the feeds the manifest lists, the current problems
    and warnings, and the config file. 503 while nothing is served: no manifest, or a scanning
    process that never published; "degraded" when the last scan failed or the hub's store was
    moved aside. feeds/ made by `feedpub build` with no service scanning is served: 200."""
    status = read_status(settings.cache_dir)
    manifest, feed_count = _manifest_facts(settings, files)
    body: dict[str, Any] = {
        "status": "ok",
        "last_scan": status.get("last_scan"),
        "last_success": status.get("last_success"),
        "last_publish": manifest,
        "duration_ms": status.get("duration_ms"),
        "posts": status.get("posts", {}),
        "feeds": feed_count,
        "problems": 0,
        "warnings": 0,
        "issues_total": 0,
        "issues": [],
        "error": status.get("error"),
        "config": config,
    }
    body.update({key: status[key] for key in ISSUE_KEYS if key in status})
    if not status:
        body["note"] = "no scanning service has recorded a scan: feeds/ is served as published"
    aside = moved_aside(settings.cache_dir) if settings.websub.builtin else []
    if aside:  # the hub's store was unreadable: a new one runs, the old one waits for the operator
        body["websub_store"] = f"unreadable store moved aside: {', '.join(aside)}"
    healthy = manifest is not None and (not status or status.get("last_success") is not None)
    if not healthy:
        body["status"] = "unavailable"
    elif status.get("error") or aside:
        body["status"] = "degraded"
    return Response(
        json.dumps(body, ensure_ascii=False) + "\n",
        status=200 if healthy else 503,
        content_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


def _manifest_facts(settings: Settings, files: FeedFiles) -> tuple[str | None, int]:
    """When the manifest was last written (None: no readable manifest) and how many feeds it lists."""
    try:
        mtime = (settings.feeds_dir / "manifest.json").stat().st_mtime
        feeds = sum(1 for p in files.manifest()["files"] if is_feed(p))
    except (OSError, ValueError):
        return None, 0
    return datetime.fromtimestamp(mtime, UTC).isoformat(), feeds


def _path_response(files: FeedFiles, path: str, settings: Settings) -> Response:
    """GET or HEAD of any other path: the file, a redirect (a directory without its slash, another
    spelling of a term, a feed URL of the tool the site moved from), 410 for a gone feed, or 404."""
    if "\x00" in path or "\\" in path:
        return _not_found()
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif files.exists(path + "/index.html"):
        return _moved("/" + quote(path) + "/")
    if files.exists(path):
        return _file_response(files, path, settings)
    if files.exists(path + ".html"):  # a permalink without an extension (Jekyll's `none` style)
        return _file_response(files, path + ".html", settings)
    target = _canonical_redirect(files, path)
    if target is not None:
        if target.endswith("/index.html") and not request.path.endswith("index.html"):
            target = target.removesuffix("index.html")
        return _moved(target)
    legacy = legacy_target(path, settings.legacy_urls, files.exists)
    if legacy is not None:  # a feed URL of the tool the site moved from
        return _moved("/" + quote(legacy))
    return _gone(files, path, settings) or _not_found()


def _gone(files: FeedFiles, path: str, settings: Settings) -> Response | None:
    """410 for a path a publish removed (also a page asked for without its slash or `.html`):
    a page in the site's style for a page or a browser, one line of text for a feed reader."""
    gone = next((p for p in (path, path + "/index.html", path + ".html") if files.gone(p)), None)
    if gone is None:
        return None
    best = request.accept_mimetypes.best_match(["text/plain", "text/html"], "text/plain")
    if gone.endswith(".html") or best == "text/html":
        return Response(gone_page(settings), status=410, mimetype="text/html")
    return Response("gone: this feed is no longer published\n", status=410, mimetype="text/plain")


def _moved(location: str) -> Response:
    return Response(status=301, headers={"Location": location})


def _not_found() -> Response:
    return Response("not found\n", status=404, mimetype="text/plain")

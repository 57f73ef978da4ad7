"""`/stats/` and `/stats.json`: the statistics for the publisher, behind `stats.token`.

Without a token, or with the wrong one, both answer 404 like any unknown path: nobody learns
they exist. The page is the site's shell (base.html) in its language, one chart per feed drawn
as inline SVG on the server: no JavaScript, nothing fetched from elsewhere.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Flask, Response, request
from markupsafe import Markup  # the parts are escaped as they are made

from feedpub.config import Settings
from feedpub.render.page_parts import environment, escape, labels_for
from feedpub.serve.stats_report import report

WORDS = ("title", "subscribers", "direct", "requests", "304", "aggregators")  # render.messages' stats_*
W, H, PAD = 600, 160, 28  # the chart's box, in SVG units


def install_stats(app: Flask, settings: Settings) -> None:
    token = settings.stats.token
    if not token:
        return
    expected = f"Bearer {token}".encode()

    def allowed() -> bool:
        given = request.headers.get("Authorization", "").encode("utf-8", "replace")
        return hmac.compare_digest(given, expected)

    def days() -> int:
        return min(max(request.args.get("days", 90, type=int) or 90, 1), settings.stats.retention_days)

    @app.route("/stats.json", methods=["GET", "HEAD"])
    def stats_json() -> Response:
        if not allowed():
            return Response("not found\n", status=404, mimetype="text/plain")
        body = json.dumps(report(settings.cache_dir, days()), ensure_ascii=False) + "\n"
        return Response(body, content_type="application/json; charset=utf-8", headers=_private())

    @app.route("/stats/", methods=["GET", "HEAD"])
    def stats_page() -> Response:
        if not allowed():
            return Response("not found\n", status=404, mimetype="text/plain")
        html = page(settings, report(settings.cache_dir, days()))
        return Response(html, content_type="text/html; charset=utf-8", headers=_private())


def _private() -> dict[str, str]:
    return {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def page(settings: Settings, data: dict[str, Any]) -> bytes:
    labels = labels_for(settings)
    words = [labels["stats_" + word] for word in WORDS]
    parts = [f"<h1>{escape(words[0])}</h1>\n"]
    for feed in data["feeds"]:
        names = ", ".join(
            f"{escape(n)} {c}" for n, c in sorted(feed["aggregators"].items(), key=lambda x: -x[1])
        )
        parts.append(
            f'<section class="feed"><h2><a href="{escape(settings.site.base_url + feed["path"])}">'
            f'/{escape(feed["path"])}</a></h2>\n<p class="meta">{words[1]}: {feed["subscribers"]} · '
            f"{words[2]}: {feed['direct']} · {words[3]}: {feed['requests']} · {words[4]}: "
            f"{feed['ratio_304']:.0%}{' · ' + words[5] + ': ' + names if names else ''}</p>\n"
            f"{chart(feed['history'], words[1])}</section>\n"
        )
    template = environment().from_string('{% extends "base.html" %}{% block main %}{{ body }}{% endblock %}')
    html = template.render(
        site=settings.site,
        labels=labels,
        page_title=f"{words[0]} · {settings.site.title}",
        discovery=(),
        body=Markup("".join(parts)),
    )
    return html.encode("utf-8")


def chart(history: list[dict[str, Any]], label: str) -> str:
    """Subscribers per day as an SVG polyline (the last 60 days dotted, so one day shows too),
    with the peak and the first and last days marked."""
    values = [h["subscribers"] for h in history] or [0]
    top = max(max(values), 1)
    step = (W - 2 * PAD) / max(len(values) - 1, 1)
    xy = [(PAD + i * step, H - PAD - v / top * (H - 2 * PAD)) for i, v in enumerate(values)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="var(--accent)"/>' for x, y in xy[-60:])
    first, last = (history[0]["day"], history[-1]["day"]) if history else ("", "")
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {W} {H}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="currentColor" opacity=".3"/>'
        f'<polyline fill="none" stroke="var(--accent)" stroke-width="2" points="{points}"/>{dots}'
        f'<text x="{PAD}" y="{PAD - 8}" font-size="12" fill="currentColor">{top}</text>'
        f'<text x="{PAD}" y="{H - 8}" font-size="12" fill="currentColor">{escape(first)}</text>'
        f'<text x="{W - PAD}" y="{H - 8}" font-size="12" fill="currentColor" text-anchor="end">'
        f"{escape(last)}</text></svg>"
    )

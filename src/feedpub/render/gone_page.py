"""The page a browser gets for a post or term that was removed (410): the site's shell and
language, so a reader following an old link sees the site, not a bare status line."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from feedpub.config import Settings
from feedpub.render.page_parts import environment, labels_for


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """Compiled once: every 410 answer renders it."""
    return environment().from_string(
        '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1>\n<p>{{ note }}</p>\n'
        '<p><a href="{{ site.base_url }}">{{ home }}</a></p>\n{% endblock %}'
    )


def gone_page(settings: Settings) -> bytes:
    """base.html around a short note that the page is gone, with a link home."""
    labels = labels_for(settings)
    title = labels["gone_title"]
    html = _template().render(
        site=settings.site,
        labels=labels,
        page_title=f"{title} · {settings.site.title}",
        discovery=(),
        title=title,
        note=labels["gone_note"],
        home=labels["home"],
    )
    return html.encode("utf-8")

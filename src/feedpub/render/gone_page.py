"""The page a browser gets for a post or term that was removed (410): the site's shell and
language, so a reader following an old link sees the site, not a bare status line."""

from __future__ import annotations

from feedpub.config import Settings
from feedpub.render.page_parts import environment, labels_for


def gone_page(settings: Settings) -> bytes:
    """base.html around a short note that the page is gone, with a link home."""
    labels = labels_for(settings)
    title = labels["gone_title"]
    template = environment().from_string(
        '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1>\n<p>{{ note }}</p>\n'
        '<p><a href="{{ site.base_url }}">{{ home }}</a></p>\n{% endblock %}'
    )
    html = template.render(
        site=settings.site,
        labels=labels,
        page_title=f"{title} · {settings.site.title}",
        discovery=(),
        title=title,
        note=labels["gone_note"],
        home=labels["home"],
    )
    return html.encode("utf-8")

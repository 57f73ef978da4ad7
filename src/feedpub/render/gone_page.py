"""The page a browser gets for a post or term that was removed (410): the site's shell and
language, so a reader following an old link sees the site, not a bare status line."""

from __future__ import annotations

from feedpub.config import Settings
from feedpub.render.page_parts import environment, labels_for

GONE = {
    "en": ("Gone", "This page was removed: the post or term it showed is no longer published.", "Home"),
    "zh": ("已删除", "此页面已删除：它所展示的文章或分类不再发布。", "首页"),
}


def gone_page(settings: Settings) -> bytes:
    """base.html around a short note that the page is gone, with a link home."""
    title, note, home = GONE["zh" if settings.site.language.lower().startswith("zh") else "en"]
    template = environment().from_string(
        '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1>\n<p>{{ note }}</p>\n'
        '<p><a href="{{ site.base_url }}">{{ home }}</a></p>\n{% endblock %}'
    )
    html = template.render(
        site=settings.site,
        labels=labels_for(settings),
        page_title=f"{title} · {settings.site.title}",
        discovery=(),
        title=title,
        note=note,
        home=home,
    )
    return html.encode("utf-8")

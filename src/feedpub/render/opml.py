"""OPML 2.0 listing every feed, grouped by site, categories and tags, for one-click import."""

from __future__ import annotations

from lxml import etree

from feedpub.config import Settings
from feedpub.model import Scope
from feedpub.render.feed_spec import FeedSpec
from feedpub.render.formats import FORMATS
from feedpub.render.messages import messages
from feedpub.render.xml import XML_DECLARATION, sub


def render_opml(settings: Settings, specs: list[FeedSpec]) -> bytes:
    """`specs` in the order they should be listed; the site's first. Labels in the site's language."""
    fmt = next(f for f in FORMATS if f in settings.feeds.formats)  # the registry's order is the preference
    words = messages(settings.site.language)
    opml = etree.Element("opml", version="2.0")
    head = sub(opml, "head")
    sub(head, "title", words["all_feeds"].format(site=settings.site.title))
    body = sub(opml, "body")
    groups: dict[Scope, etree._Element] = {}
    for spec in specs:
        parent = body
        if spec.key.scope is not Scope.SITE:
            if spec.key.scope not in groups:
                label = words["categories" if spec.key.scope is Scope.CATEGORY else "tags"]
                groups[spec.key.scope] = sub(body, "outline", text=label, title=label)
            parent = groups[spec.key.scope]
        sub(
            parent,
            "outline",
            type=FORMATS[fmt].opml_type,
            text=spec.title,
            title=spec.title,
            xmlUrl=spec.feed_url(fmt),
            htmlUrl=spec.home_url,
            language=spec.language,
        )
    return XML_DECLARATION + etree.tostring(opml, encoding="utf-8", pretty_print=True)

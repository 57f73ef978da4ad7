"""Feeds that read as pages in a browser, with no XSLT and no script: the markup RSS and Atom
documents carry for it (the stylesheet itself is `render.feed_css`).

Browsers dropped XSLT (Chromium 155), but still style any XML document with CSS named by an
`<?xml-stylesheet?>` instruction, and elements in the XHTML namespace inside it are real HTML:
an `<a>` there is a link a person can click. Feed readers ignore both. Where the XHTML goes was
decided by the validators (docs/architecture.md): RFC 4287 lets an `atom:link` hold foreign
markup and the W3C Feed Validation Service reads its content without a word, so an entry's
clickable title is an XHTML `<a>` inside its alternate link (an RSS item gets an `atom:link`
for it); the subscribe box is one XHTML `<div>` in the channel, the one XHTML element the
validator accepts there. Anywhere else it warns "Misplaced XHTML content".
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from feedpub.config import Settings
from feedpub.render.formats import STYLESHEET_PATH
from feedpub.render.xml import attr, text

XHTML = "http://www.w3.org/1999/xhtml"
# Web feed readers that subscribe from a link, and where (the feed's URL percent-encoded).
READERS = (
    ("Feedly", "https://feedly.com/i/subscription/feed/{}"),
    ("Inoreader", "https://www.inoreader.com/?add_feed={}"),
    ("NewsBlur", "https://www.newsblur.com/?url={}"),
    ("The Old Reader", "https://theoldreader.com/feeds/subscribe?url={}"),
)


def stylesheet_href(settings: Settings) -> str:
    """The stylesheet's root-relative URL: same origin whichever host name the feed was fetched
    by, and under the base URL's path for a site that lives below one."""
    root = urlsplit(settings.site.base_url).path or "/"
    return quote(root if root.endswith("/") else root + "/", safe="/%:@!$&'()*+,;=~") + STYLESHEET_PATH


def stylesheet_pi(settings: Settings) -> str:
    """The processing instruction that goes between the XML declaration and the root element."""
    return f'<?xml-stylesheet type="text/css" href="{attr(stylesheet_href(settings))}"?>\n'


def subscribe_box(feed_url: str, home_url: str) -> str:
    """How to subscribe: the feed's address to copy, buttons for web readers, and the scope's
    page. Its words come from the stylesheet, in the site's language."""
    encoded = quote(feed_url, safe="")
    readers = " ".join(
        f'<a class="reader" href="{attr(pattern.format(encoded))}">{name}</a>' for name, pattern in READERS
    )
    return (
        f'<div xmlns="{XHTML}" class="feedpub"><p class="address"><code>{text(feed_url)}</code></p>'
        f'<p class="readers">{readers}</p><p class="home"><a class="home" href="{attr(home_url)}"/></p></div>'
    )


def entry_link(url: str, title: str) -> str:
    """An entry's title as a link, for the inside of its alternate `link`."""
    return f'<a xmlns="{XHTML}" href="{attr(url)}">{text(title)}</a>'

"""What RSS and Atom documents carry for browsers (render.feed_view) and the stylesheet they name
(render.feed_css): the stylesheet's address under the base URL's path, the words of each
catalogue, and no way for text to leave a CSS string."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from feedpub.render import feed_css
from feedpub.render.feed_view import XHTML, entry_link, stylesheet_href, stylesheet_pi, subscribe_box
from feedpub.render.messages import CATALOGUES

from ..conftest import with_site

CSS_STRING = re.compile(r'"(?:[^"\\\n\r\f<>&\']|\\[0-9a-f]{1,6} )*"')


@pytest.mark.parametrize(
    ("base_url", "href"),
    [
        ("https://news.example.org/", "/feed.css"),
        ("https://example.org/blog/feeds/", "/blog/feeds/feed.css"),
        ("https://example.org/中文/", "/%E4%B8%AD%E6%96%87/feed.css"),
    ],
)
def test_the_stylesheet_is_same_origin_under_the_base_path(site, base_url, href):
    settings = with_site(site, base_url=base_url)
    assert stylesheet_href(settings) == href
    assert stylesheet_pi(settings) == f'<?xml-stylesheet type="text/css" href="{href}"?>\n'


@pytest.mark.parametrize(
    "value",
    ['"; } :root { display: none } /*', "a\\b", "</style><script>x</script>", "line\nbreak\r\f'", "&amp;"],
)
def test_text_cannot_leave_a_css_string(value):
    quoted = feed_css.css_string(value)
    assert CSS_STRING.fullmatch(quoted), quoted


@pytest.mark.parametrize("tag", list(CATALOGUES))
def test_the_stylesheet_speaks_the_sites_language(site, tag):
    sheet = feed_css.stylesheet(with_site(site, language=tag)).decode("utf-8")
    for key in ("feed_about", "feed_entries", "feed_readers", "feed_home"):
        assert f"content: {feed_css.css_string(CATALOGUES[tag][key])}" in sheet
    assert not re.search(r"content: [A-Z]+\b", sheet)  # every placeholder filled


def test_the_stylesheet_holds_no_site_text(site):
    hostile = with_site(site, title='"; } * { display: none } </style>', description="\\0 evil")
    assert feed_css.stylesheet(hostile) == feed_css.stylesheet(site)


def test_hostile_text_stays_text_in_the_xhtml(site):
    title, url = '<script>alert(1)</script> & "x"', 'https://e.org/a?b=1&c="2"'
    anchor = etree.fromstring(entry_link(url, title))
    assert anchor.tag == f"{{{XHTML}}}a" and len(anchor) == 0
    assert anchor.text == title and dict(anchor.attrib) == {"href": url}
    box = etree.fromstring(subscribe_box(url, "https://e.org/<home>"))
    assert box.findtext(f".//{{{XHTML}}}code") == url
    assert {element.tag.rsplit("}", 1)[1] for element in box.iter()} == {"div", "p", "code", "a"}

"""HTML → safe, XML-friendly HTML with absolute URLs: the allow-lists and the nh3 (ammonia) cleaner.

Order matters: elements hidden with `display:none` are dropped while their style is still
visible, then ammonia (nh3) removes everything unsafe and, through its attribute filter, turns
every kept URL absolute against the post's own URL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3

from feedpub.errors import PostError
from feedpub.read.depth import limit_depth
from feedpub.read.hidden import drop_hidden
from feedpub.read.markdown import is_panic
from feedpub.read.urls import LINK_SCHEMES, PLAIN_ABSOLUTE, PLAIN_FRAGMENT, absolute_srcset, safe_url

# Characters XML 1.0 forbids anywhere in a document (tab, LF and CR are allowed).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_xml_forbidden(text: str) -> str:
    """Remove characters no XML 1.0 document may contain."""
    return _XML_FORBIDDEN.sub("", text)


ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "address",
        "article",
        "aside",
        "b",
        "bdi",
        "bdo",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "section",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
        "audio",
        "video",
        "track",
    ]
)
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite", "poster"})
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "alt", "width", "height", "sizes"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "audio": {"src", "controls"},
    "video": {"src", "poster", "controls", "width", "height"},
    "track": {"src", "kind", "srclang", "label"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed", "type"},
    "abbr": {"title"},
}
_FOOTNOTE_CLASSES = {
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "hr": {"footnotes-sep"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "a": {"footnote-backref"},
}
# Removed together with everything inside them.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "svg",
    "math",
    "form",
    "textarea",
    "select",
    "button",
    "frame",
    "frameset",
    "applet",
    "title",
    "head",
}


class _Base:
    """The URL the attribute filter resolves against: one Cleaner serves every post, and a
    process sanitises one post at a time. `page` is that URL without its fragment when it is
    plain (then `page + "#x"` is what `absolute_url` makes of a plain fragment), else ""."""

    url = ""
    page = ""

    @classmethod
    def set(cls, url: str) -> None:
        cls.url = url
        cls.page = url.split("#", 1)[0] if PLAIN_ABSOLUTE.match(url) else ""


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        if value[:1] == "#" and _Base.page and PLAIN_FRAGMENT.fullmatch(value):
            return _Base.page + value  # a footnote link (dozens a post): `safe_url`'s answer, sooner
        return safe_url(value, _Base.url, LINK_SCHEMES)
    if attribute not in _URL_ATTRIBUTES:
        return value
    if attribute == "srcset":
        return absolute_srcset(value, _Base.url)
    return safe_url(value, _Base.url)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    # built once: handing nh3 the allow-lists on every call cost as much as the cleaning
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(classes) for tag, classes in _FOOTNOTE_CLASSES.items()},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "ftp", "tel"},
        link_rel=None,
        strip_comments=True,
    )


def sanitize(fragment_html: str, base_url: str, max_depth: int = 100) -> str:
    """Safe HTML with absolute URLs, no forbidden XML characters and no `]]>` to break CDATA."""
    prepared = drop_hidden(limit_depth(strip_xml_forbidden(fragment_html), max_depth))
    _Base.set(base_url)
    try:
        cleaned = _cleaner().clean(prepared)
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise PostError(f"the HTML sanitiser failed on this text ({exc})"[:300]) from None
    finally:
        _Base.set("")
    # nh3 decodes character references, so `&#x1;` only becomes a forbidden character now.
    return strip_xml_forbidden(cleaned).replace(' class=""', "").replace("]]>", "]]&gt;").strip()

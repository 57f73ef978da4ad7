"""Sanitiser corpus: the XSS vectors of tests/data/xss_vectors.txt (the OWASP filter-evasion cheat
sheet's, and those the focused tests take) never reach a feed or a page.

Every vector goes into the body of posts of both dialects, as Markdown and as HTML, and into one
front-matter field of each (title, summary, image, tags, categories, author, link). One real build
over the lot; then every output is read the way a reader or a browser would read it: each HTML
field of each feed (Atom content and summary of type html, RSS description and content:encoded, JSON
Feed content_html) and every page under feeds/ is parsed with lxml.html, and no element or
attribute outside the sanitiser's allow-list, no script-capable element, no event handler and no URL
of a scripting scheme (after entity decoding, dropping whitespace and control characters, case
folding) may be found.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import lxml.html
import pytest
from lxml import etree

from feedpub.publish.cold_build import build
from feedpub.read.sanitize import _FOOTNOTE_CLASSES, ALLOWED_ATTRIBUTES, ALLOWED_TAGS

from .helpers import xss_vectors
from .validators import check_any

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
MEDIA = "{http://search.yahoo.com/mrss/}"

SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "tel"}
# Elements that run script, load active content, change the document or submit it.
DANGEROUS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "base",
    "meta", "link", "form", "input", "button", "textarea", "select", "isindex", "svg", "math",
    "noscript", "template", "xmp", "plaintext", "bgsound", "xml", "marquee", "body", "html", "head",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "data",
    "dynsrc", "lowsrc", "cite", "longdesc", "ping", "codebase", "code", "archive", "usemap",
    "manifest", "icon", "profile", "classid", "values", "from", "to", "by", "srcdoc",
}  # fmt: skip
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


VECTORS = xss_vectors()


def scheme(url: str) -> str | None:
    """The scheme a browser would see: entities are already decoded by the parser; whitespace and
    control characters anywhere are dropped (browsers strip tabs and newlines inside URLs)."""
    match = _SCHEME.match(_INVISIBLE.sub("", url).casefold())
    return match.group(1) if match else None


def bad_url(value: str) -> bool:
    found = scheme(value)
    return found is not None and found not in SAFE_SCHEMES


def bad_srcset(value: str) -> bool:
    return any(bad_url(candidate.split()[0]) for candidate in value.split(",") if candidate.split())


def attribute_problems(element, name: str, value: str) -> list[str]:
    name = name.lower()
    if name.startswith("{"):  # a namespaced attribute such as xlink:href
        name = "xlink:" + name.rsplit("}", 1)[1]
    found = []
    if name.startswith("on") or name == "style":
        found.append(f"<{element.tag} {name}>")
    if (name == "srcset" and bad_srcset(value)) or (
        (name in URL_ATTRIBUTES or name.endswith(("href", "src"))) and name != "srcset" and bad_url(value)
    ):
        found.append(f"<{element.tag} {name}={value!r}>")
    return found


def unsafe_fragment(fragment: str) -> list[str]:
    """Everything wrong with one HTML field of a feed, read as a browser would."""
    if not fragment.strip():
        return []
    found = []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are inert
        tag = element.tag.lower()
        if tag in DANGEROUS or tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        if tag in _FOOTNOTE_CLASSES:
            allowed = allowed | {"class"}
        for name, value in element.attrib.items():
            if name.lower() not in allowed:
                found.append(f"<{tag} {name}> not allowed")
            found += attribute_problems(element, name, value)
    return found


def unsafe_page(data: bytes, template_style: str) -> list[str]:
    """A whole page: the template's own head is allowed, nothing a post brought in is."""
    found = []
    document = lxml.html.document_fromstring(data.decode("utf-8"))
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        in_head = element.getparent() is not None and element.getparent().tag == "head"
        if tag == "meta" and in_head and set(element.attrib) in ({"charset"}, {"name", "content"}):
            assert (
                element.get("charset", "utf-8") == "utf-8" and element.get("name", "viewport") == "viewport"
            )
        elif (tag == "link" and in_head and element.get("rel") == "alternate") or (
            tag == "style" and in_head and element.text == template_style
        ):
            pass  # the template's own discovery links and style sheet
        elif tag in DANGEROUS - {"html", "head", "body"}:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            found += attribute_problems(element, name, value)
    return found


def html_fields(path: str, data: bytes) -> list[tuple[str, str]]:
    """(where, text) of every field a reader renders as HTML; plus URL fields as ("url", value)."""
    out: list[tuple[str, str]] = []
    if path.endswith("atom.xml"):
        root = etree.fromstring(data)
        for entry in root.iter(ATOM + "entry"):
            for tag in ("content", "summary", "title"):
                for element in entry.iter(ATOM + tag):
                    assert element.get("type", "text") in ("text", "html"), element.get("type")
                    out.append((f"atom {tag} ({element.get('type', 'text')})", element.text or ""))
            out += [("url", link.get("href")) for link in entry.iter(ATOM + "link")]
            out += [("url", uri.text or "") for uri in entry.iter(ATOM + "uri")]
            out += [("url", m.get("url")) for m in entry.iter(MEDIA + "thumbnail", MEDIA + "content")]
    elif path.endswith("rss.xml"):
        root = etree.fromstring(data)
        for item in root.iter("item"):
            out += [("rss description", d.text or "") for d in item.iter("description")]
            out += [("rss content:encoded", c.text or "") for c in item.iter(CONTENT_ENCODED)]
            out += [("rss title", t.text or "") for t in item.iter("title")]
            out += [("url", link.text or "") for link in item.iter("link")]
            out += [("url", m.get("url")) for m in item.iter(MEDIA + "thumbnail", MEDIA + "content")]
    elif path.endswith("feed.json"):
        for item in json.loads(data)["items"]:
            out += [(f"json {key}", item[key]) for key in ("content_html", "summary") if key in item]
            out += [("url", item[key]) for key in ("url", "external_url", "image") if key in item]
            for author in item.get("authors", []):
                out += [("url", author["url"])] if "url" in author else []
    return out


# Plain text by the format's own definition (Atom type="text", JSON Feed's summary): a post about
# XSS may quote `<img onerror=...>` there as text, exactly as it shows it escaped in its content.
# RSS has no type: its description is escaped once more (readers take it as HTML) and is checked.
TEXT_FIELDS = ("atom content (text)", "atom summary (text)", "atom title (text)", "json summary", "rss title")


def problems_of_feed(path: str, data: bytes) -> list[str]:
    found = []
    for where, value in html_fields(path, data):
        if where == "url":
            if scheme(value) not in ("http", "https"):
                found.append(f"{path}: URL {value!r}")
        elif where not in TEXT_FIELDS:
            found += [f"{path} {where}: {p}" for p in unsafe_fragment(value)]
    return found


# ---- the corpus site ----------------------------------------------------------------------------------

FIELDS = ("title", "summary", "image", "tags", "categories", "author", "link")


def _front_matter(dialect: str, field: str, vector: str, index: int) -> str:
    """YAML front matter carrying `vector` in `field` (JSON strings are YAML double-quoted scalars)."""
    quoted = json.dumps(vector)
    lines = ["---"]
    if dialect == "jekyll":
        lines += ["layout: post", f"date: 2022-03-{index % 28 + 1:02d} 09:01:56 +0800"]
    else:
        lines += [f"date: 2025-01-{index % 28 + 1:02d}T00:00:00Z", "draft: false"]
    lines.append(f"title: {quoted}" if field == "title" else f"title: Vector {index} {dialect}")
    if field == "summary":
        lines.append(f"{'excerpt' if dialect == 'jekyll' else 'summary'}: {quoted}")
        lines.append(f"description: {quoted}")
    elif field == "image":
        key = "image" if dialect == "jekyll" else "featured_image"
        lines.append(f"{key}: {quoted}" if index % 2 else f"{key}: {{path: {quoted}}}")
        lines.append(f"images: [{quoted}]")
    elif field in ("tags", "categories"):
        lines.append(f"{field}: [{quoted}, plain]")
    elif field == "author":
        lines.append(f"author: {{name: {quoted}, url: {quoted}, email: {quoted}}}")
    elif field == "link":
        key = "permalink" if dialect == "jekyll" else "url"
        lines.append(f"{key}: {quoted}")
    lines.append("---")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    from feedpub.config import settings_from_mapping

    from .conftest import BASE_CONFIG, NOW

    root = tmp_path_factory.mktemp("xss")
    posts = root / "posts"
    posts.mkdir()
    expected = 0
    for index, vector in enumerate(VECTORS):
        for dialect in ("jekyll", "hugo"):
            suffix = (".md", ".html")[(index + (dialect == "hugo")) % 2]
            field = FIELDS[(index + 3 * (dialect == "hugo")) % len(FIELDS)]
            name = f"{index:03d}-{dialect}{suffix}"
            if dialect == "jekyll":
                name = f"2022-03-{index % 28 + 1:02d}-{name}"
            body = f"Before the vector {index}.\n\n{vector}\n\nAfter the vector {index}.\n"
            text = _front_matter(dialect, field, vector, index) + body
            (posts / name).write_bytes(text.encode("utf-8"))
            expected += 1
    settings = settings_from_mapping(BASE_CONFIG, root=root)
    settings = replace(settings, feeds=replace(settings.feeds, limit=10_000))
    return settings, build(settings, NOW), expected


def test_the_corpus_is_big_enough():
    assert len(VECTORS) >= 60
    assert len(set(VECTORS)) == len(VECTORS)


def test_most_vector_posts_are_published_and_the_rest_are_problems(corpus_build):
    _settings, result, expected = corpus_build
    assert len(result.posts) + len(result.problems) == expected
    assert len(result.posts) > 0.8 * expected, [p.message for p in result.problems][:10]
    for problem in result.problems:  # refused, never crashed on
        assert not problem.message.startswith("cannot process"), problem
    raw_nul = [p for p in result.problems if "NUL" in p.message]
    assert len(raw_nul) == 2 * sum("\x00" in v for v in VECTORS)


def test_no_vector_reaches_any_feed(corpus_build):
    _settings, result, _expected = corpus_build
    found = []
    feeds = [path for path in result.files if path.endswith(("atom.xml", "rss.xml", "feed.json"))]
    assert len(feeds) > 3 * 10
    for path in feeds:
        found += problems_of_feed(path, result.files[path])
    assert found == []


def test_site_feeds_hold_every_published_post_and_pass_the_validators(corpus_build):
    _settings, result, _expected = corpus_build
    for name in ("atom.xml", "rss.xml", "feed.json"):
        check_any(name, result.files[name], len(result.posts))


def test_no_vector_reaches_any_page(corpus_build):
    _settings, result, _expected = corpus_build
    pages = [path for path in result.files if path.endswith(".html")]
    assert len(pages) > len(result.posts)
    index = lxml.html.document_fromstring(result.files["index.html"].decode("utf-8"))
    [template_style] = [style.text for style in index.iter("style")]
    found = []
    for path in pages:
        found += [f"{path}: {p}" for p in unsafe_page(result.files[path], template_style)]
    assert found == []


def test_every_post_keeps_its_text_around_the_vector(corpus_build):
    """The sanitiser removes the vector, not the post: the text before it always survives, and the
    text after it unless the vector leaves a tag, quote, comment or raw-text element open (then a
    browser swallows the rest of the post too)."""
    _settings, result, _expected = corpus_build
    kept_after = 0
    for post in result.posts:
        index = int(re.search(r"(\d{3})-(?:jekyll|hugo)", post.source).group(1))
        assert f"Before the vector {index}." in post.content_html, post.source
        kept_after += f"After the vector {index}." in post.content_html
    assert kept_after > 0.85 * len(result.posts)


def test_the_checker_is_not_blind():
    """Most raw vectors, unsanitised, trip the checks above; so do the classic disguises."""
    tripped = [v for v in VECTORS if unsafe_fragment(v)]
    assert len(tripped) > 0.7 * len(VECTORS)
    for disguised in xss_vectors("checker"):
        assert unsafe_fragment(disguised), disguised
    assert scheme("\x01 J&a\tVA script:") is None  # "&" is not a scheme character: no scheme at all
    assert scheme(" \x01JaVa\tScRiPt:alert(1)") == "javascript"


XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_browser_view_carries_only_its_own_xhtml(corpus_build):
    """A browser runs XHTML inside a feed (render.feed_view): the only XHTML in any RSS or Atom
    document is feedpub's box and each entry's title link, with http(s) links, whatever a title,
    a term name or a permalink held; the stylesheet holds none of the site's text."""
    settings, result, _expected = corpus_build
    feeds = [path for path in result.files if path.endswith(("atom.xml", "rss.xml"))]
    for path in feeds:
        root = etree.fromstring(result.files[path])
        for element in root.iter(XHTML + "*"):
            tag = element.tag[len(XHTML) :]
            assert tag in ("div", "p", "code", "a"), (path, tag)
            assert set(element.attrib) <= {"class", "href"}, (path, element.attrib)
            assert scheme(element.get("href", "https:")) in ("http", "https"), (path, element.get("href"))
            if tag == "a" and element.getparent().tag.endswith("}link"):  # an entry's title
                entry = element.getparent().getparent()
                title = entry.findtext("title" if path.endswith("rss.xml") else ATOM + "title")
                assert len(element) == 0 and element.text == title, path
    from feedpub.render.feed_css import stylesheet

    assert result.files["feed.css"] == stylesheet(settings)
    for vector in VECTORS[:20]:
        assert stylesheet(replace(settings, site=replace(settings.site, title=vector))) == stylesheet(
            settings
        )

"""Post bodies → safe, absolute, XML-friendly HTML, and plain-text summaries (DESIGN.md §4).

Order matters: Markdown first (raw HTML allowed), then elements hidden with `display:none` are
dropped while their style is still visible, then ammonia (nh3) removes everything unsafe and,
through its attribute filter, turns every kept URL absolute against the post's own URL.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import lxml.html
import nh3
from lxml import etree
from markdown_it_pyrs import MarkdownIt

from feedpub.errors import PostError

# Characters XML 1.0 forbids anywhere in a document (tab, LF and CR are allowed).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HIDDEN_HINT = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|\bhidden\b", re.IGNORECASE)
_MORE = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)

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


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # markdown-it.rs: the markdown-it rules (CommonMark, raw HTML on) at Rust speed, ten times
    # faster than markdown-it-py on our posts with the same output for footnotes and tables.
    return MarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote"])


# markdown-it.rs recurses once per level of nesting and has no nesting limit: ">" * 90_000 or
# "1. " * 25_000 overflows the C stack and kills the process (SIGSEGV), in a thread with a small
# stack far sooner. Before rendering, nesting is bounded from the text: a line's container prefix
# (quote markers, list markers, indentation: at most two levels per character) and, per
# paragraph, the emphasis delimiters (each level needs an opener and a closer).
MAX_MARKDOWN_PREFIX = 2_000
MAX_MARKDOWN_DELIMITERS = 20_000
_LONG_PREFIX = re.compile(
    rf"^(?:[ \t>]|[-+*](?=[ \t])|\d{{1,9}}[.)](?=[ \t])){{{MAX_MARKDOWN_PREFIX + 1},}}", re.MULTILINE
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _delimiters(text: str) -> int:
    return text.count("*") + text.count("_") + text.count("~")


def check_markdown_nesting(text: str) -> None:
    """Raise PostError when `text` might nest deeper than the Markdown renderer can survive."""
    if len(text) > MAX_MARKDOWN_PREFIX and _LONG_PREFIX.search(text):
        raise PostError(
            f"Markdown nested too deeply: a line starts with more than {MAX_MARKDOWN_PREFIX} "
            "quote or list markers or indentation"
        )
    if _delimiters(text) > MAX_MARKDOWN_DELIMITERS and any(
        _delimiters(chunk) > MAX_MARKDOWN_DELIMITERS for chunk in _BLANK_LINE.split(text)
    ):
        raise PostError(
            f"Markdown nested too deeply: a paragraph holds more than {MAX_MARKDOWN_DELIMITERS} "
            "emphasis delimiters (* _ ~)"
        )


def is_panic(exc: BaseException) -> bool:
    """A Rust panic surfacing through pyo3: a BaseException, so `except Exception` misses it."""
    return type(exc).__name__ == "PanicException"


_BACKTICKS = re.compile(r"\\.|`+", re.DOTALL)


def escape_unmatched_backticks(text: str) -> str:
    """Backslash every run of backticks that no later run of the same length closes (within its
    paragraph). CommonMark reads such a run as literal text anyway, so the result renders the same;
    markdown-it.rs 0.6 panics on one inside link text, as in "[`x"."""
    out: list[str] = []
    for chunk in re.split(r"(\n[ \t]*\n)", text):
        runs = [m for m in _BACKTICKS.finditer(chunk) if m.group(0)[0] == "`"]
        position, index = 0, 0
        while index < len(runs):
            run = runs[index]
            closer = next(
                (j for j in range(index + 1, len(runs)) if len(runs[j].group(0)) == len(run.group(0))), None
            )
            if closer is None:
                out.append(chunk[position : run.start()] + "\\`" * len(run.group(0)))
                position = run.end()
                index += 1
            else:
                index = closer + 1
        out.append(chunk[position:])
    return "".join(out)


def markdown_to_html(text: str) -> str:
    """CommonMark + footnotes + tables; raw HTML passes through to the sanitiser.

    Raises PostError for text nested too deeply to render (see `check_markdown_nesting`), or that
    the renderer still fails on once unmatched backticks are escaped."""
    check_markdown_nesting(text)
    try:
        return _markdown().render(text)
    except BaseException as exc:
        if not is_panic(exc):
            raise
    try:  # markdown-it.rs panics on "[" followed by an unclosed backtick run
        return _markdown().render(escape_unmatched_backticks(text))
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise PostError(f"the Markdown renderer failed on this text ({exc})"[:300]) from None


def strip_xml_forbidden(text: str) -> str:
    """Remove characters no XML 1.0 document may contain."""
    return _XML_FORBIDDEN.sub("", text)


_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*)?$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PLAIN_FRAGMENT = re.compile(r"#[A-Za-z0-9\-._~:/?@!$&'()*+,;=]+$")
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?=[/?#]|$)")
# a rooted path of plain characters, without query, fragment or `/.` (dot segments, which
# urljoin collapses, take the long way)
_PLAIN_ROOTED = re.compile(r"/[A-Za-z0-9\-._~:@!$&'()*+,=%/]*$")  # no ';' (urljoin's path params)


def absolute_url(url: str, base: str) -> str:
    """Resolve `url` against `base` and percent-encode what a URL may not hold raw (spaces, Unicode)."""
    url = url.strip()
    if url.startswith("#"):
        if _PLAIN_FRAGMENT.match(url) and _PLAIN_ABSOLUTE.match(base):
            return base.split("#", 1)[0] + url  # a footnote link: what urljoin gives, far cheaper
    elif url.startswith("/") and not url.startswith("//"):
        origin = _PLAIN_ORIGIN.match(base)
        if origin and "/." not in url:
            if _PLAIN_ROOTED.match(url) and not _BAD_ESCAPE.search(url):
                return origin.group(0) + url  # `/images/a.png` (Hugo's featured_image): the same, cheaper
            if not _NOT_PATH_ONLY.search(url):  # `/img/Jun 24, 2025.jpg`: only the path to encode
                return origin.group(0) + quote(url, safe=_PATH_SAFE)
    elif _PLAIN_ABSOLUTE.match(url) and not _BAD_ESCAPE.search(url):
        return url  # already absolute, ASCII and encoded: nothing to do (the common case)
    return _resolve(url, base)


_PATH_SAFE = "/%:@!$&'()*+,;=~"
# what makes a rooted URL more than a path to percent-encode: a query, a fragment, `;` params,
# or the tab and line breaks urlsplit deletes
_NOT_PATH_ONLY = re.compile("[?#;\t\r\n]")


def _resolve(url: str, base: str) -> str:
    """What `absolute_url` means, the long way: join, IDNA host, percent-encode each part."""
    try:
        parts = urlsplit(urljoin(base, url))
        netloc = parts.netloc
        if not netloc.isascii():
            netloc = netloc.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return quote(url, safe="")
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=_PATH_SAFE),
            quote(parts.query, safe="/%:@!$&'()*+,;=~?"),
            quote(parts.fragment, safe="/%:@!$&'()*+,;=~?#"),
        )
    )


LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel"})
MEDIA_SCHEMES = frozenset({"http", "https"})


def safe_url(url: str, base: str, schemes: frozenset[str] = MEDIA_SCHEMES) -> str | None:
    """`absolute_url`, or None when the result is not of an allowed scheme (javascript:, data:, …)."""
    result = absolute_url(url, base)
    if _PLAIN_ABSOLUTE.match(result):
        return result  # http(s) with a host, allowed everywhere: the common case, once per attribute
    scheme = result.split(":", 1)[0].lower() if ":" in result else ""
    if scheme not in schemes:
        return None
    if scheme in ("http", "https") and not urlsplit(result).netloc:
        return None
    return result


def _srcset_candidates(value: str) -> list[tuple[str, str]]:
    """(url, descriptors) pairs, parsed as the HTML standard does: URLs may contain commas."""
    candidates: list[tuple[str, str]] = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        if not url:
            break
        if url.endswith(","):
            candidates.append((url.rstrip(","), ""))
            continue
        start, depth = position, 0
        while position < length and (value[position] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[position], 0)
            position += 1
        candidates.append((url, " ".join(value[start:position].split())))
        position += 1
    return candidates


def _absolute_srcset(value: str, base: str) -> str | None:
    """Every candidate made absolute; candidates with other schemes dropped; None if none is left."""
    kept = []
    for url, descriptors in _srcset_candidates(value):
        absolute = safe_url(url, base)
        if absolute is not None:
            kept.append(f"{absolute} {descriptors}".strip())
    return ", ".join(kept) or None


# An element holding only text and void tags, e.g. the seeds' `<p style="display:none"><br /></p>`:
# its extent is plain to see, so it can be dropped without parsing the whole fragment.
_SIMPLE_ELEMENT = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>((?:[^<]|<(?:br|wbr|img)\b[^<>]*>)*)</\1\s*>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _is_hidden(attributes: dict[str, str | None]) -> bool:
    style = re.sub(r"\s+", "", (attributes.get("style") or "").lower())
    return "hidden" in attributes or "display:none" in style or "visibility:hidden" in style


_HINT_WORDS = ("hidden", "display", "visibility")


def _hint_positions(lowered: str) -> list[int]:
    """Where the words of a hiding style or attribute start: str.find is many times faster than
    a case-insensitive regex over Chinese text."""
    found = []
    for word in _HINT_WORDS:
        index = lowered.find(word)
        while index >= 0:
            found.append(index)
            index = lowered.find(word, index + 1)
    return sorted(found)


def _drop_simple_hidden(fragment_html: str, lowered: str) -> str:
    """Cut the simple hidden elements, looking only where a hint word is."""
    kept: list[str] = []
    position = 0
    # Each "<" before a hint and the ">" after it are looked for once, and each tag is matched
    # once, however many hint words it holds: a post of a million "hidden" words, or one tag
    # with a million in an attribute, would otherwise cost time quadratic in its length.
    searched = start = gt = -1
    tried = -1
    for hint in _hint_positions(lowered):
        if hint < position:
            continue
        found = fragment_html.rfind("<", max(position, searched), hint)
        searched = hint
        if found >= 0:
            start, gt = found, fragment_html.find(">", found)
        if start < position or 0 <= gt < hint:
            continue  # not inside a tag
        if start == tried:
            continue  # this tag was looked at for an earlier hint
        tried = start
        match = _SIMPLE_ELEMENT.match(fragment_html, start)
        if match is None or hint >= match.start(3):
            continue  # not in the opening tag of a simple element
        attributes: dict[str, str | None] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(match.group(2)):
            value = double or single or bare
            attributes.setdefault(name.lower(), html.unescape(value) if value else None)
        if _is_hidden(attributes):
            kept.append(fragment_html[position:start])
            position = match.end()
    kept.append(fragment_html[position:])
    return "".join(kept)


def _drop_hidden(fragment_html: str) -> str:
    """Drop elements a browser would not show (`display:none`, `hidden`), content and all."""
    lowered = fragment_html.lower()
    if not any(word in lowered for word in _HINT_WORDS):
        return fragment_html
    if len(lowered) == len(fragment_html):  # positions agree: cut simple elements without a parser
        fragment_html = _drop_simple_hidden(fragment_html, lowered)
        lowered = fragment_html.lower()
        if not any(word in lowered for word in _HINT_WORDS):
            return fragment_html
    if not _HIDDEN_HINT.search(fragment_html):
        return fragment_html
    try:
        root = lxml.html.fragment_fromstring(fragment_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment_html
    dropped = False
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        if _is_hidden(dict(element.attrib)):
            element.drop_tree()
            dropped = True
    if not dropped:
        return fragment_html
    inner = [root.text or ""]
    inner.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(inner)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
# Elements that never nest (void) or whose end tag browsers imply; they do not deepen a tree.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
    ]
)


def limit_depth(fragment_html: str, max_depth: int) -> str:
    """Drop the tags (not the text) of elements nested deeper than `max_depth`.

    The sanitiser's cost grows with the square of nesting depth, so a post of ten thousand
    nested <div>s would stall a build; no real post nests a hundred levels deep.
    """
    if fragment_html.count("<") - fragment_html.count("</") <= max_depth:  # at most that many opened
        return fragment_html
    stack: list[tuple[str, bool]] = []
    out: list[str] = []
    position = 0
    # No tag ends after the last ">": searching past it would scan to the end of the text from
    # every "<" there (a post of a million "<a " took minutes).
    for match in _TAG.finditer(fragment_html, 0, fragment_html.rfind(">") + 1):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if name not in _FLAT and not self_closing:
            if not closing:
                keep = len(stack) < max_depth
                stack.append((name, keep))
            elif stack and stack[-1][0] == name:
                keep = stack.pop()[1]
        if not keep:
            out.append(fragment_html[position : match.start()])
            position = match.end()
    out.append(fragment_html[position:])
    return "".join(out)


class _Base:
    """The URL the attribute filter resolves against: one Cleaner serves every post, and a
    process sanitises one post at a time. `page` is that URL without its fragment when it is
    plain (then `page + "#x"` is what `absolute_url` makes of a plain fragment), else ""."""

    url = ""
    page = ""

    @classmethod
    def set(cls, url: str) -> None:
        cls.url = url
        cls.page = url.split("#", 1)[0] if _PLAIN_ABSOLUTE.match(url) else ""


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        if value[:1] == "#" and _Base.page and _PLAIN_FRAGMENT.fullmatch(value):
            return _Base.page + value  # a footnote link (dozens a post): `safe_url`'s answer, sooner
        return safe_url(value, _Base.url, LINK_SCHEMES)
    if attribute not in _URL_ATTRIBUTES:
        return value
    if attribute == "srcset":
        return _absolute_srcset(value, _Base.url)
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


@lru_cache(maxsize=1)
def _text_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, link_rel=None)


def sanitize(fragment_html: str, base_url: str, max_depth: int = 100) -> str:
    """Safe HTML with absolute URLs, no forbidden XML characters and no `]]>` to break CDATA."""
    prepared = _drop_hidden(limit_depth(strip_xml_forbidden(fragment_html), max_depth))
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


def render_body(body: str, is_markdown: bool, base_url: str, max_depth: int = 100) -> str:
    """The post body as safe HTML."""
    return render_parts(body, is_markdown, base_url, max_depth)[0]


def render_parts(
    body: str, is_markdown: bool, base_url: str, max_depth: int = 100, separator: str | None = None
) -> tuple[str, str | None]:
    """(safe HTML of the body, safe HTML of the part before the excerpt marker, or None).

    The marker (`<!--more-->`, or Jekyll's `excerpt_separator`) is looked for in the rendered
    HTML, so one inside a code block does not count, and footnotes and reference links defined
    after it still resolve in the part before it.
    """
    source = markdown_to_html(body) if is_markdown else body
    if separator is not None:
        index = source.find(separator)
        before = source[:index] if index >= 0 else None
    else:
        match = _MORE.search(source)
        before = source[: match.start()] if match else None
    return sanitize(source, base_url, max_depth), (
        sanitize(before, base_url, max_depth) if before else before
    )


# ---- plain text and summaries -------------------------------------------------------------

_FOOTNOTES = re.compile(
    r'<sup class="footnote-ref">.*?</sup>|<hr class="footnotes-sep">|<section class="footnotes">.*?</section>',
    re.DOTALL,
)
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|tr|td|th|pre|figure|figcaption|dd|dt)>|<br>", re.I)
_FIRST_PARAGRAPH = re.compile(r"<p[ >].*?</p>", re.DOTALL)
_SENTENCE_END = re.compile(r"(?:[。！？!?…]+|\.(?=\s|$))[\"'”’」』）)\]]*")


def html_to_text(fragment_html: str) -> str:
    """Visible text of safe HTML, whitespace collapsed, footnote markers left out."""
    text = _FOOTNOTES.sub("", fragment_html)
    text = _BLOCK_END.sub(lambda m: m.group(0) + " ", text)
    text = html.unescape(_text_cleaner().clean(text))
    return strip_xml_forbidden(" ".join(text.split()))


_ANY_TAG = re.compile(r"<[^>]*>")


def first_paragraph_text(fragment_html: str) -> str:
    """Text of the first paragraph that has any, else of the whole fragment (Jekyll's excerpt)."""
    for match in _FIRST_PARAGRAPH.finditer(_FOOTNOTES.sub("", fragment_html)):
        # Text in safe HTML never holds a raw "<", so cutting from each "<" to the next ">" can
        # leave attribute text behind but never removes text: a paragraph with nothing left has
        # no text, and a post of 100 000 image-only paragraphs need not be sanitised 100 000 times.
        if not html.unescape(_ANY_TAG.sub("", match.group(0))).split():
            continue
        text = html_to_text(match.group(0))
        if text:
            return text
    return html_to_text(fragment_html)


def cut_summary(text: str, limit: int) -> str:
    """Cut plain text at a sentence end near `limit` characters; never by words (Chinese has none)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].strip()
    cut = window
    if text[limit : limit + 1].isalnum() and text[limit].isascii():
        space = window.rfind(" ")
        if space >= limit // 2:
            cut = window[:space]
    return cut.rstrip(" ,;:，、；：") + "…"

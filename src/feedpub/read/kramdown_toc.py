"""kramdown's header ids and its `{:toc}` table of contents.

kramdown gives every Markdown heading an id (the GFM parser's: downcased, characters other than
word characters, `-`, space and tab removed, spaces and tabs turned into `-`, `-1`, `-2` … for
repeats; `{#id}` at the end of the line or a `{: #id}` list under it names its own), and replaces
the list marked `{:toc}` (`* TOC`) with a nested list of the headings linking to those ids,
leaving out headings marked `{: .no_toc}` and levels outside `toc_levels`. Links into the post
(`#id`) must match the site's page, which has kramdown's ids.

Before Liquid (`mark_headings`), while the attribute lists are still there, each heading gets a
comment saying what its lists said and the TOC list becomes a placeholder comment; after Markdown
(`heading_ids`), the headings get their ids and the placeholder the table of contents.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from feedpub.read.kramdown import KramdownOptions, code_lines

HEADING_MARK = "<!--feedpub:kramdown-h"
TOC_MARK = "<!--feedpub:kramdown-toc"
_ANY_HEADING = re.compile(r"^ {0,3}(?:(?:> ?)*#{1,6}[ \t]|(?:=+|-+)[ \t]*$|\{:\s*toc\b)", re.MULTILINE)
_ATX = re.compile(r"^( {0,3}(?:> ?)*)(#{1,6})[ \t]+(.*?)[ \t]*$")
_HEADER_ID = re.compile(r"[ \t]\{#([A-Za-z_:\u00c0-\uffff][\w:.\-\u00b7\u00c0-\uffff]*)\}$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_NOT_SETEXT_TEXT = re.compile(r"^(?: {4}|\t| {0,3}(?:[-*+>#<|]|\d{1,9}[.)]|\{:|$))")
_IAL = re.compile(r"^ {0,3}\{:([^{}\n]*)\}[ \t]*$")
_TOC = re.compile(r"^ {0,3}\{:\s*toc\b")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])[ \t]")
_ID_IN_IAL = re.compile(r"(?:^|\s)#([\w:.\-\u00b7\u00c0-\uffff]+)")
_MARKED = re.compile(
    r"<h([1-6])>((?:(?!</?h[1-6][\s>]).)*?)\s*<!--feedpub:kramdown-h([^<>]*)-->\s*</h\1>", re.DOTALL
)
# a mark CommonMark did not make a heading of: as a comment, or as text where it landed in code
_LEFT_MARK = re.compile(
    r"<!--feedpub:kramdown-(?:h[^<>]*|toc (?:ul|ol))-->|&lt;!--feedpub:kramdown-(?:h[^<>&]*|toc (?:ul|ol))--&gt;"
)
_PLACEHOLDER = re.compile(r"<!--feedpub:kramdown-toc (ul|ol)-->\n?")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)
_CODE_OR_TAG = re.compile(r"(<code[^>]*>.*?</code>)|<[^>]*>", re.DOTALL)


def mark_headings(text: str) -> str:
    """The text with a marking comment after each heading's text and the first `{:toc}` list
    turned into a placeholder (code and Liquid `highlight`/`raw`/`comment` blocks left alone)."""
    if _ANY_HEADING.search(text) is None:
        return text
    lines = text.split("\n")
    code = code_lines(lines, liquid=True)
    out: list[str] = []
    toc_done = False
    for index, line in enumerate(lines):
        if code[index]:
            out.append(line)
            continue
        if not toc_done and _TOC.match(line) and out and _LIST_ITEM.match(out[-1]):
            toc_done = True
            ordered = out[-1].lstrip()[0].isdigit()
            while out and _LIST_ITEM.match(out[-1]):
                out.pop()
            out += ["", f"{TOC_MARK} {'ol' if ordered else 'ul'}-->", ""]
            continue
        following = lines[index + 1] if index + 1 < len(lines) and not code[index + 1] else ""
        out.append(_marked(line, following, index == 0 or not lines[index - 1].strip(), lines, index))
    return "\n".join(out)


def _marked(line: str, following: str, after_blank: bool, lines: list[str], index: int) -> str:
    """The line, with the marking comment when it is (the text of) a heading."""
    atx = _ATX.match(line)
    if atx:
        content = atx[3]
        explicit = _HEADER_ID.search(content)
        if explicit:
            content = content[: explicit.start()].rstrip()
        content = re.sub(r"[ \t]#+$", "", content).rstrip()
        if not content.strip("#"):
            return line
        ids = [explicit[1]] if explicit else []
        return f"{atx[1]}{atx[2]} {content} {_mark(ids, _attribute_list(lines, index + 1))}"
    if after_blank and _SETEXT.match(following) and not _NOT_SETEXT_TEXT.match(line):
        return f"{line.rstrip()} {_mark([], _attribute_list(lines, index + 2))}"
    return line


def _attribute_list(lines: list[str], index: int) -> str:
    found = _IAL.match(lines[index]) if index < len(lines) else None
    return found[1] if found else ""


def _mark(ids: list[str], attributes: str) -> str:
    """The comment: `#id` and `.no_toc` when the heading's lists say so."""
    ids += _ID_IN_IAL.findall(attributes)
    parts = ([f"#{ids[-1]}"] if ids else []) + (
        [".no_toc"] if re.search(r"(?:^|\s)\.no_toc\b", attributes) else []
    )
    return f"{HEADING_MARK}{' ' + ' '.join(parts) if parts else ''}-->"


def heading_ids(page: str, options: KramdownOptions) -> str:
    """The rendered HTML with kramdown's ids on the marked headings and the table of contents in
    place of its placeholder."""
    if HEADING_MARK not in page and TOC_MARK not in page:
        return page
    used: dict[str, int] = {}
    toc: list[tuple[int, str, str]] = []

    def heading(found: re.Match[str]) -> str:
        level, inner, attributes = int(found[1]), found[2], found[3].split()
        given = next((a[1:] for a in attributes if a.startswith("#")), None)
        anchor = given or (_auto_id(inner, options, used) if options.auto_ids else None)
        if anchor is None:
            return f"<h{level}>{inner}</h{level}>"
        if level in options.toc_levels and ".no_toc" not in attributes:
            toc.append((level, anchor, inner))
        return f'<h{level} id="{html.escape(anchor)}">{inner}</h{level}>'

    page = _MARKED.sub(heading, page)
    page = _PLACEHOLDER.sub(lambda found: _toc_html(toc, found[1]), page, count=1)
    return _LEFT_MARK.sub("", page)


def _auto_id(inner: str, options: KramdownOptions, used: dict[str, int]) -> str:
    """kramdown's id for a heading, from its text as kramdown's parser sees it."""
    text = _raw_text(inner)
    if options.gfm:  # kramdown-parser-gfm's generate_gfm_header_id
        anchor = "".join(c for c in text.lower() if _word(c) or c in "- \t").translate(_DASHES)
        used[anchor] = used.get(anchor, -1) + 1
        return options.id_prefix + (anchor + f"-{used[anchor]}" if used[anchor] else anchor)
    anchor = re.sub(r"^[^a-zA-Z]+", "", text)  # kramdown's own generate_id
    anchor = re.sub(r"[^a-zA-Z0-9 -]", "", anchor).replace(" ", "-").lower() or "section"
    if anchor in used:
        used[anchor] += 1
        anchor += f"-{used[anchor]}"
    else:
        used[anchor] = 0
    return options.id_prefix + anchor


_DASHES = str.maketrans({" ": "-", "\t": "-"})


def _word(char: str) -> bool:
    """Onigmo's \\p{Word}: letters, marks, decimal digits, connector punctuation, joiners."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc") or char in "\u200c\u200d"


def _raw_text(inner: str) -> str:
    """The heading's text as kramdown's raw text: no footnote markers; outside code, `--` and
    `---` are typographic dashes (which the id generator drops)."""
    parts: list[str] = []
    for piece in _CODE_OR_TAG.split(_FOOTNOTE_REF.sub("", inner)):
        if piece is None or (piece.startswith("<") and not piece.startswith("<code")):
            continue
        if piece.startswith("<code"):
            parts.append(html.unescape(re.sub(r"<[^>]*>", "", piece)))
        else:
            parts.append(re.sub("---|--", "", html.unescape(piece)))
    return "".join(parts)


@dataclass
class _Entry:
    level: int
    anchor: str
    inner: str
    children: list[_Entry] = field(default_factory=list)


def _toc_html(toc: list[tuple[int, str, str]], kind: str) -> str:
    """kramdown's table of contents: each heading under the last one of a smaller level."""
    if not toc:
        return ""
    roots: list[_Entry] = []
    stack: list[_Entry] = []
    for level, anchor, inner in toc:
        entry = _Entry(level, anchor, inner)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return _toc_list(roots, kind, ' id="markdown-toc"')


def _toc_list(entries: list[_Entry], kind: str, attributes: str = "") -> str:
    items = []
    for entry in entries:
        text = re.sub(r"</?a\b[^>]*>", "", _FOOTNOTE_REF.sub("", entry.inner))
        target = html.escape(entry.anchor)
        nested = _toc_list(entry.children, kind) if entry.children else ""
        items.append(f'<li><a href="#{target}" id="markdown-toc-{target}">{text}</a>{nested}</li>\n')
    return f"\n<{kind}{attributes}>\n" + "".join(items) + f"</{kind}>\n"

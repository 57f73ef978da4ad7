"""kramdown's HTML blocks, rewritten so that CommonMark reads them as kramdown does.

kramdown reads an element that starts a line (any tag but its span elements) up to its matching
end tag as raw HTML, blank lines and all; CommonMark ends an HTML block at the first blank line and
reads the rest as Markdown (indented lines as code). So inside such an element blank lines are
dropped (inside a `<pre>`, where they show, written as `&#10;`), and a blank line goes after it.
`markdown="1"` (or `block`, `span`) makes kramdown read the content as Markdown: the content is
set off by blank lines, which makes CommonMark do the same. A line that is only a span tag
(`<img …>`, `<br>`) starts a paragraph in kramdown but an HTML block in CommonMark: an empty
comment after the tag keeps it a paragraph. An element without its end tag swallows the rest of
the post in kramdown; here the rest is left as it is.
"""

from __future__ import annotations

import re

from feedpub.read.kramdown import code_lines


def _words(names: str) -> frozenset[str]:
    return frozenset(names.split())


SPAN_ELEMENTS = _words(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
    "option q rb rbc rp rt rtc ruby samp select small span strong sub sup tt u var"
)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_VOID = _words("area base br col command embed hr img input keygen link meta param source track wbr")
# the elements whose start ends a paragraph in CommonMark too (HTML blocks of types 1 and 6)
_COMMONMARK_BLOCK = _words(
    "address article aside base basefont blockquote body caption center col colgroup dd "
    "details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 "
    "h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol "
    "optgroup option p param search section summary table tbody td tfoot th thead title tr "
    "track ul pre script style textarea"
)
_BLOCK_CONTENT = _words(
    "address applet article aside blockquote body dd details div dl fieldset figure "
    "figcaption footer form header hgroup iframe li main map menu nav noscript object section "
    "summary td"
)
_SPAN_CONTENT = _words(
    "a abbr acronym b bdo big button cite caption del dfn dt em h1 h2 h3 h4 h5 h6 i ins label "
    "legend optgroup p q rb rbc rp rt rtc ruby select small span strong sub sup th tt"
)
MAX_DEPTH = 32  # markdown="1" inside markdown="1": deeper than this is left as it is

_NAME = r"[A-Za-z][\w.:-]{0,99}"
_VALUE = r"""(?>"[^"]{0,4000}"|'[^']{0,4000}'|[^\s"'=<>`]+)"""
_TAG = re.compile(rf"<(/?)({_NAME})((?>\s+[^\s=/>\"']{{1,200}}(?>\s*=\s*{_VALUE})?)*+)\s*(/?)>", re.DOTALL)
_CANDIDATE = re.compile(r"<(?:!--|\?|/?[A-Za-z])")
_START = re.compile(rf"^ {{0,3}}<({_NAME})(?=[\s/>])")
_ANY_START = re.compile(r"^ {0,3}<[A-Za-z]", re.MULTILINE)
_MARKDOWN_ATTRIBUTE = re.compile(rf"""\s+markdown\s*=\s*({_VALUE})""", re.IGNORECASE)
_PRE = re.compile(r"<(/?)pre(?=[\s>])", re.IGNORECASE)


class _Scanner:
    """kramdown's raw HTML parser, as far as where an element ends: nested elements are pushed,
    an end tag closes the innermost one when it names it and is ignored otherwise; comments,
    processing instructions, `script` and `style` are skipped whole."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.unclosed: dict[str, int] = {}  # closer → an offset after which it never occurs

    def find(self, closer: str, start: int) -> int:
        if start >= self.unclosed.get(closer, len(self.text) + 1):
            return -1
        found = self.text.find(closer, start)
        if found < 0:
            self.unclosed[closer] = start
        return found

    def end_of(self, name: str, start: int) -> int | None:
        """Offset just past the end tag of the element `name` whose start tag ends at `start`."""
        stack, position, text = [name], start, self.text
        while (found := _CANDIDATE.search(text, position)) is not None:
            at = found.start()
            if text.startswith(("<!--", "<?"), at):
                closer = "-->" if text[at + 1] == "!" else "?>"
                close = self.find(closer, at + 2)
                position = close + len(closer) if close >= 0 else at + 1
                continue
            tag = _TAG.match(text, at)
            if tag is None:
                position = at + 1
                continue
            position, tag_name = tag.end(), tag[2].lower()
            if tag[1]:
                if tag_name == stack[-1]:
                    stack.pop()
                    if not stack:
                        return position
            elif tag_name in ("script", "style"):
                close = self.find(f"</{tag_name}", position)
                if close < 0:
                    return None
                position = close + 2
            elif not tag[4] and tag_name not in _VOID:
                stack.append(tag_name)
        return None


def kramdown_html_blocks(text: str, depth: int = 0) -> str:
    """`text` with its HTML blocks made to read in CommonMark as kramdown reads them."""
    if "<" not in text or depth > MAX_DEPTH or not _ANY_START.search(text):
        return text
    return _Blocks(text, depth).run()


def _reads_markdown(name: str, attributes: str) -> bool:
    """Whether kramdown parses the element's content (`markdown="1"` on an element whose content
    is blocks or spans, `markdown="block"` or `"span"`); `"0"` and the rest keep it raw."""
    found = _MARKDOWN_ATTRIBUTE.search(attributes)
    if found is None:
        return False
    value = found[1].strip("\"'")
    if value == "1":
        return name in _BLOCK_CONTENT or name in _SPAN_CONTENT
    return value in ("block", "span")


class _Blocks:
    """One pass over a Markdown text (or a `markdown="1"` element's content), line by line."""

    def __init__(self, text: str, depth: int) -> None:
        self.text, self.depth = text, depth
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.code = code_lines(self.lines)
        self.scanner = _Scanner(text)
        self.out: list[str] = []

    def run(self) -> str:
        index, lines = 0, self.lines
        while index < len(lines):
            line = lines[index]
            start = _START.match(line) if not self.code[index] and "<" in line else None
            if start is None or start[1].lower() in SPAN_ELEMENTS:
                self.out.append(self.span_line(index) if start else line)
                index += 1
                continue
            after = self.element(index, line.index("<"))
            if after is None:  # no end tag: kramdown takes the rest as HTML; left as it is
                self.out.extend(lines[index:])
                break
            index = after
        return "\n".join(self.out)

    def line_of(self, offset: int) -> int:
        """The index of the line holding `offset`."""
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if self.starts[middle] <= offset else (low, middle - 1)
        return low

    def line_end(self, index: int) -> int:
        return self.starts[index] + len(self.lines[index])

    def end_of(self, tag: re.Match[str]) -> int | None:
        name = tag[2].lower()
        if tag[4] or name in _VOID:
            return tag.end()
        if name in ("script", "style"):
            close = self.scanner.find(f"</{name}", tag.end())
            found = _TAG.match(self.text, close) if close >= 0 else None
            return found.end() if found else None
        return self.scanner.end_of(name, tag.end())

    def element(self, index: int, column: int) -> int | None:
        """Write the element starting the line `index`; the index of the line after it."""
        tag = _TAG.match(self.text, self.starts[index] + column)
        if tag is None or tag[1]:
            self.out.append(self.lines[index])
            return index + 1
        end = self.end_of(tag)
        if end is None:
            return None
        name, last = tag[2].lower(), self.line_of(end - 1)
        if name not in _COMMONMARK_BLOCK and self.out and self.out[-1].strip():
            self.out.append("")  # a CommonMark HTML block of type 7 cannot end a paragraph
        if _reads_markdown(name, tag[3]):
            self.markdown_element(self.lines[index][:column], tag, end)
        else:
            self.raw(index, last, tag, end)
        tail = self.text[end : self.line_end(last)]
        if tail.strip():  # kramdown reads on after the end tag
            self.out += ["", tail.lstrip()]
        if last + 1 < len(self.lines) and self.lines[last + 1].strip():
            self.out.append("")
        return last + 1

    def markdown_element(self, indent: str, tag: re.Match[str], end: int) -> None:
        """The element with its content set off by blank lines: Markdown to CommonMark too."""
        close = self.text.rfind("</", tag.end(), end)
        inner = self.text[tag.end() : close].strip("\n")
        self.out += [indent + _MARKDOWN_ATTRIBUTE.sub("", tag[0], count=1), ""]
        self.out += kramdown_html_blocks(inner, self.depth + 1).split("\n")
        self.out += ["", self.text[close:end]]

    def raw(self, first: int, last: int, tag: re.Match[str], end: int) -> None:
        """The element as one CommonMark HTML block: its blank lines dropped, or in a `<pre>`
        kept as `&#10;`; an element inside it with `markdown="1"` read as Markdown."""
        pieces = [(k, self.lines[k]) for k in range(first, last + 1)]
        pieces[-1] = (last, self.text[self.starts[last] : end])
        column = tag.end() - self.starts[first]
        alone = not pieces[0][1][column:].strip()  # type 7 wants the start tag alone on its line
        if tag[2].lower() not in _COMMONMARK_BLOCK and column > 0 and not alone:
            pieces[0:1] = [(first, pieces[0][1][:column]), (first, pieces[0][1][column:])]
        depth, position = 0, 0
        while position < len(pieces):
            k, line = pieces[position]
            position += 1
            if k > first and "markdown" in line and (after := self.nested(k, end)) is not None:
                while position < len(pieces) and pieces[position][0] < after:
                    position += 1
                continue
            if not line.strip():
                if depth > 0:
                    self.out[-1] += "&#10;" + line
                continue
            for found in _PRE.finditer(line):
                depth = max(0, depth + (-1 if found[1] else 1))
            self.out.append(line)

    def nested(self, index: int, limit: int) -> int | None:
        """A `markdown="1"` element starting line `index` inside a raw one: written, and the index
        of the line after it (the rest of its last line goes on the same output line)."""
        start = _START.match(self.lines[index])
        if start is None:
            return None
        tag = _TAG.match(self.text, self.starts[index] + self.lines[index].index("<"))
        if tag is None or tag[1] or tag[4] or not _reads_markdown(tag[2].lower(), tag[3]):
            return None
        end = self.scanner.end_of(tag[2].lower(), tag.end())
        if end is None or end > limit:
            return None
        self.markdown_element(self.lines[index][: tag.start() - self.starts[index]], tag, end)
        last = self.line_of(end - 1)
        self.out[-1] += self.text[end : min(self.line_end(last), limit)]
        return last + 1

    def span_line(self, index: int) -> str:
        """A line that is one span tag and nothing else, where a block may start: CommonMark
        would start an HTML block there (type 7), kramdown a paragraph; `<!---->` prevents it."""
        line = self.lines[index]
        previous = self.lines[index - 1] if index > 0 else ""
        if previous.strip() and not self.code[index - 1] and not _ATX_HEADING.match(previous):
            return line  # inside a paragraph (a code fence or a heading ends its block: not then)
        tag = _TAG.match(line.strip())
        return line.rstrip() + "<!---->" if tag and tag.end() == len(line.strip()) else line

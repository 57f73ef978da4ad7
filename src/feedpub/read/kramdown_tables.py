"""kramdown's tables, rewritten as the GFM tables CommonMark's table extension reads the same way.

kramdown takes a run of lines that each hold an unescaped `|` (outside code spans), after a blank
line and before one, as a table: rows before a separator line (`|---|`, `|---+---|`) are the
header, later separators start a new body, `|===|` a footer, and a table without any separator
has no header at all. GFM wants exactly one header row and its delimiter row next; it also takes a
table right after a paragraph or heading, and reads on into the next line, where kramdown leaves a
paragraph. So each kramdown table is written again in GFM's form (a table without a header gets an
empty one marked for `drop_empty_headers`), and a GFM delimiter row kramdown does not read as a
table gets its first `|` escaped.
"""

from __future__ import annotations

import re

from feedpub.read.kramdown import code_lines

NO_HEADER = "<!--feedpub:kramdown-no-header-->"
_PIPE_LINE = re.compile(r"^(?:\||.*?[^\\\n]\|)")  # kramdown's TABLE_PIPE_CHECK at a line's start
_START = re.compile(r"^ {0,3}\S")
_SEPARATOR = re.compile(r"^[+|: \t-]*?-[+|: \t-]*?[ \t]*$")
_FOOTER = re.compile(r"^[+|: \t=]*?=[+|: \t=]*?[ \t]*$")
_ALIGN = re.compile(r"[ \t]?(:?)-+(:?)[ \t]?")
_GFM_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CODE = re.compile(r"(`+)(.{1,2000}?)(?<!`)\1(?!`)|<code[^>]{0,500}>.{0,2000}?</code>", re.DOTALL)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_BOUNDARY = re.compile(r"^(?:[ \t]*$|\^[ \t]*$| {0,3}\{:)")  # blank, end-of-block `^`, attribute list
_EMPTY_HEADER = re.compile(
    rf"<thead>\s*<tr>\s*<th[^>]*>{re.escape(NO_HEADER)}</th>(?:\s*<th[^>]*></th>)*\s*</tr>\s*</thead>\s*"
)


def kramdown_tables(text: str) -> str:
    """`text` with kramdown's tables in GFM's form, and GFM tables kramdown does not read defused."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    code = code_lines(lines)
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = _table_end(lines, code, index)
        if end is not None:
            table = _gfm_table(lines[index:end])
            if table is not None:
                out += table
                index = end
                continue
        line = lines[index]
        defuse = "|" in line and "-" in line and not code[index] and bool(_GFM_DELIMITER.match(line))
        defuse = defuse and index > 0 and "|" in lines[index - 1]  # GFM's header row before it
        out.append(line.replace("|", "\\|", 1) if defuse else line)
        index += 1
    return "\n".join(out)


def drop_empty_headers(html: str) -> str:
    """The empty header given to a kramdown table that has none, taken out of the HTML again."""
    return _EMPTY_HEADER.sub("", html) if NO_HEADER in html else html


def _table_end(lines: list[str], code: list[bool], start: int) -> int | None:
    """The end of the kramdown table starting at line `start`, or None when none starts there."""
    if "|" not in lines[start] or code[start] or (start > 0 and not _BOUNDARY.match(lines[start - 1])):
        return None
    if not _START.match(lines[start]) or not _has_pipe(lines[start]):
        return None
    end = start
    while end < len(lines) and not code[end] and _PIPE_LINE.match(lines[end]) and _has_pipe(lines[end]):
        end += 1
    if end < len(lines) and not _BOUNDARY.match(lines[end]):
        return None  # kramdown wants a blank line (or the end) after a table
    return end


def _has_pipe(line: str) -> bool:
    """Whether the line has an unescaped `|` outside code spans (kramdown's check per line)."""
    return _UNESCAPED_PIPE.search(_CODE.sub("", line)) is not None


def _cells(line: str, leading_pipe: bool) -> list[str]:
    """A row's cells as kramdown splits them: at unescaped pipes outside code spans."""
    cells: list[str] = [""]
    position = 0
    for code in [*_CODE.finditer(line), None]:
        text = line[position : code.start() if code else len(line)]
        first, *rest = _UNESCAPED_PIPE.split(text)
        cells[-1] += first.replace("\\|", "|")
        cells += [part.replace("\\|", "|") for part in rest]
        if code is not None:
            cells[-1] += code[0]
            position = code.end()
    if leading_pipe and len(cells) > 1 and not cells[0].strip():
        cells.pop(0)
    if cells and not cells[-1].strip():
        cells.pop()
    return [cell.strip() for cell in cells]


def _alignment(separator: str) -> list[str]:
    return [
        ":-:" if left and right else ":--" if left else "--:" if right else "---"
        for left, right in _ALIGN.findall(separator)
    ]


def _gfm_table(lines: list[str]) -> list[str] | None:
    """The table's lines in GFM's form, or None when kramdown finds no body in it."""
    leading_pipe = re.match(r"^\s*\|", lines[0]) is not None
    header: list[list[str]] | None = None
    alignment: list[str] = []
    body: list[list[str]] = []
    rows: list[list[str]] = []
    footer = False
    for line in lines:
        if _SEPARATOR.match(line):
            if rows and header is None and not footer:
                header, alignment, rows = rows, _alignment(line), []
            body += rows
            rows = []
        elif _FOOTER.match(line):
            footer, body, rows = True, body + rows, []
        else:
            rows.append(_cells(line, leading_pipe))
    body += rows
    if not body:
        return None  # kramdown: "table without body"
    if header is None:
        header = [[NO_HEADER]]
    columns = max(1, *(len(row) for row in header + body))
    alignment = (alignment + ["---"] * columns)[:columns]
    return [_row(header[0], columns), _row(alignment, columns)] + [
        _row(row, columns) for row in header[1:] + body
    ]


def _row(cells: list[str], columns: int) -> str:
    padded = [cell.replace("|", "\\|") for cell in cells] + [""] * (columns - len(cells))
    return "| " + " | ".join(padded) + " |"

"""Which straight quotes Goldmark's typographer (Hugo) turns into curly ones, and which it leaves.

Goldmark decides by CommonMark's delimiter-run rules (a quote that can only open opens, one that
can only close closes an open one, one between two letters stays straight: `有点"闷"，` keeps
both), with its own cases for apostrophes (`don't`, `'90s`, `'twas`, `Smiths'`). SmartyPants'
rules (read.typography, kramdown's) would curl every one of them, which Chinese text with ASCII
quotes shows at once. This follows goldmark's extension/typographer.go.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass
class Unclosed:
    """Quotes opened and not yet closed in the current block (Goldmark resets it per block)."""

    double: int = 0
    single: int = 0


def _space(char: str) -> bool:
    return char.isspace()


def _punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"  # goldmark's IsPunctRune: punctuation or symbol


def _left_flanking(before: str, after: str) -> bool:
    return not _space(after) and (not _punct(after) or _space(before) or _punct(before))


def _right_flanking(before: str, after: str) -> bool:
    return not _space(before) and (not _punct(before) or _space(after) or _punct(after))


def goldmark_quotes(
    text: str, before: str, after: str, marks: tuple[str, str, str, str], unclosed: Unclosed
) -> str:
    """`text` (HTML text, `&quot;` for `"`) with its quotes decided; `before`/`after` are the
    characters beside it ("" at a block's edge); `marks` are lsquo, rsquo, ldquo, rdquo."""
    plain = text.replace("&quot;", '"')
    out: list[str] = []
    for index, char in enumerate(plain):
        if char not in "'\"":
            out.append(char)
            continue
        previous = plain[index - 1] if index else (before or "\n")
        line = (
            char + (plain[index + 1 : index + 5] + ("" if index + 5 <= len(plain) else after)).split("\n")[0]
        )
        made = (
            _double(line, previous, marks, unclosed)
            if char == '"'
            else _single(line, previous, marks, unclosed)
        )
        out.append(made if made is not None else ('"' if char == '"' else "'"))
    return "".join(out).replace('"', "&quot;")


def _flanks(line: str, previous: str) -> tuple[bool, bool]:
    following = line[1] if len(line) > 1 else " "
    return _left_flanking(previous, following), _right_flanking(previous, following)


def _closes(line: str, can_open: bool, can_close: bool) -> bool:
    if can_close and not can_open:
        return True
    return (
        can_close
        and can_open
        and len(line) > 1
        and _punct(line[1])
        and (len(line) == 2 or _punct(line[2]) or _space(line[2]))
    )


def _double(line: str, previous: str, marks: tuple[str, str, str, str], unclosed: Unclosed) -> str | None:
    can_open, can_close = _flanks(line, previous)
    if can_open and not can_close:
        unclosed.double += 1
        return marks[2]
    if unclosed.double > 0 and _closes(line, can_open, can_close):
        if len(line) > 1 and line[1] == '"' and previous.isdigit():  # "Monitor 21""
            return None
        unclosed.double -= 1
        return marks[3]
    return None


def _single(line: str, previous: str, marks: tuple[str, str, str, str], unclosed: Unclosed) -> str | None:
    can_open, can_close = _flanks(line, previous)
    if not can_open and not can_close:
        return None
    apostrophe = marks[1]
    decade = len(line) > 3 and line[1:3].isdigit() and line[3] == "s"  # '90s
    if can_open and not can_close and decade and (len(line) == 4 or _space(line[4]) or _punct(line[4])):
        return apostrophe
    if len(line) > 1 and (_punct(previous) or _space(previous)) and line[1] in "tenl":  # 'twas, 'em
        return apostrophe
    if len(line) > 1 and (previous.isdigit() or previous.isalpha()) and line[1].isalpha():
        return apostrophe  # don't, it's
    if can_open and not can_close:
        closing = (
            len(line) > 1 and line[1] in "smtd" and (len(line) < 3 or _punct(line[2]) or _space(line[2]))
        ) or (
            len(line) > 2
            and line[1:3] in ("ve", "ll", "re")
            and (len(line) < 4 or _punct(line[3]) or _space(line[3]))
        )
        if not closing:
            unclosed.single += 1
        return marks[1] if closing else marks[0]
    if len(line) > 1 and (_space(line[0]) or (_punct(line[0]) and len(line) > 2 and not line[1].isdigit())):
        return marks[1]  # Smiths', doin' (goldmark tests the quote itself: always punctuation)
    if unclosed.single > 0 and _closes(line, can_open, can_close):
        unclosed.single -= 1
        return marks[1]
    return None

"""Which way kramdown (Jekyll) curls each straight quote: its SQ_RULES, in order
(kramdown/parser/kramdown/smart_quotes.rb, from SmartyPants).

kramdown looks at the quote, the character before it (none when the quote starts a run of text:
after a tag, another quote, or at the start of a block) and the text after it. Its `\\w` and `\\s`
are ASCII, so a quote after any other character, Chinese included, closes: `的"引号"` gives
`的”引号”`, as Jekyll shows it.
"""

from __future__ import annotations

import re

_PUNCT = frozenset("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~")
_NOT_CLOSING = frozenset(" \\\t\r\n[{(-")
_EMPHASIS_NEXT = re.compile(r"[_*]{1,2}\S")
_DECADE = re.compile(r"\d\ds")
_PLURAL = re.compile(r"s(?![A-Za-z0-9_])")


def _word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _space(char: str) -> bool:
    return char in " \t\r\n\f\v"


def kramdown_quotes(text: str, marks: tuple[str, str, str, str], after: str = "") -> str:
    """`text` (one run of HTML text, `&quot;` for `"`) with each quote curled as kramdown does;
    `marks` are lsquo, rsquo, ldquo, rdquo; `after` is the text that follows the run."""
    plain = text.replace("&quot;", '"')
    ahead = plain + after
    out: list[str] = []
    previous: str | None = None  # None: the quote would start kramdown's text run
    forced = False  # the second quote of `"'word` / `'"word`: opening too
    for index, char in enumerate(plain):
        if char not in "'\"":
            out.append(char)
            previous = char
            continue
        rest = ahead[index + 1 : index + 4]
        if forced:
            opening, forced = True, False
        else:
            opening, forced = _opens(char, previous, rest)
        out.append(marks[(0 if char == "'" else 2) + (0 if opening else 1)])
        previous = None  # a quote is an element of its own: the next one starts a run
    return "".join(out).replace('"', "&quot;")


def _opens(char: str, previous: str | None, rest: str) -> tuple[bool, bool]:
    """SQ_RULES in order: (whether the quote opens, whether the next one is its pair's inner
    opening quote, as in `"'Quoted' words"`)."""
    following = rest[:1]
    if previous is None:
        if _EMPHASIS_NEXT.match(rest):
            return True, False
        punctuation = following and following in _PUNCT and rest[1:3] != ".."
        if punctuation and _word(following) == _word(rest[1:2] or " "):  # \B after it
            return False, False
    starts = previous is None or _space(previous)
    if starts and following in ("'", '"') and following != char and len(rest) > 1 and _word(rest[1]):
        return True, True
    if starts and char == "'" and _DECADE.match(rest):
        return False, False  # the '80s
    if previous is not None and _space(previous) and following and _word(following):
        return True, False
    if previous is not None and previous not in _NOT_CLOSING:
        return False, False
    if previous is None and (not following or following == "\n" or _space(following) or _PLURAL.match(rest)):
        return False, False
    return True, False

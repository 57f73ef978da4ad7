"""Hugo's shortcode syntax (`parser/pageparser/pagelexer_shortcode.go`), read into a tree.

`{{< name args >}}` and `{{% name args %}}` open a shortcode, `{{< /name >}}` closes it,
`{{< name />}}` closes it at once; args are all positional (`a "b c" \\`d\\``) or all named
(`k=v k="v w" k=\\`v\\``); unquoted values are typed (true/false, ints, floats).
`{{</* x */>}}` is the literal text `{{< x >}}`. Hugo decides whether a shortcode takes inner
content from its template (`.Inner`); feedpub cannot run templates, so a tag takes the text up to
a matching closing tag when one follows, and stands alone otherwise. Tags are matched with a
stack, a tag is at most MAX_TAG characters long, and nesting stops at MAX_DEPTH: linear time.
A malformed tag is removed (from its `{{` to where it went wrong, or to its `>}}` on that line)
and reported with its 1-based line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

MAX_TAG = 8192  # characters from `{{<` to `>}}`
MAX_DEPTH = 16  # nested shortcodes

_SPACE = re.compile(r"[ \t\n\v\f\r]+")
_NAME = re.compile(r"\w[\w\-/]*(?:\.inline(?=[ \t\n\v\f\r]))?")
_WORD = re.compile(r"[\w\-.]+")
_QUOTED = re.compile(r'"((?:[^"\\\n]|\\[^\n])*)"')
_RAW = re.compile(r"`([^`]*)`")
_ESCAPED_QUOTED = re.compile(r'\\"(.*?)\\"')
_TO_SPACE = re.compile(r"[^ \t\n\v\f\r]*")
_START = re.compile(r"\{\{[<%]")
_BOOL = re.compile(r"true|false")
_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?\d*\.\d+")


@dataclass
class Shortcode:
    """One shortcode: its arguments, whether it has a closing tag, and what lies between."""

    name: str
    params: list[Any] | dict[str, Any]
    markup: bool  # opened with {{% %}}: its output is Markdown for the page's renderer
    line: int
    indentation: str = ""  # the whitespace before the tag when only whitespace precedes it
    inner: list[str | Shortcode] | None = None  # None: no closing tag
    self_closed: bool = False

    @property
    def inline(self) -> bool:
        return self.name.endswith(".inline")


@dataclass
class _Tag:
    name: str
    params: list[Any] | dict[str, Any]
    markup: bool
    closing: bool
    self_closed: bool
    start: int
    end: int


class TagError(ValueError):
    """A malformed tag: where the lexer gave up."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.at = at


@dataclass
class Parsed:
    """The body as text and shortcodes, and what went wrong as (line, name, message)."""

    nodes: list[str | Shortcode]
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def typed(value: str) -> Any:
    """`Item.ValTyped`: an unquoted true/false, integer or float is one."""
    if _BOOL.fullmatch(value):
        return value == "true"
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = [m.start() for m in re.finditer("\n", text)]
        self.problems: list[tuple[int, str, str]] = []

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.lines, pos) + 1

    def items(self) -> list[str | _Tag]:
        """Text runs and tags, in order; escaped tags become text, broken ones vanish."""
        text, pos = self.text, 0
        out: list[str | _Tag] = []
        for match in _START.finditer(text):
            start = match.start()
            if start < pos:
                continue
            out.append(text[pos:start])
            try:
                item, pos = self.tag(start)
            except TagError as exc:
                pos = self.skip_broken(start, exc.at)
                self.problems.append((self.line(start), self.name_at(start), str(exc)))
                continue
            out.append(item)
        out.append(text[pos:])
        return [item for item in out if item != ""]

    def name_at(self, start: int) -> str:
        found = _NAME.match(self.text, start + 3 + (self.text[start + 3 : start + 4] == "/"))
        return found.group(0) if found else ""

    def skip_broken(self, start: int, at: int) -> int:
        """Past the broken piece: through its right delimiter when that follows on the same line."""
        right = ">}}" if self.text[start + 2] == "<" else "%}}"
        end = self.text.find(right, start, at + 200)
        if end >= 0 and "\n" not in self.text[at:end]:
            return max(end + 3, at + 1)
        return min(max(at + 1, start + 3), len(self.text))

    def tag(self, start: int) -> tuple[str | _Tag, int]:
        text, markup = self.text, self.text[start + 2] == "%"
        right = "%}}" if markup else ">}}"
        pos = start + 3
        if text.startswith("/*", pos):
            close = text.find("*/" + right, pos + 2)
            if close < 0:
                raise TagError("comment must be closed", pos + 1)
            return text[start:pos] + text[pos + 2 : close] + right, close + 5
        return self.fields(start, pos, right, markup)

    def fields(self, start: int, pos: int, right: str, markup: bool) -> tuple[_Tag, int]:
        text, limit = self.text, min(len(self.text), start + MAX_TAG)
        tag = _Tag("", [], markup, False, False, start, 0)
        while True:
            if pos >= limit:
                raise TagError("unclosed shortcode", limit)
            if text.startswith(right, pos):
                if not tag.name:
                    raise TagError("shortcode has no name", pos)
                tag.end = pos + 3
                return tag, tag.end
            pos = self.field(tag, pos, right)

    def field(self, tag: _Tag, pos: int, right: str) -> int:
        text, char = self.text, self.text[pos]
        if space := _SPACE.match(text, pos):
            return space.end()
        if tag.self_closed or (tag.closing and tag.name):
            raise TagError("unclosed shortcode", pos)
        if char == "/":
            if tag.name:
                tag.self_closed = True
            else:
                tag.closing = True
            return pos + 1
        if not tag.name:
            name = _NAME.match(text, pos)
            if not name:
                raise TagError(f"unrecognized character in shortcode action: {char!r}", pos)
            tag.name = name.group(0)
            return name.end()
        return self.param(tag, pos)

    def param(self, tag: _Tag, pos: int) -> int:
        text = self.text
        if quoted := _QUOTED.match(text, pos) or _RAW.match(text, pos) or _ESCAPED_QUOTED.match(text, pos):
            return self.add(tag, None, string_value(quoted.group(0), quoted.group(1)), quoted.end(), pos)
        word = _WORD.match(text, pos)
        if not word:
            what = "unterminated quoted string" if text[pos] in '"`\\' else "unrecognized character"
            raise TagError(f"{what} in shortcode parameter: {text[pos]!r}", pos)
        after = _SPACE.match(text, word.end())
        eq = after.end() if after else word.end()
        if not text.startswith("=", eq):
            return self.add(tag, None, typed(word.group(0)), word.end(), pos)
        value_at = _SPACE.match(text, eq + 1)
        vpos = value_at.end() if value_at else eq + 1
        if quoted := _QUOTED.match(text, vpos) or _RAW.match(text, vpos):
            return self.add(
                tag, word.group(0), string_value(quoted.group(0), quoted.group(1)), quoted.end(), pos
            )
        if text[vpos : vpos + 1] in ('"', "`"):
            raise TagError("unterminated quoted string in shortcode parameter", vpos)
        value = _TO_SPACE.match(text, vpos)
        assert value is not None
        return self.add(tag, word.group(0), typed(value.group(0)), value.end(), pos)

    def add(self, tag: _Tag, key: str | None, value: Any, end: int, pos: int) -> int:
        if key is None and isinstance(tag.params, dict) and tag.params:
            raise TagError("cannot mix named and positional parameters", pos)
        if key is not None and isinstance(tag.params, list) and tag.params:
            raise TagError("cannot mix named and positional parameters", pos)
        if key is None:
            assert isinstance(tag.params, list)
            tag.params.append(value)
        else:
            if not isinstance(tag.params, dict):
                tag.params = {}
            tag.params[key] = value
        return end


def string_value(whole: str, inner: str) -> str:
    """A quoted value: when it holds an escaped quote, Hugo drops every backslash (#10236)."""
    if whole.startswith('"') and '\\"' in inner:
        return inner.replace("\\", "")
    return inner


def parse(text: str) -> Parsed:
    """The body as a tree of text and shortcodes (see the module docstring)."""
    lexer = _Lexer(text)
    items = lexer.items()
    return Parsed(_Matcher(lexer, items).tree(), lexer.problems)


class _Matcher:
    """Pairs opening and closing tags with a stack; unmatched closers are reported and dropped."""

    def __init__(self, lexer: _Lexer, items: list[str | _Tag]) -> None:
        self.lexer, self.items = lexer, items

    def tree(self) -> list[str | Shortcode]:
        root: list[str | Shortcode] = []
        stack: list[tuple[Shortcode, list[str | Shortcode]]] = []
        open_names: dict[str, int] = {}
        for item in self.items:
            into = stack[-1][1] if stack else root
            if isinstance(item, str):
                into.append(item)
            elif item.closing:
                self.close(item, stack, open_names, root)
            else:
                node = self.node(item)
                into.append(node)
                if not item.self_closed and len(stack) < MAX_DEPTH:
                    stack.append((node, []))
                    open_names[node.name] = open_names.get(node.name, 0) + 1
                elif not item.self_closed:
                    self.lexer.problems.append(
                        (node.line, node.name, f"nested deeper than {MAX_DEPTH} shortcodes")
                    )
        while stack:
            self.unwind(stack, open_names, root)
        return root

    def node(self, tag: _Tag) -> Shortcode:
        text, start = self.lexer.text, tag.start
        while start > 0 and text[start - 1] in " \t":  # only the blanks before it: a page of one
            start -= 1  # long line must not cost a scan of the line per tag
        indentation = text[start : tag.start] if start == 0 or text[start - 1] == "\n" else ""
        inner: list[str | Shortcode] | None = [] if tag.self_closed else None
        return Shortcode(
            tag.name, tag.params, tag.markup, self.lexer.line(tag.start), indentation, inner, tag.self_closed
        )

    def close(
        self,
        tag: _Tag,
        stack: list[tuple[Shortcode, list[str | Shortcode]]],
        open_names: dict[str, int],
        root: list[str | Shortcode],
    ) -> None:
        if not open_names.get(tag.name):
            line = self.lexer.line(tag.start)
            self.lexer.problems.append((line, tag.name, "closing tag does not match an opening tag: removed"))
            return
        while stack[-1][0].name != tag.name:
            self.unwind(stack, open_names, root)
        node, inner = stack.pop()
        open_names[node.name] -= 1
        node.inner = inner

    def unwind(
        self,
        stack: list[tuple[Shortcode, list[str | Shortcode]]],
        open_names: dict[str, int],
        root: list[str | Shortcode],
    ) -> None:
        """The innermost open shortcode has no closing tag: it stands alone, what followed it is
        its parent's (or the page's)."""
        node, inner = stack.pop()
        open_names[node.name] -= 1
        (stack[-1][1] if stack else root).extend(inner)

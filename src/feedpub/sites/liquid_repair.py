"""Before parsing: take out of a post's Liquid what would make python-liquid drop the rest of the
post or fail outright, each with a warning at its line.

Jekyll fails the whole build on these; feedpub leaves the broken piece out and keeps the post:
- an unclosed `{{` or `{%` (the lexer's error): the two opening characters are removed;
- a tag Jekyll does not know (a plugin's `{% seo %}`, `{% feed_meta %}`): removed, and when a
  matching `{% endname %}` follows, everything up to it too (a plugin block's body is not shown);
- a block tag never closed (`{% if x %}` without `{% endif %}`): the opening tag is removed;
- an end tag with no block open: removed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from liquid import Environment
from liquid.exceptions import LiquidSyntaxError
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

# tags that only appear inside a block (the parser judges where they stand)
INNER_TAGS = frozenset({"else", "elsif", "when", "empty"})
MAX_LEXER_REPAIRS = 20
MAX_PROBLEMS = 100  # warnings beyond these are not reported (the cuts are still made)


@dataclass(frozen=True)
class Cut:
    start: int
    end: int
    message: str


@dataclass(frozen=True)
class Repaired:
    """The source to parse; `lexed`, the body with unclosed openers removed (its lines are the
    body's) and how indexes in `source` map to it; what was cut, each with its line."""

    source: str
    lexed: str
    to_original: Callable[[int], int]
    problems: list[tuple[str, int]]


def _apply(source: str, cuts: list[Cut]) -> tuple[str, list[int], list[int]]:
    """Cuts (sorted, non-overlapping) applied; new-index starts and the removed length before each."""
    parts, starts, shifts, position, removed = [], [], [], 0, 0
    for cut in cuts:
        parts.append(source[position : cut.start])
        removed += cut.end - cut.start
        starts.append(cut.start - (removed - (cut.end - cut.start)))
        shifts.append(removed)
        position = cut.end
    parts.append(source[position:])
    return "".join(parts), starts, shifts


def _merge(cuts: list[Cut]) -> list[Cut]:
    """Sorted by start; a cut inside an earlier one is dropped (its warning kept by the caller)."""
    kept: list[Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.start, -c.end)):
        if kept and cut.start < kept[-1].end:
            continue
        kept.append(cut)
    return kept


def _tag_span(source: str, tag: Token, expression: Token | None) -> tuple[int, int]:
    start = source.rfind("{%", 0, tag.start_index)
    after = expression.start_index + len(expression.value) if expression else tag.start_index
    end = source.find("%}", after)
    return max(start, 0), (end + 2 if end >= 0 else len(source))


def _tokens(env: Environment, source: str) -> list[Token] | LiquidSyntaxError:
    try:
        return list(env.tokenizer()(source))
    except LiquidSyntaxError as error:
        return error


def _line(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


def _drop_tail_openers(source: str, problems: list[tuple[str, int]]) -> str:
    """Openers after the last closer of their kind, all at once (the lexer is quadratic on them)."""
    for opener, closer in (("{{", "}}"), ("{%", "%}")):
        tail = source.rfind(closer) + 2 if closer in source else 0
        first = source.find(opener, tail)
        if first >= 0:
            count = source.count(opener, tail)
            problems.append((f"{count} unclosed '{opener}' left out", _line(source, first)))
            source = source[:tail] + source[tail:].replace(opener, "")
    for name in ("raw", "doc"):  # a raw or doc block never closed: its opening tag goes
        ends = [m.end() for m in re.finditer(rf"{{%-?\s*end{name}\s*-?%}}", source)]
        tail = ends[-1] if ends else 0
        block_open = re.compile(rf"{{%-?\s*{name}\s*-?%}}")
        found = block_open.search(source, tail)
        if found:
            problems.append((f"'{name}' tag was never closed: left out", _line(source, found.start())))
            rest = block_open.sub(lambda m: "\n" * m[0].count("\n"), source[tail:])
            source = source[:tail] + rest
    return source


def _fix_lexing(
    env: Environment, source: str, problems: list[tuple[str, int]]
) -> tuple[str, list[Token]] | None:
    """Remove unclosed openers one by one (each a re-lex); None when too many. Lines are kept:
    no newline is removed."""
    source = _drop_tail_openers(source, problems)
    for _ in range(MAX_LEXER_REPAIRS):
        found = _tokens(env, source)
        if isinstance(found, list):
            return source, found
        index = found.token.start_index if found.token else -1
        opener = max(source.rfind("{{", 0, index + 2), source.rfind("{%", 0, index + 2))
        if opener < 0:
            return None
        message = str(found.message).splitlines()[0]
        problems.append((f"{message}: '{source[opener : opener + 2]}' left out", _line(source, opener)))
        source = source[:opener] + source[opener + 2 :]
    return None


def _balance(env: Environment, source: str, tokens: list[Token]) -> list[Cut]:
    """Cuts for unknown tags (with their block), unclosed blocks and stray end tags."""
    cuts: list[Cut] = []
    stack: list[tuple[str, str, int, int]] = []  # name, end name, start, end of the opening tag
    for position, token in enumerate(tokens):
        if token.kind != TOKEN_TAG:
            continue
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        expression = following if following and following.kind == TOKEN_EXPRESSION else None
        start, end = _tag_span(source, token, expression)
        name = token.value
        tag = env.tags.get(name)
        if name in INNER_TAGS or (tag is not None and not tag.block):
            continue
        if tag is not None or not name.startswith("end"):
            stack.append((name, tag.end if tag is not None else "end" + name, start, end))
            continue
        if not any(entry[1] == name for entry in stack):
            cuts.append(Cut(start, end, f"'{name}' closes no open block: left out"))
            continue
        while stack:
            opened, closer, open_start, open_end = stack.pop()
            if closer == name:
                if opened not in env.tags:
                    cuts.append(Cut(open_start, end, f"unknown tag '{opened}': left out with its block"))
                break
            cuts.append(_unclosed(opened, open_start, open_end, env))
    cuts += [_unclosed(name, start, end, env) for name, _, start, end in stack]
    return cuts


def _unclosed(name: str, start: int, end: int, env: Environment) -> Cut:
    if name not in env.tags:
        return Cut(start, end, f"unknown tag '{name}': left out")
    return Cut(start, end, f"'{name}' tag was never closed: left out")


def repair(env: Environment, body: str) -> Repaired | None:
    """The body ready to parse, or None when it cannot be lexed even after repairs."""
    problems: list[tuple[str, int]] = []
    lexed = _fix_lexing(env, body, problems)
    if lexed is None:
        return None
    source, tokens = lexed
    cuts = _merge(_balance(env, source, tokens))
    newlines = [i for i, char in enumerate(source) if char == "\n"]
    problems += [(cut.message, bisect_right(newlines, cut.start - 1) + 1) for cut in cuts[:MAX_PROBLEMS]]
    fixed, starts, shifts = _apply(source, cuts)

    def to_original(index: int) -> int:
        where = bisect_right(starts, index)
        return index + (shifts[where - 1] if where else 0)

    return Repaired(fixed, source, to_original, problems)

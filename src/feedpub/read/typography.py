"""Smart quotes, dashes, ellipses and guillemets, as both generators' Markdown makes them by default
(kramdown's `smart_quotes` and typographic symbols in Jekyll, Goldmark's typographer in Hugo), in
the text of rendered HTML; never in code, preformatted text, tags or attributes.

markdown-it.rs has `smartquotes` and `replacements` rules, but they also rewrite code spans
(`a--b` in backticks became `a–b`) and turn `(c)` into ©, which neither generator does; so the
HTML's text is rewritten here instead: which quote opens and which closes by each generator's
own rules (read.kramdown_quotes, read.goldmark_quotes), each run of text between two tags read as
the generator reads a run of text after an inline element.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feedpub.read.goldmark_quotes import Unclosed, goldmark_quotes
from feedpub.read.kramdown_quotes import kramdown_quotes
from feedpub.sites.hugo_config import config_value

_SKIP = frozenset({"pre", "code", "kbd", "samp", "script", "style", "math", "tt", "var"})
_BLOCK = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "br",
        "hr",
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "pre",
        "figure",
        "figcaption",
        "dt",
        "dd",
        "dl",
        "section",
        "details",
        "summary",
        "img",
    ]
)
_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_WORTH_A_LOOK = re.compile(r"&quot;|['\"]|--|\.\.\.|&lt;&lt;|&gt;&gt;")


@dataclass(frozen=True)
class Typography:
    """What each mark becomes (HTML text); None leaves that mark as typed."""

    quotes: tuple[str, str, str, str] | None = ("‘", "’", "“", "”")  # lsquo rsquo ldquo rdquo
    symbols: Mapping[str, str | None] | None = None  # mdash ndash hellip laquo raquo
    goldmark: bool = False  # Goldmark's rules for which quotes curl (read.goldmark_quotes)

    def symbol(self, name: str) -> str | None:
        default = _SYMBOLS[name]
        return default if self.symbols is None else self.symbols.get(name, default)


_SYMBOLS = {"mdash": "—", "ndash": "–", "hellip": "…", "laquo": "«", "raquo": "»"}
_TYPED = (("mdash", "---"), ("ndash", "--"), ("hellip", "..."), ("laquo", "&lt;&lt;"), ("raquo", "&gt;&gt;"))


def smarten(fragment: str, typography: Typography) -> str:
    """`fragment` (HTML as the Markdown renderer wrote it) with its text made typographic."""
    if not _WORTH_A_LOOK.search(fragment):
        return fragment
    parts = _TOKEN.split(fragment)  # text, tag, text, tag, …, text
    kinds = _kinds(parts)
    symbols = [(typed, made) for name, typed in _TYPED if (made := typography.symbol(name)) is not None]
    unclosed = Unclosed()
    for index in range(0, len(parts), 2):
        text = parts[index]
        if index and kinds[index - 1] == "block":
            unclosed = Unclosed()  # Goldmark forgets open quotes at the end of a block
        if not text or kinds[index] != "text" or not _WORTH_A_LOOK.search(text):
            continue
        if typography.quotes is not None and ("'" in text or '"' in text or "&quot;" in text):
            before, after = _context(parts, kinds, index, -1), _context(parts, kinds, index, 1)
            if typography.goldmark:
                text = goldmark_quotes(text, before.strip(), after.strip(), typography.quotes, unclosed)
            else:
                text = kramdown_quotes(text, typography.quotes, after)  # a run of text starts after a tag
        for typed, made in symbols:
            if typed in text:
                text = text.replace(typed, made)
        parts[index] = text
    return "".join(parts)


def _kinds(parts: list[str]) -> list[str]:
    """Each part's kind: "text", "code" (text inside code or pre), "tag" or "block" (a block tag)."""
    kinds = ["text"] * len(parts)
    skipping = 0
    known_kinds = _TAG_KINDS
    for index in range(1, len(parts), 2):
        tag = parts[index]
        known = known_kinds.get(tag)
        if known is None:
            known = _tag_kind(tag)
            if len(known_kinds) < 4096:
                known_kinds[tag] = known
        kinds[index] = known[0]
        if known[1]:
            skipping = max(0, skipping + known[1])
        if skipping:
            kinds[index + 1] = "code"
    return kinds


_TAG_KINDS: dict[str, tuple[str, int]] = {}  # tags repeat: `<p>`, `</em>`, …


def _tag_kind(tag: str) -> tuple[str, int]:
    """("tag" | "block", how it changes the depth of code it opens or closes)."""
    match = _TAG_NAME.match(tag)
    name = match.group(1).lower() if match else ""
    depth = 0
    if name in _SKIP and not tag.endswith("/>"):
        depth = -1 if tag.startswith("</") else 1
    return ("block" if name in _BLOCK else "tag", depth)


def _context(parts: list[str], kinds: list[str], index: int, step: int) -> str:
    """The character beside part `index` (step -1: before it, 1: after it) that decides a quote."""
    index += step
    while 0 <= index < len(parts):
        kind, part = kinds[index], parts[index]
        if kind == "block":
            return " "
        if kind in ("text", "code") and part:
            end = part[-12:] if step < 0 else part[:12]  # an entity is shorter than that
            return html.unescape(end)[-1 if step < 0 else 0]
        index += step
    return ""


def kramdown_typography(config: Mapping[str, Any]) -> Typography | None:
    """A Jekyll site's: kramdown's `smart_quotes` (entity names) and `typographic_symbols`
    (name → text); None when the site's Markdown is not kramdown."""
    engine = str(config.get("markdown") or "kramdown").lower()
    if engine != "kramdown":
        return None
    options = config.get("kramdown")
    options = options if isinstance(options, Mapping) else {}
    names = str(options.get("smart_quotes") or "lsquo,rsquo,ldquo,rdquo").split(",")
    quotes = tuple(_entity(name.strip()) for name in names)
    symbols = options.get("typographic_symbols")
    overrides = (
        {str(k): html.escape(str(v), quote=False) for k, v in symbols.items()}
        if isinstance(symbols, Mapping)
        else {}
    )
    return Typography(quotes if len(quotes) == 4 else None, overrides or None)


def goldmark_typography(config: Mapping[str, Any]) -> Typography | None:
    """A Hugo site's: Goldmark's typographer (`markup.goldmark.extensions.typographer`), on unless
    disabled, each mark as configured (HTML entities)."""
    block = config_value(config, "markup", "goldmark", "extensions", "typographer")
    block = block if isinstance(block, Mapping) else {}
    if block.get("disable") is True:
        return None
    keys = ("leftsinglequote", "rightsinglequote", "leftdoublequote", "rightdoublequote")
    quotes = tuple(str(block.get(k) or d) for k, d in zip(keys, ("‘", "’", "“", "”"), strict=True))
    names = {
        "emdash": "mdash",
        "endash": "ndash",
        "ellipsis": "hellip",
        "leftanglequote": "laquo",
        "rightanglequote": "raquo",
    }
    symbols = {name: str(block[key]) for key, name in names.items() if block.get(key)}
    return Typography(quotes, symbols or None, goldmark=True)  # type: ignore[arg-type]


def _entity(name: str) -> str:
    """kramdown's smart_quotes names an entity (`lsquo`) or a code point (`8216`)."""
    if name.isdigit():
        return chr(int(name))
    return html.unescape(f"&{name};") if name.isalnum() else name

"""Unicode's confusable skeletons (UTS #39 §4): two strings that look alike have one skeleton.

The data is Unicode's own `confusables.txt` (Unicode Security Mechanisms 17.0.0, dated
2025-07-22), vendored unchanged in `read/data/` (no small maintained library on PyPI gives the
skeleton mapping itself: confusable-homoglyphs ships a graph without prototypes, disarm a 4.6 MB
native module). It is read once, on the first term that needs it.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "confusables.txt"
# Joiners are kept between two symbols (emoji sequences draw one picture); elsewhere they, like
# every other format character and variation selector, are invisible (UTS #39 drops them too).
_JOINERS = frozenset({"\u200c", "\u200d"})


@cache
def prototypes() -> dict[str, str]:
    """confusables.txt as {character: its prototype}."""
    table: dict[str, str] = {}
    with DATA.open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 3:
                continue
            source = "".join(chr(int(code, 16)) for code in fields[0].split())
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def _invisible(text: str, index: int) -> bool:
    """Whether `text[index]` draws nothing: a format character, or a joiner not between symbols."""
    char = text[index]
    if char in _JOINERS:
        if 0 < index < len(text) - 1:
            return not unicodedata.category(text[index - 1]) == unicodedata.category(text[index + 1]) == "So"
        return True
    return unicodedata.category(char) == "Cf" or "\ufe00" <= char <= "\ufe0f" or char == "\u034f"


@lru_cache(maxsize=1 << 14)
def skeleton_of(text: str) -> tuple[str, int]:
    """(the skeleton of `text`, how many of its characters were dropped or replaced for it)."""
    table = prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    parts: list[str] = []
    changed = 0
    for index, char in enumerate(decomposed):
        if _invisible(decomposed, index):
            changed += 1
            continue
        mapped = table.get(char, char)
        changed += mapped != char
        parts.append(mapped)
    return unicodedata.normalize("NFD", "".join(parts)), changed

"""kramdown's options as a Jekyll site sets them, and which lines of a post are code.

Jekyll 4.3 renders Markdown with kramdown and its GFM parser unless `markdown:` names another
engine; `kramdown:` in `_config.yml` holds its options over Jekyll's defaults (`auto_ids: true`,
`toc_levels: 1..6`, `input: GFM`). The `read.kramdown_*` transforms use only what is read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feedpub.read.markdown import FENCE_OPEN, closes_fence

_LIQUID_OPEN = re.compile(r"^\s*\{%-?\s*(highlight|raw|comment)\b")


@dataclass(frozen=True)
class KramdownOptions:
    """What the transforms need of a site's `kramdown:` options."""

    auto_ids: bool = True
    toc_levels: frozenset[int] = frozenset(range(1, 7))
    id_prefix: str = ""
    gfm: bool = True  # `input: GFM` (Jekyll's default): GitHub-style header ids


def kramdown_options(config: Mapping[str, Any]) -> KramdownOptions | None:
    """The site's kramdown options, or None when the site renders Markdown with another engine."""
    engine = config.get("markdown", "kramdown")
    if not isinstance(engine, str) or engine.strip().lower() != "kramdown":
        return None
    raw = config.get("kramdown")
    options: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    auto_ids = options.get("auto_ids", True)
    prefix = options.get("auto_id_prefix")
    return KramdownOptions(
        auto_ids=auto_ids is not None and auto_ids is not False,
        toc_levels=_toc_levels(options.get("toc_levels")),
        id_prefix=str(prefix) if prefix is not None else "",
        gfm=str(options.get("input", "GFM")).lower() == "gfm",
    )


def _toc_levels(value: object) -> frozenset[int]:
    """kramdown's `toc_levels`: a list, `"2..3"` or `"1,2,3"`; anything else is the default."""
    if isinstance(value, str):
        ranged = re.fullmatch(r"(\d)\.\.(\d)", value.strip())
        if ranged:
            return frozenset(range(int(ranged[1]), int(ranged[2]) + 1))
        if re.fullmatch(r"\d(?:,\d)*", value.strip()):
            return frozenset(int(part) for part in value.split(","))
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return frozenset(value)
    return frozenset(range(1, 7))


def code_lines(lines: list[str], liquid: bool = False) -> list[bool]:
    """For each line, whether it is in a fenced code block (fences included) or, with `liquid`,
    in a Liquid `highlight`, `raw` or `comment` block: text no transform may touch."""
    mask = [False] * len(lines)
    fence: str | None = None
    closer: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            mask[index] = True
            if closes_fence(line, fence):
                fence = None
        elif closer is not None:
            mask[index] = True
            if closer in line:
                closer = None
        elif (opened := FENCE_OPEN.match(line)) is not None:
            fence, mask[index] = opened[1], True
        elif liquid and "{%" in line and (tag := _LIQUID_OPEN.match(line)) is not None:
            end = "end" + tag[1]
            mask[index] = True
            closer = None if end in line[tag.end() :] else end
    return mask

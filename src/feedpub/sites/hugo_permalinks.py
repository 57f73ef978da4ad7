"""Hugo's `[permalinks]`: decode the rules, check every `:token`, expand a pattern for a page.

Ported from `resources/page/permalinks.go`. The old flat form `posts = "/:year/:slug/"` becomes two
rules (kinds page and term) whose path glob is `/{posts,posts/**}`, so it also covers nested
sections; `[permalinks.page]` / `.section` / `.taxonomy` / `.term` target one kind; the newer
`[[permalinks]]` list form has explicit `target` and `pattern`. The first matching rule wins.
Hugo keeps the map forms in a Go map (random order), so we try the longest section first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from feedpub.errors import ConfigError
from feedpub.sites.calendar_names import DAYS, MONTHS
from feedpub.sites.hugo_paths import glob_match

KINDS = ("page", "home", "section", "taxonomy", "term")
ATTRIBUTE = re.compile(r":\w+(\[.+?\])?", re.ASCII)
KNOWN = [
    "year",
    "month",
    "monthname",
    "day",
    "weekday",
    "weekdayname",
    "yearday",
    "section",
    "sectionslug",
    "sections",
    "sectionslugs",
    "title",
    "slug",
    "slugorfilename",
    "filename",
    "contentbasename",
    "slugorcontentbasename",
]
_REFERENCE = datetime(2019, 11, 9, 23, 1, 42)


@dataclass(frozen=True)
class PermalinkRule:
    """One rule: pages of `kind` whose Hugo path matches `path_glob` get `pattern`."""

    kind: str
    path_glob: str
    pattern: str
    key: str  # the config key it came from, for messages


class PermalinkPage(Protocol):
    """What expanding a pattern needs to know about a page."""

    @property
    def date(self) -> datetime | None: ...
    @property
    def title(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def sections(self) -> tuple[str, ...]: ...
    @property
    def filename(self) -> str: ...
    @property
    def content_base_name(self) -> str: ...


def section_glob(section: str) -> str:
    section = section.strip(" /")
    return "/*" if not section else "/{" + section + "," + section + "/**}"


def decode_permalinks(value: Any, where: str) -> tuple[PermalinkRule, ...]:
    """Every rule of `[permalinks]` in matching order; an unknown token raises ConfigError."""
    rules: list[PermalinkRule] = []
    if isinstance(value, list):
        rules = [_list_rule(item, f"{where}[{i}]") for i, item in enumerate(value)]
    elif isinstance(value, Mapping):
        flat = sorted(value.items(), key=lambda kv: (-len(str(kv[0]).strip(" /")), str(kv[0])))
        for key, pattern in flat:
            if isinstance(pattern, str):
                glob = section_glob(key)
                rules += [PermalinkRule(k, glob, pattern, f"{where}.{key}") for k in ("page", "term")]
            elif isinstance(pattern, Mapping) and key in KINDS:
                rules += _kind_rules(key, pattern, f"{where}.{key}")
            elif isinstance(pattern, Mapping):
                raise ConfigError(
                    f"{where}.{key}: permalinks are not supported for kind {key!r} (one of {KINDS})"
                )
            else:
                raise ConfigError(f"{where}.{key}: expected a pattern string, got {pattern!r}")
    elif value is not None:
        raise ConfigError(f"{where}: expected a table of patterns, got {type(value).__name__}")
    for rule in rules:
        check_pattern(rule.pattern, rule.key)
    return tuple(rules)


def _kind_rules(kind: str, table: Mapping[str, Any], where: str) -> list[PermalinkRule]:
    items = sorted(table.items(), key=lambda kv: (-len(str(kv[0]).strip(" /")), str(kv[0])))
    rules = []
    for section, pattern in items:
        if not isinstance(pattern, str):
            raise ConfigError(f"{where}.{section}: expected a pattern string, got {pattern!r}")
        rules.append(PermalinkRule(kind, section_glob(section), pattern, f"{where}.{section}"))
    return rules


def _list_rule(item: Any, where: str) -> PermalinkRule:
    if not isinstance(item, Mapping) or not isinstance(item.get("pattern"), str):
        raise ConfigError(f"{where}: expected a table with a `pattern` string")
    target = item.get("target") or {}
    if not isinstance(target, Mapping):
        raise ConfigError(f"{where}.target: expected a table")
    kind = str(target.get("kind", "")).lower()
    return PermalinkRule(kind or "*", str(target.get("path", "")).lower() or "**", item["pattern"], where)


def check_pattern(pattern: str, where: str) -> None:
    """Hugo refuses a pattern with a `:token` it does not know (`errPermalinkAttributeUnknown`)."""
    for match in ATTRIBUTE.finditer(pattern.replace("\\:", "\x00")):
        attr = match.group(0)[1:]
        if attr in KNOWN or attr.startswith(("sections[", "sectionslugs[")):
            continue
        if go_time_format(_REFERENCE, attr) != attr:
            continue
        raise ConfigError(f"{where}: permalink attribute :{attr} not recognised in {pattern!r}")


def rule_for(rules: Sequence[PermalinkRule], kind: str, path: str) -> PermalinkRule | None:
    """The first rule whose kind and path glob match (`PermalinkExpander.Expand`)."""
    for rule in rules:
        if glob_match(rule.kind, kind) and glob_match(rule.path_glob, path.lower()):
            return rule
    return None


def expand(pattern: str, page: PermalinkPage, urlize: Callable[[str], str]) -> str:
    """Replace every `:token` the way Hugo does; `\\:` stays a literal colon."""
    escaped = pattern.replace("\\:", "\x00")
    out = escaped
    for match in ATTRIBUTE.finditer(escaped):
        value = _attribute(match.group(0)[1:], page, urlize)
        out = out.replace(match.group(0), value, 1)
    return out.replace("\x00", ":")


def _attribute(attr: str, page: PermalinkPage, urlize: Callable[[str], str]) -> str:
    simple: dict[str, Callable[[], str]] = {
        "title": lambda: urlize(page.title),
        "slug": lambda: urlize(page.slug or page.title),
        "slugorfilename": lambda: urlize(page.slug) if page.slug else urlize(page.filename),
        "filename": lambda: urlize(page.filename),
        "contentbasename": lambda: urlize(page.content_base_name),
        "slugorcontentbasename": lambda: urlize(page.slug or page.content_base_name),
        "section": lambda: page.section,
        "sectionslug": lambda: page.section,
        "sections": lambda: "/" + "/".join(page.sections),  # CurrentSection().Path(): leading slash
        "sectionslugs": lambda: "/".join(page.sections),
    }
    if attr in simple:
        return simple[attr]()
    if attr.startswith(("sections[", "sectionslugs[")):
        return "/".join(slice_sections(attr[attr.index("[") :], list(page.sections)))
    return _date_attribute(attr, page.date)


def _date_attribute(attr: str, date: datetime | None) -> str:
    d = date or datetime(1, 1, 1)
    named = {
        "year": str(d.year),
        "month": f"{d.month:02d}",
        "monthname": MONTHS[d.month - 1],
        "day": f"{d.day:02d}",
        "weekday": str((d.weekday() + 1) % 7),
        "weekdayname": DAYS[d.weekday()],
        "yearday": str(d.timetuple().tm_yday),
    }
    return named[attr] if attr in named else go_time_format(d, attr)


def slice_sections(cut: str, entries: list[str]) -> list[str]:
    """`toSliceFunc`: `[1:]`, `[:2]`, `[last]`, `[0]`; lenient out of range like Hugo."""
    cut = cut.strip().lower()
    if len(cut) < 3 or cut[0] != "[" or cut[-1] != "]" or not entries:
        return []
    ops = cut[1:-1].split(":")

    def index(s: str, low: bool) -> int:
        if s == "":
            return 0 if low else len(entries)
        n = len(entries) - 1 if s == "last" else max(_atoi(s), 0)
        if n >= len(entries):
            return -1 if low else len(entries)
        return n

    if len(ops) == 1:
        n = index(ops[0], True)
        return [] if n < 0 or not entries[n] else [entries[n]]
    low, high = index(ops[0], True), index(ops[1], False)
    return [] if low < 0 or high < 0 else entries[low:high]


def _atoi(s: str) -> int:
    return int(s) if re.fullmatch(r"[+-]?\d+", s) else 0


_GO_TOKENS: tuple[tuple[str, Callable[[datetime], str]], ...] = (
    ("January", lambda d: MONTHS[d.month - 1]),
    ("Jan", lambda d: MONTHS[d.month - 1][:3]),
    ("Monday", lambda d: DAYS[d.weekday()]),
    ("Mon", lambda d: DAYS[d.weekday()][:3]),
    ("2006", lambda d: f"{d.year:04d}"),
    ("002", lambda d: f"{d.timetuple().tm_yday:03d}"),
    ("01", lambda d: f"{d.month:02d}"),
    ("02", lambda d: f"{d.day:02d}"),
    ("03", lambda d: f"{(d.hour % 12) or 12:02d}"),
    ("04", lambda d: f"{d.minute:02d}"),
    ("05", lambda d: f"{d.second:02d}"),
    ("06", lambda d: f"{d.year % 100:02d}"),
    ("15", lambda d: str(d.hour)),
    ("_2", lambda d: f"{d.day:>2d}"),
    ("1", lambda d: str(d.month)),
    ("2", lambda d: str(d.day)),
    ("3", lambda d: str((d.hour % 12) or 12)),
    ("4", lambda d: str(d.minute)),
    ("5", lambda d: str(d.second)),
    ("PM", lambda d: "PM" if d.hour >= 12 else "AM"),
    ("pm", lambda d: "pm" if d.hour >= 12 else "am"),
    ("MST", lambda d: d.tzname() or "UTC"),
)


def go_time_format(d: datetime, layout: str) -> str:
    """The subset of Go's time layout a `\\w+` permalink token can hold (`:2006`, `:Jan`, …)."""
    out: list[str] = []
    i = 0
    while i < len(layout):
        for token, render in _GO_TOKENS:
            if layout.startswith(token, i):
                out.append(render(d))
                i += len(token)
                break
        else:
            out.append(layout[i])
            i += 1
    return "".join(out)

"""YAML as Jekyll's Psych types it, with the line of every key.

Jekyll reads `_config.yml` and front matter with Psych (YAML 1.1 with Ruby's own scalar rules). The
difference that changes URLs is timestamps: Psych makes `2024-05-01 10:00:00` (seconds present, no
offset) a Time *in UTC*, while `2024-05-01 10:00` or a quoted value stays a string that Jekyll
later reads in the site's time zone. PyYAML's timestamp pattern differs (it refuses `+0800`, accepts
`+8`), so the resolver here uses Psych's patterns: a Psych Time becomes an aware datetime (UTC when
no offset is written), a Psych Date a date, anything else text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, ClassVar

import yaml

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Psych::ScalarScanner::TIME and the Date pattern beside it (lib/psych/scalar_scanner.rb)
PSYCH_TIME = re.compile(
    r"^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$",
    re.ASCII,
)
PSYCH_DATE = re.compile(r"^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$", re.ASCII)
_TIME_PARTS = re.compile(r"(\d+):(\d+):(\d+)(?:\.(\d*))?\s*(Z|[-+]\d+(?::\d\d)?)?", re.ASCII)


class PsychLoader(_BaseLoader):  # type: ignore[misc]
    """Safe loader whose timestamps follow Psych, not YAML 1.1 as PyYAML reads it."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[Any]]] = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_psych_time(self, node: yaml.ScalarNode) -> datetime | date | str:
        text = self.construct_scalar(node)
        return psych_time(text) if PSYCH_TIME.match(text) else psych_date(text)


PsychLoader.add_implicit_resolver("tag:psych,time", PSYCH_TIME, list("-0123456789"))
PsychLoader.add_implicit_resolver("tag:psych,date", PSYCH_DATE, list("0123456789"))
PsychLoader.add_constructor("tag:psych,time", PsychLoader.construct_psych_time)
PsychLoader.add_constructor("tag:psych,date", PsychLoader.construct_psych_time)


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def psych_time(text: str) -> datetime | str:
    """Psych's parse_time: no offset means UTC; an impossible day rolls over as Ruby's Time.utc does."""
    day_part, time_part = re.split(r"[ tT]", text, maxsplit=1)
    negative = day_part.startswith("-")
    year, month, day = (int(x) for x in day_part.lstrip("-").split("-")[:3])
    found = _TIME_PARTS.search(time_part)
    if negative or found is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return text
    hour, minute, second = int(found[1]), int(found[2]), int(found[3])
    if hour > 24 or minute > 59 or second > 60:
        return text
    micro = int((found[4] or "0").ljust(6, "0")[:6])
    try:
        moment = _month_start(year, month) + timedelta(
            days=day - 1, hours=hour, minutes=minute, seconds=second, microseconds=micro
        )
    except OverflowError:
        return text
    zone = found[5]
    if zone is None or zone == "Z":
        return moment
    hours, _, minutes = zone.partition(":")
    sign = -1 if hours.startswith("-") else 1
    if not minutes and len(hours) > 3:  # "+0800"
        hours, minutes = hours[:-2], hours[-2:]
    offset = timedelta(hours=abs(int(hours)), minutes=int(minutes or 0)) * sign
    return moment.replace(tzinfo=timezone(offset)) if abs(offset) < timedelta(hours=24) else text


def psych_date(text: str) -> date | str:
    """Psych's Date: strptime('%Y-%m-%d'); an impossible date stays text."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return text


def load_yaml(text: str) -> Any:
    """One YAML document, typed as Psych types it (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=PsychLoader)


def compose_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The value and its node tree, so callers can tell the line of every key."""
    loader = PsychLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return value, node


def key_lines(node: yaml.Node | None, prefix: str = "") -> Iterator[tuple[str, int]]:
    """Every mapping key below `node` as (dotted path, 1-based line), nested mappings included."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        path = f"{prefix}{key_node.value}"
        yield path, key_node.start_mark.line + 1
        yield from key_lines(value_node, path + ".")


_FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.MULTILINE | re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Jekyll's YAML_FRONT_MATTER_REGEXP: (the YAML block or None, the content after it)."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return None, text
    return found[1], text[found.end() :]


def load_front_matter(text: str) -> dict[str, Any]:
    """A post file's front matter as Jekyll sees it ({} without a block; raises yaml.YAMLError)."""
    block, _ = split_front_matter(text.removeprefix("\ufeff"))
    if block is None:
        return {}
    data = load_yaml(block)
    return data if isinstance(data, dict) else {}

"""Hugo's `cascade` (config and `_index.md`) and `build` options, decoded as Hugo decodes them.

A cascade entry is a mapping (or list of mappings) of front matter values with an optional
`target` (legacy `_target`): globs on the page's kind, path and environment. Its values fill a
descendant's front matter where the page did not set them; the nearest `_index.md` wins, the
site config comes last (`page.DecodeCascadeConfig`, `pageState.setMetaPost`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from feedpub.errors import ConfigError, PostError
from feedpub.sites.hugo_paths import glob_match

_DISALLOWED = ("kind", "path", "lang", "cascade")


@dataclass(frozen=True)
class CascadeRule:
    """Values to hand down, and which pages take them."""

    values: Mapping[str, Any]
    kind: str = ""
    path: str = ""
    environment: str = ""

    def matches(self, kind: str, path: str, environment: str) -> bool:
        """`PageMatcher.Match`: every glob that is set must match (lower-case)."""
        if self.kind and not glob_match(self.kind, kind):
            return False
        if self.path and not glob_match(
            self.path, path.lower() if path.startswith("/") else "/" + path.lower()
        ):
            return False
        return not (self.environment and not glob_match(self.environment, environment))


def decode_cascade(value: Any, where: str, *, in_config: bool = False) -> tuple[CascadeRule, ...]:
    """`cascade:` as a mapping or a list of mappings; bad shapes name `where`."""
    error = ConfigError if in_config else PostError
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    rules = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise error(f"{where}: cascade entry {i} must be a mapping, got {type(item).__name__}")
        rule = _rule(item, f"{where}[{i}]" if isinstance(value, list) else where, error)
        if rule.values:
            rules.append(rule)
    return tuple(rules)


def _rule(item: Mapping[str, Any], where: str, error: type[Exception]) -> CascadeRule:
    values: dict[str, Any] = {}
    target: Mapping[str, Any] = {}
    for key, val in item.items():
        low = str(key).lower()
        if low in ("target", "_target"):
            if not isinstance(val, Mapping):
                raise error(f"{where}.{key}: expected a mapping")
            target = {str(k).lower(): v for k, v in val.items()}
        elif low == "params" and isinstance(val, Mapping):
            for k, v in val.items():
                values.setdefault(str(k).lower(), v)
        elif low in _DISALLOWED:
            raise error(f"{where}: key {low!r} not allowed in cascade config")
        else:
            values[low] = val
    return CascadeRule(
        MappingProxyType(values),
        kind=str(target.get("kind", "") or "").lower(),
        path=str(target.get("path", "") or "").lower(),
        environment=str(target.get("environment", "") or ""),
    )


@dataclass(frozen=True)
class BuildOptions:
    """`build: {list, render, publishResources}`: `list` always|never|local, `render` always|never|link."""

    list: str = "always"
    render: str = "always"
    publish_resources: bool = True


def decode_build(value: Any, headless: bool) -> BuildOptions:
    """`pagemeta.DecodeBuildConfig`: booleans are the pre-0.57 form; unknown words mean always."""
    if headless:
        return BuildOptions("never", "never", True)
    if not isinstance(value, Mapping):
        return BuildOptions()
    low = {str(k).lower(): v for k, v in value.items()}
    listed = _word(low.get("list"), ("always", "never", "local"))
    render = _word(low.get("render"), ("always", "never", "link"))
    publish = low.get("publishresources", True)
    return BuildOptions(listed, render, publish not in (False, "false", 0))


def _word(value: Any, allowed: tuple[str, ...]) -> str:
    if value is True or value == 1 or value == "1":  # mapstructure turns a bool into "1"/"0"
        return "always"
    if value is False or value == 0 or value == "0":
        return "never"
    return value if isinstance(value, str) and value in allowed else "always"

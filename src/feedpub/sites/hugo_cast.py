"""Front-matter values as Hugo's Go code converts them (`cast.ToString`, `cast.ToBool`), and the
draft flag they make."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def go_string(value: Any) -> str:
    """`cast.ToString`: None is empty, numbers print as Go would."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def go_bool(value: Any) -> bool:
    """`cast.ToBool`: true/1/"true"/"1"/"t" (any case) are true."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true")
    return bool(value) if isinstance(value, bool | int | float) else False


def draft_flag(meta: Mapping[str, Any]) -> bool:
    """`draft` wins over the undocumented `published` (a bool; a date there is a date)."""
    if "draft" in meta:
        return go_bool(meta["draft"])
    published = meta.get("published")
    if isinstance(published, bool) or (isinstance(published, str) and published.lower() in ("true", "false")):
        return not go_bool(published)
    return False

"""Reading `_config.yml` (and `--config a,b` lists) into one mapping, with the file and line of each key.

Jekyll (configuration.rb) reads `_config.yml`, else `_config.yaml`, else `_config.toml`; with an
explicit list it reads each in turn and deep-merges them, later files winning. Its deep merge keeps
the old value when the new one is null, so `baseurl:` left empty in an override file changes
nothing; the same rule lays the files over Jekyll's DEFAULTS.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

from feedpub.errors import ConfigError
from feedpub.sites.jekyll_yaml import compose_yaml, key_lines
from feedpub.sites.profile import Origin

DEFAULT_NAMES: Final = ("_config.yml", "_config.yaml", "_config.toml")

# Configuration::DEFAULTS that matter when reading a site (source/destination are the machine's)
DEFAULTS: Final[Mapping[str, Any]] = {
    "collections_dir": "",
    "collections": {},
    "safe": False,
    "include": [".htaccess"],
    "exclude": [],
    "encoding": "utf-8",
    "markdown_ext": "markdown,mkdown,mkdn,mkd,md",
    "show_drafts": None,
    "limit_posts": 0,
    "future": False,
    "unpublished": False,
    "plugins": [],
    "excerpt_separator": "\n\n",
    "baseurl": None,
    "permalink": "date",
    "timezone": None,
    "defaults": [],
}
# Configuration::DEFAULT_EXCLUDES, added to whatever `exclude` the site sets
DEFAULT_EXCLUDES: Final = (
    ".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
    "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/",
)  # fmt: skip


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Utils.deep_merge_hashes: mappings merge, a null new value keeps the old one, else new wins."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if value is None and key in merged:
            continue
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(old, value)
        else:
            merged[key] = value
    return merged


def config_paths(root: Path, config_files: Sequence[Path]) -> list[Path]:
    """The files Jekyll reads: the given ones (relative to the site root), else the first default."""
    if config_files:
        return [path if path.is_absolute() else root / path for path in config_files]
    found = next((root / name for name in DEFAULT_NAMES if (root / name).is_file()), None)
    return [found] if found is not None else []


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def load_config_file(root: Path, path: Path) -> tuple[dict[str, Any], dict[str, Origin]]:
    """One config file's mapping and the origin of every key in it (ConfigError if unusable)."""
    name = _display(root, path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{name}: cannot read the Jekyll config: {error}") from error
    if path.suffix.lower() == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{name}: invalid TOML: {error}") from error
        return data, {key: Origin(name, None, key) for key in _dotted(data)}
    try:
        data, node = compose_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise ConfigError(f"{where}: invalid YAML: {getattr(error, 'problem', None) or error}") from error
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}:1: the Jekyll config must be a mapping, got {kind(data)}")
    return data, {key: Origin(name, line, key) for key, line in key_lines(node)}


def _dotted(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        keys.append(prefix + str(key))
        if isinstance(value, Mapping):
            keys += _dotted(value, f"{prefix}{key}.")
    return keys


def read_config(
    root: Path, config_files: Sequence[Path]
) -> tuple[dict[str, Any], dict[str, Origin], list[str]]:
    """The merged config (DEFAULTS < files in order), origins, and the files read (as displayed)."""
    merged: dict[str, Any] = dict(DEFAULTS)
    origins: dict[str, Origin] = {}
    read: list[str] = []
    for path in config_paths(root, config_files):
        if not path.is_file() and config_files:
            raise ConfigError(f"{_display(root, path)}: the Jekyll config file does not exist")
        data, found = load_config_file(root, path)
        merged = deep_merge(merged, {str(k): v for k, v in data.items()})
        origins.update({key: origin for key, origin in found.items() if _value_at(data, key) is not None})
        read.append(_display(root, path))
    if isinstance(merged.get("exclude"), list):
        merged["exclude"] = list(dict.fromkeys([*merged["exclude"], *DEFAULT_EXCLUDES]))
    return merged, origins, read


def _value_at(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def kind(value: object) -> str:
    """A value's YAML kind, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "a string" if isinstance(value, str) else type(value).__name__

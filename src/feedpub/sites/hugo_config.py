"""Read a Hugo site's config files and merge them the way Hugo's config loader does.

Hugo reads the first of `hugo.{toml,yaml,yml,json}` / `config.{…}` in the site root, then every
file under `config/_default/` and `config/<environment>/` (lexical walk order), each one merged
recursively over what came before (hugolib `LoadConfigFromDir`, `defaultConfigProvider.Set`). A
file in the config directory that is not named hugo/config is wrapped under its base name
(`params.toml` → `params`, `params.fr.toml` → `languages.fr.params`). Hugo lower-cases every
key, so we do too. Each value's file and line are kept so `feedpub check` can point at it.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from feedpub.errors import ConfigError
from feedpub.sites.profile import Origin

ROOT_NAMES = ("hugo", "config")
EXTENSIONS = ("toml", "yaml", "yml", "json")
_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_ERROR_LINE = re.compile(r"\(at line (\d+)")


def config_files(root: Path, environment: str = "production") -> list[Path]:
    """The files Hugo reads, least specific first (a root config, then the config directory)."""
    found: list[Path] = []
    for name in ROOT_NAMES:
        hit = next((root / f"{name}.{ext}" for ext in EXTENSIONS if (root / f"{name}.{ext}").is_file()), None)
        if hit is not None:
            found.append(hit)
            break
    for sub in ("_default", environment):
        folder = root / "config" / sub
        if folder.is_dir():
            found += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix[1:] in EXTENSIONS)
    return found


def load_config(root: Path, environment: str = "production") -> tuple[dict[str, Any], dict[str, Origin]]:
    """The merged config (keys lower-cased) and, for every dotted key, where it was last set."""
    merged: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for path in config_files(root, environment):
        rel = path.relative_to(root).as_posix()
        data, lines = _read(path, rel)
        prefix = _wrap_prefix(path, root)
        if prefix and len(data) == 1 and prefix[0] in data and not isinstance(data[prefix[0]], list):
            data = data[prefix[0]]  # params.toml holding `[params]` itself
            lines = {k.removeprefix(prefix[0] + "."): v for k, v in lines.items()}
        elif prefix and len(data) == 1 and prefix[0] in data:
            data = {prefix[-1]: data[prefix[0]]}
            prefix = prefix[:-1]
        for key in prefix[::-1]:
            data = {key: data}
        lines = {".".join([*prefix, k]): v for k, v in lines.items()}
        _merge(merged, data)
        for key, _value in _walk(data):
            origins[key] = Origin(rel, lines.get(key), key)
    return merged, origins


def _wrap_prefix(path: Path, root: Path) -> list[str]:
    """`params.toml` → ["params"], `params.fr.toml` → ["languages", "fr", "params"], hugo.toml → []."""
    if path.parent == root:
        return []
    name = path.name.rsplit(".", 1)[0].lower()
    if name in ROOT_NAMES:
        return []
    base, _, lang = name.partition(".")
    if base == "menu":
        base = "menus"
    return ["languages", lang, base] if lang else [base]


def _read(path: Path, rel: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse one file; a syntax error becomes a ConfigError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{rel}: cannot read the Hugo config: {exc}") from exc
    kind = path.suffix[1:]
    try:
        if kind == "toml":
            data: Any = tomllib.loads(text)
            lines = toml_lines(text)
        elif kind == "json":
            data = json.loads(text) if text.strip() else {}
            lines = json_lines(text)
        else:
            data, lines = _yaml(text)
    except tomllib.TOMLDecodeError as exc:
        match = _ERROR_LINE.search(str(exc))
        raise ConfigError(f"{rel}:{match.group(1) if match else '?'}: invalid TOML: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{rel}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise ConfigError(f"{rel}:{line}: invalid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{rel}: invalid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{rel}:1: a Hugo config file must hold a mapping, got {type(data).__name__}")
    return lower_keys(data), lines


def config_value(config: Mapping[str, Any], *keys: str) -> Any:
    """The value at a dotted path of the merged (lower-cased) config, or None where a step is
    missing or not a table: `config_value(c, "markup", "goldmark", "renderer", "unsafe")`."""
    value: Any = config
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def lower_keys(value: Any) -> Any:
    """Hugo's PrepareParams: every mapping key lower-cased, recursively (lists too)."""
    if isinstance(value, Mapping):
        return {str(k).lower(): lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lower_keys(v) for v in value]
    return value


def _merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    """Recursive overwrite: mappings merge key by key, anything else replaces."""
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def _walk(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        yield dotted, value
        if isinstance(value, Mapping):
            yield from _walk(value, dotted + ".")


def toml_lines(text: str) -> dict[str, int]:
    """Dotted lower-case key → line, by scanning table headers and `key =` lines."""
    lines: dict[str, int] = {}
    table: list[str] = []
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _TOML_TABLE.match(line)
        if header and not _TOML_KEY.match(line):
            table = _split_dotted(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        key = _TOML_KEY.match(line)
        if key:
            lines.setdefault(".".join([*table, *_split_dotted(key.group(1))]), number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _split_dotted(key: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', key)
    return [p.strip("\"'").lower() for p in parts]


def _yaml(text: str) -> tuple[Any, dict[str, int]]:
    """Load YAML and, from the composed node graph, the line of every mapping key."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[str, int] = {}

    def visit(n: yaml.Node, prefix: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                dotted = f"{prefix}{str(key_node.value).lower()}"
                lines.setdefault(dotted, key_node.start_mark.line + 1)
                visit(value_node, dotted + ".")

    if node is not None:
        visit(node, "")
    return yaml.safe_load(text), lines


def json_lines(text: str) -> dict[str, int]:
    """Dotted key → line for JSON, following object nesting with a small tokenizer."""
    lines: dict[str, int] = {}
    stack: list[str | None] = []
    pending: str | None = None
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"\s*(:)?|[{}\[\]]', text):
        token = match.group(0)
        if token in "{[":
            stack.append(pending if token == "{" else None)
            pending = None
        elif token in "}]":
            if stack:
                stack.pop()
        elif match.group(2):
            path = [s for s in stack if s is not None] if all(s is not None for s in stack[1:]) else None
            if path is not None:
                dotted = ".".join([*path, json.loads(f'"{match.group(1)}"').lower()])
                lines.setdefault(dotted, text.count("\n", 0, match.start()) + 1)
                pending = dotted.rsplit(".", 1)[-1]
            else:
                pending = None
    return lines

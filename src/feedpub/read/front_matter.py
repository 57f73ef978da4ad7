"""Split a post's text into (format, metadata, body): YAML `---`, TOML `+++` or JSON `{`.

We split ourselves instead of calling python-frontmatter's loads() (it raises TypeError for a
`content:` key and silently drops TOML without the third-party toml package: "Traps in our
dependencies" in docs/architecture.md).
YAML is parsed with libyaml when available and its node graph is measured before it is built,
so an alias bomb is refused instead of expanded.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from feedpub.errors import PostError
from feedpub.read.simple_yaml import read_simple

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader with YAML 1.2 core-schema scalars, as Hugo reads them.

    PyYAML follows YAML 1.1, where `NO` (Norway) and `off` are booleans, `1:20` is the number 80,
    `010` is 8 and dates become datetimes. Here only true/false are booleans, integers are plain
    decimals, and timestamps stay text for dates.parse_date, which reads every date one way and
    reports a bad one under its own key. (Flags such as `published: no` still work: the dialect
    reads yes/no/on/off as words.)
    """

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[Any]]] = {}


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


_YAML_OPEN = re.compile(r"---[ \t]*\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parts of one post file; `body_line` is the 1-based line the body starts on."""

    format: str
    metadata: dict[str, Any]
    body: str
    body_line: int


def has_front_matter(text: str, yaml_only: bool = False) -> bool:
    """Whether `text` opens with a front-matter delimiter: YAML `---`, and unless `yaml_only`
    (Jekyll knows no other), TOML `+++` or JSON `{`."""
    if _YAML_OPEN.match(text):
        return True
    return not yaml_only and bool(_TOML_OPEN.match(text) or text.startswith("{"))


def split(text: str, max_nodes: int = 20_000) -> FrontMatter:
    """Return the front matter of `text` (BOM and CRLF already removed) or raise PostError."""
    if _YAML_OPEN.match(text):
        return _split_delimited(text, "yaml", _YAML_OPEN, _YAML_CLOSE, lambda s: _load_yaml(s, max_nodes))
    if _TOML_OPEN.match(text):
        return _split_delimited(text, "toml", _TOML_OPEN, _TOML_CLOSE, _load_toml)
    if text.startswith("{"):
        return _split_json(text)
    raise PostError("no front matter: a post starts with '---' (YAML), '+++' (TOML) or '{' (JSON)", line=1)


def _split_delimited(
    text: str, fmt: str, opener: re.Pattern[str], closer: re.Pattern[str], load: Any
) -> FrontMatter:
    start = opener.match(text)
    assert start is not None
    end = closer.search(text, start.end())
    if end is None:
        raise PostError(f"{fmt.upper()} front matter is not closed", line=1)
    raw = text[start.end() : end.start()]
    body_start = end.end() + 1 if text[end.end() : end.end() + 1] == "\n" else end.end()
    metadata = load(raw)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise PostError(f"{fmt.upper()} front matter is not a mapping of keys to values", line=2)
    return FrontMatter(fmt, _string_keys(metadata), text[body_start:], text.count("\n", 0, body_start) + 1)


def _split_json(text: str) -> FrontMatter:
    try:
        metadata, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise PostError(f"JSON front matter: {exc.msg}", line=exc.lineno) from exc
    except RecursionError as exc:
        raise PostError("JSON front matter is nested too deeply", line=1) from exc
    if not isinstance(metadata, dict):
        raise PostError("JSON front matter is not an object", line=1)
    body_start = end + 1 if text[end : end + 1] == "\n" else end
    return FrontMatter("json", _string_keys(metadata), text[body_start:], text.count("\n", 0, body_start) + 1)


def _string_keys(metadata: dict[Any, Any]) -> dict[str, Any]:
    """Keys that are not strings (YAML allows `1: x`) cannot name a field; keep them out."""
    return {k: v for k, v in metadata.items() if isinstance(k, str)}


def _load_toml(raw: str) -> Any:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) + 1 if match else 1
        raise PostError(f"TOML front matter: {exc}", line=line) from exc
    except RecursionError as exc:
        raise PostError("TOML front matter is nested too deeply", line=2) from exc


# No front matter nests this deep; libyaml's composer recurses in C once per level and overflows
# the stack (SIGSEGV, the whole process) at about 30 000 levels, so depth is measured first.
MAX_YAML_DEPTH = 100
# Every collection starts at one of these indicators (flow brackets, a block sequence's "- ", an
# explicit key's "? ", a block mapping's first ": "), so their count bounds the depth.
_COLLECTION_INDICATOR = re.compile(r"[\[{]|[-?:](?=\s|$)")


def _check_depth(raw: str) -> None:
    """Refuse YAML nested deeper than MAX_YAML_DEPTH, reading only parser events (no recursion);
    ordinary front matter, with fewer indicators than that, is not parsed twice."""
    if len(_COLLECTION_INDICATOR.findall(raw)) <= MAX_YAML_DEPTH:
        return
    depth = 0
    key: str | None = None  # the top-level key whose value is being read, to name it
    done = 0  # nodes of the top-level mapping read so far: keys are the even ones
    for event in yaml.parse(raw, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if depth == 1 and done % 2 == 0:
                key = None
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                where = f"{key}: " if key is not None and done % 2 else "YAML front matter is "
                raise PostError(
                    f"{where}nested more than {MAX_YAML_DEPTH} levels deep",
                    line=mark.line + 2 if mark is not None else 2,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            done += depth == 1
        elif depth == 1 and isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            if done % 2 == 0:
                key = event.value if isinstance(event, yaml.ScalarEvent) else None
            done += 1


def _load_yaml(raw: str, max_nodes: int) -> Any:
    simple = read_simple(raw, _Loader)
    if simple is not None:
        return simple  # plain front matter, as the loader below would read it, ten times faster
    loader = _Loader(raw)
    try:
        _check_depth(raw)
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in raw:
            _check_expanded_size(node, max_nodes)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 2
        raise PostError(f"YAML front matter: {exc.problem or exc}", line=line) from exc
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise PostError(f"YAML front matter: {exc}", line=2) from exc
    except RecursionError as exc:
        raise PostError("YAML front matter is nested too deeply", line=2) from exc
    finally:
        loader.dispose()


def _check_expanded_size(root: yaml.Node, max_nodes: int) -> None:
    """Refuse documents whose aliases would expand past `max_nodes` values (billion laughs)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        ident = id(node)
        if ident in sizes:
            return sizes[ident]
        if ident in active:
            raise PostError("YAML front matter contains a recursive alias", line=node.start_mark.line + 2)
        active.add(ident)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(ident)
        sizes[ident] = total
        if total > max_nodes:
            raise PostError(
                f"YAML front matter expands to more than {max_nodes} values (aliases)",
                line=node.start_mark.line + 2,
            )
        return total

    size(root)

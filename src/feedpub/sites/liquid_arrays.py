"""Jekyll's array filters (Jekyll::Filters and GroupingFilters, 4.3): where, where_exp, find,
find_exp, group_by, group_by_exp, sort, sample, push, pop, shift, unshift,
array_to_sentence_string.

`*_exp` expressions are Liquid conditions (`item.year > 2020 and item.draft != true`) or, for
group_by_exp, an output expression, parsed once per site and evaluated with the item bound.
`sample` is deterministic: seeded with the post's id and the array's length.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Mapping, Sequence
from io import StringIO
from typing import Any

from liquid.filter import with_context
from liquid.undefined import Undefined

from feedpub.sites.jekyll_permalinks import ruby_to_s
from feedpub.sites.liquid_env import state
from feedpub.sites.liquid_filters import text, to_integer
from feedpub.sites.liquid_tags import hooks_of

_INTEGER = re.compile(r"\A\s*-?\d+\s*\Z")
_FLOAT = re.compile(r"\A\s*-?(?:\d+\.?\d*|\.\d+)\s*\Z")


def _items(value: object) -> list[object] | None:
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return None


def item_property(item: object, prop: object) -> object:
    """The property (dotted path) of an item, numbers in strings read as numbers (for sorting)."""
    found: object = item
    for key in text(prop).split(".") if "." in text(prop) else [text(prop)]:
        found = found.get(key) if isinstance(found, Mapping) else None
    stringified = ruby_to_s(found) if not isinstance(found, list | dict) else ""
    if _INTEGER.match(stringified):
        return int(stringified)
    if _FLOAT.match(stringified):
        return float(stringified)
    return found


def matches(found: object, target: object) -> bool:
    """compare_property_vs_target."""
    if target is None or isinstance(target, Undefined):
        return found is None
    wanted = text(target)
    if isinstance(found, str):
        return found == wanted
    values = found if isinstance(found, list | tuple) else [] if found is None else [found]
    return any(ruby_to_s(v) == wanted for v in values)


def where(value: object, prop: object = None, target: object = None) -> object:
    items = _items(value)
    if not prop or items is None or isinstance(target, list | dict):
        return value
    return [item for item in items if matches(item_property(item, prop), target)]


def find(value: object, prop: object = None, target: object = None) -> object:
    items = _items(value)
    if not prop or items is None or isinstance(target, list | dict):
        return value
    return next((item for item in items if matches(item_property(item, prop), target)), None)


def _expression(context: Any, expression: str, wrap: str) -> Any:
    if any(mark in expression for mark in ("{%", "%}", "{{", "}}")):
        return None
    source = wrap.format(expression)
    hooks = hooks_of(context.env)
    template = hooks.expressions.get(source)
    if template is None:
        template = context.env.from_string(source)
        hooks.expressions[source] = template
    return template


def _evaluate(context: Any, variable: object, item: object, expression: object, wrap: str) -> str:
    template = _expression(context, text(expression), wrap)
    if template is None:
        state().warn(f"invalid expression '{text(expression)}'")
        return ""
    buffer = StringIO()
    with context.extend({text(variable): item}):
        template.render_with_context(context, buffer, partial=True)
    return buffer.getvalue()


def _condition(context: Any, variable: object, item: object, expression: object) -> bool:
    return _evaluate(context, variable, item, expression, "{{% if {} %}}1{{% endif %}}") == "1"


@with_context
def where_exp(value: object, variable: object, expression: object, *, context: Any) -> object:
    items = _items(value)
    if items is None:
        return value
    return [item for item in items if _condition(context, variable, item, expression)]


@with_context
def find_exp(value: object, variable: object, expression: object, *, context: Any) -> object:
    items = _items(value)
    if items is None:
        return value
    return next((item for item in items if _condition(context, variable, item, expression)), None)


def _grouped(items: Sequence[object], key: Callable[[object], str]) -> list[dict[str, object]]:
    groups: dict[str, list[object]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return [{"name": name, "items": found, "size": len(found)} for name, found in groups.items()]


def group_by(value: object, prop: object = None) -> object:
    items = _items(value)
    return value if items is None else _grouped(items, lambda item: ruby_to_s(item_property(item, prop)))


@with_context
def group_by_exp(value: object, variable: object, expression: object, *, context: Any) -> object:
    items = _items(value)
    if items is None:
        return value
    return _grouped(items, lambda item: _evaluate(context, variable, item, expression, "{{{{ {} }}}}"))


def _compare(a: object, b: object) -> int:
    try:
        return -1 if a < b else 1 if a > b else 0  # type: ignore[operator]
    except TypeError:
        return -1 if text(a) < text(b) else 1 if text(a) > text(b) else 0


def sort(value: object, prop: object = None, nils: object = "first") -> object:
    items = _items(value)
    if items is None:
        state().warn("sort: cannot sort a null object" if value is None else "sort: not an array")
        return value
    if prop is None or isinstance(prop, Undefined):
        return sorted(items, key=functools.cmp_to_key(_compare))
    order = -1 if nils == "first" else 1 if nils == "last" else 0
    if not order:
        state().warn(f"sort: invalid nils order '{text(nils)}' (first or last)")
        return value
    keyed = [(item_property(item, prop), item) for item in items]

    def by_property(a: tuple[object, object], b: tuple[object, object]) -> int:
        if a[0] is not None and b[0] is None:
            return -order
        if a[0] is None and b[0] is not None:
            return order
        return _compare(a[0], b[0])

    return [item for _, item in sorted(keyed, key=functools.cmp_to_key(by_property))]


def sample(value: object, count: object = 1) -> object:
    items = _items(value) if not isinstance(value, Mapping) else None
    if items is None:
        return value
    chosen = random.Random(f"{state().seed}:{len(items)}")
    wanted = to_integer(count)
    if wanted == 1:
        return chosen.choice(items) if items else None
    return chosen.sample(items, max(0, min(wanted, len(items))))


def _array_op(op: Callable[[list[object], object], list[object]]) -> Callable[..., object]:
    def apply(value: object, arg: object = 1) -> object:
        return op(list(value), arg) if isinstance(value, list | tuple) else value

    return apply


def array_to_sentence_string(value: object, connector: object = "and") -> str:
    items = [text(v) for v in value] if isinstance(value, list | tuple) else []
    if len(items) < 3:
        return f" {text(connector)} ".join(items)
    return f"{', '.join(items[:-1])}, {text(connector)} {items[-1]}"


ARRAY_FILTERS: dict[str, Callable[..., object]] = {
    "where": where,
    "where_exp": where_exp,
    "find": find,
    "find_exp": find_exp,
    "group_by": group_by,
    "group_by_exp": group_by_exp,
    "sort": sort,
    "sample": sample,
    "push": _array_op(lambda items, arg: [*items, arg]),
    "pop": _array_op(lambda items, arg: items[: max(0, len(items) - max(0, to_integer(arg)))]),
    "shift": _array_op(lambda items, arg: items[max(0, to_integer(arg)) :]),
    "unshift": _array_op(lambda items, arg: [arg, *items]),
    "array_to_sentence_string": array_to_sentence_string,
}

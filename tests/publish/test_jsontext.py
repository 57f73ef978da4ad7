"""SortedJsonObject must stay byte-identical to a fresh sorted `json.dumps`, and stay incremental."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedpub.publish import manifest_text as jsontext
from feedpub.publish.manifest_text import SortedJsonObject


def reference(d: dict[str, Any]) -> bytes:
    return json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# Few distinct characters, so keys collide (replace/delete hit existing keys) and sort ties are
# decided deep in the string; plus the characters JSON has to escape.
KEY_CHARS = 'ab中文"\\/\x00\x1f\x7f\u2028é😀 '
keys = st.text(alphabet=KEY_CHARS, max_size=4) | st.text(max_size=6)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=KEY_CHARS + "xyz", max_size=5)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("set"), keys, values),
        st.tuples(st.just("delete"), keys),
        st.tuples(st.just("update"), st.dictionaries(keys, values, max_size=8)),
        st.tuples(st.just("replace_all"), st.dictionaries(keys, values, max_size=40)),
        st.tuples(st.just("check")),
    ),
    max_size=80,
)


def apply(obj: SortedJsonObject, model: dict[str, Any], op: tuple) -> None:
    name, *args = op
    if name == "set":
        obj.set(*args)
        model[args[0]] = args[1]
    elif name == "delete":
        obj.delete(args[0])
        model.pop(args[0], None)
    elif name == "update":
        obj.update(args[0])
        model.update(args[0])
    elif name == "replace_all":
        obj.replace_all(args[0])
        model.clear()
        model.update(args[0])
    else:
        assert obj.to_bytes() == reference(model)


@pytest.mark.parametrize("block_size", [1, 2, 3, 256])
@settings(max_examples=100, deadline=None)
@given(ops=ops)
def test_random_operations_match_reference(block_size: int, ops: list[tuple]) -> None:
    obj, model = SortedJsonObject(block_size=block_size), {}
    for op in ops:
        apply(obj, model, op)
    assert obj.to_bytes() == reference(model)
    assert json.loads(obj.to_bytes()) == model
    assert len(obj) == len(model)
    assert all(key in obj for key in model)


def random_key(rnd: random.Random) -> str:
    return "".join(rnd.choice(KEY_CHARS) for _ in range(rnd.randint(0, 6)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), ops=st.lists(st.tuples(st.booleans(), keys, values), max_size=60))
def test_many_keys_split_and_drain_blocks(seed: int, ops: list[tuple]) -> None:
    rnd = random.Random(seed)  # hundreds of keys drawn through hypothesis would be too much data
    start = {random_key(rnd): rnd.choice([None, rnd.random(), [rnd.randint(-9, 9)]]) for _ in range(600)}
    obj, model = SortedJsonObject(block_size=4), dict(start)
    obj.update(start)  # one key at a time: blocks split over and over
    assert obj.to_bytes() == reference(model)
    for is_set, key, value in ops:
        if is_set:
            obj.set(key, value)
            model[key] = value
        else:
            obj.delete(key)
            model.pop(key, None)
        assert obj.to_bytes() == reference(model)
    for key in list(model):  # drain: empty blocks must go
        obj.delete(key)
    assert obj.to_bytes() == b"{}" == reference({})


def test_empty() -> None:
    obj = SortedJsonObject()
    assert obj.to_bytes() == b"{}"
    assert len(obj) == 0 and "a" not in obj
    obj.delete("missing")
    obj.set("a", 1)
    obj.delete("a")
    assert obj.to_bytes() == b"{}"
    obj.replace_all({})
    assert obj.to_bytes() == b"{}"


def test_value_serialized_at_set_and_nested_keys_sorted() -> None:
    obj, value = SortedJsonObject(), {"z": 1, "a": [1, {"y": 2, "b": "中"}]}
    obj.set("k", value)
    value["new"] = True  # later mutation must not leak in
    assert obj.to_bytes() == '{"k":{"a":[1,{"b":"中","y":2}],"z":1}}'.encode()


def test_bad_values_leave_object_intact() -> None:
    obj = SortedJsonObject()
    obj.set("a", 1)
    with pytest.raises(TypeError):
        obj.set("b", object())
    with pytest.raises(TypeError):
        obj.set(1, "x")  # type: ignore[arg-type]
    assert obj.to_bytes() == b'{"a":1}' and len(obj) == 1


def test_single_set_reencodes_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    d = {f"item-{i:06d}": {"n": i, "title": f"标题 {i}"} for i in range(50_000)}
    obj = SortedJsonObject()
    obj.replace_all(d)
    assert obj.to_bytes() == reference(d)
    before = list(obj._cache)
    assert len(before) > 100

    calls: list[int] = []
    real = jsontext._join_block

    def counting(fragments: list[bytes]) -> bytes:
        calls.append(len(fragments))
        return real(fragments)

    monkeypatch.setattr(jsontext, "_join_block", counting)
    obj.set("item-025000", {"changed": True})  # replace
    d["item-025000"] = {"changed": True}
    assert obj.to_bytes() == reference(d)
    assert len(calls) == 1 and calls[0] <= 512
    after = obj._cache
    assert sum(a is not b for a, b in zip(before, after, strict=True)) == 1

    calls.clear()
    obj.set("item-025000x", None)  # insert
    d["item-025000x"] = None
    assert obj.to_bytes() == reference(d)
    assert len(calls) == 1

    calls.clear()
    obj.to_bytes()  # unchanged: nothing re-encoded
    obj.set("item-000001", {"n": 1, "title": "标题 1"})  # same value: nothing invalidated
    assert obj.to_bytes() == reference(d)
    assert calls == []
    assert json.loads(obj.to_bytes()) == d

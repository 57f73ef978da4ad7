"""SortedJsonObject: the JSON text of a big `{str: value}` dict, kept up to date incrementally.

The output is byte-identical to
`json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")`, but a
change to a few keys of a dict of 10⁵ keys re-encodes only the blocks holding them: the sorted keys
live in bounded blocks, each caching its comma-joined `"key":value` bytes, so `to_bytes()` is one
join of cached block bytes instead of a fresh `json.dumps` of everything.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping
from typing import Any

compact_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_dumps = compact_json  # sorted keys, no spaces, Unicode kept: the manifest's one encoding


def _fragment(key: str, value: Any) -> bytes:
    """`"key":value` exactly as the reference `json.dumps` writes that member."""
    if not isinstance(key, str):
        raise TypeError(f"keys must be str, not {type(key).__name__}")
    return (_dumps(key) + ":" + _dumps(value)).encode("utf-8")


def _join_block(fragments: list[bytes]) -> bytes:
    """One block's members, comma-joined; a function of its own so tests can count re-encodes."""
    return b",".join(fragments)


class SortedJsonObject:
    """A `{str: JSON value}` object whose serialized text is maintained per block of sorted keys."""

    def __init__(self, block_size: int = 256) -> None:
        if block_size < 1:
            raise ValueError("block_size must be >= 1")
        self._size = block_size
        self._frags: dict[str, bytes] = {}  # key -> its encoded member, serialized once at set()
        self._blocks: list[list[str]] = []  # sorted keys; every key of block i < every key of i+1
        self._firsts: list[str] = []  # _blocks[i][0], for bisecting to a key's block
        self._cache: list[bytes | None] = []  # a block's joined bytes, None while stale
        self._whole: bytes | None = b"{}"  # the last to_bytes(), None once anything changed

    def __len__(self) -> int:
        return len(self._frags)

    def __contains__(self, key: object) -> bool:
        return key in self._frags

    def _block_of(self, key: str) -> int:
        """Index of the block that holds, or would hold, `key` (the last whose first key <= it)."""
        return max(bisect_right(self._firsts, key) - 1, 0)

    def set(self, key: str, value: Any) -> None:
        """Insert or replace; the value is serialized now, so mutating it later changes nothing."""
        frag = _fragment(key, value)  # before any state change: a bad value leaves us intact
        old = self._frags.get(key)
        if old == frag:
            return  # same text: nothing to invalidate
        self._frags[key] = frag
        self._whole = None
        if not self._blocks:
            self._blocks, self._firsts, self._cache = [[key]], [key], [None]
            return
        i = self._block_of(key)
        block = self._blocks[i]
        if old is None:
            insort(block, key)
            self._firsts[i] = block[0]
        self._cache[i] = None
        if len(block) > 2 * self._size:  # split so re-encoding a block stays bounded
            half = len(block) // 2
            self._blocks[i : i + 1] = [block[:half], block[half:]]
            self._firsts[i : i + 1] = [block[0], block[half]]
            self._cache[i : i + 1] = [None, None]

    def delete(self, key: str) -> None:
        """Remove `key` if present; deleting an absent key is not an error (idempotent publishes)."""
        if self._frags.pop(key, None) is None:
            return
        self._whole = None
        i = self._block_of(key)
        block = self._blocks[i]
        del block[bisect_left(block, key)]
        if block:
            self._firsts[i] = block[0]
            self._cache[i] = None
        else:  # no empty blocks: they would break the bisect over first keys
            del self._blocks[i], self._firsts[i], self._cache[i]

    def update(self, mapping: Mapping[str, Any]) -> None:
        """`set` every item; cost proportional to the number of items, not to our size."""
        for key, value in mapping.items():
            self.set(key, value)

    def replace_all(self, mapping: Mapping[str, Any]) -> None:
        """Rebuild from scratch in O(n log n), cheaper than n `set`s after a full publish."""
        frags = {key: _fragment(key, value) for key, value in mapping.items()}
        keys = sorted(frags)
        size = self._size
        self._frags = frags
        self._blocks = [keys[j : j + size] for j in range(0, len(keys), size)]
        self._firsts = [block[0] for block in self._blocks]
        self._cache = [None] * len(self._blocks)
        self._whole = None

    def to_bytes(self) -> bytes:
        """The whole object's JSON text; only stale blocks are re-joined."""
        if self._whole is None:
            frags, cache, parts = self._frags, self._cache, []
            for i, cached in enumerate(cache):
                if cached is None:
                    cached = cache[i] = _join_block([frags[key] for key in self._blocks[i]])
                parts.append(cached)
            self._whole = b"{" + b",".join(parts) + b"}"
        return self._whole

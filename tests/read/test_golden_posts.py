"""Whole-output golden files: each file in tests/golden/posts/ and the normalised post it must give.

Regenerate after an intended change with `make golden` (UPDATE_GOLDEN=1), then read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from feedpub.cli import post_record
from feedpub.config import settings_from_mapping
from feedpub.read.post_file import read_post
from feedpub.read.scan import SourceFile

from ..conftest import BASE_CONFIG, NOW

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "posts"
INPUTS = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".md", ".html"))


def normalised(path: Path) -> dict:
    settings = settings_from_mapping(BASE_CONFIG, root=GOLDEN.parent)
    post = read_post(SourceFile(str(path), path.name, (0, 0, 0)), settings)
    assert not hasattr(post, "message"), str(post)
    record = post_record(post, NOW, {})
    record["content_html"] = post.content_html
    return record


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_golden(path):
    expected_path = path.with_name(path.name + ".json")
    got = normalised(path)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_seeds_are_unchanged_copies():
    """The sample posts hold the seeds byte for byte (the brief asks for their content unchanged)."""
    root = GOLDEN.parent.parent.parent
    assert (root / "posts/2022-03-18-liang-jun-cambricon.md").read_bytes() == (
        GOLDEN / "2022-03-18-jekyll-cailianshe.md"
    ).read_bytes()
    assert (root / "posts/sensetime-xu-bing-ai-chips.md").read_bytes() == (
        GOLDEN / "hugo-sensetime-2025-06-24.md"
    ).read_bytes()

"""Build a Liquid fixture site with the real Jekyll and read back every post's rendered content.

The fixture carries `liquid-contents.json`, a page listing each post's `content` (after Liquid and
kramdown, before any layout) as JSON. TZ=UTC and JEKYLL_ENV=production as in jekyll_real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..tools import require
from .jekyll_real import FIXTURES, GOLDEN


def jekyll_build(fixture: str, work: Path, packages: str = "jekyll") -> Path:
    """Build the fixture with the real Jekyll into work/out (TZ=UTC, production) and return it;
    `packages` are the Debian ones the skip message names."""
    jekyll = require("jekyll", packages)
    site, out = work / "site", work / "out"
    shutil.copytree(FIXTURES / fixture, site)
    env = {**os.environ, "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "JEKYLL_ENV": "production"}
    command = [jekyll, "build", "--quiet", "-s", str(site), "-d", str(out)]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"jekyll build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return out


def build(fixture: str, work: Path) -> dict[str, str]:
    """relative_path → content, as Jekyll 4.3 rendered it."""
    posts = json.loads((jekyll_build(fixture, work) / "liquid-contents.json").read_text(encoding="utf-8"))
    return {
        post["relative_path"]: post["content"] for post in sorted(posts, key=lambda p: p["relative_path"])
    }


def real_contents(fixture: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What Jekyll rendered (the golden file where jekyll is missing; UPDATE_GOLDEN=1 rewrites it)."""
    try:
        built = build(fixture, tmp_path_factory.mktemp(fixture))
    except pytest.skip.Exception:
        return read_golden(fixture)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        write_golden(fixture, built)
    return built


def golden_path(fixture: str) -> Path:
    return GOLDEN / f"{fixture}.json"


def read_golden(fixture: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(golden_path(fixture).read_text(encoding="utf-8"))
    return data


def write_golden(fixture: str, contents: dict[str, str]) -> None:
    path = golden_path(fixture)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(contents, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

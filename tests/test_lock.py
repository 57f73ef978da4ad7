"""The lock holds: requirements.txt (made by `make lock` with uv, installed by `make` with
`pip install --require-hashes`) pins every dependency pyproject.toml declares, with hashes, and
the environment the tests run in has exactly those versions. A fresh clone therefore installs
what was tested, never whatever is newest that day (an unpinned PyYAML 6.0.4 once broke the suite).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked() -> dict[str, tuple[str, int]]:
    """name → (pinned version, number of hashes) from requirements.txt."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line)
        if found:
            current = canonicalize_name(found[1])
            pins[current] = (found[2], 0)
        elif current is not None and "--hash=sha256:" in line:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(text) for text in names]


def test_every_declared_dependency_is_pinned_with_hashes_within_its_range():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.txt: run make lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
        assert hashes >= 1, f"{requirement.name} has no hash in requirements.txt"


def test_every_locked_line_is_pinned_exactly():
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    loose = [
        line
        for line in text.splitlines()
        if line and not line.startswith((" ", "#", "-")) and not _PIN.match(line)
    ]
    assert loose == []


def test_the_environment_runs_the_locked_versions():
    wrong = {}
    for name, (version, _hashes) in locked().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a marker left it out on this platform
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}, f"installed vs locked: {wrong} (make reinstalls from the lock)"

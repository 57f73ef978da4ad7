"""The lock holds: requirements.lock (made by `make lock` with uv, installed by `make` with
`pip install --require-hashes`) pins every dependency pyproject.toml declares, with hashes, and
the environment the tests run in has exactly those versions; `make fuzz`'s lock adds atheris to
the same pins; pylock.toml (PEP 751) is the same resolution in the standard format; and no make target installs anything from outside the locks. A fresh clone
therefore installs what was tested, never whatever is newest that day (an unpinned PyYAML 6.0.4
once broke the suite).
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


LOCK, FUZZ_LOCK, PYLOCK = ROOT / "requirements.lock", ROOT / "requirements-fuzz.lock", ROOT / "pylock.toml"


def locked(lock: Path = LOCK) -> dict[str, tuple[str, int]]:
    """name → (pinned version, number of hashes) from a lock file."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line)
        if found:
            current = canonicalize_name(found[1])
            pins[current] = (found[2], 0)
        elif current is not None and "--hash=sha256:" in line:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + [n for e in extras for n in project["optional-dependencies"][e]]
    build = (ROOT / "requirements-build.in").read_text(encoding="utf-8").splitlines()
    return [Requirement(text) for text in names + [line for line in build if line and line[0] != "#"]]


def test_every_declared_dependency_is_pinned_with_hashes_within_its_range():
    for lock, extras in ((LOCK, ("test",)), (FUZZ_LOCK, ("fuzz",))):
        pins = locked(lock)
        for requirement in declared(*extras):
            if lock is FUZZ_LOCK and requirement.name in ("setuptools", "uv"):
                continue  # what builds feedpub and makes the locks comes from the main lock
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{requirement.name} is not in {lock.name}: run make lock"
            version, hashes = pins[name]
            assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
            assert hashes >= 1, f"{requirement.name} has no hash in {lock.name}"


def test_the_fuzz_lock_pins_what_the_main_lock_pins():
    main, fuzz = locked(), locked(FUZZ_LOCK)
    differ = {name: (version, main[name][0]) for name, (version, _h) in fuzz.items() if name in main}
    assert {n: v for n, v in differ.items() if v[0] != v[1]} == {}, "run make lock"
    assert "atheris" in fuzz


def test_the_standard_lock_pins_what_the_main_lock_pins():
    """pylock.toml (PEP 751, the standard format tools read) is the same resolution as
    requirements.lock, which `make` installs: same packages, same versions, every file hashed."""
    packages = tomllib.loads(PYLOCK.read_text(encoding="utf-8"))["packages"]
    standard = {canonicalize_name(p["name"]): p["version"] for p in packages}
    assert standard == {name: version for name, (version, _hashes) in locked().items()}
    for package in packages:
        files = [package.get("sdist"), *package.get("wheels", [])]
        assert all(f["hashes"]["sha256"] for f in files if f), package["name"]


def test_every_locked_line_is_pinned_exactly():
    for lock in (LOCK, FUZZ_LOCK):
        loose = [
            line
            for line in lock.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith((" ", "#", "-")) and not _PIN.match(line)
        ]
        assert loose == [], lock.name


def test_make_installs_nothing_from_outside_the_locks():
    """Every `pip install` in the Makefile reads a lock with --require-hashes, or installs feedpub
    itself without its dependencies."""
    installs = [
        line.strip() for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line
    ]
    assert installs
    for line in installs:
        assert "--require-hashes -r requirements" in line or "--no-deps" in line, line


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

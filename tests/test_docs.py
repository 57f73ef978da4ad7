"""The README documents every setting, every command and its options (datasette's test_docs idea)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass

import pytest

from feedpub.cli import main
from feedpub.config import NOT_CONFIG_KEYS, Settings

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIG_BLOCK = README[README.index("## Configuration") :]


def setting_paths(cls: type, prefix: str = "") -> list[str]:
    paths = []
    for item in fields(cls):
        if item.name in NOT_CONFIG_KEYS:  # not config.yaml keys
            continue
        default = item.default_factory() if callable(item.default_factory) else item.default  # type: ignore[misc]
        if is_dataclass(default):
            paths += setting_paths(type(default), f"{prefix}{item.name}.")
        else:
            paths.append(f"{prefix}{item.name}")
    return paths


@pytest.mark.parametrize("path", setting_paths(Settings))
def test_every_setting_is_in_the_readme(path):
    section, _, key = path.rpartition(".")
    top = section.split(".")[0] if section else key
    assert re.search(rf"\b{re.escape(top)}:", CONFIG_BLOCK), f"section {top} missing"
    assert re.search(rf"\b{re.escape(key)}:", CONFIG_BLOCK), f"{path} is not documented in the README"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_in_the_readme(name):
    assert f"feedpub {name}" in README
    for param in main.commands[name].params:
        for opt in param.opts:
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in README, f"{name} {opt} is not documented"


def test_readme_keeps_the_two_commands():
    assert "make serve" in README and "make test" in README

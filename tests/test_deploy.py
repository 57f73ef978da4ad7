"""deploy/feedpub.service as the README installs it: systemd accepts it, and it can start."""

from __future__ import annotations

import re
import subprocess

from .conftest import ROOT
from .tools import require

UNIT = ROOT / "deploy" / "feedpub.service"
INSTALL_ROOT = "/srv/feedpub"


def _settings(name: str) -> list[str]:
    return re.findall(rf"^{name}=(.*)$", UNIT.read_text(encoding="utf-8"), re.MULTILINE)


def test_systemd_analyze_verifies_the_unit(tmp_path):
    """Checked at this checkout's path (its venv's `feedpub` must be executable) and with no
    warning: systemd only warns about an unknown key or value and starts the unit anyway."""
    analyze = require("systemd-analyze", "systemd")
    unit = tmp_path / "feedpub.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALL_ROOT, str(ROOT)), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_unit_notifies_reloads_and_names_only_folders_the_readme_creates():
    assert _settings("Type") == ["notify"] and _settings("ExecReload") == ["/bin/kill -HUP $MAINPID"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    created = re.search(r"^install -d .*$", readme, re.MULTILINE)
    assert created is not None, "the README's service steps create no folder"
    for paths in _settings("ReadWritePaths"):
        for path in paths.split():
            # a missing path fails the start (226/NAMESPACE) unless marked `-`; either way the
            # service must be able to write it
            assert path.removeprefix("-") in created.group(0).split(), f"{path}: not writable after the steps"

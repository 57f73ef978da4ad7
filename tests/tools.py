"""External programs the tests drive (nginx, newsboat, chromium, jing).

`.ci/run` installs them from Debian. Elsewhere a missing one skips its test with the install
command, unless FEEDPUB_REQUIRE_TOOLS=1 (set by CI), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require(program: str, package: str) -> str:
    path = shutil.which(program) or (
        f"/usr/sbin/{program}" if os.path.exists(f"/usr/sbin/{program}") else None
    )
    if path is None:
        message = f"{program} is not installed (apt-get install {package})"
        if os.environ.get("FEEDPUB_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path

"""Which processes of a session are still alive: a process feedpub started must not outlive it."""

from __future__ import annotations

import time
from pathlib import Path


def session_members(session: int) -> list[str]:
    """The live processes of `session` (zombies, already dead, are left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == session and fields[0] != "Z":
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")[:120].decode()
            except OSError:
                command = stat[: stat.rindex(")") + 1]
            found.append(f"{entry.name} (parent {fields[1]}, {fields[0]}): {command}")
    return found


def assert_session_ends(session: int, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while (left := session_members(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], f"still alive {seconds} s after the kill: {left}"

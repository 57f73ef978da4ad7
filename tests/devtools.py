"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: no
port, no WebSocket library), for what `--dump-dom` cannot tell: how a document was rendered.

Chromium reads commands from its fd 3 and writes answers to fd 4, each a JSON message ended by
a NUL byte.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

from .tools import require


class Chromium:
    """One headless Chromium; `open` a URL, then `evaluate` JavaScript in the page."""

    def __init__(self, profile: Path, width: int = 1000, height: int = 1300) -> None:
        program = require("chromium", "chromium")
        to_chrome, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome = os.pipe()

        # bash puts the two pipe ends at fds 3 and 4 (no preexec_fn: the tests run server threads)
        shell = f'exec "$@" 3<&{to_chrome} 4>&{from_chrome} {to_chrome}<&- {from_chrome}>&-'
        self.process = subprocess.Popen(
            [
                "bash",
                "-c",
                shell,
                "bash",
                program,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            pass_fds=(to_chrome, from_chrome),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer = b""
        self._next_id = 0

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.process.kill()
        self.process.wait(10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events before it are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                assert "error" not in answer, answer
                return answer["result"]

    def _receive(self, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_chrome], [], [], max(left, 0))
            assert ready, "Chromium did not answer"
            chunk = os.read(self._from_chrome, 1 << 16)
            assert chunk, "Chromium closed the pipe"
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> str:
        """A new tab navigated to `url` (as a person's click: Sec-Fetch-Dest: document), after its
        load event; returns the tab's session."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        self.send("Page.navigate", session, url=url)
        while True:
            event = self._receive()
            if event.get("method") == "Page.loadEventFired" and event.get("sessionId") == session:
                return session

    def evaluate(self, session: str, expression: str) -> Any:
        """The value of a JavaScript expression in the tab."""
        result = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def rendered_text(self, session: str) -> str:
        """The text a person sees: the whole document selected and copied (what is not displayed
        is left out; text a stylesheet generates is not part of a selection)."""
        return self.evaluate(
            session, "getSelection().selectAllChildren(document.documentElement), getSelection().toString()"
        )

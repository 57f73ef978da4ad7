"""SIGHUP (`systemctl reload`): read config.yaml (and the site's config) again, validate it and
put it in force without a restart.

The signal handler only wakes a thread; the reload runs there, under the publisher's lock, so it
never interleaves with a scan. An invalid config is logged with its key and the one in force
stays. A valid one replaces the publisher's settings and the next scan compares everything: the
store writes only the files whose bytes changed. What the sections in RESTART_ONLY say (where the
server listens and with what, which folders, the scan interval, the WebSub hub and the notifier
built for it) is fixed for the life of the process: a config that changes them is refused, with
the keys named, until a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedpub.config import Settings
from feedpub.errors import FeedpubError
from feedpub.read.cache import settings_fingerprint
from feedpub.service.publisher import Publisher
from feedpub.service.sd_notify import notify, reloading
from feedpub.service.state import ServiceState
from feedpub.sites.load import config_file as chosen_config_file

log = logging.getLogger("feedpub")

RESTART_ONLY = ("server", "paths", "scan", "websub")


def config_file(path: str | None = None) -> Path:
    """The config file a process reads (`sites.load.config_file`), as an absolute path; the
    default ./config.yaml even before it exists (a reload may find it there)."""
    return Path(chosen_config_file(path) or "config.yaml").resolve()


def describe_config(path: Path) -> dict[str, Any]:
    """The config file and its mtime, for /healthz (an mtime after the reload says one is due)."""
    try:
        mtime: str | None = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    except OSError:
        mtime = None
    return {"path": str(path), "mtime": mtime}


def restart_only_changes(old: Settings, new: Settings) -> list[str]:
    """The keys of RESTART_ONLY sections whose values differ, as `section.key`."""
    changed = []
    for section in RESTART_ONLY:
        before, after = getattr(old, section), getattr(new, section)
        changed += [
            f"{section}.{item.name}"
            for item in fields(before)
            if getattr(before, item.name) != getattr(after, item.name)
        ]
    return changed


def keep_overrides(in_force: Settings, baseline: Settings, new: Settings) -> Settings:
    """`new`, except that each key the file still gives as it did at the start keeps the value in
    force (which may come from the command line, e.g. a base_url made from --port)."""
    values: dict[str, Any] = {}
    for item in (f for f in fields(new) if f.init):
        now, was, kept = (getattr(s, item.name) for s in (new, baseline, in_force))
        if now == was:
            values[item.name] = kept
        elif is_dataclass(now) and not isinstance(now, type) and type(now) is type(was) is type(kept):
            inner = {
                f.name: getattr(kept if getattr(now, f.name) == getattr(was, f.name) else now, f.name)
                for f in fields(now)
                if f.init
            }
            values[item.name] = replace(now, **inner)
    return replace(new, **values)


class ReloadablePublisher(Publisher):
    """A Publisher whose settings a reload can replace."""

    def reload(self, settings: Settings) -> None:
        """The same folders, new settings: what they feed is made afresh, so the next scan
        compares everything (the parse cache is fingerprinted by settings; the warm-start record
        spares a render when the output cannot have changed)."""
        with self._lock:
            self._record(self.state)
            watching = self.sources.watcher is not None
            self.sources.stop()
            self.db.close()
            self._open(settings, watching)
            self.state = ServiceState(scans=self.state.scans)


class Reloader:
    """A thread that reloads the config each time `request` (the SIGHUP handler) wakes it."""

    def __init__(
        self,
        load: Callable[[], Settings],
        settings: Settings,
        publisher: ReloadablePublisher | None = None,
        rescan: Callable[[], None] | None = None,
    ) -> None:
        """`load` reads and validates the config; `rescan` publishes with the new settings;
        `appliers` (added later) hand them to the app."""
        self.load = load
        self.settings = settings
        try:  # the file as read at the start: a key still as it was keeps what the command line made of it
            self.baseline = load()
        except FeedpubError:
            self.baseline = settings
        self.publisher = publisher
        self.rescan = rescan
        self.appliers: list[Callable[[Settings], None]] = []
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="feedpub-reload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self, *_signal: object) -> None:
        """Safe in a signal handler: it only sets an event."""
        self._wanted.set()

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                self.reload()
            except Exception:  # a bug in one reload must not end the service, nor later reloads
                log.exception("config reload failed; the config in force stays")

    def reload(self) -> bool:
        """Read, validate and apply the config; True when new settings are in force."""
        try:
            new = self.load()
        except FeedpubError as exc:
            log.error("config reload refused: %s; the config in force stays", exc)
            return False
        new = keep_overrides(self.settings, self.baseline, new)
        restart = restart_only_changes(self.settings, new)
        if restart:
            log.error("config reload refused: %s change only at a restart", ", ".join(restart))
            return False
        if new == self.settings and settings_fingerprint(new) == settings_fingerprint(self.settings):
            # (the fingerprint also covers the site's own config, which Settings' == leaves out)
            log.info("config reloaded: nothing changed")
            return False
        reloading()
        try:
            if self.publisher is not None:
                self.publisher.reload(new)
            self.settings = new
            if self.rescan is not None:
                self.rescan()
            for apply in self.appliers:
                apply(new)
            log.info("config reloaded: the new settings are in force")
        finally:
            notify("READY=1")
        return True

"""Exceptions feedpub raises on purpose.

    FeedpubError                 anything feedpub reports as a clear message
     ├── ConfigError             config.yaml is missing, malformed or has a wrong key/type (path in message)
     ├── PostError               one post cannot be read or normalised; becomes a Problem, never escapes a scan
     └── StoreError              feeds/ cannot be written or its manifest cannot be read

Only the CLI and the service shell turn these into exit codes or log lines; everything between
raises them and lets them travel.
"""

from __future__ import annotations


class FeedpubError(Exception):
    """Base of every error feedpub raises deliberately."""


class ConfigError(FeedpubError):
    """The configuration is unusable; the message names the key path and what was expected."""


class PostError(FeedpubError):
    """One post is unusable; `line` points into the source file when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class StoreError(FeedpubError):
    """Writing to, or reading the manifest of, the feeds directory failed."""

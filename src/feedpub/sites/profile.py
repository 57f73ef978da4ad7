"""What every generator's site config gives feeds, and where each value came from.

A site's own config (`_config.yml`, `hugo.toml`) is read by `sites.jekyll` or `sites.hugo`; both
hand back an object with a `basics: SiteBasics`. feedpub's `config.yaml` wins over these values
(the merge is `config`'s job); `origins` lets `feedpub check` say where each effective setting
came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where one value was read: a file (relative to the site root), its line when known, the key."""

    file: str
    line: int | None
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.key}" if self.line else f"{self.file} {self.key}"


@dataclass(frozen=True)
class SiteBasics:
    """The settings both generators have, each None when the site's config does not set it.

    `url` is where the site is published, absolute, with the base path and a trailing slash
    (Jekyll `url` + `baseurl`, Hugo `baseURL`). `variables` is the whole config as the site's
    templates see it (`site.*`, `.Site.Params`), for Liquid and shortcodes.
    """

    generator: str  # "jekyll" or "hugo"
    title: str | None = None
    description: str | None = None
    url: str | None = None
    language: str | None = None
    timezone: str | None = None
    author_name: str | None = None
    author_email: str | None = None
    author_url: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    # setting name ("title", "url", "timezone", "permalink", …) → where it was read
    origins: Mapping[str, Origin] = field(default_factory=dict)

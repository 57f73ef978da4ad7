"""Shared fixtures: real files in temp dirs, settings built the way `feedpub` builds them."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedpub.config import Settings, settings_from_mapping

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_POSTS = ROOT / "posts"
# A fixed clock: the sample future post (2099) stays scheduled, everything else is published.
NOW = datetime(2026, 1, 1, tzinfo=UTC)

BASE_CONFIG = {
    "site": {
        "title": "Test Site",
        "base_url": "https://news.example.org/",
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
        "author": {"name": "Desk"},
    },
}


class Clock:
    """A clock the test moves by hand (Publisher and Scheduler take any callable)."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def site(tmp_path: Path) -> Settings:
    """Settings rooted in an empty temp dir with posts/ and feeds/."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "feeds").mkdir()
    return settings_from_mapping(BASE_CONFIG, root=tmp_path)


@pytest.fixture
def sample_site(tmp_path: Path) -> Settings:
    """Settings over a copy of the repository's sample posts."""
    shutil.copytree(SAMPLE_POSTS, tmp_path / "posts", symlinks=True)
    (tmp_path / "feeds").mkdir()
    return settings_from_mapping(BASE_CONFIG, root=tmp_path)


@pytest.fixture
def write_post(site: Settings) -> Callable[..., Path]:
    """Write a post file under the temp posts dir; text is dedented; bytes are written as given."""

    def write(name: str, text: str | bytes) -> Path:
        path = site.posts_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


def with_site(settings: Settings, **site_values: object) -> Settings:
    return replace(settings, site=replace(settings.site, **site_values))


@pytest.fixture(scope="session")
def served_sample(tmp_path_factory):
    """One published copy of the sample site and one real server for the whole run (read-only tests).

    Yields (settings, base URL)."""
    from feedpub.service.publisher import Publisher

    from .http import running_app

    root = tmp_path_factory.mktemp("served-sample")
    shutil.copytree(SAMPLE_POSTS, root / "posts")
    # legacy URLs answered too: they change no published byte, and nginx is tested to pass them on
    settings = settings_from_mapping({**BASE_CONFIG, "legacy_urls": ["jekyll", "hugo"]}, root=root)
    Publisher(settings, clock=lambda: NOW).rescan()
    with running_app(settings) as base:
        yield settings, base

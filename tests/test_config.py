"""Config: defaults, validation with key paths, FEEDPUB_CONFIG."""

from __future__ import annotations

import pytest

from feedpub.config import load_settings, settings_from_mapping
from feedpub.errors import ConfigError

from .conftest import ROOT


def test_repository_config_loads():
    settings = load_settings(ROOT / "config.yaml", env={})
    assert settings.site.timezone == "Asia/Shanghai"
    assert settings.posts_dir == ROOT / "posts"


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, env={})
    assert settings.feeds.limit == 20 and settings.feeds.formats == ("rss", "atom", "json")
    assert settings.pages.per_page == 30


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"feeds": {"limit": "x"}}, "feeds.limit"),
        ({"feeds": {"limit": 0}}, "feeds.limit"),
        ({"feeds": {"formats": ["rss", "xml"]}}, "feeds.formats"),
        ({"feeds": {"content": "some"}}, "feeds.content"),
        ({"site": {"timezone": "Mars/Olympus"}}, "site.timezone"),
        ({"site": {"base_url": "example.org"}}, "site.base_url"),
        ({"site": {"titel": "typo"}}, "site.titel"),
        ({"sites": {}}, "sites"),
        ({"site": "x"}, "site"),
        ({"scan": {"interval_seconds": True}}, "scan.interval_seconds"),
        ({"pages": {"per_page": 0}}, "pages.per_page"),
        ({"pages": {"per_page": "30"}}, "pages.per_page"),
        ({"pages": {"size": 30}}, "pages.size"),
    ],
)
def test_bad_values_name_their_key(data, where):
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(data)
    assert str(caught.value).startswith(where)


def test_base_url_gets_a_trailing_slash():
    assert (
        settings_from_mapping({"site": {"base_url": "https://x.example/blog"}}).site.base_url
        == "https://x.example/blog/"
    )


def test_env_names_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("site: {title: From env}\n")
    assert load_settings(None, env={"FEEDPUB_CONFIG": str(path)}).site.title == "From env"
    with pytest.raises(ConfigError):
        load_settings(None, env={"FEEDPUB_CONFIG": str(tmp_path / "missing.yaml")})


def test_malformed_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("site: [\n")
    with pytest.raises(ConfigError):
        load_settings(path, env={})

"""read_hugo_site: config files and directory merged as Hugo merges them, errors that point at
the file, line and key, and Hugo's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedpub.errors import ConfigError
from feedpub.sites.hugo import read_hugo_site
from feedpub.sites.profile import Origin

from .hugo_real import FIXTURES


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_basics_and_origins_from_hugo_toml_with_lines() -> None:
    site = read_hugo_site(FIXTURES / "hugo-blog")
    b = site.basics
    assert (b.generator, b.title, b.url, b.language, b.timezone) == (
        "hugo",
        "Notes from the Lab",
        "https://example.org/blog/",
        "zh-cn",
        "Asia/Shanghai",
    )
    assert (b.description, b.author_name, b.author_email) == (
        "Experiments, mostly failed",
        "Li Wei",
        "wei@example.org",
    )
    assert b.origins["title"] == Origin("hugo.toml", 3, "title")
    assert b.origins["url"] == Origin("hugo.toml", 2, "baseurl")
    assert b.origins["author"] == Origin("hugo.toml", 10, "params.author")
    assert site.base_path == "/blog" and site.main_sections_param == ("posts",)
    assert b.variables["params"]["mainsections"] == ["posts"]  # keys lower-cased, as Hugo does


def test_config_directory_merges_default_then_environment() -> None:
    site = read_hugo_site(FIXTURES / "hugo-confdir")
    assert site.basics.url == "https://docs.example.com/"  # a trailing slash is added
    assert site.build_expired is True  # config/production/hugo.toml
    assert site.basics.variables["params"] == {
        "description": "Notizen aus der Werkstatt",
        "author": "Hans Maier",
        "environment": "production",
    }
    assert site.basics.origins["description"] == Origin(
        "config/_default/params.toml", 1, "params.description"
    )
    assert dict(site.taxonomies) == {"tag": "tags", "series": "series"}
    assert site.frontmatter.date[:2] == (":filename", "date")
    assert read_hugo_site(FIXTURES / "hugo-confdir", environment="development").build_expired is False


def test_yaml_origins_come_from_the_composed_nodes() -> None:
    site = read_hugo_site(FIXTURES / "hugo-yaml")
    assert site.basics.origins["language"] == Origin("hugo.yaml", 4, "locale")
    assert site.origins["params.author.name"] == Origin("hugo.yaml", 11, "params.author.name")
    assert site.taxonomies == {} and site.disable_path_to_lower and site.build_drafts
    assert site.content_dir == FIXTURES / "hugo-yaml" / "src"


def test_defaults_when_the_config_says_little(tmp_path: Path) -> None:
    site = read_hugo_site(write(tmp_path, {"config.toml": 'title = "x"\n'}))
    assert site.basics.url is None and site.base_url == "/" and site.base_path == ""
    assert dict(site.taxonomies) == {"tag": "tags", "category": "categories"}
    assert (site.summary_length, str(site.timezone), site.basics.language) == (70, "UTC", "en")
    assert site.main_sections_param is None and site.permalinks == ()


def test_hugo_toml_wins_over_config_toml(tmp_path: Path) -> None:
    site = read_hugo_site(write(tmp_path, {"hugo.toml": 'title = "new"\n', "config.toml": 'title = "old"\n'}))
    assert site.basics.title == "new" and site.config_files == ("hugo.toml",)


def test_json_config_and_lines(tmp_path: Path) -> None:
    site = read_hugo_site(
        write(tmp_path, {"hugo.json": '{\n "title": "J",\n "params": {\n  "author": "A"\n }\n}\n'})
    )
    assert site.basics.author_name == "A"
    assert site.origins["params.author"] == Origin("hugo.json", 4, "params.author")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"hugo.toml": 'title = "x"\nbaseURL = \n'}, "hugo.toml:2: invalid TOML"),
        ({"hugo.yaml": "title: x\nparams: [a\n"}, "hugo.yaml:3: invalid YAML"),
        ({"hugo.json": '{\n "title": \n}\n'}, "hugo.json:3: invalid JSON"),
        (
            {"hugo.toml": 'title = "x"\ntimeZone = "Mars/Olympus"\n'},
            "hugo.toml:2 timezone: invalid timeZone 'Mars/Olympus'",
        ),
        ({"hugo.toml": "baseURL = 3\n"}, "hugo.toml:1 baseurl: expected a string, got 3"),
        ({"hugo.toml": 'buildDrafts = "maybe"\n'}, "hugo.toml:1 builddrafts: expected true or false"),
        (
            {"hugo.toml": '\n[permalinks]\nposts = "/:year/:nonsense/"\n'},
            "permalinks.posts: permalink attribute :nonsense",
        ),
        ({"hugo.toml": '[permalinks.pages]\nposts = "/:slug/"\n'}, "not supported for kind 'pages'"),
        ({"config/_default/params.yaml": "a: [\n"}, "config/_default/params.yaml:2: invalid YAML"),
        ({"hugo.toml": "[cascade]\nkind = 'page'\n"}, "key 'kind' not allowed in cascade config"),
    ],
)
def test_bad_config_names_file_line_and_key(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        read_hugo_site(write(tmp_path, files))
    assert expected in str(caught.value)


def test_no_config_at_all_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no hugo\.toml"):
        read_hugo_site(tmp_path)


def test_empty_taxonomies_table_disables_them_and_empty_values_are_dropped(tmp_path: Path) -> None:
    site = read_hugo_site(write(tmp_path, {"hugo.toml": '[taxonomies]\ntag = "tags"\nseries = ""\n'}))
    assert dict(site.taxonomies) == {"tag": "tags"}


def test_language_file_in_config_dir_lands_under_languages(tmp_path: Path) -> None:
    site = read_hugo_site(
        write(
            tmp_path,
            {"config/_default/hugo.toml": 'title = "x"\n', "config/_default/params.fr.toml": 'a = "b"\n'},
        )
    )
    assert site.basics.variables["languages"] == {"fr": {"params": {"a": "b"}}}
    assert site.origins["languages.fr.params.a"] == Origin(
        "config/_default/params.fr.toml", 1, "languages.fr.params.a"
    )

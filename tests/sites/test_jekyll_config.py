"""Reading `_config.yml`: merging, origins with lines, styles, and errors naming file, line and key."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedpub.errors import ConfigError
from feedpub.sites.jekyll import read_jekyll_site
from feedpub.sites.jekyll_permalinks import STYLES


def site_with(tmp_path: Path, text: str, name: str = "_config.yml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_basics_and_origins_with_lines(tmp_path: Path) -> None:
    root = site_with(
        tmp_path,
        "title: Field Notes\n"
        "url: https://notes.example.org/\n"
        "baseurl: /blog/\n"
        "locale: en-GB\n"
        "timezone: Europe/London\n"
        "author:\n"
        "  name: Ada\n"
        "  email: ada@example.org\n",
    )
    site = read_jekyll_site(root)
    basics = site.basics
    assert (basics.generator, basics.title, basics.url) == (
        "jekyll",
        "Field Notes",
        "https://notes.example.org/blog/",
    )
    assert (basics.language, basics.timezone, basics.author_name, basics.author_email) == (
        "en-GB",
        "Europe/London",
        "Ada",
        "ada@example.org",
    )
    assert str(basics.origins["timezone"]) == "_config.yml:5 timezone"
    assert basics.origins["author.email"].line == 8
    assert basics.origins["language"].key == "locale"
    assert site.zone == ZoneInfo("Europe/London")
    assert site.permalink == STYLES["date"]  # Jekyll's default style
    assert basics.variables["title"] == "Field Notes"


def test_author_as_a_string_and_no_url(tmp_path: Path) -> None:
    site = read_jekyll_site(site_with(tmp_path, "author: 张三\nlang: zh-CN\n"))
    assert (site.basics.author_name, site.basics.url, site.basics.language) == ("张三", None, "zh-CN")


def test_later_config_files_win_and_null_keeps_the_old_value(tmp_path: Path) -> None:
    site_with(tmp_path, "url: https://dev.example\nbaseurl: /b\ntitle: Dev\n")
    site_with(tmp_path, "url: https://www.example\nbaseurl:\n", "_config.prod.yml")
    site = read_jekyll_site(tmp_path, [Path("_config.yml"), Path("_config.prod.yml")])
    assert (site.url, site.baseurl, site.basics.title) == ("https://www.example", "/b", "Dev")
    assert str(site.basics.origins["url"]) == "_config.prod.yml:1 url"
    assert site.basics.origins["baseurl"].file == "_config.yml"
    assert site.files == ("_config.yml", "_config.prod.yml")


def test_yaml_is_preferred_to_toml_and_toml_is_read(tmp_path: Path) -> None:
    site_with(tmp_path, 'title = "From TOML"\npermalink = "pretty"\n', "_config.toml")
    site = read_jekyll_site(tmp_path)
    assert (site.basics.title, site.permalink) == ("From TOML", STYLES["pretty"])
    site_with(tmp_path, "title: From YAML\n")
    assert read_jekyll_site(tmp_path).basics.title == "From YAML"


def test_no_config_is_jekylls_defaults(tmp_path: Path) -> None:
    site = read_jekyll_site(tmp_path, local_zone=ZoneInfo("Asia/Tokyo"))
    assert (site.permalink, site.timezone, site.zone) == (STYLES["date"], None, ZoneInfo("Asia/Tokyo"))
    assert (site.future, site.show_drafts, site.unpublished, site.excerpt_separator) == (
        False,
        False,
        False,
        "\n\n",
    )
    assert site.markdown_ext == (".markdown", ".mkdown", ".mkdn", ".mkd", ".md")
    assert "node_modules" in site.exclude and ".htaccess" in site.include


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_built_in_style(tmp_path: Path, style: str) -> None:
    assert read_jekyll_site(site_with(tmp_path, f"permalink: {style}\n")).permalink == STYLES[style]


def test_built_in_styles_are_jekyll_43s() -> None:
    assert STYLES == {
        "none": "/:categories/:title:output_ext",
        "date": "/:categories/:year/:month/:day/:title:output_ext",
        "ordinal": "/:categories/:year/:y_day/:title:output_ext",
        "pretty": "/:categories/:year/:month/:day/:title/",
        "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    }


def test_style_names_are_case_sensitive_and_custom_templates_stay(tmp_path: Path) -> None:
    assert read_jekyll_site(site_with(tmp_path, "permalink: Pretty\n")).permalink == "Pretty"
    custom = "/:year/:month_:day/:title/"
    assert read_jekyll_site(site_with(tmp_path, f"permalink: {custom}\n")).permalink == custom


def test_collections_posts_permalink_beats_the_site_style(tmp_path: Path) -> None:
    text = "permalink: pretty\ncollections:\n  posts:\n    permalink: /p/:slug/\n"
    assert read_jekyll_site(site_with(tmp_path, text)).permalink == "/p/:slug/"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: x\n\n\n\n\n\npermalink: [a, b]\n",
            "_config.yml:7: permalink: expected a string, got a list",
        ),
        ("permalink: /:year/:titel/\n", "_config.yml:1: permalink: unknown placeholder :titel"),
        ("permalink: /:year/:hash/\n", "unknown placeholder :hash"),
        ("a: 1\ntimezone: Mars/Olympus\n", "_config.yml:2: timezone: unknown time zone 'Mars/Olympus'"),
        ("exclude: vendor\n", "_config.yml:1: exclude: expected a list, got a string"),
        ("url: {host: x}\n", "_config.yml:1: url: expected a string, got a mapping"),
        ("limit_posts: -1\n", "_config.yml:1: limit_posts:"),
        ("title: [unclosed\n", "_config.yml:2: invalid YAML"),
        ("- a\n- b\n", "_config.yml:1: the Jekyll config must be a mapping, got a list"),
    ],
)
def test_config_errors_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read_jekyll_site(site_with(tmp_path, text))
    assert message in str(raised.value)


def test_an_explicit_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"_config\.prod\.yml: .*does not exist"):
        read_jekyll_site(tmp_path, [Path("_config.prod.yml")])


def test_ruby_truthiness_for_flags(tmp_path: Path) -> None:
    site = read_jekyll_site(site_with(tmp_path, 'future: "false"\nshow_drafts: 0\nunpublished: false\n'))
    assert (site.future, site.show_drafts, site.unpublished) == (True, True, False)


def test_default_sets_types_globs_and_warnings(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a.md").write_text("x")
    (tmp_path / "_posts" / "2024-02-01-b.md").write_text("x")
    text = (
        "defaults:\n"
        "  - scope: {path: '_posts/2024-0{1,3}-*', type: post}\n"
        "    values: {tags: [x]}\n"
        "  - scope: {path: ''}\n"
        "    values: not a mapping\n"
    )
    site = read_jekyll_site(site_with(tmp_path, text), local_zone=UTC)
    (rule,) = site.defaults
    assert (rule.type, rule.globbed) == ("posts", ("_posts/2024-01-01-a.md",))
    assert site.warnings == ("defaults[1]: ignored, Jekyll needs a `values` mapping",)

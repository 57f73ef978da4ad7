"""Which files are posts, defaults precedence, dates, placeholders and escaping: Jekyll's rules one by
one (the expected values were checked with Jekyll 4.3.1 / Ruby 3.1 / Addressable 2.8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedpub.errors import PostError
from feedpub.sites.jekyll import (
    NotAPost,
    PostName,
    absolute_url,
    defaults_for,
    jekyll_post,
    load_front_matter,
    post_name,
    publish_status,
    read_jekyll_site,
    slugify,
)
from feedpub.sites.jekyll_config import JekyllSite
from feedpub.sites.jekyll_dates import jekyll_date
from feedpub.sites.jekyll_permalinks import escape_path, generate_url, ruby_dirname, sanitize_url

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_site(tmp_path: Path, config: str = "") -> JekyllSite:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    return read_jekyll_site(tmp_path)


def name_of(site: JekyllSite, rel_path: str) -> PostName:
    found = post_name(site, rel_path)
    assert isinstance(found, PostName), found
    return found


def url_of(site: JekyllSite, rel_path: str, front_matter: dict[str, object] | None = None) -> str:
    return jekyll_post(site, name_of(site, rel_path), front_matter or {}).url


@pytest.mark.parametrize(
    ("rel_path", "date_text", "slug", "categories"),
    [
        ("_posts/2024-8-21-eslint-plugin.md", "2024-8-21", "eslint-plugin", ()),
        ("_posts/24-8-1-short.md", "24-8-1", "short", ()),
        ("news/tech/_posts/2024-01-02-x.md", "2024-01-02", "x", ("news", "tech")),
        ("_posts/es/2024-01-02-x.md", "2024-01-02", "x", ()),
        ("my_posts_old/_posts/2024-01-02-x.md", "2024-01-02", "x", ("my",)),  # a substring search
        ("_posts/2024-01-02-trailing....md", "2024-01-02", "trailing", ()),
        ("_posts/2024-01-02-notes.txt", "2024-01-02", "notes", ()),
    ],
)
def test_post_names(
    tmp_path: Path, rel_path: str, date_text: str, slug: str, categories: tuple[str, ...]
) -> None:
    found = name_of(make_site(tmp_path), rel_path)
    assert (found.date, found.slug, found.categories, found.draft) == (date_text, slug, categories, False)


@pytest.mark.parametrize(
    ("rel_path", "reason"),
    [
        ("posts/2024-01-01-x.md", "not inside a _posts/"),
        ("_posts/notes.md", "does not start with a YYYY-MM-DD- date"),
        ("_posts/1-01-01-x.md", "does not start with a YYYY-MM-DD- date"),
        ("_posts/_hidden/2024-01-01-x.md", "starts with . _ # or ~"),
        ("_posts/.2024-01-01-x.md", "hidden"),
        ("_posts/2024-01-01-x.md~", "backup"),
        ("_site/_posts/2024-01-01-x.md", "which Jekyll skips"),
        ("archive/_posts/2024-01-01-x.md", "excluded"),
        ("archived/_posts/2024-01-01-x.md", "excluded"),  # exclude is also a plain string prefix
        ("_drafts/idea.md", "show_drafts is off"),
        ("_posts/2024-01-01-data.yml", "YAML"),
    ],
)
def test_files_that_are_not_posts(tmp_path: Path, rel_path: str, reason: str) -> None:
    found = post_name(make_site(tmp_path, "exclude: [archive]\n"), rel_path)
    assert isinstance(found, NotAPost) and reason in found.reason


def test_collections_dir_limits_where_posts_are_read(tmp_path: Path) -> None:
    site = make_site(tmp_path, "collections_dir: content\n")
    assert isinstance(post_name(site, "_posts/2024-01-01-x.md"), NotAPost)
    inside = name_of(site, "content/blog/_posts/2024-01-01-x.md")
    assert (inside.relative_path, inside.categories) == ("blog/_posts/2024-01-01-x.md", ("blog",))


def test_drafts_with_show_drafts(tmp_path: Path) -> None:
    site = make_site(tmp_path, "show_drafts: true\n")
    undated = name_of(site, "_drafts/an-idea.md")
    assert (undated.draft, undated.date, undated.slug) == (True, None, "an-idea")
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "_drafts" / "an-idea.md").write_text("x")
    moment = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    post = jekyll_post(site, undated, {}, mtime=moment)
    assert (post.date, post.url) == (moment, "/2024/02/03/an-idea.html")
    assert name_of(site, "_drafts/2024-04-02-dated.md").date == "2024-04-02"


def test_defaults_most_specific_scope_wins_and_front_matter_wins_over_all(tmp_path: Path) -> None:
    config = (
        "defaults:\n"
        "  - {scope: {path: ''}, values: {layout: a, author: everyone}}\n"
        "  - {scope: {path: '', type: posts}, values: {layout: b}}\n"
        "  - {scope: {path: news}, values: {layout: c}}\n"
        "  - {scope: {path: news, type: pages}, values: {layout: pages-only}}\n"
        "  - {scope: {path: /news}, values: {layout: leading-slash-never-matches}}\n"
        "  - {scope: {path: '', type: drafts}, values: {layout: drafts-type-never-matches}}\n"
    )
    site = make_site(tmp_path, config)
    assert defaults_for(site, "_posts/2024-01-01-x.md") == {"layout": "b", "author": "everyone"}
    assert defaults_for(site, "news/_posts/2024-01-01-x.md")["layout"] == "c"
    post = jekyll_post(site, name_of(site, "news/_posts/2024-01-01-x.md"), {"layout": "own", "author": None})
    assert (post.data["layout"], post.data["author"]) == ("own", "everyone")  # null keeps the default


def test_categories_are_added_to_never_replaced(tmp_path: Path) -> None:
    site = make_site(tmp_path, "defaults:\n  - {scope: {path: news}, values: {categories: Press Room}}\n")
    name = name_of(site, "news/_posts/2024-01-01-x.md")
    post = jekyll_post(site, name, {"categories": ["Reviews", "news"], "category": "Extra"})
    assert post.categories == ("news", "Press", "Room", "Reviews", "Extra")
    assert post.url == "/news/press/room/reviews/extra/2024/01/01/x.html"


def test_singular_tag_wins_and_a_tag_string_is_split(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    name = name_of(site, "_posts/2024-01-01-x.md")
    assert jekyll_post(site, name, {"tag": "solo", "tags": ["a"]}).tags == ("solo",)
    assert jekyll_post(site, name, {"tags": "机器学习 深度学习"}).tags == ("机器学习", "深度学习")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-03-18 09:01:56 +0800", "2022-03-18T09:01:56+08:00"),
        ("2024-05-01 10:00", "2024-05-01T10:00:00+08:00"),
        ("2024-05-01", "2024-05-01T00:00:00+08:00"),
        ("2024-8-21", "2024-08-21T00:00:00+08:00"),
        ("24-08-21", "2024-08-21T00:00:00+08:00"),
        ("99-01-01", "1999-01-01T00:00:00+08:00"),
        ("2024-02-30", "2024-03-01T00:00:00+08:00"),
        ("2024-05-01T10:00:00Z", "2024-05-01T18:00:00+08:00"),
        ("2024-05-01 10:00 PST", "2024-05-02T02:00:00+08:00"),
        ("2024-05-01 10:00 XYZ", "2024-05-01T10:00:00+08:00"),  # an unknown zone is ignored
        ("2024-05-01 10:00:60", "2024-05-01T10:01:00+08:00"),
        ("2024-05-01 10:00 pm", "2024-05-01T22:00:00+08:00"),
        ("2024/05/01", "2024-05-01T00:00:00+08:00"),
        ("May 1 2024", "2024-05-01T00:00:00+08:00"),
        ("Tue, 01 May 2024 10:00:00 GMT", "2024-05-01T18:00:00+08:00"),
        (date(2024, 5, 1), "2024-05-01T00:00:00+08:00"),
        (datetime(2024, 5, 1, 10, 0), "2024-05-01T18:00:00+08:00"),  # naive: Psych's UTC
        (datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=-5))), "2024-05-01T23:00:00+08:00"),
    ],
)
def test_dates_as_ruby_reads_them(value: object, expected: str) -> None:
    assert jekyll_date(value, SHANGHAI).isoformat() == expected


@pytest.mark.parametrize("value", ["2024-13-01", "not a date", "2024", 2024, True, "2024-05-01 25:00"])
def test_bad_dates_name_the_key(value: object) -> None:
    with pytest.raises(PostError, match=r"^date: invalid date"):
        jekyll_date(value, SHANGHAI)


def test_front_matter_timestamps_are_typed_as_psych_types_them() -> None:
    data = load_front_matter(
        "---\na: 2024-05-01 10:00:00\nb: 2024-05-01 10:00\nc: 2024-5-1\nd: '2024-05-01'\n---\n"
    )
    assert data["a"] == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert (data["b"], data["c"], data["d"]) == ("2024-05-01 10:00", date(2024, 5, 1), "2024-05-01")
    plus = load_front_matter("---\ndate: 2022-03-18 09:01:56 +0800\n---\n")["date"]
    assert plus.isoformat() == "2022-03-18T09:01:56+08:00"


def test_a_date_with_an_offset_moves_the_url_into_the_site_zone(tmp_path: Path) -> None:
    site = make_site(tmp_path, "timezone: Asia/Shanghai\n")
    assert (
        url_of(site, "_posts/2024-12-30-x.md", {"date": "2024-12-30 21:15:07 -0500"}) == "/2024/12/31/x.html"
    )


def test_every_placeholder(tmp_path: Path) -> None:
    site = make_site(tmp_path, "timezone: UTC\n")
    template = (
        "/:collection/:categories/:slugified_categories/:year/:short_year/:month/:i_month/:short_month/"
        ":long_month/:day/:i_day/:y_day/:w_year/:week/:w_day/:short_day/:long_day/:hour_:minute_:second/"
        ":title/:slug/:name/:path:output_ext"
    )
    front = {"permalink": template, "date": "2025-01-05 07:08:09 +0000", "categories": ["Big Data"]}
    assert url_of(site, "_posts/2025-01-05-Hello World.md", front) == (
        "/posts/big%20data/big-data/2025/25/01/1/Jan/January/05/5/005/2025/01/7/Sun/Sunday/07_08_09/"
        "Hello-World/hello-world/2025-01-05-hello-world/2025-01-05-Hello%20World.html"
    )


def test_unknown_placeholder_in_a_post_permalink_names_the_key(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with pytest.raises(PostError, match=r"^permalink: unknown placeholder :titel"):
        url_of(site, "_posts/2024-01-01-x.md", {"permalink": "/:titel/"})


def test_output_ext_and_trailing_slash_rules(tmp_path: Path) -> None:
    site = make_site(tmp_path, "permalink: /:title\n")
    assert url_of(site, "_posts/2024-01-01-x.md") == "/x"
    assert url_of(site, "_posts/2024-01-01-x.md", {"permalink": "/p/:title:output_ext"}) == "/p/x.html"
    assert url_of(site, "_posts/2024-01-01-x.md", {"permalink": "/p/:title.php"}) == "/p/x.php"
    assert url_of(make_site(tmp_path), "_posts/2024-01-01-x.txt") == "/2024/01/01/x.txt"


def test_title_is_the_pretty_cased_slug_and_slug_the_default_one(tmp_path: Path) -> None:
    site = make_site(tmp_path, "permalink: /:title/:slug/\n")
    assert url_of(site, "_posts/2024-01-01-C++ and You!.md") == "/C++-and-You!/c-and-you/"
    assert url_of(site, "_posts/2024-01-01-x.md", {"slug": "你好 世界"}) == (
        "/%E4%BD%A0%E5%A5%BD-%E4%B8%96%E7%95%8C/%E4%BD%A0%E5%A5%BD-%E4%B8%96%E7%95%8C/"
    )


def test_post_id_keeps_the_raw_slug(tmp_path: Path) -> None:
    site = make_site(tmp_path, "permalink: pretty\n")
    post = jekyll_post(site, name_of(site, "_posts/2024-05-12-x.md"), {"slug": "Custom Slug"})
    assert (post.url, post.id) == ("/2024/05/12/Custom-Slug/", "/2024/05/12/Custom Slug")
    literal = jekyll_post(site, name_of(site, "_posts/2024-05-12-about.md"), {"permalink": "/about-release/"})
    assert literal.id == "/about"


@pytest.mark.parametrize(
    ("mode", "cased", "expected"),
    [
        (None, False, "the-config-yml-file"),
        ("pretty", False, "the-_config.yml-file"),
        ("pretty", True, "The-_config.yml-file"),
        ("ascii", False, "the-config-yml-file"),
        ("raw", False, "the-_config.yml-file"),
        ("latin", False, "the-config-yml-file"),
        ("none", True, "The _config.yml file"),
    ],
)
def test_slugify_modes(mode: str | None, cased: bool, expected: str) -> None:
    assert slugify("The _config.yml file", mode, cased) == expected


def test_slugify_keeps_letters_of_every_script() -> None:
    assert slugify("数据 科学 · Résumé") == "数据-科学-résumé"
    assert slugify("Ünïcödé", "latin") == "unicode"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain-2024.x/y", "plain-2024.x/y"),
        ("a b", "a%20b"),
        ("a?b#c#d", "a?b%23c%23d"),
        ("100%", "100%25"),
        ("[x]", "%5Bx%5D"),
        ("a:b@c!$&'()*+,;=~_", "a:b@c!$&'()*+,;=~_"),
        ("中文", "%E4%B8%AD%E6%96%87"),
    ],
)
def test_escape_path_like_addressable(value: str, escaped: str) -> None:
    assert escape_path(value) == escaped


def test_sanitize_url_and_dirname_quirks() -> None:
    assert sanitize_url("a..b//c./d") == "/a/b/cd"
    assert generate_url("/:month_:day/", {"month": "01", "day": "02"}) == "/01_02/"
    assert (ruby_dirname("/a/b/"), ruby_dirname("/a"), ruby_dirname("/")) == ("/a", "/", "/")


@pytest.mark.parametrize(
    ("path", "url", "baseurl", "expected"),
    [
        ("/a b/", "https://e.org", "/blog/", "https://e.org/blog/a%20b/"),
        ("/中文/", "https://e.org", None, "https://e.org/%E4%B8%AD%E6%96%87/"),
        ("/a%7Eb/%2f/%e4%b8%ad", "https://e.org", "", "https://e.org/a~b/%2F/%E4%B8%AD"),
        ("/x/", "https://e.org/", None, "https://e.org//x/"),  # a url ending in / doubles the slash
        ("/x/", "HTTPS://E.ORG:443", None, "https://e.org/x/"),
        ("/a/../b/./c", "https://e.org", None, "https://e.org/b/c"),
        ("/x/", None, "blog", "/blog/x/"),
        ("https://other.org/x", "https://e.org", None, "https://other.org/x"),
    ],
)
def test_absolute_url_like_jekyll(path: str, url: str | None, baseurl: str | None, expected: str) -> None:
    assert absolute_url(path, url, baseurl) == expected


@pytest.mark.parametrize(
    ("front", "config", "reason"),
    [
        ({"published": False}, "", "published: false"),
        ({"published": None}, "", "published: null"),
        ({"published": False}, "unpublished: true\n", None),
        ({"published": "false"}, "", None),  # a string is true in Ruby
        ({"date": "2099-01-01"}, "", "dated in the future"),
        ({"date": "2099-01-01"}, "future: true\n", None),
    ],
)
def test_publish_status(tmp_path: Path, front: dict[str, object], config: str, reason: str | None) -> None:
    site = make_site(tmp_path, config)
    post = jekyll_post(site, name_of(site, "_posts/2024-01-01-x.md"), front)
    status = publish_status(site, post, datetime(2025, 1, 1, tzinfo=UTC))
    assert status == reason if reason is None else status is not None and status.startswith(reason)

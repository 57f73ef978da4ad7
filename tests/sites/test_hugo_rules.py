"""Hugo's rules one at a time, each with the Hugo source that decides it: bundles and sections,
cascade, publish state, the date chains, permalink tokens, Go-exact escaping of URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from feedpub.errors import ConfigError, PostError
from feedpub.sites.hugo import (
    ContentFile,
    hugo_dates,
    hugo_pages,
    main_sections,
    page_terms,
    page_url,
    permalink,
    posts,
    read_hugo_site,
)
from feedpub.sites.hugo_dates import decode_frontmatter
from feedpub.sites.hugo_paths import glob_match, path_escape, sanitize, urlize
from feedpub.sites.hugo_permalinks import check_pattern, go_time_format, slice_sections

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_site(tmp_path: Path, toml: str = "") -> Any:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\n' + toml, encoding="utf-8")
    return read_hugo_site(tmp_path)


def pages_of(site: Any, files: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    return {p.file: p for p in hugo_pages(site, [ContentFile(k, v) for k, v in files.items()], now=NOW)}


def test_leaf_bundle_owns_every_file_below_it_and_branch_index_is_not_a_page(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    pages = pages_of(
        site,
        {
            "posts/_index.md": {"title": "Posts"},
            "posts/trip/index.md": {"title": "Trip"},
            "posts/trip/photo.jpg": None,
            "posts/trip/extra.md": {"title": "a resource, not a page"},
            "posts/trip/deeper/more.md": {"title": "also a resource"},
            "posts/.draft-notes.md": {"title": "ignored: dot file"},
            "posts/old.md~": {"title": "ignored: backup"},
            "about/index.md": {"title": "About"},
        },
    )
    assert sorted(pages) == ["about/index.md", "posts/trip/index.md"]
    trip = pages["posts/trip/index.md"]
    assert (trip.bundle, trip.path, trip.section) == ("leaf", "/posts/trip", "posts")
    assert trip.resources == ("posts/trip/deeper/more.md", "posts/trip/extra.md", "posts/trip/photo.jpg")
    assert pages["about/index.md"].section == ""  # a leaf bundle at the root is a page of the home
    assert page_url(site, trip) == "/posts/trip/"


def test_current_section_is_a_string_prefix_lookup_like_hugos_radix_tree(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    pages = pages_of(
        site,
        {
            "posts/2024/_index.md": {},
            "posts/2024/a.md": {},
            "posts/2024-recap/b.md": {},
            "posts/sub/c.md": {},
        },
    )
    assert pages["posts/2024/a.md"].current_section == "/posts/2024"
    assert (
        pages["posts/2024-recap/b.md"].current_section == "/posts/2024"
    )  # Hugo's quirk, checked against hugo
    assert pages["posts/sub/c.md"].current_section == "/posts"  # no _index: not a section


def test_cascade_nearest_first_then_config_and_front_matter_wins(tmp_path: Path) -> None:
    site = make_site(tmp_path, '[[cascade]]\n  color = "grey"\n  size = "s"\n')
    pages = pages_of(
        site,
        {
            "_index.md": {"cascade": {"color": "blue", "shape": "round"}},
            "posts/_index.md": {
                "cascade": [{"color": "red", "target": {"path": "/posts/keep/**"}}, {"draft": True}]
            },
            "posts/keep/x.md": {"shape": "square"},
            "posts/y.md": {},
        },
    )
    x, y = pages["posts/keep/x.md"], pages["posts/y.md"]
    assert (x.meta["color"], x.meta["shape"], x.meta["size"]) == ("red", "square", "s")
    assert (y.meta["color"], y.meta["shape"]) == ("blue", "round")
    assert x.draft and not x.published  # `draft` handed down by the cascade


def test_publish_states_drafts_future_expired_headless_and_build_options(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    pages = pages_of(
        site,
        {
            "p/draft.md": {"draft": True},
            "p/unpublished.md": {"published": "false", "date": "2020-01-01", "publishdate": "2020-01-01"},
            "p/future.md": {"date": "2030-01-01"},
            "p/expired.md": {"expirydate": "2025-01-01"},
            "p/headless/index.md": {"headless": True},
            "p/local.md": {"build": {"list": "local"}},
            "p/legacy-bool.md": {"build": {"list": False, "render": True}},
            "p/ok.md": {"date": "2025-01-01"},
        },
    )
    state = {k: (p.published, p.listed) for k, p in pages.items()}
    assert state == {
        "p/draft.md": (False, False),
        "p/unpublished.md": (False, False),
        "p/future.md": (False, False),
        "p/expired.md": (False, False),
        "p/headless/index.md": (True, False),
        "p/local.md": (True, False),
        "p/legacy-bool.md": (True, False),
        "p/ok.md": (True, True),
    }
    built = make_site(tmp_path, "buildDrafts = true\nbuildFuture = true\nbuildExpired = true\n")
    assert all(
        p.published
        for p in pages_of(
            built, {"a.md": {"draft": True, "date": "2030-01-01", "expirydate": "2020-01-01"}}
        ).values()
    )


def test_removed_and_invalid_front_matter_fail_like_hugo(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with pytest.raises(PostError, match="_build"):
        pages_of(site, {"a.md": {"_build": {"list": "never"}}})
    with pytest.raises(PostError, match="protocol"):
        pages_of(site, {"a.md": {"url": "https://elsewhere.example/"}})
    # `published: false` without publishDate: Hugo's publishDate chain reads it as a date and errors
    with pytest.raises(PostError, match="'published'"):
        pages_of(site, {"a.md": {"published": False}})


def test_main_sections_default_is_the_section_with_most_published_pages(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    files = {
        "docs/a.md": {},
        "docs/b.md": {},
        "blog/a.md": {},
        "blog/b.md": {},
        "blog/c.md": {"draft": True},
        "z.md": {},
    }
    files["docs/c.md"] = {}
    pages = list(pages_of(site, files).values())
    assert main_sections(site, pages) == ("docs",)
    assert [p.file for p in posts(site, pages)] == ["docs/a.md", "docs/b.md", "docs/c.md"]
    assert main_sections(site, []) == ("",)  # Hugo sets [""] when there is nothing to count
    given = make_site(tmp_path, '[params]\nmainSections = "blog"\n')
    assert main_sections(given, pages) == ("blog",)


def test_terms_follow_the_configured_taxonomies(tmp_path: Path) -> None:
    site = make_site(tmp_path, '[taxonomies]\ntag = "tags"\nseries = "series"\n')
    page = pages_of(site, {"a.md": {"Tags": ["x", "Y"], "series": "one", "categories": ["c"]}})["a.md"]
    assert page_terms(site, page) == {"tags": ("x", "Y"), "series": ("one",)}


TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02", datetime(2024, 1, 2, tzinfo=TZ)),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=TZ)),
        ("2024-01-02 03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=TZ)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (
            "2024-01-02T03:04:05.250-05:00",
            datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2024-01-02 03:04:05 +0100", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))),
        ("Tue, 02 Jan 2024 03:04:05 +0000", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("02 Jan 2024", datetime(2024, 1, 2, tzinfo=TZ)),
        (datetime(2024, 1, 2, 3, 4), datetime(2024, 1, 2, 3, 4, tzinfo=TZ)),  # TOML local datetime
    ],
)
def test_date_values_without_offset_take_the_site_time_zone(value: Any, expected: datetime) -> None:
    config = decode_frontmatter(None, "frontmatter")
    dates = hugo_dates({"date": value}, config, TZ, "post")
    assert dates.date == expected and dates.date.utcoffset() == expected.utcoffset()
    assert dates.publish_date == expected and dates.lastmod == expected and dates.expiry_date is None


def test_date_aliases_and_chain_order() -> None:
    config = decode_frontmatter(None, "frontmatter")
    dates = hugo_dates(
        {"pubdate": "2024-02-01", "modified": "2024-03-01", "unpublishdate": "2025-01-01"}, config, UTC, "p"
    )
    assert dates.date == datetime(2024, 2, 1, tzinfo=UTC)  # date ← publishDate when no date
    assert dates.lastmod == datetime(2024, 3, 1, tzinfo=UTC)
    assert dates.expiry_date == datetime(2025, 1, 1, tzinfo=UTC)


def test_filename_and_modtime_dates_and_the_slug_they_set() -> None:
    config = decode_frontmatter(
        {"date": [":filename", ":default"], "lastmod": [":fileModTime"]}, "frontmatter"
    )
    mtime = datetime(2024, 5, 5, 12, tzinfo=UTC)
    dates = hugo_dates({}, config, UTC, "2024-03-05-my-post", mtime)
    assert (dates.date, dates.filename_slug, dates.lastmod) == (
        datetime(2024, 3, 5, tzinfo=UTC),
        "my-post",
        mtime,
    )
    assert dates.publish_date == dates.date  # the filename date becomes the `date` param the next chain reads
    timed = hugo_dates({}, config, UTC, "2024-03-05-10-30-00 title")
    assert (timed.date, timed.filename_slug) == (datetime(2024, 3, 5, 10, 30, tzinfo=UTC), "title")
    assert hugo_dates({"slug": "kept"}, config, UTC, "2024-03-05-x").filename_slug is None


def test_bad_date_names_the_key_and_bad_frontmatter_config_names_it() -> None:
    with pytest.raises(PostError, match="'lastmod'"):
        hugo_dates({"lastmod": "yesterday"}, decode_frontmatter(None, "f"), UTC, "p")
    with pytest.raises(ConfigError, match=r"frontmatter\.date"):
        decode_frontmatter({"date": 3}, "frontmatter")


@pytest.mark.parametrize(
    ("toml", "meta", "file", "expected"),
    [
        ("", {"title": "Hello World"}, "posts/Hello World.md", "/posts/hello-world/"),
        ("", {"slug": "--Mixed Slug--"}, "posts/x.md", "/posts/mixed-slug/"),
        ("uglyURLs = true", {}, "posts/x.md", "/posts/x.html"),
        ("uglyURLs = true", {"url": "/kept/pretty/"}, "posts/x.md", "/kept/pretty/"),
        ("[uglyURLs]\nnotes = true", {}, "posts/x.md", "/posts/x/"),
        (
            "[permalinks]\nposts = '/:year/:month/:day/:slug/'",
            {"title": "你好 世界", "date": "2024-02-03"},
            "posts/x.md",
            "/2024/02/03/%E4%BD%A0%E5%A5%BD-%E4%B8%96%E7%95%8C/",
        ),
        ("[permalinks]\nposts = '/:title/'", {"title": "C++ & C#"}, "posts/x.md", "/c-c%23/"),
        ("[permalinks]\nposts = '/:sections[last]/:filename/'", {}, "posts/a/b/_x.md", "/posts/_x/"),
        (
            "[permalinks]\nposts = '/:2006/:Jan/:slugorfilename/'",
            {"date": "2024-03-01"},
            "posts/Name.md",
            "/2024/mar/name/",
        ),
        (
            "[permalinks.page]\nposts = '/a\\:b/:slug/'",
            {"slug": "s"},
            "posts/x.md",
            "/ab/s/",
        ),  # `\:` survives expansion, Sanitize drops it
        ("removePathAccents = true", {"slug": "Crème Brûlée"}, "posts/x.md", "/posts/creme-brulee/"),
        ("disablePathToLower = true", {}, "Posts/My File.md", "/Posts/My-File/"),
        ("", {"url": "/a/../b/Ünï/"}, "posts/x.md", "/b/%C3%9Cn%C3%AF/"),
        ("", {"url": "page.html"}, "posts/x.md", "/page.html"),
    ],
)
def test_urls(tmp_path: Path, toml: str, meta: dict[str, Any], file: str, expected: str) -> None:
    site = make_site(tmp_path, toml + "\n")
    page = pages_of(site, {file: meta})[file]
    assert page_url(site, page) == expected
    assert permalink(site, page) == "https://example.org" + expected


def test_base_url_path_is_added_to_rel_permalink_but_not_with_canonify(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/blog"\n', encoding="utf-8")
    site = read_hugo_site(tmp_path)
    page = pages_of(site, {"posts/x.md": {"url": "/special/"}})["posts/x.md"]
    assert (page_url(site, page), permalink(site, page)) == (
        "/blog/special/",
        "https://example.org/blog/special/",
    )
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://example.org/blog/"\ncanonifyURLs = true\n', encoding="utf-8"
    )
    site = read_hugo_site(tmp_path)
    assert page_url(site, page) == "/special/"


def test_unset_base_url_gives_path_permalinks(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "x"\n', encoding="utf-8")
    site = read_hugo_site(tmp_path)
    page = pages_of(site, {"posts/x.md": {}})["posts/x.md"]
    assert permalink(site, page) == "/posts/x/"


def test_languages_files_and_prefixes(tmp_path: Path) -> None:
    site = make_site(tmp_path, "[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n")
    pages = pages_of(site, {"posts/a.md": {}, "posts/a.fr.md": {}, "posts/v1.2.md": {}})
    assert page_url(site, pages["posts/a.fr.md"]) == "/fr/posts/a/"
    assert page_url(site, pages["posts/a.md"]) == "/posts/a/"
    assert pages["posts/v1.2.md"].path == "/posts/v1.2"  # `.2` is not a language


def test_permalink_tokens_checked_like_hugo() -> None:
    for pattern in (
        "/:year/:month/:slug/",
        "/:sections[1:]/:title",
        "/:2006/:01/:contentbasename",
        "/:yearday/",
    ):
        check_pattern(pattern, "permalinks.posts")
    with pytest.raises(ConfigError, match=":Year"):
        check_pattern("/:Year/", "permalinks.posts")
    assert go_time_format(datetime(2024, 3, 5, 14, 7), "Monday-Jan-_2-03PM") == "Tuesday-Mar- 5-02PM"
    assert slice_sections("[1:]", ["a", "b", "c"]) == ["b", "c"]
    assert slice_sections("[last]", ["a", "b"]) == ["b"]
    assert slice_sections("[5]", ["a"]) == [] and slice_sections("[:9]", ["a"]) == ["a"]


def test_path_rules_ported_from_go() -> None:
    assert sanitize("  Hello   World !") == "Hello-World"
    assert sanitize("a - b") == "a-b"
    assert sanitize("100%25 pure%") == "100%25-pure"
    assert urlize("Vim (text editor)") == "vim-text-editor"
    assert path_escape("/a b/ü/%e4%b8%ad/") == "/a%20b/%C3%BC/%E4%B8%AD/"
    assert path_escape("/%E4%B8%AD/") == "/%E4%B8%AD/"  # already escaped: kept
    assert glob_match("/{posts,posts/**}", "/posts/a/b") and not glob_match("/{posts,posts/**}", "/postsx/a")
    assert glob_match("/*", "/a") and not glob_match("/*", "/a/b")


def test_the_longest_key_prefix_is_found_by_lookup_as_by_scanning():
    """`CurrentSection` takes the longest *string* prefix among the page keys; found by one set
    lookup per length (a scan of every key per page was quadratic on a 10 000-page site)."""
    import random

    from feedpub.sites.hugo_content import _longest_prefix

    rng = random.Random(7)
    keys = {"", "/posts", "/posts/2024", "/blog", "/blog/a-b"} | {
        "/" + "".join(rng.choice("ab/-") for _ in range(rng.randint(1, 8))) for _ in range(300)
    }
    for _ in range(2_000):
        folder = "/" + "".join(rng.choice("ab/-") for _ in range(rng.randint(0, 10)))
        assert _longest_prefix(folder, keys) == max(
            (k for k in keys if folder.startswith(k)), key=len, default=""
        )
    assert _longest_prefix("/posts/2024-recap", keys) == "/posts/2024"

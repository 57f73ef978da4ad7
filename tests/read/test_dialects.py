"""Each rule of DESIGN.md §3, one small fixture each, for both dialects."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest

from feedpub.model import Status, status_at

from ..helpers import post, problem

CST = timezone(timedelta(hours=8))


# ---- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-03-18 09:01:56 +0800", datetime(2022, 3, 18, 9, 1, 56, tzinfo=CST)),
        ("2022-03-18 09:01:56 -0500", datetime(2022, 3, 18, 9, 1, 56, tzinfo=timezone(timedelta(hours=-5)))),
        ("2022-03-18 09:01", datetime(2022, 3, 18, 9, 1, tzinfo=CST)),  # no offset: site time zone
        ("2022-03-18", datetime(2022, 3, 18, tzinfo=CST)),  # YAML date
        ("2022-03-18T01:01:56Z", datetime(2022, 3, 18, 1, 1, 56, tzinfo=UTC)),
        ('"2022-03-18 09:01:56 +08:00"', datetime(2022, 3, 18, 9, 1, 56, tzinfo=CST)),
        ("2022-03-18 09:01:56.250 +0800", datetime(2022, 3, 18, 9, 1, 56, 250000, tzinfo=CST)),
    ],
)
def test_jekyll_dates(site, write_post, value, expected):
    write_post("2022-03-18-a.md", f"---\nlayout: post\ntitle: A\ndate: {value}\n---\nbody\n")
    assert post(site, "2022-03-18-a.md").published == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-24T09:10:04+08:00", datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),
        ("2025-06-24T09:10:04", datetime(2025, 6, 24, 9, 10, 4, tzinfo=CST)),
        ("2025-06-24", datetime(2025, 6, 24, tzinfo=CST)),
    ],
)
def test_hugo_dates(site, write_post, value, expected):
    write_post("a.md", f"---\ntitle: A\ndate: {value}\ndraft: false\n---\nbody\n")
    assert post(site, "a.md").published == expected


def test_jekyll_date_from_file_name(site, write_post):
    write_post("2021-05-06-from-name.md", "---\nlayout: post\ntitle: From name\n---\nbody\n")
    got = post(site, "2021-05-06-from-name.md")
    assert got.published == datetime(2021, 5, 6, tzinfo=CST)
    assert got.slug == "from-name"
    assert got.url == "https://news.example.org/posts/from-name/"


@pytest.mark.parametrize(
    "bad", ["yesterday", "2022-13-01", "2022-02-30 10:00", "18/03/2022", "[1]", "2022-03-18 25:00"]
)
def test_unparseable_dates_are_problems(site, write_post, bad):
    write_post("2022-03-18-bad.md", f"---\nlayout: post\ntitle: Bad\ndate: {bad}\n---\nbody\n")
    found = problem(site, "2022-03-18-bad.md")
    assert "date" in found.message
    assert found.line == 4


def test_no_date_anywhere_is_a_problem(site, write_post):
    write_post("undated.md", "---\ntitle: No date\n---\nbody\n")
    assert "no date" in problem(site, "undated.md").message


def test_lastmod_and_last_modified_at(site, write_post):
    write_post("h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\nlastmod: 2025-02-01T00:00:00Z\n---\nx\n")
    write_post(
        "2025-01-01-j.md",
        "---\nlayout: post\ntitle: J\ndate: 2025-01-01 08:00:00 +0800\nlast_modified_at: 2025-03-01 08:00:00 +0800\n---\nx\n",
    )
    assert post(site, "h.md").updated == datetime(2025, 2, 1, tzinfo=UTC)
    assert post(site, "2025-01-01-j.md").updated == datetime(2025, 3, 1, 8, tzinfo=CST)
    write_post("n.md", "---\ntitle: N\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
    assert post(site, "n.md").updated == post(site, "n.md").published


# ---- drafts, scheduled, expired ------------------------------------------------------------------


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_hugo_draft(site, write_post):
    write_post("d.md", "---\ntitle: D\ndate: 2025-01-01T00:00:00Z\ndraft: true\n---\nx\n")
    assert status_at(post(site, "d.md"), NOW) is Status.DRAFT


def test_jekyll_published_false(site, write_post):
    write_post("2025-01-01-p.md", "---\nlayout: post\ntitle: P\npublished: false\n---\nx\n")
    assert status_at(post(site, "2025-01-01-p.md"), NOW) is Status.DRAFT


def test_future_date_is_scheduled_until_due(site, write_post):
    write_post("f.md", "---\ntitle: F\ndate: 2026-06-01T00:00:00Z\n---\nx\n")
    got = post(site, "f.md")
    assert status_at(got, NOW) is Status.SCHEDULED
    assert status_at(got, datetime(2026, 6, 1, tzinfo=UTC)) is Status.PUBLISHED


def test_hugo_publish_date_in_future_schedules(site, write_post):
    write_post(
        "p.md", "---\ntitle: P\ndate: 2025-01-01T00:00:00Z\npublishDate: 2026-02-01T00:00:00Z\n---\nx\n"
    )
    got = post(site, "p.md")
    assert got.published == datetime(2025, 1, 1, tzinfo=UTC)
    assert status_at(got, NOW) is Status.SCHEDULED
    assert status_at(got, datetime(2026, 2, 1, tzinfo=UTC)) is Status.PUBLISHED


def test_hugo_published_alias_holding_a_date(site, write_post):
    write_post("p.md", "---\ntitle: P\npublished: 2026-03-01T00:00:00Z\n---\nx\n")
    got = post(site, "p.md")
    assert got.published == datetime(2026, 3, 1, tzinfo=UTC)
    assert status_at(got, NOW) is Status.SCHEDULED


def test_hugo_expiry_date(site, write_post):
    write_post(
        "e.md", "---\ntitle: E\ndate: 2025-01-01T00:00:00Z\nexpiryDate: 2025-12-01T00:00:00Z\n---\nx\n"
    )
    got = post(site, "e.md")
    assert status_at(got, NOW) is Status.EXPIRED
    assert status_at(got, datetime(2025, 6, 1, tzinfo=UTC)) is Status.PUBLISHED


def test_hugo_keys_are_case_insensitive(site, write_post):
    write_post("c.md", "---\nTitle: Case\nDate: 2025-01-01T00:00:00Z\nDraft: true\nTags: [A]\n---\nx\n")
    got = post(site, "c.md")
    assert got.title == "Case" and got.status is Status.DRAFT and [t.name for t in got.tags] == ["A"]


# ---- categories and tags -----------------------------------------------------------------------


def names(terms):
    return [t.name for t in terms]


def test_jekyll_strings_split_on_whitespace(site, write_post):
    write_post(
        "2025-01-01-j.md",
        "---\nlayout: post\ntitle: J\ncategories: news  world\ncategory: Hong Kong\ntags: a b\ntag: two words\n---\nx\n",
    )
    got = post(site, "2025-01-01-j.md")
    assert names(got.categories) == ["news", "world", "Hong Kong"]
    assert names(got.tags) == ["a", "b", "two words"]


def test_hugo_strings_are_one_term(site, write_post):
    write_post(
        "h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ncategories: Big News\ntags: one tag\n---\nx\n"
    )
    got = post(site, "h.md")
    assert names(got.categories) == ["Big News"]
    assert names(got.tags) == ["one tag"]


def test_main_topics_feed_categories(site, write_post):
    write_post(
        "h.md",
        "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ncategories: [一]\nmain_topics: [二, 一]\n---\nx\n",
    )
    assert names(post(site, "h.md").categories) == ["一", "二"]


def test_taxonomy_mapping_is_configurable(site, write_post):
    from dataclasses import replace

    settings = replace(
        site, taxonomies=replace(site.taxonomies, categories=("sections",), tags=("keywords",))
    )
    write_post(
        "h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\nsections: [S]\nkeywords: [K]\ntags: [T]\n---\nx\n"
    )
    got = post(settings, "h.md")
    assert names(got.categories) == ["S"] and names(got.tags) == ["K"]


def test_term_variants_merge_within_a_post(site, write_post):
    write_post(
        "h.md",
        "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ntags: [AI芯片, ai芯片, ＡＩ芯片, ' AI芯片 ']\n---\nx\n",
    )
    got = post(site, "h.md")
    assert [t.key for t in got.tags] == ["ai芯片"]


def test_numeric_tags_become_text(site, write_post):
    write_post("h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ntags: [2024, 3.5]\n---\nx\n")
    assert names(post(site, "h.md").tags) == ["2024", "3.5"]


@pytest.mark.parametrize("value", ["{a: 1}", "[[1, 2]]", "[{a: 1}]", "true"])
def test_wrong_tag_types_are_problems(site, write_post, value):
    write_post("h.md", f"---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ntags: {value}\n---\nx\n")
    found = problem(site, "h.md")
    assert found.message.startswith("tags:") and found.line == 4


def test_too_many_tags_is_a_problem_not_a_hang(site, write_post):
    tags = ", ".join(f"t{i}" for i in range(10_000))
    write_post("h.md", f"---\ntitle: H\ndate: 2025-01-01T00:00:00Z\ntags: [{tags}]\n---\nx\n")
    assert "max_terms_per_post" in problem(site, "h.md").message


# ---- summary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("平常的一句话。", "平常的一句话。"),  # plain text: taken as it is
        ("Title\n===", "Title"),  # a Setext heading is Markdown too
        ("Title\n---", "Title"),
        ("a *b* c", "a b c"),
    ],
)
def test_summary_plain_or_markdown(site, write_post, given, expected):
    write_post(
        "h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\nsummary: " + json.dumps(given) + "\n---\nx\n"
    )
    assert post(site, "h.md").summary == expected


def test_hugo_summary_key(site, write_post):
    write_post("h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\nsummary: 这是**摘要**。\n---\n正文。\n")
    assert post(site, "h.md").summary == "这是摘要。"


def test_jekyll_excerpt_then_description(site, write_post):
    write_post("2025-01-01-a.md", "---\nlayout: post\ntitle: A\nexcerpt: E\ndescription: D\n---\nbody\n")
    write_post("2025-01-01-b.md", "---\nlayout: post\ntitle: B\ndescription: D\n---\nbody\n")
    assert post(site, "2025-01-01-a.md").summary == "E"
    assert post(site, "2025-01-01-b.md").summary == "D"


def test_more_marker(site, write_post):
    write_post(
        "h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\n---\n第一段。\n\n<!--more-->\n\n第二段。\n"
    )
    got = post(site, "h.md")
    assert got.summary == "第一段。"
    assert "第二段" in got.content_html and "more" not in got.content_html


def test_jekyll_first_paragraph(site, write_post):
    write_post("2025-01-01-a.md", "---\nlayout: post\ntitle: A\n---\nFirst paragraph.\n\nSecond paragraph.\n")
    assert post(site, "2025-01-01-a.md").summary == "First paragraph."


def test_hugo_automatic_summary_is_cut_at_a_sentence(site, write_post):
    body = "句子。" * 200
    write_post("h.md", f"---\ntitle: H\ndate: 2025-01-01T00:00:00Z\n---\n{body}\n")
    summary = post(site, "h.md").summary
    assert summary.endswith("。") and 100 <= len(summary) <= 200


def test_jekyll_seed_summary_skips_hidden_paragraph(sample_site):
    got = post(sample_site, "2022-03-18-liang-jun-cambricon.md")
    assert got.summary.startswith("一家高科技公司CTO离职能引发多大震动？")


# ---- slug, url, id, image, author --------------------------------------------------------------


def test_slug_and_url_overrides(site, write_post):
    write_post("h.md", "---\ntitle: H\ndate: 2025-01-01T00:00:00Z\nslug: custom slug\n---\nx\n")
    write_post("u.md", "---\ntitle: U\ndate: 2025-01-01T00:00:00Z\nurl: /2025/u/\n---\nx\n")
    assert post(site, "h.md").url == "https://news.example.org/posts/custom-slug/"
    assert post(site, "u.md").url == "https://news.example.org/2025/u/"


def test_jekyll_permalink_placeholders(site, write_post):
    write_post(
        "2022-03-18-p.md",
        "---\nlayout: post\ntitle: P\ndate: 2022-03-18 09:01:56 +0800\ncategories: news\npermalink: /:categories/:year/:month/:day/:title.html\n---\nx\n",
    )
    assert post(site, "2022-03-18-p.md").url == "https://news.example.org/news/2022/03/18/p.html"


def test_id_override_keeps_migrated_ids(site, write_post):
    write_post(
        "a.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nid: https://old.example.com/a.html\n---\nx\n"
    )
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nguid: 12345\n---\nx\n")
    assert post(site, "a.md").id == "https://old.example.com/a.html"
    assert post(site, "b.md").id == "urn:feedpub:12345"


def test_page_bundle_slug_is_directory_name(site, write_post):
    write_post(
        "my-bundle/index.md", "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nfeatured_image: cover.jpg\n---\nx\n"
    )
    got = post(site, "my-bundle/index.md")
    assert got.slug == "my-bundle"
    assert got.image == "https://news.example.org/posts/my-bundle/cover.jpg"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("featured_image: /img/a b.jpg", "https://news.example.org/img/a%20b.jpg"),
        ("images: [/img/1.jpg, /img/2.jpg]", "https://news.example.org/img/1.jpg"),
        ("image: //cdn.example.com/x.png", "https://cdn.example.com/x.png"),
        ("image: {path: /img/p.png}", "https://news.example.org/img/p.png"),
        ("image: /图片/封面.png", "https://news.example.org/%E5%9B%BE%E7%89%87/%E5%B0%81%E9%9D%A2.png"),
    ],
)
def test_images(site, write_post, front, expected):
    write_post("i.md", f"---\ntitle: I\ndate: 2025-01-01T00:00:00Z\n{front}\n---\nx\n")
    assert post(site, "i.md").image == expected


def test_author_forms(site, write_post):
    write_post("a.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nauthor: 王五\n---\nx\n")
    write_post(
        "b.md",
        "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nauthors: [{name: Li, email: li@example.org}]\n---\nx\n",
    )
    assert post(site, "a.md").author.name == "王五"
    assert post(site, "b.md").author.email == "li@example.org"


def test_missing_title_comes_from_file_name(site, write_post):
    write_post("2025-01-01-hello-world.md", "---\nlayout: post\n---\nx\n")
    assert post(site, "2025-01-01-hello-world.md").title == "hello world"


def test_numeric_title_is_text(site, write_post):
    write_post("t.md", "---\ntitle: 12\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
    assert post(site, "t.md").title == "12"


def test_dialect_detection(sample_site):
    assert post(sample_site, "2022-03-18-liang-jun-cambricon.md").dialect == "jekyll"
    assert post(sample_site, "sensetime-xu-bing-ai-chips.md").dialect == "hugo"
    assert post(sample_site, "hbm-memory-race.md").dialect == "hugo"  # TOML
    assert post(sample_site, "open-source-models.md").dialect == "hugo"  # JSON
    assert post(sample_site, "2023-11-02-nvidia-export-rules.html").dialect == "jekyll"


def test_slug_collisions_are_resolved_deterministically(site, write_post):
    write_post("a/same.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
    write_post("b/same.md", "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
    first, second = post(site, "a/same.md"), post(site, "b/same.md")
    assert first.slug == "same"
    assert second.slug.startswith("same-") and second.url != first.url


def test_duplicate_explicit_ids_keep_the_first(site, write_post):
    write_post("a.md", "---\ntitle: A\ndate: 2025-01-01T00:00:00Z\nid: https://x.example/1\n---\nx\n")
    write_post("b.md", "---\ntitle: B\ndate: 2025-01-01T00:00:00Z\nid: https://x.example/1\n---\nx\n")
    assert post(site, "a.md").title == "A"
    assert "same id" in problem(site, "b.md").message


def test_jekyll_excerpt_separator(site, write_post):
    write_post(
        "2025-01-01-s.md",
        "---\nlayout: post\ntitle: S\nexcerpt_separator: <!--cut-->\n---\nIntro text.\n\nMore intro.<!--cut-->\n\nRest.\n",
    )
    assert post(site, "2025-01-01-s.md").summary == "Intro text. More intro."


def test_odd_file_names(site, write_post):
    write_post("2025-01-01-tab\x01name.md", "---\nlayout: post\n---\nx\n")
    assert "\x01" not in post(site, "2025-01-01-tab\x01name.md").title
    bad_name = os.fsencode(site.posts_dir) + b"/bad-\xff-name.md"
    with open(bad_name, "wb") as handle:
        handle.write(b"---\ntitle: x\ndate: 2025-01-01\n---\n")
    from feedpub.read.scan import scan

    problems = []
    scan(site.posts_dir, problems)
    assert any("not valid UTF-8" in p.message and "\\xff" in p.source for p in problems)

"""`feedpub build --site` on the fixture sites, entry by entry against what the generators published.

The reference is what the real Jekyll (with jekyll-feed) and the real Hugo printed for each fixture
(tests/golden/sites/*.json; test_jekyll_real and test_hugo_real keep those files equal to the real
generators' output wherever the generators are installed). Here the whole pipeline runs, from
the site's own config to feeds/, and every published entry of the Atom feed must carry the link,
id, date, title and terms the generator gave the post; no other entry may appear.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
import yaml

from feedpub.errors import ConfigError
from feedpub.publish.cold_build import build_and_publish, load_site
from feedpub.sites.load import load_site_settings

from .hugo_real import FIXTURES
from .jekyll_real import CONFIGS, read_golden

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "sites"
NOW = datetime(2026, 12, 1, tzinfo=UTC)  # the fixtures' future posts (2099) stay ahead


def site_settings(tmp_path: Path, fixture: str, **config: object):
    """A copy of the fixture in tmp_path/site, and the settings `feedpub build --site` makes of it."""
    shutil.copytree(FIXTURES / fixture, tmp_path / "site")
    data = {
        "site": {"source": "site", "configs": list(CONFIGS.get(fixture, ())[1:])},
        "paths": {"feeds": "feeds", "cache": "cache"},
        "feeds": {"limit": 100},
        **config,
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_site_settings(tmp_path / "config.yaml", {})


def atom_entries(feeds: Path) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse((feeds / "atom.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return {entry.link: entry for entry in parsed.entries}


def single_slashes(url: str) -> str:
    """jekyll-feed joins a `url` ending in `/` with a path starting with one: `https://x//2024/…`;
    feedpub links to the URL the site answers at, with one slash (the id keeps jekyll-feed's)."""
    scheme, rest = url.split("://", 1)
    while "//" in rest:
        rest = rest.replace("//", "/")
    return f"{scheme}://{rest}"


@pytest.mark.parametrize("fixture", ["jekyll-en", "jekyll-zh", "jekyll-collections"])
def test_jekyll_sites_give_the_entries_jekyll_feed_gives(tmp_path, fixture):
    settings = site_settings(tmp_path, fixture, legacy_urls=["jekyll"])
    build_and_publish(settings, NOW)
    entries = atom_entries(settings.feeds_dir)
    real = read_golden(fixture)
    expected = {single_slashes(p["url"]): p for p in real.posts}
    assert len(expected) >= 4 and set(entries) == set(expected)
    feed_ids = {single_slashes(e["link"]): e["id"] for e in real.feed}
    for link, post in expected.items():
        entry = entries[link]
        assert entry.title == post["title"], post["relative_path"]
        assert datetime.fromisoformat(entry.published) == datetime.fromisoformat(post["date"])
        if link in feed_ids:  # jekyll-feed's id, kept by legacy_urls: [jekyll]
            assert entry.id == feed_ids[link], post["relative_path"]
        terms = {tag.term for tag in entry.get("tags", [])}
        assert terms == {str(t) for t in [*post["categories"], *post["tags"]]}, post["relative_path"]


@pytest.mark.parametrize("fixture", ["hugo-blog", "hugo-confdir", "hugo-yaml"])
def test_hugo_sites_give_the_entries_hugo_gives(tmp_path, fixture):
    """Every post of the main sections Hugo publishes, with Hugo's permalink (its RSS link and
    guid), dates and terms; pages outside the main sections are not posts."""
    settings = site_settings(tmp_path, fixture)
    build_and_publish(settings, NOW)
    entries = atom_entries(settings.feeds_dir)
    real = json.loads((GOLDEN / f"{fixture}.json").read_text(encoding="utf-8"))
    mains = set(real["mainSections"])
    rss_links = {item["link"] for item in real["rss"]}
    expected = {
        page["permalink"]: (source, page)
        for source, page in real["pages"].items()
        if page["section"] in mains and page["permalink"] in rss_links
    }
    assert len(expected) >= 4 and set(entries) == set(expected)
    for link, (source, page) in expected.items():
        entry = entries[link]
        assert entry.id == link, source  # Hugo's guid is the permalink
        date = datetime.fromisoformat(page["date"])
        if date.year > 1:
            assert datetime.fromisoformat(entry.published) == date, source
        terms = {tag.term for tag in entry.get("tags", [])}
        assert terms == {*page["categories"], *page["tags"]}, source


def test_documentation_sections_are_not_posts(tmp_path):
    settings = site_settings(tmp_path, "hugo-blog")
    result = load_site(settings, NOW)
    sources = {post.source for post in result.posts}
    assert sources and all(source.startswith("posts/") for source in sources)
    assert not result.problems


def test_config_yaml_wins_and_says_where_each_setting_came_from(tmp_path):
    settings = site_settings(tmp_path, "jekyll-en", site={"source": "site", "title": "Mine"})
    assert settings.site.title == "Mine" and settings.origins["site.title"] == "config.yaml"
    assert settings.site.description == "Notes from the workshop"
    assert settings.origins["site.description"] == "_config.yml:3 description"
    assert settings.site.url == "https://notes.example.org/blog/"
    assert settings.site.base_url == "https://notes.example.org/blog/feeds/"
    assert settings.site.timezone == "America/New_York"


def test_a_broken_site_config_names_file_line_and_key(tmp_path):
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "site")
    config = tmp_path / "site" / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("permalink: pretty", "permalink: [a, b]"))
    (tmp_path / "config.yaml").write_text("site: {source: site}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"_config\.yml:\d+: permalink: "):
        load_site_settings(tmp_path / "config.yaml", {})


def test_a_folder_that_is_no_site_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "config.yaml").write_text("site: {source: empty}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="neither a Jekyll config"):
        load_site_settings(tmp_path / "config.yaml", {})


def test_two_posts_at_one_permalink_are_both_reported(tmp_path):
    settings = site_settings(tmp_path, "jekyll-en")
    posts = tmp_path / "site" / "_posts"
    for name in ("2024-06-01-first.md", "2024-06-02-second.md"):
        (posts / name).write_text(f"---\ntitle: {name}\npermalink: /same/\n---\nbody\n", encoding="utf-8")
    result = load_site(settings, NOW)
    clashes = {p.source: p.message for p in result.problems if "same id or permalink" in p.message}
    assert set(clashes) == {"_posts/2024-06-01-first.md", "_posts/2024-06-02-second.md"}
    assert (
        "kept" in clashes["_posts/2024-06-01-first.md"]
        and "left out" in clashes["_posts/2024-06-02-second.md"]
    )
    assert [p.source for p in result.posts if p.url.endswith("/same/")] == ["_posts/2024-06-01-first.md"]


def test_a_post_in_a_broken_hugo_page_is_reported_and_the_others_still_published(tmp_path):
    settings = site_settings(tmp_path, "hugo-blog")
    bad = tmp_path / "site" / "content" / "posts" / "bad-url.md"
    bad.write_text('---\ntitle: Bad\ndate: 2024-01-02\nurl: "https://elsewhere.example/x/"\n---\nbody\n')
    result = load_site(settings, NOW)
    assert [p.source for p in result.problems] == ["posts/bad-url.md"]
    assert "url" in result.problems[0].message
    assert len(result.posts) >= 5


def test_the_service_follows_a_hugo_cascade_change_into_posts_whose_files_did_not_change(tmp_path):
    """An `_index.md` cascade is part of every post below it: change it, and the next scan reads
    those posts again (their facts changed, their files did not) and republishes them."""
    from feedpub.service.publisher import Publisher

    settings = site_settings(tmp_path, "hugo-blog")
    publisher = Publisher(settings, clock=lambda: NOW)
    try:
        publisher.rescan()
        before = (settings.feeds_dir / "atom.xml").read_text(encoding="utf-8")
        assert 'term="notes"' in before and 'term="archived"' not in before
        index = tmp_path / "site" / "content" / "posts" / "_index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("[notes]", "[archived]"), encoding="utf-8")
        report = publisher.rescan()
        assert report.error is None
        after = (settings.feeds_dir / "atom.xml").read_text(encoding="utf-8")
        assert 'term="archived"' in after and 'term="notes"' not in after
    finally:
        publisher.close()


def _append_to_config(tmp_path: Path, text: str) -> None:
    config = tmp_path / "site" / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_default_only_feedpub_would_read_is_a_warning_not_a_lost_post(tmp_path):
    """A real Chirpy blog sets `lastmod: true` for every post (its theme's switch): Jekyll and
    jekyll-feed ignore it, and so does feedpub; a `last_modified_at` feedpub cannot read is a
    warning on a post that stays published."""
    settings = site_settings(tmp_path, "jekyll-zh")
    before = len(load_site(settings, NOW).posts)
    _append_to_config(tmp_path, "\n  - scope: {type: posts}\n    values: {lastmod: true}\n")
    result = load_site(load_site_settings(tmp_path / "config.yaml", {}), NOW)
    assert len(result.posts) == before and not result.problems and not result.warnings
    _append_to_config(tmp_path, "  - scope: {path: 随笔}\n    values: {last_modified_at: soon}\n")
    result = load_site(load_site_settings(tmp_path / "config.yaml", {}), NOW)
    assert len(result.posts) == before and not result.problems
    assert [w.source for w in result.warnings] == ["随笔/_posts/2022-03-18-财联社.md"]
    assert "last_modified_at" in result.warnings[0].message and "ignored" in result.warnings[0].message


def test_a_hugo_content_file_without_front_matter_is_no_problem(tmp_path):
    settings = site_settings(tmp_path, "hugo-blog")
    (tmp_path / "site" / "content" / "search").mkdir()
    (tmp_path / "site" / "content" / "search" / "_index.md").write_text("", encoding="utf-8")
    (tmp_path / "site" / "content" / "posts" / "bare.md").write_text("Just text.\n", encoding="utf-8")
    result = load_site(settings, NOW)
    assert not result.problems
    assert "posts/bare.md" in {post.source for post in result.posts}  # a page without front matter


def test_links_and_ids_take_the_host_as_jekyll_feed_writes_it(tmp_path):
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "site")
    config = tmp_path / "site" / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("notes.example.org", "Notes.Example.ORG"))
    (tmp_path / "config.yaml").write_text("site: {source: site}\nlegacy_urls: [jekyll]\n", encoding="utf-8")
    result = load_site(load_site_settings(tmp_path / "config.yaml", {}), NOW)
    assert all(p.url.startswith("https://notes.example.org/blog/") for p in result.posts)
    assert all(p.id.startswith("https://notes.example.org/blog/") for p in result.posts)


def test_a_site_without_url_still_gives_absolute_ids(tmp_path):
    shutil.copytree(FIXTURES / "jekyll-en", tmp_path / "site")
    config = tmp_path / "site" / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('url: "https://notes.example.org"', ""))
    (tmp_path / "config.yaml").write_text(
        "site: {source: site, base_url: 'https://feeds.example.net/'}\nlegacy_urls: [jekyll]\n",
        encoding="utf-8",
    )
    result = load_site(load_site_settings(tmp_path / "config.yaml", {}), NOW)
    assert result.posts and all(p.id.startswith("https://feeds.example.net/") for p in result.posts)


def test_a_broken_hugo_file_is_reported_at_every_scan_not_only_the_first(tmp_path):
    from feedpub.service.publisher import Publisher

    settings = site_settings(tmp_path, "hugo-blog")
    broken = tmp_path / "site" / "content" / "posts" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    publisher = Publisher(settings, clock=lambda: NOW)
    try:
        first = publisher.rescan()
        hello = tmp_path / "site" / "content" / "posts" / "hello-world.md"
        hello.write_text(hello.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        second = publisher.rescan()
    finally:
        publisher.close()
    for report in (first, second):
        assert [p.source for p in report.problems] == ["posts/broken.md"]

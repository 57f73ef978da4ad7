"""Adversarial inputs, whole-site builds: hostile posts together, beside the samples, and in a stable order.

The contract and the shared checks: tests/adversarial.py.
"""

from __future__ import annotations

from datetime import timedelta

import feedparser

from feedpub.model import Scope
from feedpub.publish.cold_build import build
from feedpub.publish.store import publish

from ..adversarial import HUGO, JEKYLL, build_ok


def _hostile_site(write_post) -> None:
    write_post("2022-03-18-jekyll.md", JEKYLL + "categories: news world\ntags: AI芯片 ]]>\n---\nJ ]]> body\n")
    write_post(
        "hugo.md", HUGO + "tags: [ai芯片, 🚀, a/b]\nmain_topics: [算力与芯片]\n---\nH body[^1]\n\n[^1]: n\n"
    )
    write_post(
        "toml.md", '+++\ntitle = "T"\ndate = 2025-02-01T08:00:00\ntags = ["ＡＩ芯片", ".."]\n+++\nT body\n'
    )
    write_post("json.md", '{"title": "J\\u0001", "date": "2025-03-01", "tags": ["C#"]}\nJSON body\n')
    write_post(
        "page.html", "---\ntitle: P\ndate: 2025-04-01T00:00:00Z\n---\n<p onclick=x>P</p><script>x</script>\n"
    )
    write_post(
        "draft.md", "---\ntitle: Draft\ndate: 2025-01-01T00:00:00Z\ndraft: 'true'\ntags: [secret]\n---\nx\n"
    )
    write_post("broken.md", "---\ntitle: [\n---\nx\n")
    write_post("typed.md", "---\ntitle: A\ndate: {a: 1}\n---\nx\n")
    write_post("nul.md", b"---\ntitle: N\x00\n---\n")
    write_post("2099-01-01-future.md", "---\nlayout: post\ntitle: Future\ntags: [later]\n---\nx\n")


def test_a_site_of_hostile_posts_builds_valid_deterministic_feeds(site, write_post, now):
    _hostile_site(write_post)
    first = build_ok(site, now)
    second = build_ok(site, now + timedelta(hours=1))
    assert first.files == second.files
    assert {p.source for p in first.problems} == {"broken.md", "typed.md", "nul.md"}
    assert {p.source for p in first.posts} >= {"hugo.md", "toml.md", "json.md", "page.html", "draft.md"}
    assert not any("secret" in p or "later" in p for p in first.files)
    tag = "tags/" + next(k.slug for k in first.taxonomy.scopes if k.key == "ai芯片") + "/atom.xml"
    assert len(feedparser.parse(first.files[tag]).entries) == 3
    publish(first.files, site.feeds_dir)
    assert publish(second.files, site.feeds_dir).written == []


def test_hostile_posts_beside_the_samples(sample_site, now):
    before = build(sample_site, now)  # test_feeds validates the samples themselves
    posts_dir = sample_site.posts_dir
    (posts_dir / "zz-hostile.md").write_text(
        HUGO + "tags: [AI芯片, '..', '<x>']\n---\n<script>x</script>ok\n", encoding="utf-8"
    )
    (posts_dir / "zz-broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    after = build_ok(sample_site, now)
    assert len(after.posts) == len(before.posts) + 1
    assert len(after.problems) == len(before.problems) + 1
    site_key = next(iter(after.taxonomy.scopes))
    assert len(after.taxonomy.scopes[site_key]) == len(before.taxonomy.scopes[site_key]) + 1
    ai = next(k for k in after.taxonomy.scopes if k.scope is Scope.TAG and k.key == "ai芯片")
    parsed = feedparser.parse(after.files[ai.path + "atom.xml"])
    assert "A" in [e.title for e in parsed.entries]


def test_many_posts_with_identical_dates_order_stably(site, write_post, now):
    for i in range(30):
        write_post(f"p{i:02d}.md", f"---\ntitle: P{i}\ndate: 2025-01-01T00:00:00Z\ntags: [same]\n---\nx\n")
    first = build_ok(site, now)
    ids = [e.id for e in feedparser.parse(first.files["atom.xml"]).entries]
    assert len(ids) == 20 and ids == sorted(ids)
    assert build(site, now).files == first.files

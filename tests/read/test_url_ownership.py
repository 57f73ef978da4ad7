"""Nobody takes another post's URL: when two posts want one slug, id or permalink, the one
published first keeps it (earliest `published`, ties by path), in a cold build, in `feedpub
check` and in the long-running service after an add or an edit; the later one is reported and,
when it is still published, has a visibly different URL."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from feedpub.publish.cold_build import load_site
from feedpub.service.publisher import Publisher

from ..conftest import NOW, Clock
from ..helpers import assert_same_as_cold_build, check_json

VICTIM = "---\ntitle: Victim\ndate: 2025-01-01T00:00:00Z\nslug: victim-post\n---\nthe real one\n"
# a newer post whose file sorts before the victim's, asking for the victim's slug
ATTACKER = "---\ntitle: Attacker\ndate: 2025-06-01T00:00:00Z\nslug: victim-post\n---\nimpostor\n"


def _urls(result) -> dict[str, str]:
    return {post.source: post.url for post in result.posts}


def test_a_newer_post_sorting_first_does_not_take_the_slug(site, write_post):
    write_post("zz-victim.md", VICTIM)
    write_post("aa-attacker.md", ATTACKER)
    result = load_site(site, NOW)
    urls = _urls(result)
    assert urls["zz-victim.md"] == site.site.base_url + "posts/victim-post/"
    assert urls["aa-attacker.md"] != urls["zz-victim.md"]
    assert "/posts/victim-post-" in urls["aa-attacker.md"]  # visibly different
    warned = [w for w in result.warnings if w.source == "aa-attacker.md"]
    assert warned and "zz-victim.md" in warned[0].message and warned[0].warning
    assert not [w for w in result.warnings if w.source == "zz-victim.md"]


def test_a_tie_in_dates_goes_by_path(site, write_post):
    write_post("b.md", VICTIM)
    write_post("a.md", VICTIM.replace("Victim", "Other"))
    urls = _urls(load_site(site, NOW))
    assert urls["a.md"].endswith("/posts/victim-post/") and urls["b.md"] != urls["a.md"]


def test_a_newer_post_with_the_same_id_or_permalink_is_left_out(site, write_post):
    write_post("zz-victim.md", VICTIM.replace("slug: victim-post", "id: urn:x:1"))
    write_post("aa-attacker.md", ATTACKER.replace("slug: victim-post", "id: urn:x:1"))
    result = load_site(site, NOW)
    assert [p.title for p in result.posts] == ["Victim"]
    messages = {p.source: p.message for p in result.problems}
    assert "left out" in messages["aa-attacker.md"] and "kept" in messages["zz-victim.md"]


def test_a_slug_made_free_cannot_be_claimed_ahead(site, write_post):
    """The free slug is the wanted one plus a hash of the path; a post already holding that name
    does not make two posts share it."""
    import hashlib

    suffix = hashlib.sha1(b"aa-attacker.md").hexdigest()[:6]
    write_post("zz-victim.md", VICTIM)
    write_post("aa-attacker.md", ATTACKER)
    write_post("mm-squatter.md", VICTIM.replace("victim-post", f"victim-post-{suffix}"))
    urls = list(_urls(load_site(site, NOW)).values())
    assert len(urls) == len(set(urls)) == 3


def test_feedpub_check_lists_the_later_post(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "zz-victim.md").write_text(VICTIM, encoding="utf-8")
    (tmp_path / "posts" / "aa-attacker.md").write_text(ATTACKER, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("site:\n  base_url: http://x.example/\n", encoding="utf-8")
    rows = check_json(tmp_path)
    assert [r["source"] for r in rows] == ["aa-attacker.md"], rows
    assert "zz-victim.md" in rows[0]["message"] and "victim-post-" in rows[0]["message"]


def _victim_url(settings) -> str:
    feed = json.loads((settings.feeds_dir / "feed.json").read_text(encoding="utf-8"))
    return {item["title"]: item["url"] for item in feed["items"]}["Victim"]


def test_the_service_keeps_the_slug_with_the_first_published_after_an_add_and_an_edit(site, write_post):
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    write_post("zz-victim.md", VICTIM)
    for watch in (False, True):
        publisher = Publisher(site, clock=clock, watch=watch)
        try:
            publisher.rescan()
            before = _victim_url(site)
            assert before.endswith("/posts/victim-post/")
            attacker = write_post("aa-attacker.md", ATTACKER)
            time.sleep(0.8 if watch else 0)  # inotify's report
            assert publisher.rescan().error is None
            assert _victim_url(site) == before
            assert_same_as_cold_build(site, clock)
            # the attacker backdates itself: now it was published first, as a cold build agrees
            attacker.write_text(ATTACKER.replace("2025-06-01", "2024-06-01"), encoding="utf-8")
            time.sleep(0.8 if watch else 0)
            assert publisher.rescan().error is None
            assert_same_as_cold_build(site, clock)
            attacker.unlink()
            time.sleep(0.8 if watch else 0)
            assert publisher.rescan().error is None
            assert _victim_url(site) == before
            assert_same_as_cold_build(site, clock)
        finally:
            publisher.close()

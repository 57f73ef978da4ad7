"""Look-alike terms (Unicode TS #39 confusable skeletons) merge into the plainest spelling's feed,
with a warning, in a cold build, `feedpub check` and the running service alike."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from feedpub.publish.cold_build import build, load_site
from feedpub.read.confusables import DATA, prototypes, skeleton_of
from feedpub.read.look_alikes import look_alike_keys
from feedpub.read.terms import term_key
from feedpub.service.publisher import Publisher

from ..conftest import NOW, Clock
from ..helpers import assert_same_as_cold_build, check_json

CYRILLIC_A = "\u0430"
ZWJ = "\u200d"


def _post(title: str, date: str, tags: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}T00:00:00Z\ntags: {tags}\n---\nbody\n"


def test_the_vendored_data_is_unicode_17():
    assert "# Version: 17.0.0" in DATA.read_text(encoding="utf-8")[:400]
    assert prototypes()[CYRILLIC_A] == "a" and len(prototypes()) > 6000


def test_skeletons():
    assert skeleton_of(f"p{CYRILLIC_A}ypal")[0] == skeleton_of("paypal")[0]
    assert skeleton_of(f"a{ZWJ}i")[0] == skeleton_of("ai")[0]
    assert skeleton_of("paypal")[1] == 0 and skeleton_of(f"p{CYRILLIC_A}ypal")[1] == 1
    assert skeleton_of("👨\u200d👩")[0] != skeleton_of("👨👩")[0]  # an emoji sequence keeps its joiner


def test_look_alike_keys_pick_the_plainest_whatever_the_order():
    keys = [term_key(f"{CYRILLIC_A}i芯片"), term_key("AI芯片"), term_key(f"A{ZWJ}I芯片"), term_key("other")]
    for order in (keys, keys[::-1]):
        assert look_alike_keys(order) == {keys[0]: "ai芯片", keys[2]: "ai芯片"}
    assert look_alike_keys(["python", "rust", "ai芯片", "开源"]) == {}


def test_a_look_alike_tag_joins_the_real_feed_with_a_warning(site, write_post):
    write_post("a.md", _post("Real", "2025-01-01", "[AI芯片]"))
    write_post("b.md", _post("Fake", "2025-02-01", f"[{CYRILLIC_A}i芯片]"))
    write_post("c.md", _post("Joined", "2025-03-01", f"[A{ZWJ}I芯片]"))
    result = load_site(site, NOW)
    assert {t.key for p in result.posts for t in p.tags} == {"ai芯片"}
    warned = sorted(w.source for w in result.warnings)
    assert warned == ["b.md", "c.md"]
    files = build(site, NOW).files
    tag_feeds = sorted(path for path in files if path.startswith("tags/") and path.endswith("atom.xml"))
    assert tag_feeds == ["tags/ai芯片/atom.xml"]


def test_feedpub_check_reports_the_look_alike(tmp_path):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(_post("Real", "2025-01-01", "[security]"), encoding="utf-8")
    fake = f"[s{chr(0x435)}curity]"  # a Cyrillic е
    (tmp_path / "posts" / "b.md").write_text(_post("Fake", "2025-02-01", fake), encoding="utf-8")
    (tmp_path / "config.yaml").write_text("site:\n  base_url: http://x.example/\n", encoding="utf-8")
    rows = check_json(tmp_path)
    assert [(r["source"], r["severity"]) for r in rows] == [("b.md", "warning")], rows
    assert "'security'" in rows[0]["message"]


def test_the_service_merges_as_a_cold_build_does(site, write_post):
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    write_post("a.md", _post("Real", "2025-01-01", "[news]"))
    for watch in (False, True):
        publisher = Publisher(site, clock=clock, watch=watch)
        try:
            publisher.rescan()
            fake = write_post("b.md", _post("Fake", "2025-02-01", f"[n{chr(0x435)}ws]"))
            time.sleep(0.8 if watch else 0)  # inotify's report
            assert publisher.rescan().error is None
            assert_same_as_cold_build(site, clock)
            assert not (site.feeds_dir / "tags" / f"n{chr(0x435)}ws").exists()
            fake.unlink()
            time.sleep(0.8 if watch else 0)
            assert publisher.rescan().error is None
            assert_same_as_cold_build(site, clock)
        finally:
            publisher.close()

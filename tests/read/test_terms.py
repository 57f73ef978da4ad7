"""Term keys, display names and slugs: examples and properties."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from feedpub.read.terms import assign_slugs, display_name, post_slug, raw_slug, term_key


def test_case_and_width_variants_share_a_key():
    assert (
        term_key("AI芯片") == term_key("ai芯片") == term_key("ＡＩ芯片") == term_key("  AI芯片 ") == "ai芯片"
    )
    assert term_key("Machine   Learning") == "machine learning"
    assert term_key("Straße") == term_key("STRASSE")


def test_display_name_is_most_used_then_sorted():
    assert display_name(Counter({"AI芯片": 3, "ai芯片": 1})) == "AI芯片"
    assert display_name(Counter({"b": 2, "a": 2})) == "a"


def test_slugs_keep_unicode_and_lose_separators():
    assert raw_slug("ai芯片") == "ai芯片"
    assert raw_slug("a/b?c#d%e\\f g") == "a-b-c-d-e-f-g"
    assert raw_slug("..hidden") == "hidden"
    assert raw_slug("..") not in ("", ".", "..")


keys = st.text(min_size=1, max_size=40).map(term_key).filter(bool)


@given(st.text(max_size=60))
def test_term_key_is_idempotent(text):
    assert term_key(term_key(text)) == term_key(text)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60))
def test_term_key_ignores_case_and_width_of_ascii(text):
    key = term_key(text)
    assert term_key(text.swapcase()) == key
    assert term_key(fullwidth(text)) == key
    assert term_key("  " + text + "\t") == key


@given(st.sets(keys, max_size=30))
def test_slugs_are_unique_safe_segments(key_set):
    slugs = assign_slugs(key_set)
    assert set(slugs) == key_set
    assert len(set(slugs.values())) == len(key_set)
    for slug in slugs.values():
        assert slug and slug not in (".", "..")
        assert not slug.startswith(".")
        assert not any(c in slug for c in "/\\?#%\x00") and not any(c.isspace() for c in slug)
        assert len(slug.encode("utf-8")) <= 120


@given(st.lists(keys, max_size=20), st.randoms())
def test_slug_assignment_does_not_depend_on_order(key_list, rng):
    shuffled = list(key_list)
    rng.shuffle(shuffled)
    assert assign_slugs(key_list) == assign_slugs(shuffled)


@given(st.text(max_size=300))
def test_post_slugs_are_safe(text):
    slug = post_slug(text)
    assert slug and not slug.startswith(".") and "/" not in slug and "\\" not in slug
    assert len(slug.encode("utf-8")) <= 120


def test_colliding_slugs_get_hashes_only_where_changed():
    slugs = assign_slugs(["a-b", "a b", "a/b"])
    assert slugs["a-b"] == "a-b"
    assert slugs["a b"].startswith("a-b-") and slugs["a/b"].startswith("a-b-")
    assert slugs["a b"] != slugs["a/b"]


def _sample_posts():
    from feedpub.config import settings_from_mapping
    from feedpub.read.load import load_posts
    from feedpub.read.scan import scan

    from ..conftest import BASE_CONFIG, ROOT

    settings = settings_from_mapping(BASE_CONFIG, root=ROOT)
    return load_posts(scan(settings.posts_dir), settings).posts


SAMPLE = _sample_posts()


@given(st.sets(st.sampled_from(range(len(SAMPLE)))), st.sets(st.sampled_from(range(len(SAMPLE)))))
def test_updating_a_taxonomy_equals_building_it_again(before, after):
    """update_taxonomy (what a rescan does) gives exactly what build_taxonomy gives."""
    from feedpub.render.taxonomy import build_taxonomy, update_taxonomy

    old_posts = [SAMPLE[i] for i in sorted(before)]
    new_posts = [SAMPLE[i] for i in sorted(after)]
    old = build_taxonomy(old_posts, visible_ids=frozenset(p.id for p in old_posts))
    updated = update_taxonomy(old, [SAMPLE[i] for i in before - after], [SAMPLE[i] for i in after - before])
    rebuilt = build_taxonomy(new_posts, visible_ids=frozenset(p.id for p in new_posts))
    assert updated.scopes == rebuilt.scopes
    assert updated.names == rebuilt.names and updated.slugs == rebuilt.slugs
    assert updated.spellings == rebuilt.spellings

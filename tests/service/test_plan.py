"""plan_publish: what a scan must publish, as a pure function of what feeds/ holds and the posts now."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from feedpub.service.plan import plan_publish
from feedpub.service.state import Published

from ..helpers import make_post

WHEN = datetime(2025, 1, 1, tzinfo=UTC)


A, B, C = (make_post(s, title="T", body="<p>x</p>") for s in ("a.md", "b.md", "c.md"))
ALL = frozenset({A.id, B.id, C.id})
PUBLISHED = Published({"a.md": A, "b.md": B, "c.md": C}, ALL)


def test_nothing_published_yet_is_a_full_publish():
    plan = plan_publish(None, {"a.md": A}, frozenset({A.id}), set())
    assert plan.full and plan.publishes and plan.pairs == ()


def test_the_same_posts_publish_nothing():
    plan = plan_publish(PUBLISHED, dict(PUBLISHED.posts), ALL, {"a.md"})  # read again, same object
    assert not plan.full and not plan.publishes and plan.affected == []


def test_an_edit_is_one_pair_and_moves_the_post_in_the_taxonomy():
    edited = replace(A, title="T2")
    plan = plan_publish(PUBLISHED, {**PUBLISHED.posts, "a.md": edited}, ALL, {"a.md"})
    assert plan.pairs == ((A, edited),)
    assert plan.affected == [A, edited] and plan.leaving == [A] and plan.joining == [edited]


def test_only_touched_sources_are_compared_while_visibility_holds():
    edited = replace(A, title="T2")  # changed, but the scan did not name it: not looked at
    plan = plan_publish(PUBLISHED, {**PUBLISHED.posts, "a.md": edited}, ALL, set())
    assert not plan.publishes


def test_a_deleted_and_an_added_post_are_found_without_being_named():
    now = {"a.md": A, "b.md": B, "d.md": (d := make_post("d.md", title="T", body="<p>x</p>"))}
    plan = plan_publish(PUBLISHED, now, frozenset({A.id, B.id, d.id}), set())
    assert plan.pairs == ((C, None), (None, d))
    assert plan.leaving == [C] and plan.joining == [d]


def test_a_visibility_change_compares_every_source():
    edited = replace(B, title="T2")  # not named, but every source is compared once a post fell due
    now = {**PUBLISHED.posts, "b.md": edited}
    plan = plan_publish(PUBLISHED, now, frozenset({B.id, C.id}), set())
    assert plan.pairs == ((A, A), (B, edited))
    assert plan.leaving == [A, B] and plan.joining == [edited]


def test_after_a_failed_scan_every_source_is_compared():
    edited = replace(C, title="T2")
    plan = plan_publish(PUBLISHED, {**PUBLISHED.posts, "c.md": edited}, ALL, set(), compare_all=True)
    assert plan.pairs == ((C, edited),)


def test_the_plan_is_a_function_of_its_inputs():
    edited = replace(A, title="T2")
    inputs = (PUBLISHED, {**PUBLISHED.posts, "a.md": edited}, ALL, {"a.md"})
    assert plan_publish(*inputs) == plan_publish(*inputs)

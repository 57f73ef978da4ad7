"""bench/corpus.py: deterministic, independent of N, and every post it writes reads cleanly in feedpub."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from feedpub.config import settings_from_mapping
from feedpub.publish.cold_build import build

from .helpers import corpus

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CONFIG = {"site": {"base_url": "https://bench.example.org/", "timezone": "Asia/Shanghai"}}


def _contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first = corpus.generate(tmp_path / "a", 40, seed=7)
    second = corpus.generate(tmp_path / "b", 40, seed=7)
    assert [p.name for p in first] == [p.name for p in second]
    assert len({p.name for p in first}) == 40
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    for data in _contents(tmp_path / "a").values():
        assert b"\r" not in data
        data.decode("utf-8")


def test_post_i_does_not_depend_on_n(tmp_path: Path) -> None:
    small = corpus.generate(tmp_path / "small", 10)
    large = corpus.generate(tmp_path / "large", 40)
    assert [p.name for p in small] == [p.name for p in large[:10]]
    for a, b in zip(small, large, strict=False):
        assert a.read_bytes() == b.read_bytes()


def test_another_seed_gives_another_corpus(tmp_path: Path) -> None:
    one = corpus.generate(tmp_path / "one", 5, seed=1)
    two = corpus.generate(tmp_path / "two", 5, seed=2)
    assert [p.read_bytes() for p in one] != [p.read_bytes() for p in two]


@pytest.mark.parametrize("dialect", ["mixed", "jekyll", "hugo"])
def test_feedpub_reads_every_post(tmp_path: Path, dialect: str) -> None:
    posts_dir = tmp_path / "corpus"
    paths = corpus.generate(posts_dir, 30, seed=3, dialect=dialect)
    settings = settings_from_mapping(CONFIG, root=tmp_path).with_overrides(posts=str(posts_dir))
    result = build(settings, NOW)
    assert result.problems == []
    assert len(result.posts) == len(paths)
    assert {post.dialect for post in result.posts} == (
        {"jekyll", "hugo"} if dialect == "mixed" else {dialect}
    )
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse(result.files[name])
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.entries


def test_hugo_mode_copies_topics_into_categories(tmp_path: Path) -> None:
    paths = corpus.generate(tmp_path / "hugo", 20, dialect="hugo")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "\ncategories: \n" in text
        assert "\nmain_topics: \n" in text
        assert "layout: post" not in text


def test_mixed_mode_has_both_dialects_and_no_categories_on_hugo_posts(tmp_path: Path) -> None:
    paths = corpus.generate(tmp_path / "mixed", 40)
    jekyll = [p for p in paths if p.read_text(encoding="utf-8").startswith("---\nlayout: post\n")]
    hugo = [p for p in paths if p not in jekyll]
    assert jekyll and hugo
    assert all(p.name[:4].isdigit() for p in jekyll)
    assert not any("\ncategories:" in p.read_text(encoding="utf-8") for p in hugo)


def test_dates_are_in_the_past(tmp_path: Path) -> None:
    for index in range(200):
        post = corpus.make_post(1, index)
        line = next(x for x in post.text.splitlines() if x.startswith("date: "))
        assert "2022-01-01" <= line[6:16] <= "2025-12-31"


def test_cli_writes_quietly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert corpus.main([str(tmp_path / "cli"), "--posts", "3", "--dialect", "jekyll"]) == 0
    assert capsys.readouterr().out == ""
    assert len(list((tmp_path / "cli").iterdir())) == 3


def test_bench_table_prints_every_row_and_marks_skipped_steps():

    spec = importlib.util.spec_from_file_location(
        "bench_run", Path(__file__).parent.parent / "bench" / "run.py"
    )
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    figures = {
        "posts": 10,
        "cold": {"seconds": 2.5, "rss": 100.0, "worker_rss": 40.0},
        "hugo": {"seconds": 5.0, "rss": 900.0},
        "pairs": [0.5, 0.625, 0.4],
    }
    text = run.table([figures])
    lines = text.splitlines()
    assert len(lines) == 2 + len(run.ROWS) + len(run.PEER_ROWS)
    assert "| cold build, `feedpub build`, no cache (s; with Hugo: median of 3) | 2.5 | ≤ Hugo |" in lines
    assert "| feedpub cold / Hugo full build (medians) | 0.50 | ≤ 1.0 |" in lines
    assert "| the same, pair by pair | 0.50, 0.62, 0.40 |  |" in lines
    assert run.median_run([{"seconds": 3}, {"seconds": 1}, {"seconds": 2}]) == {"seconds": 2}
    assert "| rescan, nothing changed (ms) | – | ≤ 50 |" in lines  # not measured in this run

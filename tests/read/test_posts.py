"""Which files are posts, and how one bad file is isolated from the rest."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from feedpub.publish.cold_build import build
from feedpub.read.load import load_posts
from feedpub.read.scan import scan

from ..helpers import problem
from ..validators import check_feedparser

GOOD = "---\ntitle: Good {n}\ndate: 2025-01-0{n}T00:00:00Z\ntags: [shared]\n---\nbody {n}\n"


def sources(settings):
    return [f.source for f in scan(settings.posts_dir)]


def test_only_post_files_are_scanned(site, write_post):
    for name in (
        "a.md",
        "b.markdown",
        "c.html",
        "d.MD",
        "e.txt",
        "f.md~",
        ".hidden.md",
        "_index.md",
        "_drafts/x.md",
        "_posts/2025-01-01-p.md",
        "_includes/x.html",
        ".git/x.md",
        "sub/dir/g.md",
        "section/_index.md",
    ):
        write_post(name, GOOD.format(n=1))
    assert sources(site) == ["_posts/2025-01-01-p.md", "a.md", "b.markdown", "c.html", "d.MD", "sub/dir/g.md"]


def test_symlinks_leaving_posts_dir_are_not_followed(site, write_post, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(GOOD.format(n=1))
    os.symlink(outside / "secret.md", site.posts_dir / "link.md")
    os.symlink(outside, site.posts_dir / "linkdir")
    write_post("real.md", GOOD.format(n=2))
    os.symlink(site.posts_dir / "real.md", site.posts_dir / "inside-link.md")
    problems = []
    found = [f.source for f in scan(site.posts_dir, problems)]
    assert "link.md" not in found and not any(s.startswith("linkdir") for s in found)
    assert "inside-link.md" in found
    assert {p.source for p in problems} == {"link.md", "linkdir"}


def test_symlink_loops_terminate(site, write_post):
    write_post("a/x.md", GOOD.format(n=1))
    os.symlink(site.posts_dir / "a", site.posts_dir / "a" / "loop")
    assert "a/x.md" in sources(site)


def test_one_broken_post_never_removes_the_others(site, write_post, now):
    for n in range(1, 4):
        write_post(f"good{n}.md", GOOD.format(n=n))
    write_post("broken.md", "---\ntitle: [unclosed\n---\nbody\n")
    write_post("baddate.md", "---\ntitle: x\ndate: someday\n---\n")
    result = build(site, now)
    assert {p.source for p in result.problems} == {"broken.md", "baddate.md"}
    check_feedparser(result.files["atom.xml"], 3)
    check_feedparser(result.files["tags/shared/atom.xml"], 3)


def test_oversized_file_is_a_problem(site, write_post):
    settings = replace(site, limits=replace(site.limits, max_file_bytes=1000))
    write_post("big.md", GOOD.format(n=1) + "x" * 2000)
    assert "max_file_bytes" in problem(settings, "big.md").message


def test_huge_title_is_bounded(site, write_post):
    write_post("t.md", "---\ntitle: " + "长" * 1_000_000 + "\ndate: 2025-01-01T00:00:00Z\n---\nx\n")
    loaded = load_posts(scan(site.posts_dir), site)
    posts, problems = loaded.posts, loaded.problems
    assert not problems and len(posts[0].title) == site.limits.max_title_length


def test_unreadable_file_is_a_problem(site, write_post):
    path = write_post("locked.md", GOOD.format(n=1))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: file permissions do not bind")
        assert "cannot read" in problem(site, "locked.md").message
    finally:
        path.chmod(0o644)


def test_missing_posts_dir_stops_a_build_before_it_unpublishes_anything(site, write_post, now):
    """A moved folder or a failed mount is not "no posts": feeds/ must keep what it has."""
    from click.testing import CliRunner

    from feedpub.cli import main
    from feedpub.errors import FeedpubError
    from feedpub.publish.cold_build import build_and_publish

    write_post("a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nbody\n")
    build_and_publish(site, now)
    before = {p: p.read_bytes() for p in site.feeds_dir.rglob("*") if p.is_file()}
    (site.posts_dir / "a.md").unlink()
    site.posts_dir.rmdir()
    with pytest.raises(FeedpubError, match="posts directory"):
        build(site, now)
    site.posts_dir.write_text("a file where the folder was")
    with pytest.raises(FeedpubError, match="posts directory"):
        build_and_publish(site, now)
    outcome = CliRunner().invoke(
        main, ["build", "--posts", str(site.posts_dir), "--out", str(site.feeds_dir)]
    )
    assert outcome.exit_code != 0 and "posts" in outcome.output
    assert {p: p.read_bytes() for p in site.feeds_dir.rglob("*") if p.is_file()} == before


def test_reading_across_a_process_pool_gives_what_one_process_gives(sample_site, monkeypatch):
    from feedpub.read import pool as posts_module
    from feedpub.read.scan import scan

    files = scan(sample_site.posts_dir)
    serial = posts_module.read_all(files, sample_site, workers=1)
    monkeypatch.setattr(posts_module, "PARALLEL_THRESHOLD", 2)  # the sample site is small
    pooled = posts_module.read_all(files, sample_site, workers=2)
    assert pooled == serial and len(serial) >= 10

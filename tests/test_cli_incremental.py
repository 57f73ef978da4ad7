"""`feedpub build` goes through the service's parse cache and manifest (issue 17, item 1): with
nothing changed it reads and renders nothing, one edited post re-renders only what it touches,
`--full` reads everything again, and the output is always the bytes a cold build writes. Each
build is a real `feedpub` process."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedpub.config import load_settings
from feedpub.service.publisher import Publisher

from .helpers import assert_same_as_cold_build
from .test_cli import ROOT, run


def summary(stdout: str) -> dict[str, int]:
    """The figures a build printed: changed and cached posts, written, unchanged, removed files."""
    read = re.search(r"^read: (\d+) changed, (\d+) from the cache$", stdout, re.M)
    feeds = re.search(r"^feeds: (\d+) written, (\d+) unchanged, (\d+) removed", stdout, re.M)
    assert read and feeds, stdout
    keys = ("changed", "cached", "written", "unchanged", "removed")
    return dict(zip(keys, map(int, [*read.groups(), *feeds.groups()]), strict=True))


def manifest_times(feeds: Path) -> dict[str, float]:
    return {str(p.relative_to(feeds)): p.stat().st_mtime_ns for p in feeds.rglob("*") if p.is_file()}


def published(stdout: str) -> int:
    found = re.search(r"^posts: (\d+) published", stdout, re.M)
    assert found, stdout
    return int(found[1])


class At:
    """The clock of builds made at SOURCE_DATE_EPOCH `epoch`."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, UTC)

    @property
    def env(self) -> dict[str, str]:
        return {"SOURCE_DATE_EPOCH": str(self.epoch)}


def make_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(ROOT / "posts", tmp_path / "posts")
    return tmp_path


def test_a_second_build_reads_and_renders_nothing_and_one_edit_renders_only_its_files(tmp_path):
    project, clock = make_project(tmp_path), At(1_790_000_000)
    settings = load_settings(project / "config.yaml", {})
    first = summary(run(["build"], project, env=clock.env).stdout)
    assert first["changed"] > 5 and first["cached"] == 0
    assert first["unchanged"] == 0 and first["written"] > 50
    before = manifest_times(settings.feeds_dir)

    again = run(["build"], project, env=clock.env).stdout
    assert "(nothing to render)" in again
    figures = summary(again)
    assert (figures["changed"], figures["written"], figures["removed"]) == (0, 0, 0)
    assert figures["cached"] == first["changed"] and figures["unchanged"] == first["written"]
    assert manifest_times(settings.feeds_dir) == before  # not one file touched

    post = settings.posts_dir / "hbm-memory-race.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n\nOne more line.\n", encoding="utf-8")
    edited = summary(run(["build"], project, env=clock.env).stdout)
    assert edited["changed"] == 1 and 0 < edited["written"] < first["written"] / 4
    assert_same_as_cold_build(settings, clock)

    full = run(["build", "--full"], project, env=clock.env).stdout
    assert summary(full)["changed"] == first["changed"] and summary(full)["written"] == 0
    assert_same_as_cold_build(settings, clock)


def test_a_scheduled_post_appears_when_the_build_clock_reaches_it(tmp_path):
    """SOURCE_DATE_EPOCH is the build's clock: which posts are visible depends on it, nothing
    else in the output does, so two builds at one epoch are the same bytes."""
    project = make_project(tmp_path)
    settings = load_settings(project / "config.yaml", {})
    early, late = At(1_700_000_000), At(2_000_000_000)
    first = run(["build"], project, env=early.env).stdout
    assert_same_as_cold_build(settings, early)
    later = run(["build"], project, env=late.env).stdout
    assert published(later) > published(first)
    assert summary(later)["changed"] == 0 and summary(later)["written"] > 0
    assert_same_as_cold_build(settings, late)
    bad = run(["build"], project, env={"SOURCE_DATE_EPOCH": "soon"}, check=False)
    assert bad.returncode != 0 and "SOURCE_DATE_EPOCH" in bad.stderr and "Traceback" not in bad.stderr


def test_a_build_after_the_service_kept_a_broken_posts_last_version_writes_what_a_cold_build_does(
    tmp_path,
):
    """The service keeps a broken post's last good version published (an editor's half-saved
    file must not drop an entry); a build's output depends only on the posts, so it leaves the
    post out as a cold build does, though it reads the service's cache."""
    project, clock = make_project(tmp_path), At(1_790_000_000)
    settings = load_settings(project / "config.yaml", {})
    post = settings.posts_dir / "hbm-memory-race.md"
    publisher = Publisher(settings, clock=clock)
    publisher.rescan()
    post.write_text("---\ntitle: [half saved\n---\n", encoding="utf-8")
    report = publisher.rescan()
    publisher.close()
    assert any("last good version" in p.message for p in report.problems)
    result = run(["build"], project, env=clock.env)
    assert post.name in result.stderr and "problems: 1" in result.stdout
    assert_same_as_cold_build(settings, clock)


def test_a_long_build_on_a_terminal_shows_reading_then_rendering_and_writing(tmp_path):
    """Run under `script`, whose pseudo-terminal makes stderr a terminal: both phases get a bar
    that reaches 100 %; through a pipe (every other test) there is none."""
    script = shutil.which("script")
    if script is None:
        pytest.skip("util-linux's script is not installed")
    posts = tmp_path / "posts"
    posts.mkdir()
    for i in range(250):
        (posts / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z\ntags: [t{i % 7}]\n---\nBody {i}.\n"
        )
    (tmp_path / "config.yaml").write_text("site: {title: T, base_url: 'https://example.org/'}\n")
    command = f"{sys.executable} -m feedpub.cli build --config {tmp_path / 'config.yaml'}"
    shown = subprocess.run(
        [script, "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    ).stdout
    for label in ("Reading posts", "Rendering and writing"):
        assert re.search(label + r".*100%", shown), shown[-2000:]
    piped = run(["build", "--full"], tmp_path)
    assert "Reading posts" not in piped.stderr + piped.stdout


def test_a_build_that_finds_nothing_changed_still_repairs_feeds_and_follows_the_config(tmp_path):
    """The shortcut for an unchanged site (a walk compared with the last build's record) is
    taken only when feeds/ is whole and every setting is as it was: a file deleted from feeds/
    is written again, and a changed setting that only the output depends on is applied."""
    project, clock = make_project(tmp_path), At(1_790_000_000)
    settings = load_settings(project / "config.yaml", {})
    run(["build"], project, env=clock.env)
    assert "(nothing to render)" in run(["build"], project, env=clock.env).stdout
    (settings.feeds_dir / "atom.xml").unlink()
    repaired = run(["build"], project, env=clock.env).stdout
    assert "(nothing to render)" not in repaired and (settings.feeds_dir / "atom.xml").is_file()
    assert_same_as_cold_build(settings, clock)


def test_legacy_ids_follow_the_config_through_the_cache(tmp_path):
    """`legacy_urls: [jekyll]` gives each entry the id jekyll-feed gave it. The id is decided
    while a post is read, so the parse cache must not serve posts read without it: the next
    build (and a service's start) reads them again."""
    from feedpub.sites.load import load_site_settings

    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_config.yml").write_text("title: Blog\nurl: https://blog.example.org\n", encoding="utf-8")
    (blog / "_posts" / "2024-05-01-hello.md").write_text("---\ntitle: Hello\n---\nHi.\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    clock = At(1_790_000_000)
    ids = []
    for legacy in ("[]", "[jekyll]", "[]"):
        config.write_text(f"legacy_urls: {legacy}\npaths: {{feeds: feeds}}\n", encoding="utf-8")
        run(["build", "--config", str(config), "--site", str(blog)], tmp_path, env=clock.env)
        settings = load_site_settings(str(config), site_dir=str(blog))
        assert_same_as_cold_build(settings, clock)
        ids.append(re.findall(r"<id>([^<]*)</id>", (settings.feeds_dir / "atom.xml").read_text())[-1])
    assert ids[0] == ids[2] != ids[1], ids

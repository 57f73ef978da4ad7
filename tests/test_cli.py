"""The real `feedpub` executable, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .validators import check_feedparser

FEEDPUB = [sys.executable, "-m", "feedpub.cli"]


def run(args, cwd, env=None, check=True):
    full_env = {k: v for k, v in os.environ.items() if k != "FEEDPUB_CONFIG"}
    full_env.update(env or {})
    result = subprocess.run(
        [*FEEDPUB, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def project(tmp_path):
    """A copy of the repository's sample project: config.yaml and posts/."""
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(ROOT / "posts", tmp_path / "posts")
    return tmp_path


def test_build_publishes_and_summarises(project):
    result = run(["build"], project)
    assert "7 published, 2 draft, 1 scheduled, 0 expired" in result.stdout
    assert "problems: 0" in result.stdout
    check_feedparser((project / "feeds/atom.xml").read_bytes(), 7)
    again = run(["build"], project)
    assert " 0 written" in again.stdout and "0 removed" in again.stdout


def test_build_flags_override_config(project, tmp_path):
    out = tmp_path / "elsewhere"
    run(["build", "--out", str(out), "--base-url", "https://feeds.example.com/blog"], project)
    parsed = check_feedparser((out / "atom.xml").read_bytes(), 7)
    assert parsed.entries[0].link.startswith("https://feeds.example.com/blog/posts/")


def test_broken_post_exit_codes(project):
    (project / "posts/broken.md").write_text("---\ntitle: [oops\n---\n")
    result = run(["build"], project)
    assert "problems: 1" in result.stdout and "broken.md" in result.stderr
    check_feedparser((project / "feeds/atom.xml").read_bytes(), 7)
    strict = run(["build", "--strict"], project, check=False)
    assert strict.returncode == 1


def test_check_json(project):
    assert run(["check"], project).returncode == 0
    (project / "posts/broken.md").write_text("---\ntitle: x\ndate: not a date\n---\n")
    result = run(["check", "--json"], project, check=False)
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert rows == [{"source": "broken.md", "line": 3, "message": rows[0]["message"], "severity": "problem"}]
    assert "date" in rows[0]["message"]


def test_check_reports_warnings_apart_and_strict_fails_on_them(tmp_path):
    """A post published with a warning (a Jekyll plugin's Liquid tag feedpub cannot run) is
    listed as a warning with its line: check exits 0, and 1 with --strict."""
    site = tmp_path / "blog"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Blog\nurl: https://blog.example.org\n", encoding="utf-8")
    (site / "_posts" / "2024-05-01-a.md").write_text(
        "---\ntitle: A\n---\nText.\n\n{% seo %}\n", encoding="utf-8"
    )
    loose = run(["check", "--json", "--site", str(site)], tmp_path, check=False)
    assert loose.returncode == 0, loose.stderr
    rows = json.loads(loose.stdout)
    assert [(r["source"], r["line"], r["severity"]) for r in rows] == [
        ("_posts/2024-05-01-a.md", 6, "warning")
    ]
    assert "seo" in rows[0]["message"]
    assert run(["check", "--strict", "--site", str(site)], tmp_path, check=False).returncode == 1
    shown = run(["check", "--site", str(site)], tmp_path, check=False).stdout
    assert "_posts/2024-05-01-a.md:6: warning: " in shown


def test_posts_json(project):
    rows = json.loads(run(["posts", "--json"], project).stdout)
    by_source = {r["source"]: r for r in rows}
    seed = by_source["sensetime-xu-bing-ai-chips.md"]
    assert set(seed) == {
        "source",
        "status",
        "id",
        "url",
        "title",
        "published",
        "updated",
        "categories",
        "tags",
        "summary",
        "image",
        "dialect",
    }
    assert seed["status"] == "published" and seed["dialect"] == "hugo"
    assert seed["published"] == "2025-06-24T09:10:04+08:00"
    assert by_source["future-ai-regulation.md"]["status"] == "scheduled"
    assert by_source["draft-quantum-chips.md"]["status"] == "draft"
    assert "AI芯片" in seed["tags"]


def test_feedpub_config_env_names_the_config(project, tmp_path):
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    result = run(["posts", "--json"], elsewhere, env={"FEEDPUB_CONFIG": str(project / "config.yaml")})
    assert len(json.loads(result.stdout)) == 10


def test_bad_config_is_a_clear_error(project):
    (project / "config.yaml").write_text("feeds:\n  limit: lots\n")
    result = run(["build"], project, check=False)
    assert result.returncode != 0
    assert "feeds.limit" in result.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "feedpub"
    assert script.exists()
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "build" in result.stdout

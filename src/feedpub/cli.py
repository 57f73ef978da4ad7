"""The `feedpub` command: a thin shell that turns errors into messages and exit codes."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from feedpub import __version__
from feedpub.command import FeedpubGroup, build_clock, config_option, hold, say_waiting, site_option
from feedpub.config import Settings
from feedpub.lifeline import sigterm_unwinds
from feedpub.model import Post, Problem, Scope, status_at
from feedpub.progress import terminal_meter
from feedpub.publish.publisher_lock import publisher_lock
from feedpub.serve.stats_command import stats_command
from feedpub.service.unchanged import Checked, note_current, still_current
from feedpub.sites.load import SITE_ENV, config_file, defaults_note, effective_settings, load_site_settings


def _settings(config: str | None, site: str | None = None, **overrides: Any) -> Settings:
    return load_site_settings(config, site_dir=site).with_overrides(**overrides)


def _hold_publisher_lock(settings: Settings, role: str, wait: bool = False) -> None:
    """One publisher per feeds/, held until the command ends (see publish.publisher_lock)."""
    hold(publisher_lock(settings.cache_dir, settings.feeds_dir, role, wait, say_waiting))


@click.group(cls=FeedpubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedpub")
@click.option("--debug", is_flag=True, help="Show the traceback of an error, not just its line.")
def main(debug: bool) -> None:
    """Publish RSS, Atom and JSON feeds from Jekyll- and Hugo-dialect posts.

    Exit codes: 0 done, 1 posts have problems (check, build --strict), 2 could not run.

    Example: feedpub build --config config.yaml
    """


@main.command("build")
@config_option
@site_option
@click.option("--posts", "posts_dir", type=click.Path(file_okay=False), help="Posts directory.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output directory (feeds/).")
@click.option("--base-url", help="Public URL of the site, e.g. https://news.example.org/.")
@click.option("--strict", is_flag=True, help="Exit 1 when any post has a problem or a warning.")
@click.option("--full", is_flag=True, help="Read and render every post again (ignore the cache).")
@click.option("--wait", is_flag=True, help="Wait while another process publishes to the same feeds/.")
def build_command(
    config: str | None,
    site: str | None,
    posts_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    strict: bool,
    full: bool,
    wait: bool,
) -> None:
    """Publish what changed in the posts since the last build (or service run) to feeds/.

    Unchanged posts come from the parse cache in paths.cache; a build of an unchanged site reads
    and renders nothing. The output is the same bytes as a build with --full.

    Example: feedpub build --site ~/blog --out ~/blog/_site/feeds
    """
    settings = _settings(config, site, posts=_abs(posts_dir), feeds=_abs(out_dir), base_url=base_url)
    _hold_publisher_lock(settings, "feedpub build", wait)
    if (note := defaults_note(settings, config_file(config), site)) is not None:
        click.echo(f"feedpub: {note}", err=True)
    now = build_clock()
    checked = Checked(None) if full else still_current(settings, now)  # a walk, nothing read
    summary = checked.summary
    if summary is not None:
        note_current(settings.cache_dir, summary, now)
    else:
        from feedpub.service.build import incremental_build  # the whole pipeline: imported only now

        with sigterm_unwinds():  # workers killed, nothing committed, one line and exit 143
            meter = terminal_meter()
            summary = incremental_build(settings, now, full, meter, walked=checked.walk).summary()
    click.echo("posts: " + ", ".join(f"{count} {status}" for status, count in summary.counts.items()))
    click.echo(f"read: {summary.changed} changed, {summary.cached} from the cache")
    click.echo(
        f"feeds: {summary.written} written, {summary.unchanged} unchanged, {summary.removed} removed"
        f" → {settings.feeds_dir}" + ("" if summary.rendered else " (nothing to render)")
    )
    _echo_problems(summary.problems, summary.warnings)
    if strict and (summary.problems or summary.warnings):
        sys.exit(1)


def _abs(path: str | None) -> str | None:
    """CLI paths are relative to the current directory, not to the config file."""
    return str(Path(path).resolve()) if path is not None else None


def _echo_problems(problems: list[Problem], warnings: list[Problem]) -> None:
    click.echo(f"problems: {len(problems)}" + (f", warnings: {len(warnings)}" if warnings else ""))
    for problem in [*problems, *warnings]:
        click.echo(f"  {problem}", err=True)


@main.command("check")
@config_option
@site_option
@click.option("--json", "as_json", is_flag=True, help="Print problems and warnings as a JSON array.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check_command(config: str | None, site: str | None, as_json: bool, strict: bool) -> None:
    """List every problem (a post not published) and warning (published, but something in it
    could not be done, such as a template tag); exit 1 if there is any problem.

    Example: feedpub check --json
    """
    settings = _settings(config, site)
    from feedpub.publish.cold_build import load_site

    result = load_site(settings, build_clock())
    found = [*result.problems, *result.warnings]
    if as_json:
        rows = [
            {
                "source": p.source,
                "line": p.line,
                "message": p.message,
                "severity": "warning" if p.warning else "problem",
            }
            for p in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif found:
        for problem in found:
            click.echo(str(problem))
    else:
        click.echo(f"no problems in {len(result.posts)} posts")
    sys.exit(1 if result.problems or (strict and result.warnings) else 0)


def post_record(post: Post, now: datetime, names: dict[tuple[Scope, str], str]) -> dict[str, Any]:
    """The JSON shape of one post in `feedpub posts --json`."""
    from feedpub.read.dates import rfc3339

    return {
        "source": post.source,
        "status": status_at(post, now).value,
        "id": post.id,
        "url": post.url,
        "title": post.title,
        "published": rfc3339(post.published),
        "updated": rfc3339(post.updated),
        "categories": [names.get((Scope.CATEGORY, t.key), t.name) for t in post.categories],
        "tags": [names.get((Scope.TAG, t.key), t.name) for t in post.tags],
        "summary": post.summary,
        "image": post.image,
        "dialect": post.dialect,
    }


@main.command("posts")
@config_option
@site_option
@click.option("--json", "as_json", is_flag=True, help="Print posts as a JSON array.")
def posts_command(config: str | None, site: str | None, as_json: bool) -> None:
    """List the normalised posts with their status.

    Example: feedpub posts --json
    """
    settings = _settings(config, site)
    now = build_clock()
    from feedpub.publish.cold_build import load_site

    result = load_site(settings, now)
    records = [post_record(p, now, result.taxonomy.names) for p in result.posts]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in records:
        click.echo(
            f"{record['published']}  {record['status']:<9}  {record['dialect']:<6}  {record['source']}  {record['title']}"
        )
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)


@main.command("config")
@config_option
@site_option
@click.option("--json", "as_json", is_flag=True, help="Print the settings as a JSON object.")
def config_command(config: str | None, site: str | None, as_json: bool) -> None:
    """Print every effective setting and where it came from: config.yaml, the site's own
    config (file, line and key), or feedpub's default.

    Example: feedpub config --site ~/blog
    """
    settings = _settings(config, site)
    rows = effective_settings(settings)
    if as_json:
        click.echo(json.dumps({k: {"value": v, "from": o} for k, v, o in rows}, ensure_ascii=False, indent=2))
        return
    width = max(len(k) for k, _v, _o in rows)
    for key, value, origin in rows:
        click.echo(f"{key:<{width}}  {json.dumps(value, ensure_ascii=False)}  ({origin})")


@main.command("serve")
@config_option
@site_option
@click.option("--host", default=None, help="Address to listen on (default: server.host).")
@click.option("--port", type=int, default=None, help="Port to listen on (default: server.port).")
@click.option("--no-scheduler", is_flag=True, help="Only serve; another process scans and publishes.")
@click.option("--threads", type=int, default=None, help="Threads running the app (granian: 4, cheroot: 16).")
@click.option(
    "--server",
    "server_kind",
    type=click.Choice(["granian", "cheroot"]),
    default="granian",
    show_default=True,
    help="HTTP server: granian (fast, Rust) or cheroot (pure Python, one process).",
)
@click.option("--workers", type=int, default=1, show_default=True, help="Granian worker processes.")
@click.option(
    "--log-format", type=click.Choice(["text", "json"]), default="text", help="Log lines: text or JSON."
)
@click.option("--access-log", is_flag=True, help="Log each request (common log format, feedpub.access).")
def serve_command(
    config: str | None,
    site: str | None,
    host: str | None,
    port: int | None,
    no_scheduler: bool,
    threads: int | None,
    server_kind: str,
    workers: int,
    log_format: str,
    access_log: bool,
) -> None:
    """Build once, then serve the feeds and rescan posts on a schedule.

    Example: feedpub serve --port 8080
    """
    from feedpub.serve.listen import announce
    from feedpub.serve.server import configure_logging, run_service

    configure_logging(log_format)
    settings = _settings(config, site)
    if not no_scheduler:
        _hold_publisher_lock(settings, "feedpub serve")
    host = host or settings.server.host
    port = port if port is not None else settings.server.port
    settings = announce(settings, host, port, config_file(config), site)
    if site is not None:  # Granian's worker processes read the same site
        os.environ[SITE_ENV] = str(Path(site).resolve())
    code = run_service(
        settings,
        host,
        port,
        scheduler=not no_scheduler,
        threads=threads or (4 if server_kind == "granian" else 16),
        server_kind=server_kind,
        workers=workers,
        config_path=config_file(config),
        access_log=access_log,
    )
    sys.exit(code)


main.add_command(stats_command)  # `feedpub stats`: serve.stats_command

if __name__ == "__main__":
    main()

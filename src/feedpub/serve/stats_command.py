"""`feedpub stats` and `feedpub stats ingest`: the statistics from the command line.

Defined here, beside the store, so the command module only adds it (`cli.main.add_command`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from feedpub.command import Failure, config_option, site_option
from feedpub.sites.load import load_site_settings


@click.group("stats", invoke_without_command=True)
@config_option
@site_option
@click.option("--json", "as_json", is_flag=True, help="One JSON document (what /stats.json answers).")
@click.option("--days", type=click.IntRange(1, 10_000), default=30, show_default=True, help="Days to cover.")
@click.pass_context
def stats_command(ctx: click.Context, config: str | None, site: str | None, as_json: bool, days: int) -> None:
    """Who reads my feeds: estimated subscribers, by aggregator and direct, per feed."""
    ctx.obj = (config, site)
    if ctx.invoked_subcommand is not None:
        return
    from feedpub.serve.stats_report import report, text_table  # the command line starts fast

    settings = load_site_settings(config, site_dir=site)
    data = report(settings.cache_dir, days)
    click.echo(json.dumps(data, ensure_ascii=False, indent=1) if as_json else text_table(data), nl=as_json)


@stats_command.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.pass_context
def ingest_command(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Add nginx access logs (combined or deploy/nginx.conf's format, gzipped or not); lines read
    before are skipped, so a log can be ingested again as it grows."""
    from feedpub.serve.nginx_log import ingest

    config, site = ctx.obj
    settings = load_site_settings(config, site_dir=site)
    for name in files:
        try:
            added, skipped = ingest(settings, Path(name))
        except (OSError, EOFError) as exc:  # a truncated or damaged .gz: nothing of it was added
            raise Failure(f"{name}: cannot read: {exc}") from exc
        click.echo(f"{name}: {added} feed requests added, {skipped} lines read before")

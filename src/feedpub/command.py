"""The `feedpub` command's shell: every error is one line on stderr and an exit code, never a
traceback (`feedpub --debug …` shows it), because an operator reads the line, a script the code.

Exit codes: 0 done; 1 posts have problems (`check`, `build --strict`); 2 feedpub could not do
what was asked (usage, config, a missing or unreadable folder, feeds/ published by another
process, a busy port); 130 interrupted; 143 a build stopped by SIGTERM.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from feedpub.errors import FeedpubError
from feedpub.lifeline import Terminated

CANNOT = 2
INTERRUPTED = 130
LOG_FORMAT_ENV = "FEEDPUB_LOG_FORMAT"  # `serve --log-format`, set by serve.server for its workers too


class Failure(click.ClickException):
    """feedpub could not do what was asked; the message is the whole story."""

    exit_code = CANNOT


def one_line(exc: BaseException) -> str:
    """An exception as the line an operator reads."""
    if isinstance(exc, FeedpubError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        text = f"unexpected {type(exc).__name__}: {exc} (feedpub --debug … shows the traceback)"
    return " ".join(text.split())


def fail(message: str, code: int) -> NoReturn:
    """The line on stderr (a JSON log record when `serve --log-format json` set the log up)."""
    line = " ".join(message.split())
    if os.environ.get(LOG_FORMAT_ENV) == "json" and logging.getLogger().handlers:
        logging.getLogger("feedpub").error("%s", line)
    else:
        click.echo(f"feedpub: {line}", err=True)
    sys.exit(code)


def hold(resource: AbstractContextManager[object]) -> None:
    """Enter `resource` until the command ends (click closes it, or the process exits)."""
    click.get_current_context().with_resource(resource)


def say_waiting(who: str) -> None:
    click.echo(f"feedpub: waiting for {who} to finish publishing", err=True)


def build_clock() -> datetime:
    """Now, or the reproducible-builds clock SOURCE_DATE_EPOCH when set: which posts are visible
    depends on it (scheduled and expired ones), so a build can be repeated exactly."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise click.ClickException(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from exc
    return datetime.now(UTC)


config_option = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: $FEEDPUB_CONFIG, else ./config.yaml).",
)
site_option = click.option(
    "--site",
    "site",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="A Jekyll or Hugo site's root: its config, permalinks and posts (site.source).",
)


class FeedpubGroup(click.Group):
    """click's group whose errors are one line each (usage errors too, without the usage text)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise Failure(one_line(exc)) from exc

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, standalone_mode: bool = True
    ) -> Any:
        prog_name = prog_name or "feedpub"  # not "python -m feedpub.cli" in messages
        if not standalone_mode:
            return super().main(args, prog_name, standalone_mode=False)
        try:
            code = super().main(args, prog_name, standalone_mode=False)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "feedpub"
            fail(f"{exc.format_message().rstrip('.')} (see {where} --help)", exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            fail("interrupted", INTERRUPTED)
        except Terminated as exc:
            fail("stopped by SIGTERM; feeds/ keeps its last complete publish", exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)

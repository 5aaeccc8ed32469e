"""What every command shares: the configuration and store, options, and the one exit path.

Every TrackerError becomes one line on stderr and its exit code (1 error, 2 usage, 3
quarantined). Only click is imported at module level: heavy modules are imported inside
the commands that need them, so that `tracker --help` stays instant.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from tracker.core.errors import ConfigError, TrackerError

if TYPE_CHECKING:
    from tracker.core.config import Config, Source
    from tracker.core.models import Snapshot
    from tracker.store import Store

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class App:
    """What commands share: configuration and store, opened on first use."""

    def __init__(self, config_path: str | None, db_path: str | None) -> None:
        self.config_path = config_path
        self.db_path = db_path

    @cached_property
    def config(self) -> Config:
        from tracker.app.config import load_config

        config = load_config(self.config_path)
        if self.db_path:
            config.store.path = Path(self.db_path)
        return config

    @cached_property
    def store(self) -> Store:
        from tracker.store import Store

        return Store.open(self.config.store.path)

    def source(self, source_id: str | None) -> Source:
        return self.config.source(source_id)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


class TrackerGroup(click.Group):
    """Turns library errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            fail(ctx, str(exc), exc.exit_code)
        except click.UsageError as exc:
            # One line like every other error; the command's --help has the rest.
            where = exc.ctx.command_path if exc.ctx else ctx.command_path
            fail(ctx, f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except sqlite3.Error as exc:
            # A full disk or a database locked for too long is an outcome, not a crash.
            fail(ctx, f"database {ctx.obj.config.store.path}: {exc}", 1)


def fail(ctx: click.Context, message: str, exit_code: int) -> NoReturn:
    click.echo(f"Error: {' '.join(message.split())}", err=True)
    ctx.exit(exit_code)


pass_app = click.make_pass_decorator(App)


def source_option(func: F) -> F:
    return click.option(
        "--source",
        "source_id",
        metavar="ID",
        help="Source id from config.toml (default: the first).",
    )(func)


def at_option(func: F) -> F:
    return click.option(
        "--at",
        "ref",
        default="latest",
        show_default=True,
        metavar="REF",
        help="Snapshot id, latest, previous, baseline or a date YYYY-MM-DD (UTC).",
    )(func)


def plot_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--plot",
            "plot_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help=help_text,
        )(func)

    return decorate


def format_option(*choices: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def report(message: str, exit_code: int) -> None:
    """An outcome's line: on stdout when it went well, else on stderr with its exit code."""
    if exit_code:
        click.echo(f"Error: {message}", err=True)
        sys.exit(exit_code)
    click.echo(message)


def notice(line: str) -> None:
    """A note on stderr that the command is waiting (a retry, a rate limit), and why."""
    click.echo(line, err=True)


def emit(text: str, path: Path | None) -> None:
    """Output to stdout, or to the file --output names."""
    if path is None:
        click.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--output {path}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)


def doubt(snapshot: Snapshot) -> None:
    """A note on stderr when a command shows a snapshot that is not a believed reading."""
    if snapshot.status != "ok":
        reason = f": {snapshot.reason}" if snapshot.reason else ""
        click.echo(
            f"Note: snapshot {snapshot.id} is {snapshot.status}, not a believed reading{reason}",
            err=True,
        )


def progress(items: list[T], label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar on a terminal; silence in cron jobs and pipes."""
    if sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)

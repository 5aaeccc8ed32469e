"""What every command shares: the configuration and store, options, and the one exit path.

Every TrackerError becomes one line on stderr and its exit code (1 error, 2 usage, 3
quarantined); anything else is a bug, reported as one line too (exit 70) with its traceback
only under `tracker --debug`. Only click and what Python starts with are imported at module
level; the rest, the standard library's pathlib, shutil and sqlite3 included, is imported
where it is used, so that `tracker --help` costs little more than click.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar

import click

from tracker.core.errors import DEBUG_HINT, ConfigError, StoreError, TrackerError, unexpected

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.core.annotations import Annotation
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
        # Set by the commands that write: only they may create the database.
        self.writes = False
        # Set by those that write only to a database that exists (`accept`); the others
        # open it read-only, so that they work where it cannot be written.
        self.updates = False

    @cached_property
    def config(self) -> Config:
        from pathlib import Path

        from tracker.app.config import load_config

        config = load_config(self.config_path)
        if self.db_path:
            config.store.path = Path(self.db_path)
        return config

    @cached_property
    def store(self) -> Store:
        from tracker.app.changelog import current_logs
        from tracker.store import Store

        may_write = self.writes or self.updates
        store = Store.open(self.database(), read_only=not may_write)
        tell([current_logs(store, may_write=may_write)])
        return store

    def database(self) -> Path:
        """The database's path, checked before anything opens it.

        A command that only reads never creates a database: run from the wrong folder, an
        empty one would say the record is gone. One that writes creates the file, and the
        configured folder (`snapshots/`) but never a folder named by --db, where it would be
        a typo's.
        """
        path = self.config.store.path
        if not self.writes:
            if not path.is_file():
                raise StoreError(
                    f"no database at {path} (wrong folder? give --db PATH); start one with "
                    "`tracker snapshot`, `tracker baseline import PATH` or `tracker demo`"
                )
        elif not path.parent.is_dir():
            if self.db_path is not None or not path.parent.parent.is_dir():
                raise StoreError(
                    f"no folder {path.parent} for the database {path}; create it first"
                )
            path.parent.mkdir()
        if self.writes:
            from tracker.store.database import refuse_read_only

            refuse_read_only(path)  # before anything is fetched, or `tracker run` locks
        return path

    def source(self, source_id: str | None) -> Source:
        return self.config.source(source_id)

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


# A bug (sysexits' EX_SOFTWARE): distinct from every outcome a user can cause.
INTERNAL_EXIT = 70


class LazyCommand(NamedTuple):
    """A command the group imports only when it runs or shows its own help."""

    # "module:attribute", e.g. "tracker.cli.reports:members".
    path: str
    # Its help's first paragraph, which `tracker --help` lists without importing the module
    # (tests/test_docs.py checks it is the command's own).
    summary: str


class TrackerGroup(click.Group):
    """Turns library errors into one line on stderr and the documented exit code.

    Its `lazy` commands are imported on first use (click's lazy-loading group): `tracker
    --help` imports none, `tracker members` only the module that defines it.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, name = self.lazy[cmd_name].path.partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # click suggests a close name from `commands`, which holds none of the lazy ones.
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, over stand-ins that hold only each command's summary."""
        stand_ins = click.Group(
            commands=[click.Command(name, help=lazy.summary) for name, lazy in self.lazy.items()]
        )
        stand_ins.commands.update(self.commands)
        stand_ins.format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        import sqlite3  # here: `tracker --help` exits before the group is invoked

        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            fail(ctx, str(exc), exc.exit_code)
        except click.UsageError as exc:
            # One line like every other error; the command's --help has the rest.
            where = exc.ctx.command_path if exc.ctx else ctx.command_path
            fail(ctx, f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except sqlite3.Error as exc:
            # A full disk or a database locked for too long is an outcome, not a crash.
            fail(ctx, f"database {ctx.obj.config.store.path}: {exc}", 1)
        except OSError as exc:
            if not _stdout_broken(exc):
                _internal(ctx, exc)
            if exc.errno == errno.EPIPE:
                ctx.exit(1)  # the reader stopped (`| head`): nothing to tell anyone
            fail(ctx, f"cannot write the output: {exc.strerror or exc}", 1)
        except Exception as exc:
            _internal(ctx, exc)


def _internal(ctx: click.Context, exc: Exception) -> NoReturn:
    """A bug: one line and exit 70; the traceback only with --debug."""
    import logging

    logging.getLogger("tracker").debug("internal error", exc_info=exc)
    fail(ctx, f"{unexpected(exc)}; {DEBUG_HINT}", INTERNAL_EXIT)


def _stdout_broken(exc: OSError) -> bool:
    """Whether `exc` came from writing standard output (a closed pipe, a full device).

    Every output line goes through `click.echo`, so the traceback tells: an `echo` frame
    writing to stdout. Standard output is then pointed at /dev/null, so that Python's own
    last flush at exit cannot fail again with a traceback-like "Exception ignored" message.
    """
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    if not any(_echo_to_stdout(frame) for frame in frames):
        return False
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # not a real file (a test's buffer): nothing will flush it at exit
    return True


def _echo_to_stdout(frame: Any) -> bool:
    code = frame.f_code
    return (
        code.co_name == "echo"
        and code.co_filename == click.utils.__file__
        and frame.f_locals.get("err") is False
    )


def debug_logging() -> Callable[[], None]:
    """`tracker --debug`: the tracker's debug log, tracebacks included, on stderr, until
    the returned function is called (at the end of the command)."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    logger = logging.getLogger("tracker")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return stop


def fail(ctx: click.Context, message: str, exit_code: int) -> NoReturn:
    # One line per problem (a config file may have several), each one line however long.
    for line in message.splitlines() or [""]:
        click.echo(f"Error: {' '.join(line.split())}", err=True)
    ctx.exit(exit_code)


pass_app = click.make_pass_decorator(App)


class SnapshotId(click.ParamType):
    """A snapshot id as references read one: ASCII digits within SQLite's integer range
    (click's int would read `١`, an Arabic-Indic one, as snapshot 1)."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from tracker.app.refs import snapshot_id

        number = snapshot_id(str(value))
        if number is None:
            self.fail(f"{value!r} is not a snapshot id (digits 0-9)", param, ctx)
        return number


def source_option(func: F) -> F:
    return click.option(
        "--source",
        "source_id",
        metavar="ID",
        help="Source id from config.toml (default: the first).",
    )(func)


def given_when(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """A moment a person gives: YYYY-MM-DD or an ISO datetime (UTC), not in the future."""
    from tracker.app.saved import given_time

    try:
        return None if value is None else given_time(value, now=App.now())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


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
        from pathlib import Path

        return click.option(
            "--plot",
            "plot_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help=help_text,
        )(func)

    return decorate


class _Formats(click.Choice):
    """--format's choices as people see them: the plain output for reading is always `text`.

    Renderers call it `table` for tables and `text` for prose; `table`, the name tables'
    plain format had, is still accepted everywhere, unlisted.
    """

    def __init__(self, renders: tuple[str, ...]) -> None:
        self.plain = next((name for name in renders if name in _PLAIN), None)
        super().__init__([_shown(name) for name in renders])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        chosen = super().convert(_shown(value) if self.plain else value, param, ctx)
        return self.plain if chosen == "text" else chosen


_PLAIN = ("text", "table")


def _shown(name: str) -> str:
    return "text" if name in _PLAIN else name


def format_option(*choices: str) -> Callable[[F], F]:
    """--format, the first choice the default; `choices` are the renderer's names."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=_Formats(choices),
            default=_shown(choices[0]),
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def output_option(func: F) -> F:
    """--output FILE: the report written to a file (CSV with the BOM Excel needs, see `emit`)."""
    from pathlib import Path

    return click.option(
        "--output",
        "-o",
        "output_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to this file instead of standard output (CSV with a BOM, for Excel).",
    )(func)


def wide_option(func: F) -> F:
    return click.option(
        "--wide",
        "wide",
        is_flag=True,
        help="Show every table column in full (default: fit the terminal's width).",
    )(func)


def table_width(wide: bool, output: Path | None = None) -> int | None:
    """How wide a table may be: the terminal's width (or $COLUMNS), or None for every column
    in full, with --wide and when the output goes to a pipe or file (--output) rather than a
    person."""
    if wide or output is not None or not ("COLUMNS" in os.environ or sys.stdout.isatty()):
        return None
    import shutil

    return shutil.get_terminal_size().columns


def credited(text: str, notes: Iterable[Annotation], fmt: str) -> str:
    """`text` with CSET's credit when its annotations were shown (CC BY-NC 4.0 asks for it)."""
    from tracker.core.credit import credit_for

    return with_credit(text, credit_for(origin for note in notes for origin in note.origins()), fmt)


def with_credit(text: str, line: str | None, fmt: str) -> str:
    """`text` with a credit `line` (if any): under a table, and on stderr beside JSON or CSV
    so that the data stays pure data."""
    if line is None:
        return text
    if fmt != "table":
        click.echo(line, err=True)
        return text
    return f"{text}\n{line}\n"


def report(message: str, exit_code: int) -> None:
    """An outcome's line: on stdout when it went well, else on stderr with its exit code."""
    if exit_code:
        click.echo(f"Error: {message}", err=True)
        sys.exit(exit_code)
    click.echo(message)


def notice(line: str) -> None:
    """A note on stderr that the command is waiting (a retry, a rate limit), and why."""
    click.echo(line, err=True)


def emit(text: str, path: Path | None, *, bom: bool = False) -> None:
    """Output to stdout, or to the file --output names.

    `bom` (for CSV): a file starts with a UTF-8 byte order mark, without which Excel on
    Windows reads it as the local code page and garbles every name; a pipe stays plain UTF-8,
    as scripts expect.
    """
    if path is None:
        click.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    except OSError as exc:
        raise ConfigError(f"--output {path}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)


@contextmanager
def trees_only() -> Iterator[None]:
    """The cycle collector paused while a one-shot command builds and renders records that
    hold no cycles (listings, changes, annotations, rows: trees), restored after. It would
    find nothing in them, yet rescan them as they grow: on `tracker diff` over ten years,
    about 100 collections, 5% of the process's instructions. Whatever the block made and
    still holds at its end is scanned once when it resumes: return text, not records."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tell(notes: Iterable[str | None]) -> None:
    """What references resolved to, on stderr: stdout stays the clean report."""
    for note in notes:
        if note:
            click.echo(f"Note: {' '.join(note.split())}", err=True)


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

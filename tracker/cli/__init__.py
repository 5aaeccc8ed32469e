"""The `tracker` command line: thin commands over the library.

Commands parse arguments, call the library and render. Every TrackerError becomes one line
on stderr and its exit code (1 error, 2 usage, 3 quarantined); heavy modules are imported
inside the commands that need them so that `tracker --help` stays instant.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from tracker.core.errors import ConfigError, StoreError, TrackerError
from tracker.core.fields import BY_CHOICES

if TYPE_CHECKING:
    from tracker.app.schedule import Ticker
    from tracker.core.config import Config, Source
    from tracker.core.models import Origin, Snapshot
    from tracker.core.stats import Stats
    from tracker.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """What commands share: configuration and store, opened on first use."""

    def __init__(self, config_path: str | None, db_path: str | None) -> None:
        self.config_path = config_path
        self.db_path = db_path

    @cached_property
    def config(self) -> Config:
        from tracker.core.config import load_config

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


class TrackerGroup(click.Group):
    """Turns library errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except click.UsageError as exc:
            # One line like every other error; the command's --help has the rest.
            where = exc.ctx.command_path if exc.ctx else ctx.command_path
            _fail(ctx, f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except sqlite3.Error as exc:
            # A full disk or a database locked for too long is an outcome, not a crash.
            _fail(ctx, f"database {ctx.obj.config.store.path}: {exc}", 1)


def _fail(ctx: click.Context, message: str, exit_code: int) -> NoReturn:
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


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="TRACKER_CONFIG",
    metavar="PATH",
    help="config.toml to use [env: TRACKER_CONFIG; default ./config.toml].",
)
@click.option(
    "--db",
    "db_path",
    envvar="TRACKER_DB",
    metavar="PATH",
    help="SQLite database [env: TRACKER_DB; default from config: snapshots/tracker.db].",
)
@click.version_option(package_name="aiia-tracker")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_path: str | None) -> None:
    """Keep a verifiable, dated record of AIIA membership and how it changes.

    Example: tracker snapshot && tracker diff 2020-03-26 latest
    """
    ctx.obj = App(config_path, db_path)
    ctx.call_on_close(lambda: _close(ctx.obj))


def _close(app: App) -> None:
    if "store" in app.__dict__:
        app.store.close()


@cli.command()
@source_option
@click.option("--url", help="Fetch this URL instead of the configured one.")
@click.option(
    "--file",
    "file_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read a saved copy of the page instead of fetching.",
)
@pass_app
def snapshot(app: App, source_id: str | None, url: str | None, file_path: Path | None) -> None:
    """Fetch the member page, parse it and store a dated snapshot.

    Prints one line: the snapshot id (or "unchanged"), the capture time and the counts per
    tier. Exit code 3 when the parse looks wrong and was quarantined.

    Example: tracker snapshot --file saved-page.html
    """
    if url and file_path:
        raise click.UsageError("give --url or --file, not both")
    from tracker.app.capture import capture_file, capture_live

    source = app.source(source_id)
    # Watchers hear of what a manual snapshot found too: their messages are queued with it
    # and delivered by the next `tracker run` or `tracker notify`.
    if file_path is not None:
        outcome = capture_file(app.store, app.config, source, file_path, now=app.now)
    else:
        import httpx

        with httpx.Client() as client:
            outcome = capture_live(
                app.store, app.config, source, client=client, now=app.now, url=url
            )
    _report(outcome.message, outcome.exit_code)


def _report(message: str, exit_code: int) -> None:
    if exit_code:
        click.echo(f"Error: {message}", err=True)
        sys.exit(exit_code)
    click.echo(message)


@cli.command("parse")
@click.argument("location", metavar="PAGE_OR_URL")
@source_option
@click.option("--explain", is_flag=True, help="Also list every block and line not read, and why.")
@format_option("text", "json")
@pass_app
def parse_command(app: App, location: str, source_id: str | None, explain: bool, fmt: str) -> None:
    """Read a saved page or a URL as `tracker snapshot` would, and store nothing.

    Per tier: its heading as written, where it was found (a CSS path), the count, the
    first and last names. A list split over pages (下一页) is followed, as a snapshot would. With --explain, every block never read (chrome, navigation) and
    every line not read as a member, with the reason. Exit code 3 where `tracker snapshot`
    would quarantine the page. Use it to check a new page or to write [sources.selectors].

    Example: tracker parse saved-page.html --explain
    """
    import httpx

    from tracker.core.guard import anomalies
    from tracker.core.parse import read_pages
    from tracker.net.pages import read_location
    from tracker.render.reading import render_reading

    source = app.source(source_id)
    with httpx.Client() as client:
        pages, cut = read_location(location, source, client=client, max_pages=source.max_pages)
    reading = read_pages([page.text for page in pages], selectors=source.selectors)
    if cut is not None:
        reading.result.problems.append(cut)
    reasons = anomalies(reading.result, None, max_loss_share=source.max_loss_share)
    out = render_reading(
        reading, source=location, pages=len(pages), reasons=reasons, explain=explain, fmt=fmt
    )
    click.echo(out, nl=False)
    if reasons:
        sys.exit(3)


@cli.command()
@source_option
@click.option("--origin", type=click.Choice(["live", "file", "baseline", "wayback"]))
@format_option("table", "json", "csv")
@pass_app
def snapshots(app: App, source_id: str | None, origin: str | None, fmt: str) -> None:
    """List stored snapshots, oldest first, with their status and counts.

    Example: tracker snapshots --origin wayback
    """
    from tracker.core.stamps import utc_text
    from tracker.render.table import render_rows

    source = app.source(source_id)
    rows = [
        {
            "id": s.id,
            "captured_at": utc_text(s.captured_at),
            "origin": s.origin,
            "status": s.status,
            "members": s.member_count,
            "listings": s.listing_count,
            "counts": s.counts if fmt == "json" else _counts_text(s.counts),
            "sha256": s.page_sha256 if fmt != "table" else s.page_sha256[:12],
            "reason": s.reason,
        }
        for s in app.store.snapshots(source.id, origin=cast("Origin | None", origin))
    ]
    columns = ["id", "captured_at", "origin", "status", "members", "listings", "counts", "sha256"]
    click.echo(render_rows(rows, columns + (["reason"] if fmt != "table" else []), fmt), nl=False)


def _counts_text(counts: dict[str, int]) -> str:
    return " ".join(f"{tier}:{n}" for tier, n in counts.items())


@cli.command()
@source_option
@at_option
@format_option("table", "json", "csv")
@pass_app
def members(app: App, source_id: str | None, ref: str, fmt: str) -> None:
    """List one snapshot's member listings in page order, with what annotations say.

    Example: tracker members --at 2020-03-26 --format json
    """
    from tracker.core.annotations import annotate
    from tracker.core.fields import SHOWN_FIELDS
    from tracker.render.table import render_rows

    snap = _reading(app, ref, source_id)
    listings = app.store.listings(snap.id)
    notes = app.store.annotations_for({listing.key for listing in listings})
    rows = [
        annotate(listing.model_dump(), notes.get(listing.key), full=fmt == "json")
        for listing in listings
    ]
    columns = ["tier", "position", "name", "tier_label", "key", *SHOWN_FIELDS]
    click.echo(render_rows(rows, columns, fmt), nl=False)


def _reading(app: App, ref: str, source_id: str | None) -> Snapshot:
    """The snapshot a ref names, with a warning on stderr when it is not a believed one."""
    from tracker.app.refs import resolve

    snap = resolve(app.store, ref, app.source(source_id).id)
    if snap.status != "ok":
        reason = f": {snap.reason}" if snap.reason else ""
        click.echo(
            f"Note: snapshot {snap.id} is {snap.status}, not a believed reading{reason}", err=True
        )
    return snap


@cli.command()
@click.argument("snapshot_id", type=int)
@pass_app
def accept(app: App, snapshot_id: int) -> None:
    """Accept a quarantined snapshot after checking it: it becomes ok and enters diffs.

    Example: tracker accept 42
    """
    from tracker.app.accept import accept as accept_snapshot
    from tracker.render.report import describe

    if app.store.snapshot(snapshot_id).status == "ok":
        click.echo(f"snapshot {snapshot_id} is already ok")
        return
    snap = accept_snapshot(app.store, app.config, snapshot_id, at=app.now())
    click.echo(f"accepted {describe(snap)}")


@cli.group()
def baseline() -> None:
    """CSET's annotated list of 26 March 2020: the snapshot every report starts from.

    Example: tracker baseline import ../shared/cset-aiia/AIIA_collections.csv
    """


@baseline.command("import")
@source_option
@click.argument("location", required=False, metavar="[PATH_OR_URL]")
@click.option(
    "--replace",
    is_flag=True,
    help="Supersede a different baseline of the same date (the old one is kept, as replaced).",
)
@pass_app
def baseline_import(app: App, source_id: str | None, location: str | None, replace: bool) -> None:
    """Import CSET's CSV as the baseline snapshot, with its annotations of each member.

    Reads a local file or a URL (default: CSET's canonical copy on GitHub). The file's bytes
    are archived; importing the same file again changes nothing.

    Example: tracker baseline import AIIA_collections.csv
    """
    from tracker.app.baseline import download, import_baseline, read_local

    source = app.source(source_id)
    target = location or app.config.baseline_url
    if target.startswith(("http://", "https://")):
        import httpx

        with httpx.Client() as client:
            evidence = download(target, client=client, settings=source)
    else:
        evidence = read_local(Path(target))
    outcome = import_baseline(app.store, app.config, source, evidence, now=app.now, replace=replace)
    click.echo(outcome.message)


@cli.command()
@source_option
@at_option
@click.option("--by", type=click.Choice(BY_CHOICES), default="tier", show_default=True)
@format_option("table", "json", "csv")
@plot_option("Also draw each tier's composition (by --by; by type for --by tier) to a .png/.svg.")
@pass_app
def stats(
    app: App, source_id: str | None, ref: str, by: str, fmt: str, plot_path: Path | None
) -> None:
    """Count members (distinct, by highest tier) and listings at one snapshot, by tier.

    Example: tracker stats --at baseline --by type --format json
    """
    from tracker.core.jsontext import render_json
    from tracker.core.stamps import utc_text
    from tracker.core.stats import cross_tab, stats_rows
    from tracker.render.report import describe
    from tracker.render.table import render_rows

    if plot_path is not None:
        from tracker.render.charts import plot_format

        plot_format(plot_path)
    snap = _reading(app, ref, source_id)
    listings = app.store.listings(snap.id)
    notes = app.store.annotations_for({listing.key for listing in listings})
    table = cross_tab(listings, notes, by)
    if fmt == "json":
        where = {"id": snap.id, "source_id": snap.source_id, "origin": snap.origin}
        where |= {"status": snap.status, "reason": snap.reason}
        when = {"captured_at": utc_text(snap.captured_at)}
        click.echo(render_json({"snapshot": where | when, **table.model_dump()}), nl=False)
    else:
        rows, columns = stats_rows(table, detail=fmt == "csv")
        caption = f"{describe(snap)}\n" if fmt == "table" else ""
        click.echo(caption + render_rows(rows, columns, fmt), nl=False)
    if plot_path is not None:
        _plot_stats(table if by != "tier" else cross_tab(listings, notes, "type"), snap, plot_path)


def _plot_stats(table: Stats, snap: Snapshot, path: Path) -> None:
    from tracker.render.charts import plot_composition

    title = (
        f"AIIA members by tier and {table.by}, {snap.captured_at:%Y-%m-%d} "
        f"(snapshot {snap.id}, {snap.origin})"
    )
    plot_composition(table, path, title=title)
    click.echo(f"wrote {path}", err=True)


@cli.group()
def backfill() -> None:
    """Fill in the past from web archives: each archived copy becomes a dated snapshot.

    Example: tracker backfill wayback --from 2020 --dry-run
    """


def _cdx_bound(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from tracker.core.cdx import parse_bound

    try:
        return None if value is None else parse_bound(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@backfill.command("wayback")
@source_option
@click.option("--from", "since", metavar="YYYY[MMDD]", callback=_cdx_bound, help="First day (UTC).")
@click.option("--to", "until", metavar="YYYY[MMDD]", callback=_cdx_bound, help="Last day (UTC).")
@click.option(
    "--limit", type=click.IntRange(min=1), help="Fetch at most N captures now; rerun for more."
)
@click.option("--dry-run", is_flag=True, help="List the captures; fetch none.")
@pass_app
def backfill_wayback(
    app: App,
    source_id: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    dry_run: bool,
) -> None:
    """Add the Internet Archive's captures of the page as snapshots (origin wayback).

    Lists the captures of the source URL and its aliases, then fetches each one not stored
    yet, politely ([wayback] rate limits; waits on 429 and 5xx), and stores it like a live
    fetch: bytes archived, parse guarded, a page with no members quarantined. A rerun
    fetches only what is missing.

    Example: tracker backfill wayback --from 2020 --to 2023 --limit 50
    """
    import httpx

    from tracker.app import backfill
    from tracker.net.wayback import WaybackArchive, archive_settings
    from tracker.render.table import render_rows

    if since and until and since.ljust(14, "0") > until.ljust(14, "9"):
        raise click.BadParameter(f"--from {since} is after --to {until}")
    source = app.source(source_id)
    with httpx.Client() as client:
        settings = archive_settings(source, app.config.wayback)
        archive = WaybackArchive(app.config.wayback, settings, client=client)
        plan = backfill.plan_backfill(
            app.store, source, archive, since=since, until=until, limit=limit
        )
        if dry_run:
            columns = ["captured_at", "state", "digest", "url"]
            click.echo(render_rows(plan.rows(), columns, "table"), nl=False)
            click.echo(f"dry run: {plan.describe()}; would fetch {len(plan.todo)}")
            return
        with _progress(plan.todo, "Wayback captures") as captures, _terminate_interrupts():
            outcomes = backfill.run_backfill(
                app.store, app.config, source, archive, captures, now=app.now
            )
    for outcome in outcomes:
        # A quarantine message names its snapshot and how to accept it; an error names its URL.
        if outcome.failed:
            click.echo(outcome.message if outcome.snapshot else f"failed: {outcome.message}")
    click.echo(backfill.summary(plan, outcomes))
    failed = sum(1 for outcome in outcomes if outcome.outcome == "error")
    if failed:
        _report(f"{failed} captures could not be fetched; rerun to retry them", 1)


def _terminate_interrupts() -> AbstractContextManager[None]:
    """SIGTERM (a stopped service, a cancelled CI job) interrupts like Ctrl-C.

    The capture in progress rolls back and the command ends with one line and exit 1;
    captures stored so far were each settled in their own transaction.
    """
    from tracker.app.schedule import on_signals

    return on_signals(_interrupt, (signal.SIGTERM,))


def _interrupt() -> None:
    raise KeyboardInterrupt


T = TypeVar("T")


def _progress(items: list[T], label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar on a terminal; silence in cron jobs and pipes."""
    if sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


@cli.command()
@source_option
@format_option("table", "json", "csv")
@plot_option("Also draw listings per tier over time to a .png/.svg.")
@pass_app
def timeline(app: App, source_id: str | None, fmt: str, plot_path: Path | None) -> None:
    """Listings per tier and members at every ok snapshot, oldest first.

    Live, baseline and backfilled snapshots interleave by capture time.

    Example: tracker timeline --plot timeline.png
    """
    from tracker.core.timeline import timeline_rows
    from tracker.render.table import render_rows

    if plot_path is not None:
        from tracker.render.charts import plot_format

        plot_format(plot_path)
    source = app.source(source_id)
    snaps = app.store.snapshots(source.id, status="ok")
    if not snaps:
        raise StoreError(
            f"no ok snapshots of {source.id!r} yet (run `tracker snapshot`, "
            "`tracker baseline import` or `tracker backfill wayback`)"
        )
    rows, columns = timeline_rows(snaps)
    click.echo(render_rows(rows, columns, fmt), nl=False)
    if plot_path is not None:
        _plot_timeline(snaps, plot_path)


def _plot_timeline(snaps: list[Snapshot], path: Path) -> None:
    from tracker.core.timeline import timeline_series
    from tracker.render.charts import plot_series

    title = (
        f"AIIA listings per tier, {snaps[0].captured_at:%Y-%m-%d} to "
        f"{snaps[-1].captured_at:%Y-%m-%d} ({len(snaps)} snapshots)"
    )
    plot_series(timeline_series(snaps), path, title=title, ylabel="listings")
    click.echo(f"wrote {path}", err=True)


@cli.command("diff")
@click.argument("old_ref", metavar="OLD")
@click.argument("new_ref", metavar="NEW")
@source_option
@format_option("text", "markdown", "json", "csv", "html")
@click.option(
    "--output",
    "-o",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--with-transient",
    is_flag=True,
    help="Also list members who came and went (or went and came back) in between.",
)
@pass_app
def diff_command(
    app: App,
    old_ref: str,
    new_ref: str,
    source_id: str | None,
    fmt: str,
    output_path: Path | None,
    with_transient: bool,
) -> None:
    """Joins, departures, tier changes and likely renames between two snapshots.

    OLD and NEW are snapshot references: an id, latest, previous (the ok snapshot before
    latest), baseline, or a date YYYY-MM-DD (the last ok snapshot captured on or before
    that day, UTC). Spelling noise (bracket width, spaces, invisible characters) is never
    a change.

    Example: tracker diff 2020-03-26 latest --format markdown --output changes.md
    """
    from tracker.app.refs import resolve
    from tracker.app.reports import build_report
    from tracker.render.report import render

    source = app.source(source_id)
    old = resolve(app.store, old_ref, source.id)
    new = resolve(app.store, new_ref, source.id)
    report = build_report(app.store, old, new, with_transient=with_transient)
    _emit(render(report, fmt), output_path)


def _emit(text: str, path: Path | None) -> None:
    if path is None:
        click.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--output {path}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}", err=True)


@cli.command()
@click.argument("query", metavar="NAME_OR_KEY")
@source_option
@format_option("table", "json", "csv")
@pass_app
def history(app: App, query: str, source_id: str | None, fmt: str) -> None:
    """One member's timeline: first and last seen, every tier change, gap and rename.

    NAME_OR_KEY may be part of a name; when it matches several members they are listed.

    Example: tracker history 星河智能
    """
    from tracker.app.history import find_member, timeline
    from tracker.core.jsontext import render_json
    from tracker.render.table import render_rows

    source = app.source(source_id)
    found = timeline(app.store, source.id, find_member(app.store, source.id, query))
    if fmt == "json":
        click.echo(render_json(found.model_dump()), nl=False)
        return
    rows = [event.model_dump() for event in found.events]
    columns = ["snapshot_id", "at", "event", "tier", "name", "detail"]
    if fmt == "table":
        state = "still listed" if found.current else "no longer listed"
        click.echo(
            f"{found.name}  (key {found.key})\n"
            f"first seen: snapshot {found.first_seen.snapshot_id}  {found.first_seen.at}\n"
            f"last seen:  snapshot {found.last_seen.snapshot_id}  {found.last_seen.at}  ({state})\n"
        )
    click.echo(render_rows(rows, columns, fmt), nl=False)


@cli.command()
@click.option("--once", is_flag=True, help="One tick for every source, then exit (cron, CI).")
@pass_app
def run(app: App, once: bool) -> None:
    """Snapshot every source on the [schedule] of config.toml and tell the watchers.

    A tick does what `tracker snapshot` does, logs the changes, queues one summary per
    watcher and delivers what is due. One `tracker run` per database at a time; SIGINT and
    SIGTERM let the current tick finish. With --once the exit code is the worst tick's
    (1 failed, 3 quarantined).

    Example: tracker run --once
    """
    import os

    from tracker.app.schedule import Service, build_scheduler, describe_schedule, run_once
    from tracker.store.lock import DatabaseLock

    config = app.config
    with DatabaseLock(config.store.path, command="tracker run", now=app.now()):
        ticker = _ticker(app)
        if once:
            outcomes = run_once(config, ticker)
            skipped = [source.id for source in config.sources[len(outcomes) :]]
            if skipped:
                click.echo(f"Error: stopped by a signal before {', '.join(skipped)}", err=True)
            worst = max((o.exit_code for o in outcomes), default=0)
            sys.exit(max(worst, 1) if skipped else worst)
        service = Service(build_scheduler(config, ticker.job))
        click.echo(
            f"tracker run: pid {os.getpid()}, {len(config.sources)} source(s), "
            f"{describe_schedule(config.schedule)}, database {config.store.path}"
        )
        service.serve()
        click.echo("tracker run: stopped")


def _ticker(app: App) -> Ticker:
    import os

    import httpx

    from tracker.app.schedule import Ticker
    from tracker.store import Store

    path = app.config.store.path
    return Ticker(
        config=app.config,
        open_store=lambda: Store.open(path),
        make_client=httpx.Client,
        now=app.now,
        env=os.environ,
        log=click.echo,
    )


@cli.command()
@click.option("--retry", is_flag=True, help="Retry failed deliveries now, without backoff.")
@pass_app
def notify(app: App, retry: bool) -> None:
    """Deliver the watcher messages waiting in the outbox.

    Failed deliveries are retried on later ticks with backoff; --retry retries them now.

    Example: tracker notify --retry
    """
    from tracker.store.lock import DatabaseLock

    with DatabaseLock(app.config.store.path, command="tracker notify", now=app.now()):
        ticker = _ticker(app)
        with ticker.make_client() as client:
            result = ticker.deliver(app.store, client, force=retry)
    for error in result.failed.values():
        click.echo(f"Error: {error}", err=True)
    click.echo(result.summary())
    if result.failed:
        sys.exit(1)


@cli.group()
def watchers() -> None:
    """Who hears about changes: the [[watchers]] of config.toml.

    Example: tracker watchers list
    """


@watchers.command("list")
@format_option("table", "json", "csv")
@pass_app
def watchers_list(app: App, fmt: str) -> None:
    """Each watcher with its last delivery and failures; targets redacted, never secrets.

    Example: tracker watchers list --format json
    """
    from tracker.app.deliver import watcher_rows
    from tracker.render.table import render_rows

    rows = watcher_rows(app.store, app.config.watchers)
    columns = ["name", "kind", "target", "events", "last_delivery", "pending", "failing"]
    click.echo(render_rows(rows, [*columns, "last_error"], fmt), nl=False)


@watchers.command("test")
@click.argument("name")
@pass_app
def watchers_test(app: App, name: str) -> None:
    """Send a sample message to one watcher now, bypassing the outbox.

    Example: tracker watchers test team-slack
    """
    import os

    import httpx

    from tracker.app.deliver import send_sample
    from tracker.net.watchers import Context

    with httpx.Client() as client:
        target = send_sample(app.config, name, Context(os.environ, client), app.now())
    click.echo(f"sent a test message to {name} ({target})")


def main() -> None:
    cli(prog_name="tracker")

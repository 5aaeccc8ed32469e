"""Commands over the archive of the past: backfill wayback (fill it in), reparse (re-read
it), export warc and import warc (hand it to, and take it from, other web archives)."""

from __future__ import annotations

import signal
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

import click

from tracker.cli.common import (
    App,
    given_when,
    notice,
    pass_app,
    progress,
    report,
    source_option,
    table_width,
    wide_option,
)


@click.group()
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
@wide_option
@pass_app
def backfill_wayback(
    app: App,
    source_id: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    dry_run: bool,
    wide: bool,
) -> None:
    """Add the Internet Archive's captures of the page as snapshots (origin wayback).

    Lists the captures of the source URL and its aliases, then fetches each one not stored
    yet, politely ([wayback] rate limits; waits on 429 and 5xx), and stores it like a live
    fetch: bytes archived, parse guarded, a page with no members quarantined. A rerun
    fetches only what is missing.

    Example: tracker backfill wayback --from 2020 --to 2023 --limit 50
    """
    import httpx

    from tracker.app.backfill import open_archive, plan_backfill, run_backfill, summary, unfetched
    from tracker.render.snapshots import captures_text

    if since and until and since.ljust(14, "0") > until.ljust(14, "9"):
        raise click.BadParameter(f"--from {since} is after --to {until}")
    app.writes = True
    source = app.source(source_id)
    with httpx.Client() as client:
        archive = open_archive(app.config, source, client=client, on_wait=notice)
        plan = plan_backfill(app.store, source, archive, since=since, until=until, limit=limit)
        if dry_run:
            click.echo(captures_text(plan.rows(), table_width(wide)), nl=False)
            click.echo(f"dry run: {plan.describe()}; would fetch {len(plan.todo)}")
            return
        with progress(plan.todo, "Wayback captures") as captures, _terminate_interrupts():
            outcomes = run_backfill(app.store, app.config, source, archive, captures, now=app.now)
    for outcome in outcomes:
        # A quarantine message names its snapshot and how to accept it; an error names its URL.
        if outcome.failed:
            click.echo(outcome.message if outcome.snapshot else f"failed: {outcome.message}")
    click.echo(summary(plan, outcomes))
    problem = unfetched(outcomes)
    if problem is not None:
        report(problem, 1)


@click.command()
@click.option("--source", "source_id", metavar="ID", help="Only this source (default: every one).")
@click.option(
    "--since",
    metavar="WHEN",
    callback=given_when,
    help="Only snapshots captured from then: YYYY-MM-DD or an ISO datetime (UTC).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--notify", is_flag=True, help="Queue one summary of the corrections for watchers.")
@pass_app
def reparse(
    app: App, source_id: str | None, since: datetime | None, dry_run: bool, notify: bool
) -> None:
    """Re-read every archived page with the current parser and correct history.

    A snapshot whose pages read differently now is stored as a new version (same pages and
    capture time, the current parser version), judged by the guard; the old version is kept,
    superseded, and the change log follows in the same transaction. Watchers hear nothing unless --notify.
    Baselines (CSET's CSV) are skipped. A second run changes nothing.

    Example: tracker reparse --since 2024-01-01 --dry-run
    """
    from tracker.app.reparse import reparse as run_reparse
    from tracker.render.corrections import reparse_text

    app.writes = not dry_run
    sources = [app.source(source_id)] if source_id else app.config.sources
    with _terminate_interrupts():
        done = run_reparse(
            app.store,
            app.config,
            sources,
            since=since,
            dry_run=dry_run,
            notify=notify,
            now=app.now,
        )
    click.echo(reparse_text(done), nl=False)


def _terminate_interrupts() -> AbstractContextManager[None]:
    """SIGTERM (a stopped service, a cancelled CI job) interrupts like Ctrl-C.

    The capture in progress rolls back and the command ends with one line and exit 1;
    captures stored so far were each settled in their own transaction.
    """
    from tracker.app.schedule import on_signals

    return on_signals(_interrupt, (signal.SIGTERM,))


def _interrupt() -> None:
    raise KeyboardInterrupt


@click.group("export")
def export_group() -> None:
    """Write the archive out in a format other tools read.

    Example: tracker export warc aiia.warc.gz
    """


@export_group.command("warc")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@source_option
@click.option(
    "--since", metavar="WHEN", callback=given_when, help="Only snapshots captured from then (UTC)."
)
@pass_app
def export_warc(app: App, out: Path, source_id: str | None, since: datetime | None) -> None:
    """Write every snapshot's pages and readings to a WARC file (ISO 28500).

    Each page becomes a request and a response record (a saved file or the baseline CSV a
    resource record), each snapshot a metadata record with its reading (JSON). Open the file
    in ReplayWeb.page or pywb; see the README's WARC section.

    Example: tracker export warc aiia.warc.gz --since 2024-01-01
    """
    from tracker.app.warc import export_warc as export

    done = export(app.store, app.source(source_id), out, since=since)
    click.echo(done.describe(out))


@click.group("import")
def import_group() -> None:
    """Read pages other tools archived as snapshots.

    Example: tracker import warc capture.warc.gz
    """


@import_group.command("warc")
@click.argument("warc_file", type=click.Path(path_type=Path, dir_okay=False))
@source_option
@pass_app
def import_warc(app: App, warc_file: Path, source_id: str | None) -> None:
    """Add the HTML responses for the source's URL (or an alias) in a WARC file as snapshots.

    Each becomes a snapshot at its WARC-Date (origin warc), guarded like any capture;
    revisit records read as the page they point at; other records are skipped and counted.
    Importing the same file again stores nothing new.

    Example: tracker import warc capture.warc.gz
    """
    from tracker.app.warc import import_warc as run_import

    app.writes = True
    # Each page is its own transaction: an interrupted import keeps what it stored, and a
    # rerun finds those pages "already stored".
    with _terminate_interrupts():
        done = run_import(app.store, app.config, app.source(source_id), warc_file, now=app.now)
    for outcome in done.outcomes:
        if outcome.failed:
            click.echo(outcome.message if outcome.snapshot else f"failed: {outcome.message}")
    click.echo(done.describe())
    if any(outcome.outcome == "error" for outcome in done.outcomes):
        report("some pages in the WARC could not be read; see above", 1)

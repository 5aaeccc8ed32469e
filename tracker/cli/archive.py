"""Commands that fill in the past from web archives: backfill wayback."""

from __future__ import annotations

import signal
from contextlib import AbstractContextManager

import click

from tracker.cli.common import (
    App,
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
    from tracker.render.rows import captures_text

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


def _terminate_interrupts() -> AbstractContextManager[None]:
    """SIGTERM (a stopped service, a cancelled CI job) interrupts like Ctrl-C.

    The capture in progress rolls back and the command ends with one line and exit 1;
    captures stored so far were each settled in their own transaction.
    """
    from tracker.app.schedule import on_signals

    return on_signals(_interrupt, (signal.SIGTERM,))


def _interrupt() -> None:
    raise KeyboardInterrupt

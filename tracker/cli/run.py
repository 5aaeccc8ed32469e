"""Commands that run unattended and tell people: run, notify, watchers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.cli.common import (
    App,
    emit,
    format_option,
    output_option,
    pass_app,
    table_width,
    wide_option,
)


@click.command()
@click.option("--once", is_flag=True, help="One tick for every source, then exit (cron, CI).")
@pass_app
def run(app: App, once: bool) -> None:
    """Snapshot every source on the [schedule] of config.toml and tell the watchers.

    A tick does what `tracker snapshot` does, logs the changes, queues one summary per
    watcher and delivers what is due. It says when the next tick is due at the start and
    after every tick. One `tracker run` per database at a time; SIGINT and
    SIGTERM end a fetch still waiting on the network at once (recorded as failed) and
    stop after that tick. With --once the exit code is the worst tick's (1 failed,
    3 quarantined).

    Example: tracker run --once
    """
    import os

    from tracker.app.schedule import (
        Service,
        announce_next_ticks,
        build_scheduler,
        describe_schedule,
        live_ticker,
        run_once,
    )
    from tracker.store.lock import DatabaseLock

    config = app.config
    app.writes = True
    with DatabaseLock(app.database(), command="tracker run", now=app.now()):
        ticker = live_ticker(config, now=app.now, log=click.echo)
        if once:
            done = run_once(config, ticker)
            if ticker.stop.is_set():
                before = f" before {', '.join(done.skipped)}" if done.skipped else ""
                click.echo(f"Error: stopped by a signal{before}", err=True)
            sys.exit(done.exit_code)
        scheduler = build_scheduler(config, ticker.job)
        announce_next_ticks(scheduler, click.echo)
        service = Service(scheduler, ticker.stop)
        click.echo(
            f"tracker run: pid {os.getpid()}, {len(config.sources)} source(s), "
            f"{describe_schedule(config.schedule)}, database {config.store.path}"
        )
        service.serve()
        click.echo("tracker run: stopped")


@click.command()
@click.option("--retry", is_flag=True, help="Retry failed deliveries now, without backoff.")
@pass_app
def notify(app: App, retry: bool) -> None:
    """Deliver the watcher messages waiting in the outbox.

    Failed deliveries are retried on later ticks with backoff; --retry retries them now.

    Example: tracker notify --retry
    """
    from tracker.app.schedule import deliver_now, live_ticker

    app.database()  # nothing to deliver without one, and none is created
    ticker = live_ticker(app.config, now=app.now, log=click.echo)
    result = deliver_now(ticker, force=retry)
    for error in result.failed.values():
        click.echo(f"Error: {error}", err=True)
    click.echo(result.summary())
    if result.failed:
        sys.exit(1)


@click.group()
def watchers() -> None:
    """Who hears about changes: the [[watchers]] of config.toml.

    Example: tracker watchers list
    """


@watchers.command("list")
@format_option("table", "json", "csv")
@output_option
@wide_option
@pass_app
def watchers_list(app: App, fmt: str, output_path: Path | None, wide: bool) -> None:
    """Each watcher with its last delivery and failures; targets redacted, never secrets.

    Example: tracker watchers list --format json
    """
    from tracker.app.deliver import watcher_rows
    from tracker.render.snapshots import watchers_text

    rows = watcher_rows(app.store, app.config.watchers)
    emit(watchers_text(rows, fmt, table_width(wide, output_path)), output_path, bom=fmt == "csv")


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

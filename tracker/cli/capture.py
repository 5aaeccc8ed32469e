"""Commands that read the page or its baseline: snapshot, parse, accept, baseline import."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from tracker.cli.common import (
    App,
    SnapshotId,
    format_option,
    given_when,
    notice,
    pass_app,
    report,
    source_option,
    tell,
)


@click.command()
@source_option
@click.option("--url", help="Fetch this URL instead of the configured one.")
@click.option(
    "--file",
    "file_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read a saved copy of the page instead of fetching.",
)
@click.option(
    "--captured-at",
    "captured_at",
    metavar="WHEN",
    callback=given_when,
    help="With --file: when the page was saved, YYYY-MM-DD or an ISO datetime (UTC); default now.",
)
@pass_app
def snapshot(
    app: App,
    source_id: str | None,
    url: str | None,
    file_path: Path | None,
    captured_at: datetime | None,
) -> None:
    """Fetch the member page, parse it and store a dated snapshot.

    Prints one line: the snapshot id (or "unchanged"), the capture time and the counts per
    tier. Exit code 3 when the parse looks wrong and was quarantined. A saved page is dated
    now unless --captured-at says when it was saved (noted in its provenance as given).

    Example: tracker snapshot --file saved-page.html --captured-at 2023-05-01
    """
    if url and file_path:
        raise click.UsageError("give --url or --file, not both")
    if captured_at is not None and file_path is None:
        raise click.UsageError("--captured-at dates a saved page: give --file too")
    from tracker.app.capture import capture_live
    from tracker.app.saved import capture_file, refuse_table

    if file_path is not None:
        refuse_table(file_path)
    app.writes = True
    source = app.source(source_id)
    # Watchers hear of what a manual snapshot found too: their messages are queued with it
    # and delivered by the next `tracker run` or `tracker notify`.
    if file_path is not None:
        outcome = capture_file(
            app.store, app.config, source, file_path, now=app.now, captured_at=captured_at
        )
    else:
        import httpx

        with httpx.Client() as client:
            outcome = capture_live(
                app.store, app.config, source, client=client, now=app.now, url=url, on_wait=notice
            )
    if file_path is not None and captured_at is None and not outcome.failed:
        # A page saved long ago, dated now, would read as today's membership.
        tell([f"{file_path} is dated now; if it was saved earlier, give --captured-at YYYY-MM-DD"])
    report(outcome.message, outcome.exit_code)


@click.command("parse")
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

    from tracker.app.inspect import inspect_location
    from tracker.render.reading import render_reading

    with httpx.Client() as client:
        seen = inspect_location(location, app.source(source_id), client=client, on_wait=notice)
    out = render_reading(
        seen.reading,
        source=location,
        pages=seen.pages,
        reasons=seen.reasons,
        explain=explain,
        fmt=fmt,
    )
    click.echo(out, nl=False)
    if seen.reasons:
        sys.exit(3)


@click.command()
@click.argument("snapshot_id", type=SnapshotId())
@pass_app
def accept(app: App, snapshot_id: int) -> None:
    """Accept a quarantined snapshot after checking it: it becomes ok and enters diffs.

    Example: tracker accept 42
    """
    from tracker.app.accept import accept as accept_snapshot

    app.updates = True
    click.echo(accept_snapshot(app.store, app.config, snapshot_id, at=app.now()))


@click.group()
def baseline() -> None:
    """CSET's annotated list of 26 March 2020: the snapshot every report starts from.

    Example: tracker baseline import AIIA_collections.csv
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

    Reads a local file or a URL; by default `baseline_url` of config.toml, CSET's copy at
    https://github.com/georgetown-cset/aiia (data/AIIA_collections.csv). The file's bytes
    are archived; importing the same file again changes nothing.

    Example: tracker baseline import AIIA_collections.csv
    """
    import httpx

    from tracker.app.baseline import evidence_at, import_baseline

    app.writes = True
    source = app.source(source_id)
    with httpx.Client() as client:
        where = location or app.config.baseline_url
        evidence = evidence_at(where, source, client=client, on_wait=notice)
    outcome = import_baseline(app.store, app.config, source, evidence, now=app.now, replace=replace)
    click.echo(outcome.message)

"""`tracker demo`: a database to try every command on, without network or patience."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.common import App, pass_app, source_option
from tracker.core.errors import StoreError

NEXT = (
    "members --at latest",
    "history 启明医疗",
    "stats --at baseline --by type",
    "timeline",
    "snapshots",
    "diff 2023-03-15 latest --format markdown",
)


@click.command()
@click.argument(
    "directory",
    default="demo",
    required=False,
    metavar="[DIR]",
    type=click.Path(path_type=Path, file_okay=False),
)
@source_option
@pass_app
def demo(app: App, directory: Path, source_id: str | None) -> None:
    """Build DIR/tracker.db (default demo/) from invented pages shipped with the tracker.

    A CSET-shaped baseline of 2020-03-26 and four saved pages over the years after it:
    joins, departures, a promotion, a rename and a site outage (quarantined). Every name
    is made up, and each snapshot's provenance says so. Then prints the diff since the
    baseline and commands to try next. DIR/tracker.db must not exist yet: to rebuild,
    remove it first.

    Example: tracker demo && tracker --db demo/tracker.db history 星河
    """
    from tracker.app.demo import build_demo
    from tracker.app.diffs import diff_pair, resolve_pair
    from tracker.render.report import Generated, render
    from tracker.store import Store

    path = directory / "tracker.db"
    if path.exists():
        raise StoreError(
            f"{path} already exists: remove it to rebuild the demo, or give another DIR"
        )
    source = app.source(source_id)
    try:
        directory.mkdir(exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from None
    store = Store.open(path)
    try:
        for step in build_demo(store, app.config, source, now=app.now):
            click.echo(f"{step.name}: {step.message}")
        click.echo(f"\n$ tracker --db {path} diff 2020-03-26 latest\n")
        report = diff_pair(store, resolve_pair(store, source.id, "2020-03-26", "latest"))
        click.echo(render(report, "text", Generated.now(app.now())), nl=False)
    finally:
        store.close()
    click.echo("\nTry next (every name here is invented):")
    for command in NEXT:
        click.echo(f"  tracker --db {path} {command}")

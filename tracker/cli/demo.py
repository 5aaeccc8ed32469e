"""`tracker demo`: a database to try every command on, without network or patience."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import msgspec

from tracker.cli.common import App, pass_app
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
@pass_app
def demo(app: App, directory: Path) -> None:
    """Build DIR/tracker.db (default demo/) from invented pages shipped with the tracker.

    A CSET-shaped baseline of 2020-03-26 and four saved pages over the years after it:
    joins, departures, a promotion, a rename and a site outage (quarantined). Every name
    is made up, and each snapshot's provenance says so. The demo tracks its own invented
    source, written to DIR/config.toml: give every command `--config DIR/config.toml` (or
    set TRACKER_CONFIG) to read the demo. Then prints the diff since the baseline and
    commands to try next. DIR/tracker.db must not exist yet: to rebuild, remove it first.

    Example: tracker demo && tracker --config demo/config.toml history 星河
    """
    from tracker.app.demo import build_demo, demo_config
    from tracker.app.diffs import diff_pair, resolve_pair
    from tracker.render.report import Generated, render
    from tracker.store import Store

    path = directory / "tracker.db"
    if path.exists():
        raise StoreError(
            f"{path} already exists: remove it to rebuild the demo, or give another DIR"
        )
    try:
        directory.mkdir(exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from None
    config = demo_config(directory)
    source = config.sources[0]
    # Both options: a TRACKER_DB already set for a real database must not win over --config.
    tracker = shlex.join(["tracker", "--config", str(directory / "config.toml"), "--db", str(path)])
    store = Store.open(path)
    try:
        for step in build_demo(store, config, now=app.now):
            inspect = f"; inspect it with `{tracker} members --at {step.quarantined}`"
            click.echo(f"{step.name}: {step.message}{inspect if step.quarantined else ''}")
        click.echo(f"\n$ {tracker} diff 2020-03-26 latest\n")
        report = diff_pair(store, resolve_pair(store, source.id, "2020-03-26", "latest"))
        titled = msgspec.structs.replace(report, source_name=source.name)
        click.echo(render(titled, "text", Generated.now(app.now())), nl=False)
    finally:
        store.close()
    click.echo("\nTry next (every name here is invented):")
    for command in NEXT:
        click.echo(f"  {tracker} {command}")

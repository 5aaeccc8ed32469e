"""The `tracker` command line: thin commands over the workflows of `tracker.app`.

Each command parses its arguments, makes one call and renders the result; the commands are
grouped by topic (``capture.py``, ``reports.py``, ``run.py``, ``archive.py``, ``demo.py``,
``site.py``, ``browse.py``) and share
``common.py``: the configuration and store, the options, and the one exit path that turns
every TrackerError into one line on stderr and its exit code.
"""

from __future__ import annotations

import click

from tracker.cli import annotate, archive, browse, capture, demo, reports, run, site
from tracker.cli.common import App, TrackerGroup, debug_logging


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
@click.option(
    "--debug",
    is_flag=True,
    envvar="TRACKER_DEBUG",
    help="Log what happens on stderr, with the traceback of any internal error.",
)
@click.version_option(package_name="aiia-tracker")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_path: str | None, debug: bool) -> None:
    """Keep a verifiable, dated record of AIIA membership and how it changes.

    Example: tracker snapshot && tracker diff 2020-03-26 latest
    """
    if debug:
        ctx.call_on_close(debug_logging())
    ctx.obj = App(config_path, db_path)
    ctx.call_on_close(ctx.obj.close)


for command in (
    capture.snapshot,
    capture.parse_command,
    capture.accept,
    capture.baseline,
    reports.snapshots,
    reports.members,
    reports.stats,
    reports.timeline,
    reports.diff_command,
    reports.history,
    run.run,
    run.notify,
    run.watchers,
    archive.backfill,
    archive.reparse,
    demo.demo,
    archive.export_group,
    archive.import_group,
    site.site_group,
    annotate.annotate_group,
    browse.datasette_metadata,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="tracker")

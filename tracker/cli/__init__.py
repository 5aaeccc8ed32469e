"""The `tracker` command line: thin commands over the workflows of `tracker.app`.

Each command parses its arguments, makes one call and renders the result; the commands are
grouped by topic (``capture.py``, ``reports.py``, ``run.py``, ``archive.py``, ``demo.py``,
``site.py``, ``browse.py``), each module imported only when one of its commands runs, and
share ``common.py``: the configuration and store, the options, and the one exit path that
turns every TrackerError into one line on stderr and its exit code.
"""

from __future__ import annotations

import click

from tracker import __version__
from tracker.cli.common import App, LazyCommand, TrackerGroup, debug_logging

# Every command, imported only when it runs or shows its own help, with the first paragraph
# of its help that `tracker --help` lists.
COMMANDS = {
    "snapshot": LazyCommand(
        "tracker.cli.capture:snapshot",
        "Fetch the member page, parse it and store a dated snapshot.",
    ),
    "parse": LazyCommand(
        "tracker.cli.capture:parse_command",
        "Read a saved page or a URL as `tracker snapshot` would, and store nothing.",
    ),
    "accept": LazyCommand(
        "tracker.cli.capture:accept",
        "Accept a quarantined snapshot after checking it: it becomes ok and enters diffs.",
    ),
    "baseline": LazyCommand(
        "tracker.cli.capture:baseline",
        "CSET's annotated list of 26 March 2020: the snapshot every report starts from.",
    ),
    "snapshots": LazyCommand(
        "tracker.cli.reports:snapshots",
        "List stored snapshots, oldest first, with their status and counts.",
    ),
    "members": LazyCommand(
        "tracker.cli.reports:members",
        "List one snapshot's member listings in page order, with what annotations say.",
    ),
    "stats": LazyCommand(
        "tracker.cli.reports:stats",
        "Count members (distinct, by highest tier) and listings at one snapshot, by tier, or at each point over time.",
    ),
    "timeline": LazyCommand(
        "tracker.cli.reports:timeline",
        "Listings per tier and members at every ok snapshot, oldest first.",
    ),
    "diff": LazyCommand(
        "tracker.cli.reports:diff_command",
        "Joins, departures, tier changes and likely renames between two snapshots.",
    ),
    "history": LazyCommand(
        "tracker.cli.reports:history",
        "One member's timeline: first and last seen, every tier change, gap and rename.",
    ),
    "run": LazyCommand(
        "tracker.cli.run:run",
        "Snapshot every source on the [schedule] of config.toml and tell the watchers.",
    ),
    "notify": LazyCommand(
        "tracker.cli.run:notify",
        "Deliver the watcher messages waiting in the outbox.",
    ),
    "watchers": LazyCommand(
        "tracker.cli.run:watchers",
        "Who hears about changes: the [[watchers]] of config.toml.",
    ),
    "backfill": LazyCommand(
        "tracker.cli.archive:backfill",
        "Fill in the past from web archives: each archived copy becomes a dated snapshot.",
    ),
    "reparse": LazyCommand(
        "tracker.cli.archive:reparse",
        "Re-read every archived page with the current parser and correct history.",
    ),
    "demo": LazyCommand(
        "tracker.cli.demo:demo",
        "Build DIR/tracker.db (default demo/) from invented pages shipped with the tracker.",
    ),
    "export": LazyCommand(
        "tracker.cli.archive:export_group",
        "Write the archive out in a format other tools read.",
    ),
    "import": LazyCommand(
        "tracker.cli.archive:import_group",
        "Read pages other tools archived as snapshots.",
    ),
    "site": LazyCommand(
        "tracker.cli.site:site_group",
        "Build a static site of the record: members, changes, snapshots, downloads.",
    ),
    "annotate": LazyCommand(
        "tracker.cli.annotate:annotate_group",
        "Your own annotations of members (type, city, English name...), over CSET's.",
    ),
    "datasette-metadata": LazyCommand(
        "tracker.cli.browse:datasette_metadata",
        "Print Datasette metadata for the database: title, credits, what each table, view and column holds, and which searches by name.",
    ),
}


@click.group(
    cls=TrackerGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
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
# tracker/__init__.py's version, which pyproject.toml gives the package too: looking it up
# with importlib.metadata would add 40 ms to `tracker --version`.
@click.version_option(__version__)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_path: str | None, debug: bool) -> None:
    """Keep a verifiable, dated record of AIIA membership and how it changes.

    Example: tracker snapshot && tracker diff 2020-03-26 latest
    """
    if debug:
        ctx.call_on_close(debug_logging())
    ctx.obj = App(config_path, db_path)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    try:
        cli(prog_name="tracker")
    finally:
        import gc

        # The process ends here, and its memory with it: what is left, frozen, is not scanned
        # again by the collections the interpreter runs on its way out (25 to 35 M
        # instructions of every read command). Anything holding a resource is closed by now.
        gc.freeze()

"""Commands that read the record: snapshots, members, stats, timeline, diff, history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
import msgspec
from click.core import ParameterSource

from tracker.cli.common import (
    App,
    at_option,
    credited,
    doubt,
    emit,
    format_option,
    output_option,
    pass_app,
    plot_option,
    source_option,
    table_width,
    tell,
    trees_only,
    wide_option,
    with_credit,
)
from tracker.core.fields import BY_CHOICES, EVERY_CHOICES

if TYPE_CHECKING:
    from tracker.app.reports import Members
    from tracker.core.config import Source

ORIGINS = ("live", "file", "baseline", "wayback", "warc")


@click.command()
@source_option
@click.option(
    "--origin",
    type=click.Choice(ORIGINS),
    help="Only snapshots read from: live (fetched), file (a saved page), baseline (CSET's "
    "2020 list) or wayback (the Internet Archive).",
)
@format_option("table", "json", "csv")
@output_option
@wide_option
@pass_app
def snapshots(
    app: App,
    source_id: str | None,
    origin: str | None,
    fmt: str,
    output_path: Path | None,
    wide: bool,
) -> None:
    """List stored snapshots, oldest first, with their status and counts.

    Example: tracker snapshots --origin wayback
    """
    from tracker.core.models import Origin
    from tracker.render.snapshots import snapshots_text

    source = app.source(source_id)
    found = app.store.snapshots(source.id, origin=cast("Origin | None", origin))
    emit(snapshots_text(found, fmt, table_width(wide, output_path)), output_path, bom=fmt == "csv")


@click.command()
@source_option
@at_option
@click.option(
    "--search",
    metavar="TEXT",
    help="Only members whose name, or English or Chinese name in annotations, contains TEXT "
    "(any case).",
)
@format_option("table", "json", "csv")
@output_option
@wide_option
@click.option(
    "--explain-annotations",
    "explain",
    is_flag=True,
    help="Instead of the table: each member's annotated values, each with who gave it "
    "(user, cset-2020, inferred).",
)
@pass_app
def members(
    app: App,
    source_id: str | None,
    ref: str,
    search: str | None,
    fmt: str,
    output_path: Path | None,
    wide: bool,
    explain: bool,
) -> None:
    """List one snapshot's member listings in page order, with what annotations say.

    A member renamed since it was annotated shows the annotation of its former name, which
    the annotated_as column names. Values inferred from a name are marked * in tables;
    JSON and CSV give a value's origin in <field>_source where it is not CSET's.

    Example: tracker members --at latest --search xinghe
    """
    with trees_only():
        # The records die with the function: the collector resumes on little.
        text = _members_text(
            app, source_id, ref, search, fmt, explain, table_width(wide, output_path)
        )
    emit(text, output_path, bom=fmt == "csv")


def _members_text(
    app: App,
    source_id: str | None,
    ref: str,
    search: str | None,
    fmt: str,
    explain: bool,
    width: int | None,
) -> str:
    """What `members` prints, its notes and credit told on stderr on the way."""
    from tracker.app.reports import members_at
    from tracker.render.rows import explain_text, members_text

    found = members_at(app.store, app.source(source_id).id, ref)
    tell([found.ref_note])
    if search is not None:
        found = found.search(search)
    doubt(found.snapshot)
    if explain:
        if fmt != "table":
            raise click.UsageError("--explain-annotations is text; JSON and CSV carry sources")
        text = explain_text(found.listings, found.notes)
    else:
        text = members_text(found.listings, found.notes, fmt, width)
    return credited(text, found.notes.values(), fmt)


@click.command()
@source_option
@at_option
@click.option(
    "--by",
    type=click.Choice(BY_CHOICES),
    default="tier",
    show_default=True,
    help="Count by tier, or within each tier by one of the annotations (soe: "
    "state-owned); members without one count as unannotated.",
)
@click.option(
    "--over-time",
    is_flag=True,
    help="The composition at each point from the baseline to the latest ok snapshot "
    "(see --every), instead of at one snapshot (--at).",
)
@click.option(
    "--every",
    type=click.Choice(EVERY_CHOICES),
    help="With --over-time: the baseline, then the last ok snapshot of each year (the "
    "default) or quarter, or every ok snapshot.",
)
@format_option("table", "json", "csv")
@output_option
@plot_option(
    "Also draw each tier's composition (by --by; by type for --by tier), or with "
    "--over-time each value's share over time, to a .png/.svg."
)
@wide_option
@pass_app
def stats(
    app: App,
    source_id: str | None,
    ref: str,
    by: str,
    over_time: bool,
    every: str | None,
    fmt: str,
    output_path: Path | None,
    plot_path: Path | None,
    wide: bool,
) -> None:
    """Count members (distinct, by highest tier) and listings at one snapshot, by tier, or
    at each point over time.

    With --over-time, each point is one ok snapshot counted as `stats --at ID` counts it,
    with its share of the members and how many of the values shown are inferred from names.

    Example: tracker stats --at baseline --by type --format json

    Example: tracker stats --over-time --by city --every quarter --plot cities.svg
    """
    if plot_path is not None:
        from tracker.render.charts import plot_format

        plot_format(plot_path)
    if over_time or every is not None:
        _over_time(app, source_id, by, every, (fmt, output_path, plot_path, wide))
        return
    from tracker.app.reports import members_at
    from tracker.render.rows import stats_text

    source = app.source(source_id)
    with trees_only():  # listings and notes are trees, scanned once after if a chart keeps them
        # Counts by tier read no annotation (a chart of them is drawn by type, which does).
        found = members_at(app.store, source.id, ref, annotated=by != "tier" or bool(plot_path))
        tell([found.ref_note])
        doubt(found.snapshot)
        width = table_width(wide, output_path)
        text = stats_text(found.snapshot, found.stats(by), fmt, width, found.inferred(by))
        # By any field but tier the counts are CSET's, when CSET's.
        text = credited(text, found.notes.values() if by != "tier" else [], fmt)
    emit(text, output_path, bom=fmt == "csv")
    if plot_path is not None:
        _plot(found, source, by, plot_path)


def _plot(found: Members, source: Source, by: str, plot_path: Path) -> None:
    """Draw the snapshot's composition by `by` (by type for tiers: tiers split by tier would
    say nothing)."""
    from tracker.render.charts import plot_snapshot

    drawn_by = by if by != "tier" else "type"
    drawn = found.stats(drawn_by)
    wrote(
        plot_path,
        plot_snapshot(
            drawn,
            found.snapshot,
            plot_path,
            url=source.url,
            name=source.name,
            listings=found.listings,
            notes=found.notes,
            inferred=sum(found.inferred(drawn_by).values()),
        ),
    )


def _over_time(
    app: App,
    source_id: str | None,
    by: str,
    every: str | None,
    out: tuple[str, Path | None, Path | None, bool],
) -> None:
    """`stats --over-time`: every point's table, then its chart."""
    from tracker.app.reports import over_time
    from tracker.core.credit import credit_for
    from tracker.render.rows import over_time_text

    context = click.get_current_context()
    if not context.params["over_time"]:
        raise click.UsageError("--every picks the points of --over-time: give --over-time too")
    if context.get_parameter_source("ref") is not ParameterSource.DEFAULT:
        raise click.UsageError("--at picks one snapshot; --over-time reads every point")
    fmt, output_path, plot_path, wide = out
    source = app.source(source_id)
    found = over_time(app.store, source.id, by, every or "year")
    text = over_time_text(found.composition, fmt, table_width(wide, output_path))
    credit = credit_for(found.origins)
    emit(with_credit(text, credit, fmt), output_path, bom=fmt == "csv")
    if plot_path is not None:
        from tracker.render.charts import plot_over_time

        notes = plot_over_time(
            found.composition,
            plot_path,
            url=source.url,
            name=source.name,
            credit=credit is not None,
        )
        wrote(plot_path, notes)


@click.command()
@source_option
@format_option("table", "json", "csv")
@output_option
@plot_option(
    "Also draw listings per tier and members over time, quarantined captures marked, "
    "to a .png/.svg."
)
@wide_option
@pass_app
def timeline(
    app: App,
    source_id: str | None,
    fmt: str,
    output_path: Path | None,
    plot_path: Path | None,
    wide: bool,
) -> None:
    """Listings per tier and members at every ok snapshot, oldest first.

    Live, baseline and backfilled snapshots interleave by capture time.

    Example: tracker timeline --plot timeline.png
    """
    from tracker.app.timeline import timeline_of
    from tracker.core.timeline import timeline_rows
    from tracker.render.table import render_rows

    if plot_path is not None:
        from tracker.render.charts import plot_format

        plot_format(plot_path)
    source = app.source(source_id)
    found = timeline_of(app.store, source.id)
    rows, columns = timeline_rows(found.snapshots)
    text = render_rows(rows, columns, fmt, width=table_width(wide, output_path))
    emit(text, output_path, bom=fmt == "csv")
    if plot_path is not None:
        from tracker.render.charts import plot_timeline

        notes = plot_timeline(
            found.snapshots, found.quarantined, plot_path, url=source.url, name=source.name
        )
        wrote(plot_path, notes)


def wrote(path: Path, notes: list[str]) -> None:
    """A chart's line on stderr, after what the reader must know about it."""
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(f"wrote {path}", err=True)


@click.command("diff")
@click.argument("old_ref", metavar="OLD")
@click.argument("new_ref", metavar="NEW")
@source_option
@format_option("text", "markdown", "json", "csv", "html")
@output_option
@click.option(
    "--with-transient",
    is_flag=True,
    help="Also list members who came and went (or went and came back) in between.",
)
@click.option(
    "--reverse",
    is_flag=True,
    help="Allow NEW to be older than OLD; the report then says it reads backwards in time.",
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
    reverse: bool,
) -> None:
    """Joins, departures, tier changes and likely renames between two snapshots.

    OLD and NEW are snapshot references: an id, latest, previous (the ok snapshot before
    latest), baseline, or a date YYYY-MM-DD (the last ok snapshot captured on or before
    that day, UTC). When a name or date picks another day's capture or passes over one
    that is not ok, a Note on stderr says which snapshot was used and why. OLD and NEW
    naming one snapshot is an error, and so is NEW older than OLD unless --reverse.
    Spelling noise (bracket width, spaces, invisible characters) is never a change.

    Example: tracker diff 2020-03-26 latest --format markdown --output changes.md
    """
    from tracker.app.diffs import diff_pair, resolve_pair
    from tracker.render.report import Generated, render

    source = app.source(source_id)
    pair = resolve_pair(app.store, source.id, old_ref, new_ref)
    tell(pair.notes)
    with trees_only():
        # The report's records die with the expression: the collector resumes on little.
        text = render(
            msgspec.structs.replace(
                diff_pair(app.store, pair, reverse=reverse, with_transient=with_transient),
                source_name=source.name,
            ),
            fmt,
            Generated.now(app.now()),
        )
    emit(text, output_path, bom=fmt == "csv")


@click.command()
@click.argument("query", metavar="NAME_OR_KEY")
@source_option
@format_option("table", "json", "csv")
@output_option
@wide_option
@click.option(
    "--explain-annotations",
    "explain",
    is_flag=True,
    help="Under the head of the table: each annotated value with who gave it (user, "
    "cset-2020, inferred).",
)
@pass_app
def history(
    app: App,
    query: str,
    source_id: str | None,
    fmt: str,
    output_path: Path | None,
    wide: bool,
    explain: bool,
) -> None:
    """One member's timeline: first and last seen, every tier change, gap and rename.

    NAME_OR_KEY is a key or any part of a member's name, or of the English or Chinese name
    annotations give it, in any case; when it matches several members they are listed.

    Example: tracker history xinghe
    """
    from tracker.app.history import history_of
    from tracker.render.rows import history_text

    found = history_of(app.store, app.source(source_id).id, query)
    if explain and fmt != "table":
        raise click.UsageError("--explain-annotations is text; JSON gives each value's source")
    text = history_text(found, fmt, table_width(wide, output_path), explain=explain)
    emit(text, output_path, bom=fmt == "csv")

"""`tracker annotate`: a person's own annotations of members, in and out as CSV."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.common import App, at_option, emit, output_option, pass_app, source_option


@click.group("annotate")
def annotate_group() -> None:
    """Your own annotations of members (type, city, English name...), over CSET's.

    Per field, yours win over CSET's, and CSET's over what the tracker infers from a name;
    every output can say which a value came from (`tracker members --explain-annotations`).

    Example: tracker annotate export --output todo.csv
    """


@annotate_group.command("import")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--replace", is_flag=True, help="Make the file your whole set: keys it lacks lose theirs."
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="With --replace: a file with no annotations deletes all of yours.",
)
@source_option
@pass_app
def import_command(
    app: App, csv_file: Path, replace: bool, allow_empty: bool, source_id: str | None
) -> None:
    """Store a CSV's annotations (origin user) over yours, key by key.

    A row sets the fields it fills for its key; a blank cell keeps what you stored, and
    - (or n/a) clears it; every other member's annotations stay. --replace makes the file
    your whole set instead (a file with none is then refused unless --allow-empty).

    Columns: key or name (any listed spelling), and any fields: name_en_mt, common_name_en,
    common_name_zh, type, website, crunchbase_url, location, city, province, size, focus,
    industry, ai_category, key_products, state_owned, not_chinese, public_company (yes/no),
    exchange, ticker, notes; CSET's headers read too. tier and *_inferred columns are
    ignored; rows with nothing filled in are skipped. type is one of Academia, Government,
    Industry, Other/unknown; province and city are China's provinces and prefecture-level
    cities in pinyin as CSET writes them (any case; other places go in location), the city
    in the province. Any bad row (unknown column, a value not allowed, a line break in a
    value, more cells than the header, a name never listed, a key twice): every problem
    listed, nothing stored.

    Example: tracker annotate import mine.csv
    """
    from tracker.app.annotate import import_annotations

    if allow_empty and not replace:
        raise click.UsageError("--allow-empty goes with --replace")
    app.writes = True
    done = import_annotations(
        app.store, app.source(source_id).id, csv_file, replace=replace, allow_empty=allow_empty
    )
    click.echo(done.describe(csv_file))


@annotate_group.command("export")
@source_option
@at_option
@output_option
@pass_app
def export_command(app: App, source_id: str | None, ref: str, output_path: Path | None) -> None:
    """Write the members neither you nor CSET annotated as a CSV to fill in and import.

    Columns: key, name, tier, every field (blank), and type_inferred, province_inferred,
    city_inferred: what the name suggests, to copy over where right (import ignores them,
    so a guess never becomes yours unchecked).

    Example: tracker annotate export --at latest --output todo.csv
    """
    from tracker.app.annotate import export_unannotated

    emit(export_unannotated(app.store, app.source(source_id).id, ref), output_path, bom=True)

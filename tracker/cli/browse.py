"""`tracker datasette-metadata`: the database described for Datasette, to browse it on the web."""

from __future__ import annotations

import json

import click

from tracker.cli.common import App, pass_app


@click.command("datasette-metadata")
@pass_app
def datasette_metadata(app: App) -> None:
    """Print Datasette metadata for the database: title, credits, what each table, view and
    column holds, and which searches by name.

    JSON, which is also YAML. Then browse with
    `datasette snapshots/tracker.db -m metadata.yml` (pip install 'aiia-tracker[datasette]').

    Example: tracker datasette-metadata > metadata.yml
    """
    from tracker.app.metadata import datasette_metadata as metadata

    found = metadata(app.store, app.database())
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))

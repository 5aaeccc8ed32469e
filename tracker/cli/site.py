"""`tracker site build OUT/`: the record as a static site to browse, search and cite."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.common import App, pass_app, source_option


@click.group("site")
def site_group() -> None:
    """Build a static site of the record: members, changes, snapshots, downloads.

    Example: tracker site build site/
    """


@site_group.command("build")
@click.argument("out", type=click.Path(path_type=Path))
@source_option
@pass_app
def build(app: App, out: Path, source_id: str | None) -> None:
    """Write the site into OUT: a folder that is new, empty, or a site built before.

    Every link is relative: open OUT/index.html from disk, or publish OUT as it is (GitHub
    Pages, any web server). A rebuild rewrites only the files whose bytes changed and
    removes the files the previous build wrote that are no longer part of the site; any
    other file in OUT is left alone. Archived pages are copied as stored, under
    pages/SHA256.EXT, so that `sha256sum` checks them.

    Example: tracker site build site/
    """
    from tracker.app.site import build_site

    written = build_site(app.store, app.source(source_id), out)
    click.echo(written.line())

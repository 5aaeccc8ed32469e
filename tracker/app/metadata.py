"""Datasette's metadata for a tracker database: what it is, whom to credit, what each column means.

The descriptions are the store's own (each table module describes its tables beside their
definition, `tracker.store.schema.DESCRIBED`); this adds what only the database's contents
say: which sources it records, and whether CSET's work (its annotations, and its list as the
baseline) is in it, which must then be credited in every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.core.credit import (
    CSET_CREDIT,
    CSET_LICENCE,
    CSET_LICENCE_URL,
    CSET_SOURCE,
    CSET_SOURCE_URL,
    credit_for,
)
from tracker.store import Store
from tracker.store.schema import DESCRIBED
from tracker.store.table import Described

_CSET = {
    "license": CSET_LICENCE,
    "license_url": CSET_LICENCE_URL,
    "source": CSET_SOURCE,
    "source_url": CSET_SOURCE_URL,
}
_START = (
    "Start with the views: current_members (today's members, annotated), member_events "
    "(every change, newest first) and snapshot_summary (every reading, its status and tier "
    "counts); search names in member_names or current_members."
)


def datasette_metadata(store: Store, database: Path) -> dict[str, Any]:
    """Metadata for `datasette DATABASE -m metadata.yml` (Datasette names the database after
    the file's stem)."""
    sources = store.sources()
    credited = credit_for(store.annotation_origins()) is not None
    described = f"Every reading of {_named(sources)}, with the raw page bytes each was read from."
    tables = {name: _table(entry, credited) for name, entry in DESCRIBED.items()}
    metadata: dict[str, Any] = {
        "title": _title(sources),
        "description": " ".join([described, _START, *([CSET_CREDIT] if credited else [])]),
        "databases": {database.stem: {"description": described, "tables": tables}},
    }
    if len(sources) == 1:
        metadata |= {"source": sources[0][1], "source_url": sources[0][2]}
    return metadata


def _title(sources: list[tuple[str, str, str]]) -> str:
    if len(sources) == 1:
        return f"Membership record: {sources[0][1]}"
    return "Membership record"


def _named(sources: list[tuple[str, str, str]]) -> str:
    if not sources:
        return "no source yet"
    return "; ".join(f"{name} ({url}, source id {source_id})" for source_id, name, url in sources)


def _table(entry: Described, credited: bool) -> dict[str, Any]:
    table: dict[str, Any] = {"description": entry.description, "columns": entry.columns}
    if entry.label_column is not None:
        table["label_column"] = entry.label_column
    if entry.searched_by is not None:
        table["fts_table"], table["fts_pk"] = entry.searched_by
    # CC BY-NC requires the credit wherever CSET's work shows: its annotations, and its list
    # itself, imported with them as the baseline (a snapshot, its listings, its page's bytes,
    # the changes from it): so every table and view.
    if credited:
        table |= _CSET
    return table

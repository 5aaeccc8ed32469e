"""`tracker annotate`: a person's own annotations in (origin `user`) and the unannotated out.

Import is all or nothing: every problem of the file is listed (one line each) and nothing
is stored, else the file becomes the whole set of the user's annotations in one
transaction. A row naming a member never listed in an ok snapshot of the source is a
problem, not a warning: such an annotation would never show anywhere, and is far more
often a typo than a member still to come.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tracker.app.annotations import annotations_of
from tracker.app.refs import resolve
from tracker.core.errors import AnnotationError, ConfigError
from tracker.core.fields import INFERRED_ORIGIN, USER_ORIGIN
from tracker.core.usercsv import (
    EXPORT_COLUMNS,
    GUESSED,
    INFERRED_SUFFIX,
    line_of,
    read_user_csv,
)
from tracker.store import Store


@dataclass(frozen=True)
class Imported:
    stored: int
    replaced: int

    def describe(self, path: Path) -> str:
        return (
            f"stored {self.stored} annotations from {path} (origin {USER_ORIGIN}), "
            f"replacing {self.replaced}"
        )


def import_annotations(store: Store, source_id: str, path: Path) -> Imported:
    """Make the annotations in `path` the user's whole set; AnnotationError listing every
    problem, with nothing stored, when any row is bad."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    rows, problems = read_user_csv(content, str(path))
    listed = _latest_names(store, source_id, {row.key for row in rows})
    problems += [
        f"{path}: line {row.line}: {row.name or row.key!r} matches no member ever listed "
        f"in {source_id} (a typo? `tracker history` finds members by part of a name)"
        for row in rows
        if row.key not in listed
    ]
    if problems:
        listed_in_order = sorted(problems, key=line_of)
        raise AnnotationError("\n".join([*listed_in_order, f"{path}: nothing stored"]))
    notes = [row.annotation(listed[row.key]) for row in rows]
    with store.atomic():
        replaced = store.replace_annotations(USER_ORIGIN, notes)
    return Imported(len(notes), replaced)


def _latest_names(store: Store, source_id: str, keys: set[str]) -> dict[str, str]:
    """Each of `keys` ever listed in an ok snapshot, with its latest listed name."""
    if not keys:
        return {}
    found: dict[str, str] = {}
    for _, listings in sorted(store.listings_of(source_id, keys).items()):
        found |= {listing.key: listing.name for listing in listings}
    return found


def export_unannotated(store: Store, source_id: str, ref: str) -> str:
    """The members at `ref` that neither the user nor any annotated list describes, as a CSV
    to fill in: key, name, tier, every field blank, and what their names suggest beside the
    type, province and city columns (`*_inferred`, which import ignores)."""
    snapshot = resolve(store, ref, source_id).snapshot
    listings = store.listings(snapshot.id)
    names = {listing.key: listing.name for listing in listings}
    notes = annotations_of(store, source_id, names, names=names)
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    seen: set[str] = set()
    for listing in listings:
        note = notes.get(listing.key)
        sourced = {note.source_of(f) for f in note.described()} if note else set()
        if listing.key in seen or sourced - {INFERRED_ORIGIN}:
            continue
        seen.add(listing.key)
        guesses = {f"{f}{INFERRED_SUFFIX}": getattr(note, f) if note else None for f in GUESSED}
        writer.writerow({"key": listing.key, "name": listing.name, "tier": listing.tier, **guesses})
    return out.getvalue()

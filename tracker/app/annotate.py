"""`tracker annotate`: a person's own annotations in (origin `user`) and the unannotated out.

Import updates by key: each row sets the fields it fills for its key (`-` clears one), and
every other annotation stays, so `export` (the members nobody annotated), filled in and
imported, adds to what was there. `--replace` makes the file the whole set instead; a file
with no annotation then would delete them all, so that needs `--allow-empty` too.

Import is all or nothing: every problem of the file is listed (one line each) and nothing
is stored, else the whole file is stored in one transaction. A row naming a member never
listed in an ok snapshot of the source is a problem, not a warning: such an annotation
would never show anywhere, and is far more often a typo than a member still to come.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tracker.app.annotations import annotations_of
from tracker.app.refs import resolve
from tracker.core.annotations import Annotation
from tracker.core.errors import AnnotationError, ConfigError
from tracker.core.fields import INFERRED_ORIGIN, USER_ORIGIN
from tracker.core.usercsv import (
    EXPORT_COLUMNS,
    GUESSED,
    INFERRED_SUFFIX,
    UserRow,
    line_of,
    read_user_csv,
)
from tracker.store import Store


@dataclass(frozen=True)
class Imported:
    stored: int
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    # How many the file replaced, when it replaced the whole set (`--replace`).
    replaced: int | None = None

    def describe(self, path: Path) -> str:
        done = f"stored {self.stored} annotations from {path} (origin {USER_ORIGIN})"
        if self.replaced is not None:
            return f"{done}, replacing {self.replaced}"
        return (
            f"{done}: {self.added} new, {self.updated} updated, {self.removed} removed; "
            f"{self.kept} others kept"
        )


def import_annotations(
    store: Store, source_id: str, path: Path, *, replace: bool = False, allow_empty: bool = False
) -> Imported:
    """Store the annotations in `path` over the user's, key by key (or as the whole set
    with `replace`); AnnotationError listing every problem, with nothing stored, when any
    row is bad."""
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
    stored = store.own_annotations(USER_ORIGIN)
    notes = _updated(rows, {} if replace else stored, listed, str(path), problems)
    if problems:
        listed_in_order = sorted(problems, key=line_of)
        raise AnnotationError("\n".join([*listed_in_order, f"{path}: nothing stored"]))
    kept = [note for note in notes.values() if note is not None]
    if replace:
        return _replaced(store, path, kept, len(stored), allow_empty)
    with store.atomic():
        store.put_annotations(USER_ORIGIN, kept, removed=[k for k, n in notes.items() if not n])
    return Imported(
        stored=len(kept),
        added=sum(note.key not in stored for note in kept),
        updated=sum(note.key in stored for note in kept),
        removed=sum(note is None and key in stored for key, note in notes.items()),
        kept=len(stored.keys() - notes.keys()),
    )


def _updated(
    rows: list[UserRow],
    stored: dict[str, Annotation],
    listed: dict[str, str],
    source: str,
    problems: list[str],
) -> dict[str, Annotation | None]:
    """Each row's key with its annotation once the row is set over what is `stored` (None
    when no value is left); a province and city that disagree appended to `problems`."""
    notes: dict[str, Annotation | None] = {}
    for row in rows:
        note = row.over(stored.get(row.key), listed.get(row.key))
        if note is not None and (problem := row.place_problem(note, source)):
            problems.append(problem)
        notes[row.key] = note
    return notes


def _replaced(
    store: Store, path: Path, notes: list[Annotation], held: int, allow_empty: bool
) -> Imported:
    if not notes and held and not allow_empty:
        raise AnnotationError(
            f"{path}: no annotations in the file; --replace would delete all {held} of yours "
            "(add --allow-empty to mean it)"
        )
    with store.atomic():
        replaced = store.replace_annotations(USER_ORIGIN, notes)
    return Imported(len(notes), replaced=replaced)


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

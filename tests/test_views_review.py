"""The views against the reports, found in a review of migration 9 (ec9d620..main).

Older than migration 9 (the views of migrations 6 and 7 read the same): over 2,000 random
single- and two-source databases the views agreed with `annotations_of` on every row but
two shapes. The reports are right: the README has a key without an annotation of its own
show its former name's, named in `annotated_as`, and a view that shows that annotation's
origin without the name says the member itself was annotated; and `merged` names the
origin and name of the first note that gives a value, since a note that gives none (or
only a flag worded otherwise, which the views read from `extra`) contributes nothing.
Migration 9's views, new in the same release, show both as the reports do.
"""

from __future__ import annotations

import pytest

from tests.test_views import _add, _log_rename, _store
from tracker.app.annotations import annotations_of
from tracker.core.annotations import Annotation
from tracker.core.credit import CSET_ORIGIN
from tracker.core.fields import USER_ORIGIN
from tracker.store import Store

OLD, NEW = "卯卯", "寅寅"  # names that state nothing to guess from
ZETA = "zeta-2024"  # an annotated list later than CSET's: it ranks before it


def _renamed(notes: list[Annotation]) -> Store:
    """A member renamed from `OLD` to `NEW`, in both views, with `notes` stored."""
    store = _store()
    _add(store, 1, OLD)
    _add(store, 2, NEW)
    _log_rename(store, OLD, NEW)
    for origin in {note.origin for note in notes}:
        store.replace_annotations(origin, [note for note in notes if note.origin == origin])
    return store


def _shown(store: Store, view: str) -> dict[str, object]:
    """The annotation columns of `NEW`'s row in `view`: origin, former name, sources, flag."""
    row = next(store.db.query(f"SELECT * FROM {view} WHERE key = ?", [NEW]))
    picked = ("annotation_origin", "annotated_as", "state_owned", "type")
    return {c: row[c] for c in row if c in picked or c.endswith("_source")}


def _reported(store: Store, columns: dict[str, object]) -> dict[str, object]:
    """`columns` as the reports give them (a flag worded otherwise shows blank, as a view
    can only show 0 or 1)."""
    note = annotations_of(store, "demo", [NEW])[NEW]
    facts = {"annotation_origin": note.origin, "annotated_as": note.annotated_as}
    for column in columns.keys() - facts.keys():
        field = column.removesuffix("_source")
        if column != field:
            facts[column] = note.source_of(field) if note.gives(field) else None
        else:
            value = getattr(note, field)
            facts[column] = int(value) if isinstance(value, bool) else value
    return facts


def test_a_former_names_annotation_without_values_is_shown_as_the_reports_show_it() -> None:
    """A member renamed from a key whose only annotation gives a name and no value: the
    reports say the member is annotated as that name (`annotated_as`), both views say
    nothing of it, though they show the annotation's origin."""
    store = _renamed([Annotation(key=OLD, origin=USER_ORIGIN, name=OLD)])
    report = annotations_of(store, "demo", [NEW])[NEW]
    assert (report.origin, report.annotated_as) == (USER_ORIGIN, OLD)
    for view in ("current_members", "member_events"):
        row = next(store.db.query(f"SELECT * FROM {view} WHERE key = ?", [NEW]))
        assert (row["annotation_origin"], row["annotated_as"]) == (USER_ORIGIN, OLD), view


_NOTED = [
    # The brief's example: CSET's values, and a later list's note on the key that gives none.
    pytest.param(
        [
            Annotation(key=NEW, origin=CSET_ORIGIN, name=NEW, type="Industry"),
            Annotation(key=NEW, origin=ZETA, name=NEW),
        ],
        (CSET_ORIGIN, None),
        id="own values under an empty later note",
    ),
    # The user's empty note on the member: the former name's CSET values show, carried.
    pytest.param(
        [
            Annotation(key=NEW, origin=USER_ORIGIN, name=NEW),
            Annotation(key=OLD, origin=CSET_ORIGIN, name="卯卯 2020", type="Industry"),
        ],
        (CSET_ORIGIN, "卯卯 2020"),
        id="a former name's values under an empty own note",
    ),
    # The former name is named as the note that gave its values spelled it.
    pytest.param(
        [
            Annotation(key=OLD, origin=ZETA, name="卯卯 2024"),
            Annotation(key=OLD, origin=CSET_ORIGIN, name="卯卯 2020", type="Industry"),
        ],
        (CSET_ORIGIN, "卯卯 2020"),
        id="a former name's values under its own empty later note",
    ),
    # A flag worded otherwise ("Partially", kept in `extra`) is a value: it comes first.
    pytest.param(
        [
            Annotation(key=NEW, origin=ZETA, name=NEW, extra={"state_owned": "Partially"}),
            Annotation(key=NEW, origin=CSET_ORIGIN, name=NEW, state_owned=True),
        ],
        (ZETA, None),
        id="a worded flag over an older list's yes",
    ),
    pytest.param(
        [
            Annotation(key=NEW, origin=USER_ORIGIN, name=NEW),
            Annotation(key=OLD, origin=CSET_ORIGIN, name=OLD, extra={"state_owned": "Partially"}),
        ],
        (CSET_ORIGIN, OLD),
        id="a former name's worded flag under an empty own note",
    ),
]


@pytest.mark.parametrize(("notes", "expected"), _NOTED)
def test_a_note_that_gives_no_value_is_not_the_annotations_origin(
    notes: list[Annotation], expected: tuple[str, str | None]
) -> None:
    """A note that gives no value beside one that does, of a lower origin: the reports name
    the origin (and former name) of the note whose values show; the views named the empty
    note's origin, and a former name as its first note spelled it (migrations 6 to 9)."""
    store = _renamed(notes)
    for view in ("current_members", "member_events"):
        shown = _shown(store, view)
        assert (shown["annotation_origin"], shown["annotated_as"]) == expected, view
        assert shown == _reported(store, shown), view

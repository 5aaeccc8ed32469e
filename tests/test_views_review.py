"""The views against the reports, found in a review of migration 9 (ec9d620..main).

Older than migration 9 (the views of migrations 6 and 7 read the same): over 2,000 random
single- and two-source databases the views agreed with `annotations_of` on every row but
this one shape. The reports are right: the README has a key without an annotation of its own
show its former name's, named in `annotated_as`, and a view that shows that annotation's
origin without the name says the member itself was annotated. Migration 9's views, new in
the same release, mark it as the reports do.
"""

from __future__ import annotations

from tests.test_views import _add, _store
from tracker.app.annotations import annotations_of
from tracker.core.annotations import Annotation
from tracker.core.fields import USER_ORIGIN


def test_a_former_names_annotation_without_values_is_shown_as_the_reports_show_it() -> None:
    """A member renamed from a key whose only annotation gives a name and no value: the
    reports say the member is annotated as that name (`annotated_as`), both views say
    nothing of it, though they show the annotation's origin."""
    store = _store()
    old, new = "卯卯", "寅寅"  # names that state nothing to guess from
    _add(store, 1, old)
    _add(store, 2, new)
    store.db.execute(
        "INSERT INTO changes (source_id, old_snapshot_id, new_snapshot_id, at, kind, key, name, "
        "old_key, old_name) VALUES ('demo', 1, 2, 'x', 'renamed', ?, ?, ?, ?)",
        [new, new, old, old],
    )
    store.replace_annotations(USER_ORIGIN, [Annotation(key=old, origin=USER_ORIGIN, name=old)])
    report = annotations_of(store, "demo", [new])[new]
    assert (report.origin, report.annotated_as) == (USER_ORIGIN, old)
    for view in ("current_members", "member_events"):
        row = next(store.db.query(f"SELECT * FROM {view} WHERE key = ?", [new]))
        assert (row["annotation_origin"], row["annotated_as"]) == (USER_ORIGIN, old), view

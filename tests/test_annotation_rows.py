"""A note's row values, built in C where they can be, are what the plain field-by-field
reading gives: every combination of one origin or merged origins, worded flags in
`extra`, other cells in `extra`, a former name, and values that are falsy but given."""

from itertools import product
from typing import Any

import msgspec
import pytest

from tracker.core.annotations import (
    SOURCE_COLUMNS,
    Annotation,
    annotate,
    annotated,
    beyond_lists,
    shown_sources,
)
from tracker.core.fields import FLAG_FIELDS, INFERRED_ORIGIN, SHOWN_FIELDS, USER_ORIGIN
from tracker.core.models import Listing
from tracker.core.records import as_dict, as_dicts
from tracker.render.rows import INFERRED_MARK, _marked_rows

_IDENTITY = {"key", "origin", "name", "annotated_as", "sources"}


def _facts(note: Annotation, sourced: bool) -> dict[str, Any]:
    """`Annotation.facts` read field by field, as it was first written."""
    data = {
        f: getattr(note, f)
        for f in Annotation.__struct_fields__
        if f not in _IDENTITY and getattr(note, f) is not None
    }
    if not note.extra:
        data.pop("extra", None)
    carried = {"annotated_as": note.annotated_as} if note.annotated_as else {}
    shown = [f for f in data if f != "extra"] + [f for f in note.extra if f in FLAG_FIELDS]
    sources = {f"{f}_source": note.source_of(f) for f in shown if sourced}
    return {"annotation_origin": note.origin, **carried, **data, **sources}


def _shown(note: Annotation) -> dict[str, Any]:
    shown = {f: note.flag_text(f) if f in FLAG_FIELDS else getattr(note, f) for f in SHOWN_FIELDS}
    return shown | {"annotated_as": note.annotated_as}


def _notes() -> list[Annotation]:
    notes = []
    values = [
        {},
        {"type": "Industry", "city": "Beijing", "province": "Beijing"},
        {"common_name_en": "", "state_owned": False, "website": "https://x.example"},
        {"state_owned": True, "not_chinese": None, "notes": "a, b: c"},
    ]
    extras = [{}, {"state_owned": "Partially"}, {"Founded": "2015", "public_company": "Soon"}]
    sources = [{}, {"type": USER_ORIGIN, "city": INFERRED_ORIGIN}, {"state_owned": "cset-2020"}]
    origins = ["cset-2020", USER_ORIGIN, INFERRED_ORIGIN]
    for given, extra, source, origin, former in product(
        values, extras, sources, origins, [None, "旧名"]
    ):
        notes.append(
            Annotation(
                key="k",
                origin=origin,
                name="名",
                extra=extra,
                sources=source,
                annotated_as=former,
                **given,
            )  # fmt: skip
        )
    return notes


@pytest.mark.parametrize("note", _notes(), ids=lambda n: f"{n.origin}-{len(n.extra)}-{n.sources}")
def test_a_notes_row_values_are_its_fields_read_one_by_one(note: Annotation) -> None:
    for sourced in (False, True):
        assert note.facts(sourced) == _facts(note, sourced)
        assert list(note.facts(sourced)) == list(_facts(note, sourced))  # and in that order
    assert note.facts() == _facts(note, beyond_lists([note]))
    assert list(note.shown().items()) == list(_shown(note).items())
    described = {f: v for f, v in _facts(note, False).items() if f not in _IDENTITY}
    described.pop("annotation_origin")
    worded = {f: text for f, text in note.extra.items() if f in FLAG_FIELDS}
    described.pop("extra", None)
    assert list(note.described().items()) == list((described | worded).items())
    assert shown_sources(note) == {
        column: note.source_of(field) if note.gives(field) else None
        for column, field in zip(SOURCE_COLUMNS, SHOWN_FIELDS, strict=True)
    }
    assert note.inferred(SHOWN_FIELDS) == [
        f
        for f in SHOWN_FIELDS
        if getattr(note, f) is not None and note.source_of(f) == INFERRED_ORIGIN
    ]
    assert beyond_lists([note]) == bool(
        note.origins() & {USER_ORIGIN, INFERRED_ORIGIN} or len(note.origins()) > 1
    )
    row = {"tier": "member", "name": "名"}
    assert annotate(row, note, full=True, sourced=True) == row | _facts(note, True)
    assert annotate(row, note) == row | _shown(note)
    assert annotate(row, None) == row | dict.fromkeys((*SHOWN_FIELDS, "annotated_as"))


def test_a_facts_row_is_a_copy_the_caller_may_change() -> None:
    note = Annotation(key="k", origin="cset-2020", name="名", extra={"Founded": "2015"})
    note.facts()["extra"]["Founded"] = "changed"
    assert note.extra == {"Founded": "2015"}
    assert as_dict(note)["extra"] is not note.extra


def test_notes_alike_but_for_key_and_name_give_each_row_what_annotate_gives() -> None:
    # `annotated` works a note's values out once per content: each row must still read as
    # `annotate` makes it, in the same order, for notes of other keys and names, and none.
    notes: list[Annotation | None] = [None]
    for i, note in enumerate(_notes()):
        notes += [note, msgspec.structs.replace(note, key=f"k{i}", name=f"名{i}")]
    rows = [{"tier": "member", "name": f"名{i}", "key": f"k{i}"} for i in range(len(notes))]
    for full, sourced in product((False, True), repeat=2):
        found = annotated(rows, notes, full=full, sourced=sourced)
        expected = [
            annotate(r, n, full=full, sourced=sourced) for r, n in zip(rows, notes, strict=True)
        ]
        assert [list(row.items()) for row in found] == [list(row.items()) for row in expected]
    found[1]["annotation_origin"] = "changed"  # rows sharing values are still each a copy
    assert found[2] == expected[2]  # its twin in content, untouched


def test_a_members_table_marks_each_inferred_value_as_row_by_row() -> None:
    # `members` marks the values of notes alike once: each row must still read as marked
    # on its own, whether its note is shared, merged, carried or missing.
    notes: list[Annotation | None] = [None]
    for i, note in enumerate(_notes()):
        notes += [note, msgspec.structs.replace(note, key=f"k{i}", name=f"名{i}")]
    listings = [
        Listing(tier="member", tier_label="会员", position=i + 1, name=f"名{i}", key=f"k{i}")
        for i in range(len(notes))
    ]
    rows, marked = _marked_rows(listings, notes)
    expected = annotated(as_dicts(listings), notes)
    for row, note in zip(expected, notes, strict=True):
        for field in note.inferred(SHOWN_FIELDS) if note else []:
            row[field] = f"{row[field]}{INFERRED_MARK}"
    assert [list(row.items()) for row in rows] == [list(row.items()) for row in expected]
    assert marked
    assert _marked_rows(listings[:1], notes[:1]) == ([expected[0]], False)

"""A diff's changes as people read them: one row of cells each (SHOWN_COLUMNS), the tier
and name on the newer side, what changed, and what annotations say of the member. The
text, Markdown and HTML reports and the site's change page show these rows; JSON and CSV
carry the records whole (`tracker.render.report.records`). Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.diff import (
    Change,
    Departed,
    Joined,
    ListingChange,
    MemberChange,
    Rename,
    TierChange,
    Transient,
)
from tracker.core.fields import CARRIED_FIELD
from tracker.core.models import tier_name
from tracker.render.rows import INFERRED_MARK

SHOWN_COLUMNS = ("tier", "name", "change", "english", "type", "city")
# What a section of a diff lists: the changes of one kind, or the transients.
Entry = Change | Transient


def note_of(notes: Mapping[str, Annotation], entry: Entry) -> Annotation | None:
    """The annotation of the entry's first key that has one (a rename: new name, then old)."""
    for key in entry.keys():
        if key in notes:
            return notes[key]
    return None


def notes_of(notes: Mapping[str, Annotation], entries: Sequence[Entry]) -> list[Annotation | None]:
    """`note_of` each entry. Every entry but a rename has one key, `key`: with no rename
    among them, the notes are looked up in C (a ten-year diff has 6,000 joins)."""
    if Rename in set(map(type, entries)):
        return [note_of(notes, entry) for entry in entries]
    return list(map(notes.get, map(attrgetter("key"), entries)))


def _tier(tier: str | None) -> str:
    return tier_name(tier) if tier else ""


def _listed(tiers: list[str]) -> str:
    return "+".join(_tier(t) for t in tiers)


def change_text(entry: Entry) -> str:
    """The one-cell description of a change shown beside the member's name."""
    if isinstance(entry, MemberChange):
        return "+ joined" if isinstance(entry, Joined) else "- departed"
    if isinstance(entry, TierChange):
        arrow = "↑" if entry.direction == "promotion" else "↓"
        return f"{arrow} {_tier(entry.old_tier)} → {_tier(entry.new_tier)}"
    if isinstance(entry, Rename):
        moved = f"; {_tier(entry.old_tier)} → {_tier(entry.new_tier)}" if entry.direction else ""
        return f"was {entry.old_name} (score {entry.score:.1f}{moved})"
    if isinstance(entry, ListingChange):
        return f"listed {_listed(entry.old_listed)} → {_listed(entry.new_listed)}"
    verb = "present" if entry.kind == "came_and_went" else "absent"
    return f"{verb} in snapshots {entry.first_id}–{entry.last_id} ({entry.snapshots})"


# The tier and name a row shows are the newer side's: these fields hold them.
_SHOWN_AS = {"tier_changed": ("new_tier", "name"), "renamed": ("new_tier", "new_name")}


def people_cells(
    kind: str, entries: Sequence[Entry], notes: Mapping[str, Annotation]
) -> list[list[Any]]:
    """A section's cells as people read them, column by column (SHOWN_COLUMNS): tier, name,
    what changed, and what annotations say of the member, its inferred type and city marked
    (`INFERRED_MARK`). Made from the changes themselves, a column at a time: a diff has
    thousands of rows, and tables lay them out by column."""
    tier_of, name_of = map(attrgetter, _SHOWN_AS.get(kind, ("tier", "name")))
    tiers = list(map(tier_of, entries))
    # A tier's name looked up once per tier, and a note's cells once per note alike.
    named = {tier: _tier(tier) for tier in set(tiers)}
    cells_of = _member_cells(renamed=kind == "renamed")
    described = map(cells_of, notes_of(notes, entries))
    english, kinds, cities = map(list, zip(*described, strict=True)) if entries else ([], [], [])
    return [
        list(map(named.__getitem__, tiers)),
        list(map(name_of, entries)),
        _change_texts(entries),
        english,
        kinds,
        cities,
    ]


def _change_texts(entries: Sequence[Entry]) -> list[str]:
    """`change_text` of each entry: that of a join or a departure is its kind's alone, so
    a section of only joins (or only departures) has one text, made once."""
    kinds = set(map(type, entries))
    if len(kinds) == 1 and kinds <= {Joined, Departed}:
        return [change_text(entries[0])] * len(entries)
    return list(map(change_text, entries))


# What the English name, type and city cells read of a note without `sources`: thousands
# of guesses share a few types and places, and are shown alike.
_SHOWN_CONTENT = attrgetter("common_name_en", CARRIED_FIELD, "type", "city", "origin")
_NO_CELLS = (None, None, None)


def _member_cells(*, renamed: bool) -> Callable[[Annotation | None], tuple[str | None, ...]]:
    """A note's English name, type and city cells, worked out once for notes alike."""
    done: dict[tuple[Any, ...], tuple[str | None, ...]] = {}

    def cells(note: Annotation | None) -> tuple[str | None, ...]:
        if note is None:
            return _NO_CELLS
        if note.sources:
            return _cells(note, renamed=renamed)
        content = _SHOWN_CONTENT(note)
        found = done.get(content)
        if found is None:
            found = done[content] = _cells(note, renamed=renamed)
        return found

    return cells


def _cells(note: Annotation, *, renamed: bool) -> tuple[str | None, ...]:
    """The English name says which former name it was annotated under (a rename's row
    already shows its former name)."""
    english, carried = note.common_name_en, note.annotated_as
    if carried and not renamed:
        english = f"{english or ''} (annotated as {carried})".lstrip()
    inferred = note.inferred(("type", "city"))
    marked = [
        f"{value}{INFERRED_MARK}" if field in inferred else value
        for field, value in (("type", note.type), ("city", note.city))
    ]
    return (english, *marked)

"""The `annotations` table: facts about organisations by member key and origin.

One row per key and ``origin`` (who annotated, and when: ``cset-2020``): the columns of
`tracker.core.annotations.Annotation`, flags as 0/1, and ``extra`` as JSON text for values
that fit no typed column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from tracker.core.fields import CARRIED_FIELD, FLAG_FIELDS, SOURCES_FIELD
from tracker.core.records import as_dict
from tracker.store.table import CHUNK, Described, Table, chunks, marks

if TYPE_CHECKING:
    # Imported where rows become annotations: every command opens the store, and those
    # that read no annotation (`snapshots`, `timeline`) need not load how they merge.
    from tracker.core.annotations import Annotation

SCHEMA = {
    1: """
    CREATE TABLE annotations (
        key TEXT NOT NULL,
        origin TEXT NOT NULL,
        name TEXT NOT NULL,
        name_en_mt TEXT,
        common_name_en TEXT,
        common_name_zh TEXT,
        type TEXT,
        website TEXT,
        crunchbase_url TEXT,
        location TEXT,
        city TEXT,
        province TEXT,
        size TEXT,
        focus TEXT,
        industry TEXT,
        ai_category TEXT,
        key_products TEXT,
        state_owned INTEGER,
        not_chinese INTEGER,
        public_company INTEGER,
        exchange TEXT,
        ticker TEXT,
        notes TEXT,
        extra TEXT,
        PRIMARY KEY (key, origin)
    );
    """
}
_FLAG = "1 yes, 0 no; blank when unknown or when CSET wrote something else (see `extra`)."
# Shared with the views that join annotations to members and events.
ANNOTATION_COLUMNS = {
    "name_en_mt": "Machine-translated English name.",
    "common_name_en": "English common name.",
    "common_name_zh": "Chinese common (short) name.",
    "type": "Kind of organisation: Industry, Academia, Government...",
    "website": "Website.",
    "crunchbase_url": "Crunchbase page.",
    "location": "Location as written.",
    "city": "City.",
    "province": "Province.",
    "size": "Size (employees).",
    "focus": "Focus.",
    "industry": "Industry.",
    "ai_category": "AI category.",
    "key_products": "Key products.",
    "state_owned": f"State-owned: {_FLAG}",
    "not_chinese": f"Not a Chinese organisation: {_FLAG}",
    "public_company": f"Publicly listed: {_FLAG}",
    "exchange": "Stock exchange.",
    "ticker": "Ticker symbol.",
    "notes": "Notes.",
}
DESCRIBED = {
    "annotations": Described(
        "Facts about organisations by member key, from an annotated list (CSET's 2020 list: "
        "CC BY-NC 4.0, credit CSET). They belong to the organisation, not to a snapshot, and "
        "follow it through renames in `current_members` and `member_events`.",
        {
            "key": "The member key annotated.",
            "origin": "Who annotated, and when (cset-2020).",
            "name": "The name as the annotated list spelled it.",
            **ANNOTATION_COLUMNS,
            "extra": "Values that fit no column, as JSON text (a flag CSET wrote as "
            "'Partially', columns the importer does not map).",
        },
    ),
}


def _db_row(annotation: Annotation) -> dict[str, Any]:
    # `annotated_as` says how an annotation reached a later key; it is never stored.
    row = as_dict(annotation, exclude={CARRIED_FIELD, SOURCES_FIELD})
    row["extra"] = json.dumps(annotation.extra, ensure_ascii=False) if annotation.extra else None
    return row


def _annotation(row: dict[str, Any]) -> Annotation:
    """A stored row as the annotation `_db_row` wrote: flags from 0/1, `extra` from JSON."""
    from tracker.core.annotations import Annotation

    flags = {f: None if row[f] is None else bool(row[f]) for f in FLAG_FIELDS}
    extra = json.loads(row["extra"]) if row["extra"] else {}
    return Annotation(**{**row, **flags, "extra": extra})


class Annotations(Table):
    def annotations_for(self, keys: Iterable[str] | None = None) -> dict[str, Annotation]:
        """The annotation of each key that has one (all of them when keys is None): its
        notes of every origin merged per field (`tracker.core.annotations.merged`)."""
        from tracker.core.annotations import merged

        if keys is None:
            rows = list(self._rows("SELECT rowid, * FROM annotations"))
        else:
            # By key (the primary key's index), a statement's worth of keys at a time.
            rows = [
                row
                for chunk in chunks(sorted(self._annotated(set(keys))))
                for row in self._rows(
                    f"SELECT rowid, * FROM annotations WHERE key IN ({marks(len(chunk))})", chunk
                )
            ]
        notes: dict[str, list[Annotation]] = {}
        for row in sorted(rows, key=itemgetter("rowid")):  # as stored, whichever way read
            del row["rowid"]
            notes.setdefault(row["key"], []).append(_annotation(row))
        return {key: note for key, found in notes.items() if (note := merged(found))}

    def _annotated(self, keys: set[str]) -> set[str]:
        """`keys`, or when they are more than one statement binds and more than the table
        holds, those it annotates: its keys, read from their index, are fewer to read than
        thousands of lookups (a listing's 6,000 keys against CSET's 561 notes)."""
        if len(keys) <= CHUNK:
            return keys
        (rows,) = self.conn.execute("SELECT count(*) FROM annotations").fetchone()
        if rows >= len(keys):
            return keys
        return keys & {key for (key,) in self.conn.execute("SELECT key FROM annotations")}

    def annotated_names(self) -> Iterator[tuple[str, str]]:
        """(key, name) of each English, machine-translated and Chinese common name an
        annotation of any origin gives: what a search by name reads, not whole annotations."""
        rows = self.conn.execute(
            "SELECT key, common_name_en, name_en_mt, common_name_zh FROM annotations"
        )
        for key, *names in rows:
            yield from ((key, name) for name in names if name)

    def annotation_origins(self) -> list[str]:
        """Every origin (who annotated, when) the database holds annotations from."""
        rows = self.conn.execute("SELECT DISTINCT origin FROM annotations ORDER BY origin")
        return [row[0] for row in rows]

    def own_annotations(self, origin: str) -> dict[str, Annotation]:
        """One origin's annotations by key, as stored: not merged with any other origin's."""
        rows = self.db.query("SELECT * FROM annotations WHERE origin = ?", [origin])
        return {row["key"]: _annotation(row) for row in rows}

    def put_annotations(
        self, origin: str, annotations: Sequence[Annotation], *, removed: Iterable[str] = ()
    ) -> None:
        """Store `annotations` of one origin over what it held for their keys, and delete
        its annotations of the `removed` keys; every other key's stay. Call inside the
        caller's transaction."""
        for key in removed:
            self.db.execute("DELETE FROM annotations WHERE key = ? AND origin = ?", [key, origin])
        self.db.table("annotations").insert_all(
            [_db_row(annotation) for annotation in annotations], pk=("key", "origin"), replace=True
        )

    def replace_annotations(self, origin: str, annotations: Sequence[Annotation]) -> int:
        """Make `annotations` the whole set of one origin; how many it replaced. Call inside
        the caller's transaction."""
        replaced = self.db.execute("DELETE FROM annotations WHERE origin = ?", [origin]).rowcount
        self.db.table("annotations").insert_all(
            [_db_row(annotation) for annotation in annotations], pk=("key", "origin")
        )
        return replaced

"""The `annotations` table: facts about organisations by member key and origin.

One row per key and ``origin`` (who annotated, and when: ``cset-2020``): the columns of
`tracker.core.annotations.Annotation`, flags as 0/1, and ``extra`` as JSON text for values
that fit no typed column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.fields import CARRIED_FIELD
from tracker.store.table import Table

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


def _db_row(annotation: Annotation) -> dict[str, Any]:
    # `annotated_as` says how an annotation reached a later key; it is never stored.
    row = annotation.model_dump(exclude={CARRIED_FIELD})
    row["extra"] = json.dumps(annotation.extra, ensure_ascii=False) if annotation.extra else None
    return row


class Annotations(Table):
    def annotations_for(self, keys: Iterable[str] | None = None) -> dict[str, Annotation]:
        """The annotation of each key that has one (all of them when keys is None)."""
        wanted = None if keys is None else set(keys)
        found: dict[str, Annotation] = {}
        # Where a key has notes from several origins, the one sorting last by name wins;
        # origins are named "<who>-<year>" (only "cset-2020" so far), so for one source that
        # is the latest.
        for row in self.db.query("SELECT * FROM annotations ORDER BY origin"):
            if wanted is None or row["key"] in wanted:
                found[row["key"]] = Annotation.model_validate(row)
        return found

    def replace_annotations(self, origin: str, annotations: Sequence[Annotation]) -> None:
        """Make `annotations` the whole set of one origin. Call inside the caller's transaction."""
        self.db.execute("DELETE FROM annotations WHERE origin = ?", [origin])
        self.db.table("annotations").insert_all(
            [_db_row(annotation) for annotation in annotations], pk=("key", "origin")
        )

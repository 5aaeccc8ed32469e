"""Facts about organisations (English name, type, city, state ownership), keyed by member key.

Annotations belong to an organisation, not to a snapshot: CSET's 2020 notes on a member
are shown wherever that member's key appears, in any snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field, field_validator

from tracker.store.database import Store

# The fields reports show beside a Chinese name, in this order.
SHOWN_FIELDS = ("common_name_en", "type", "city", "state_owned")
FLAG_FIELDS = ("state_owned", "not_chinese", "public_company")
# Identify the annotation rather than describe the organisation; never merged into a row.
_IDENTITY_FIELDS = frozenset({"key", "origin", "name"})


class Annotation(BaseModel):
    key: str
    origin: str
    name: str
    name_en_mt: str | None = None
    common_name_en: str | None = None
    common_name_zh: str | None = None
    type: str | None = None
    website: str | None = None
    crunchbase_url: str | None = None
    location: str | None = None
    city: str | None = None
    province: str | None = None
    size: str | None = None
    focus: str | None = None
    industry: str | None = None
    ai_category: str | None = None
    key_products: str | None = None
    state_owned: bool | None = None
    not_chinese: bool | None = None
    public_company: bool | None = None
    exchange: str | None = None
    ticker: str | None = None
    notes: str | None = None
    # Values that fit no typed field: a flag that is neither yes nor no ("Partially"), keyed
    # by the field, and cells of columns the importer does not map, keyed by their header.
    extra: dict[str, str] = Field(default_factory=dict)

    @field_validator("extra", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        # The database keeps `extra` as JSON text (or NULL).
        if value is None:
            return {}
        return json.loads(value) if isinstance(value, str) else value

    def flag_text(self, field: str) -> str | None:
        """A yes/no flag as a reader should see it: yes, no, CSET's own wording, or None."""
        value = getattr(self, field)
        if value is None:
            return self.extra.get(field)
        return "yes" if value else "no"

    def shown(self) -> dict[str, Any]:
        """The SHOWN_FIELDS, flags as text, for tables."""
        return {
            f: self.flag_text(f) if f in FLAG_FIELDS else getattr(self, f) for f in SHOWN_FIELDS
        }

    def facts(self) -> dict[str, Any]:
        """Every non-empty descriptive field, for JSON: what CSET knew about the organisation."""
        data = self.model_dump(exclude=set(_IDENTITY_FIELDS), exclude_none=True)
        if not self.extra:
            data.pop("extra", None)
        return {"annotation_origin": self.origin, **data}


def annotations_for(store: Store, keys: Iterable[str] | None = None) -> dict[str, Annotation]:
    """The annotation of each key that has one (all of them when keys is None)."""
    wanted = None if keys is None else set(keys)
    found: dict[str, Annotation] = {}
    # Where a key has notes from several origins, the one sorting last by name wins; origins
    # are named "<who>-<year>" (only "cset-2020" so far), so for one source that is the latest.
    for row in store.db.query("SELECT * FROM annotations ORDER BY origin"):
        if wanted is None or row["key"] in wanted:
            found[row["key"]] = Annotation.model_validate(row)
    return found


def annotate(
    row: dict[str, Any], annotation: Annotation | None, *, full: bool = False
) -> dict[str, Any]:
    """A report row with its key's annotation added: every fact when `full` (JSON), else the
    SHOWN_FIELDS (tables, CSV; blank when the key has no annotation)."""
    if full:
        return {**row, **annotation.facts()} if annotation else dict(row)
    shown = annotation.shown() if annotation else dict.fromkeys(SHOWN_FIELDS)
    return {**row, **shown}


def replace_annotations(store: Store, origin: str, annotations: Sequence[Annotation]) -> None:
    """Make `annotations` the whole set of one origin. Call inside the caller's transaction."""
    store.db.execute("DELETE FROM annotations WHERE origin = ?", [origin])
    store.db.table("annotations").insert_all(
        [_db_row(annotation) for annotation in annotations], pk=("key", "origin")
    )


def _db_row(annotation: Annotation) -> dict[str, Any]:
    row = annotation.model_dump()
    row["extra"] = json.dumps(annotation.extra, ensure_ascii=False) if annotation.extra else None
    return row

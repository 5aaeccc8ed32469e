"""Facts about organisations (English name, type, city, state ownership), keyed by member key.

Annotations belong to an organisation, not to a snapshot: CSET's 2020 notes on a member
are shown wherever that member's key appears, in any snapshot.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field, field_validator

from tracker.core.fields import FLAG_FIELDS, SHOWN_FIELDS

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


def annotate(
    row: dict[str, Any], annotation: Annotation | None, *, full: bool = False
) -> dict[str, Any]:
    """A report row with its key's annotation added: every fact when `full` (JSON), else the
    SHOWN_FIELDS (tables, CSV; blank when the key has no annotation)."""
    if full:
        return {**row, **annotation.facts()} if annotation else dict(row)
    shown = annotation.shown() if annotation else dict.fromkeys(SHOWN_FIELDS)
    return {**row, **shown}

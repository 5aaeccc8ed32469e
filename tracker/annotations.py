"""Facts about organisations (English name, type, city, state ownership), keyed by member key.

Annotations belong to an organisation, not to a snapshot: CSET's 2020 notes on a member
are shown wherever that member's key appears, in any snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from tracker.store import Store

# The fields reports show beside a Chinese name, in this order.
SHOWN_FIELDS = ("common_name_en", "type", "city", "state_owned")


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


def annotations_for(store: Store, keys: Iterable[str] | None = None) -> dict[str, Annotation]:
    """The annotation of each key that has one (all of them when keys is None)."""
    wanted = None if keys is None else set(keys)
    found: dict[str, Annotation] = {}
    # Later origins win: rows are read oldest origin first.
    for row in store.db.query("SELECT * FROM annotations ORDER BY origin"):
        if wanted is None or row["key"] in wanted:
            found[row["key"]] = Annotation.model_validate(row)
    return found

"""The annotation fields that reports show and group by, and who annotated.

Plain constants with no imports, so that the CLI (`--by` choices) and the database layer
(its views' precedence) can use them without loading the annotation machinery.
"""

from __future__ import annotations

# The fields reports show beside a Chinese name, in this order.
SHOWN_FIELDS = ("common_name_en", "type", "city", "state_owned")
# Beside them: the former name an annotation was made for, when a rename carried it over.
CARRIED_FIELD = "annotated_as"
# Where each value of a merged annotation came from (field -> origin); never stored.
SOURCES_FIELD = "sources"
# Who annotated: a person with `tracker annotate import`, CSET (`cset-2020`), or the
# tracker's own guess from the name (`tracker.core.infer`). Per field, the first that has a
# value wins: a person over CSET over a guess.
USER_ORIGIN = "user"
INFERRED_ORIGIN = "inferred"
# Precedence of origins, the one definition (`tracker.core.annotations.by_precedence`; the
# database's views order by it too: `tracker.store.precedence`): the user's first, the
# tracker's guesses last, any annotated list between them (the latest-named first, as
# "<who>-<year>" names sort).
ORIGIN_RANKS = {USER_ORIGIN: 0, INFERRED_ORIGIN: 2}
LIST_RANK = 1
# Province and city: merged as one place, never contradicting each other.
PLACE_FIELDS = ("province", "city")
# Yes/no facts; CSET's other wordings ("Partially") are kept beside them as text.
FLAG_FIELDS = ("state_owned", "not_chinese", "public_company")
# An annotation's facts as a reader sees them named (`Annotation.facts()` keys); a column
# the importer does not map keeps its header as written.
FIELD_LABELS = {
    "annotation_origin": "Annotations from",
    CARRIED_FIELD: "Annotated under its former name",
    "name_en_mt": "English name (machine translation)",
    "common_name_en": "English name",
    "common_name_zh": "Chinese short name",
    "type": "Type",
    "website": "Website",
    "crunchbase_url": "Crunchbase",
    "location": "Location",
    "city": "City",
    "province": "Province",
    "size": "Size",
    "focus": "Focus",
    "industry": "Industry",
    "ai_category": "AI category",
    "key_products": "Key products",
    "state_owned": "State-owned",
    "not_chinese": "Not a Chinese organisation",
    "public_company": "Publicly listed",
    "exchange": "Stock exchange",
    "ticker": "Ticker",
    "notes": "Notes",
}
# `tracker stats --by` choice -> annotation field; `tier` is the tiers themselves.
BY_FIELDS: dict[str, str] = {
    "type": "type",
    "province": "province",
    "city": "city",
    "focus": "focus",
    "size": "size",
    "soe": "state_owned",
}
BY_CHOICES = ("tier", *BY_FIELDS)
# `tracker stats --over-time --every`: which snapshots are its points.
EVERY_CHOICES = ("year", "quarter", "snapshot")

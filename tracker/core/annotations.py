"""Facts about organisations (English name, type, city, state ownership), keyed by member key.

Annotations belong to an organisation, not to a snapshot: CSET's 2020 notes on a member
are shown wherever that member's key appears, in any snapshot, and follow it through the
renames the change log links (`carried`), marked with the former name they were made for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

import msgspec
from msgspec.structs import astuple

from tracker.core.fields import (
    CARRIED_FIELD,
    FLAG_FIELDS,
    INFERRED_ORIGIN,
    LIST_RANK,
    ORIGIN_RANKS,
    PLACE_FIELDS,
    SHOWN_FIELDS,
    SOURCES_FIELD,
    USER_ORIGIN,
)
from tracker.core.gazetteer import gazetteer

# Identify the annotation rather than describe the organisation; never merged into a row.
_IDENTITY_FIELDS = frozenset({"key", "origin", "name", CARRIED_FIELD, SOURCES_FIELD})
# The names a member can be searched by, besides its key.
_NAME_FIELDS = ("common_name_en", "name_en_mt", "common_name_zh")


class Annotation(msgspec.Struct, frozen=True, omit_defaults=True):
    """What one origin (or, merged, several) says about the organisation of one key.

    Built from input already checked where it entered (CSET's list, `tracker annotate
    import`, the store's rows, the tracker's guesses): a plain record, not a validating model.
    A default (None, an empty `extra` or `sources`) means "not given", so `omit_defaults`
    leaves it out of `msgspec.to_builtins`: that is how `_given` lists the given fields.
    """

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
    extra: dict[str, str] = msgspec.field(default_factory=dict)
    # Set when the annotation was made for a former name of the member (`carried`): that
    # name. Never stored: it says how the annotation reached a key, not what CSET wrote.
    annotated_as: str | None = None
    # Where each value came from (field -> origin) when origins were merged per field; empty
    # for an annotation of one origin. Never stored.
    sources: dict[str, str] = msgspec.field(default_factory=dict)

    def flag_text(self, field: str) -> str | None:
        """A yes/no flag as a reader should see it: yes, no, CSET's own wording, or None."""
        value = getattr(self, field)
        if value is None:
            return self.extra.get(field)
        return "yes" if value else "no"

    def shown(self) -> dict[str, Any]:
        """The SHOWN_FIELDS, flags as text, and the former name it was made for, for tables."""
        shown = dict(zip(_SHOWN_KEYS, _shown_values(self), strict=True))
        for flag in _SHOWN_FLAGS:
            shown[flag] = self.flag_text(flag)
        return shown

    def facts(self, sourced: bool | None = None) -> dict[str, Any]:
        """Every non-empty descriptive field, for JSON: what CSET knew about the organisation;
        with `sourced` (by default when `beyond_lists([self])`), each one's origin beside it
        (`<field>_source`), as every data format names them."""
        facts: dict[str, Any] = {"annotation_origin": self.origin}
        if self.annotated_as:
            facts[CARRIED_FIELD] = self.annotated_as
        given = self._given()
        facts.update(given)
        if beyond_lists([self]) if sourced is None else sourced:
            facts.update(self._sources_of(given))
        return facts

    def _sources_of(self, given: Mapping[str, Any]) -> dict[str, str]:
        """`<field>_source` of each `given` field, and of a flag CSET worded otherwise (in
        `extra`): its origin is named like any value's."""
        shown: Iterable[str] = given
        if self.extra:
            shown = [f for f in given if f != "extra"] + [f for f in self.extra if f in FLAG_FIELDS]
        names = map(_SOURCE_NAMES.__getitem__, shown)
        if not self.sources:
            return dict.fromkeys(names, self.origin)
        return {name: self.source_of(field) for name, field in zip(names, shown, strict=True)}

    def source_of(self, field: str) -> str:
        """Who gave this annotation's value of `field`: its origin, or the merged one's."""
        return self.sources.get(field, self.origin)

    def origins(self) -> set[str]:
        """Every origin a value of this annotation came from (credit is owed to each)."""
        return {self.origin, *self.sources.values()}

    def inferred(self, fields: Iterable[str]) -> list[str]:
        """Which of `fields` have a value guessed from the name (origin `inferred`)."""
        if not self.sources and self.origin != INFERRED_ORIGIN:
            return []  # one origin, and not a guess
        valued = [f for f in fields if getattr(self, f) is not None]
        if not self.sources:
            return valued  # one origin, a guess: every value is guessed
        return [f for f in valued if self.source_of(f) == INFERRED_ORIGIN]

    def gives(self, field: str) -> bool:
        """Whether the descriptive `field` has a value: whether `described()` holds it,
        without building it."""
        return getattr(self, field) is not None or (field in FLAG_FIELDS and field in self.extra)

    def described(self) -> dict[str, Any]:
        """Every descriptive field with a value (a flag CSET worded otherwise as its text)."""
        data = self._given()
        worded = {f: text for f, text in data.pop("extra", {}).items() if f in FLAG_FIELDS}
        return data | worded

    def carried_to(self) -> Annotation:
        """This annotation as shown for a later name of the member: marked with its own name."""
        return msgspec.structs.replace(self, annotated_as=self.annotated_as or self.name)

    def _given(self) -> dict[str, Any]:
        """The descriptive fields that have a value (`extra` when not empty), in declaration
        order, containers copied: made in C, not field by field (a members listing asks it
        of 6,000 notes)."""
        given: dict[str, Any] = msgspec.to_builtins(self)
        for field in _IDENTITY_FIELDS:
            given.pop(field, None)
        return given


SOURCE_COLUMNS = tuple(f"{field}_source" for field in SHOWN_FIELDS)
# Each descriptive field's `<field>_source` name, written once.
_SOURCE_NAMES = {
    f: f"{f}_source" for f in Annotation.__struct_fields__ if f not in {*_IDENTITY_FIELDS, "extra"}
}
_SHOWN_KEYS = (*SHOWN_FIELDS, CARRIED_FIELD)
_shown_values = attrgetter(*_SHOWN_KEYS)
_shown_facts = attrgetter(*SHOWN_FIELDS)
_SHOWN_FLAGS = tuple(f for f in SHOWN_FIELDS if f in FLAG_FIELDS)
_NOT_LISTS = frozenset({USER_ORIGIN, INFERRED_ORIGIN})


def beyond_lists(notes: Iterable[Annotation | None]) -> bool:
    """Whether some value of `notes` is the user's or inferred, not an annotated list's
    (CSET's), or a note merges several origins: then every row of a data format (JSON,
    CSV) names the origin of each annotation value it gives, `<field>_source` beside it."""
    return any(note is not None and _beyond_lists(note) for note in notes)


def _beyond_lists(note: Annotation) -> bool:
    if not note.sources:  # one origin: no set to build
        return note.origin in _NOT_LISTS
    origins = note.origins()
    return len(origins) > 1 or bool(origins & _NOT_LISTS)


def shown_sources(note: Annotation | None) -> dict[str, str | None]:
    """SOURCE_COLUMNS for a row: who gave each shown value, None where there is none."""
    if note is None:
        return dict.fromkeys(SOURCE_COLUMNS)
    if note.extra:  # a flag worded otherwise is given, and has a source
        given = list(map(note.gives, SHOWN_FIELDS))
    else:
        given = [value is not None for value in _shown_facts(note)]
    source_of, origin = note.sources.get, note.origin
    return {
        column: source_of(field, origin) if valued else None
        for column, field, valued in zip(SOURCE_COLUMNS, SHOWN_FIELDS, given, strict=True)
    }


def annotate(
    row: dict[str, Any],
    annotation: Annotation | None,
    *,
    full: bool = False,
    sourced: bool = False,
) -> dict[str, Any]:
    """A report row with its key's annotation added: every fact when `full` (JSON; each
    one's origin beside it when `sourced`, see `beyond_lists`), else the SHOWN_FIELDS
    (tables, CSV; blank when the key has no annotation)."""
    return row | additions([annotation], full=full, sourced=sourced)[0]


# What a row without an annotation is given: never changed, as rows are made with `|`.
_NO_SHOWN: dict[str, Any] = dict.fromkeys(_SHOWN_KEYS)
_NO_FACTS: dict[str, Any] = {}


def annotated(
    rows: Iterable[dict[str, Any]],
    notes: Iterable[Annotation | None],
    *,
    full: bool = False,
    sourced: bool = False,
) -> list[dict[str, Any]]:
    """`annotate` of each row with its note."""
    added = additions(notes, full=full, sourced=sourced)
    return [row | more for row, more in zip(rows, added, strict=True)]


def additions(
    notes: Iterable[Annotation | None], *, full: bool = False, sourced: bool = False
) -> list[dict[str, Any]]:
    """What `annotate` adds to a row of each note: notes alike but for their key and name
    (thousands of guesses share a few types and places) add one dict, made once."""
    added: dict[tuple[Any, ...], dict[str, Any]] = {}
    found = []
    for note in notes:
        if note is None:
            found.append(_NO_FACTS if full else _NO_SHOWN)
            continue
        content = _shared_content(note)
        if content is None or (shared := added.get(content)) is None:
            shared = note.facts(sourced) if full else note.shown()
            if content is not None:
                added[content] = shared
        found.append(shared)
    return found


def _shared_content(note: Annotation) -> tuple[Any, ...] | None:
    """What `facts` and `shown` read of `note`, all but its key and name; None when it holds
    `extra` or `sources` (containers, no key to share by, and rare)."""
    values = astuple(note)
    if values[_EXTRA] or values[_SOURCES]:
        return None
    return _content(values)


_FIELDS = Annotation.__struct_fields__
_EXTRA, _SOURCES = _FIELDS.index("extra"), _FIELDS.index(SOURCES_FIELD)
_content = itemgetter(
    *(i for i, f in enumerate(_FIELDS) if f not in {"key", "name", "extra", SOURCES_FIELD})
)


# Origins: per field, a person over CSET over a guess ---------------------------------------

_T = TypeVar("_T")


def by_precedence(
    items: Iterable[_T], origin: Callable[[_T], str] = attrgetter("origin")
) -> list[_T]:
    """`items` (notes, or anything with an `origin`) first to last by origin precedence
    (`ORIGIN_RANKS`); items of the same origin keep their order."""
    latest_first = sorted(items, key=origin, reverse=True)
    return sorted(latest_first, key=lambda item: ORIGIN_RANKS.get(origin(item), LIST_RANK))


def merged(notes: Iterable[Annotation]) -> Annotation | None:
    """One annotation of a key from its notes of several origins: per field, the value of the
    first origin (`by_precedence`; of one origin, the first note given) that has one,
    `sources` naming each value's origin; province and city as one place (`_place`).

    A note that is itself merged keeps its values' origins. One contributing note is given
    unchanged; else `name` and `origin` are those of the first contributor, and
    `annotated_as` the first one's that was carried from a former name.
    """
    given = list(notes)
    # The common cases, every listed member's note at show time: no note, or one that is its
    # own merge.
    if not given:
        return None
    if len(given) == 1 and _merges_to_itself(given[0]):
        return given[0]
    chosen = _chosen(given)
    contributors = by_precedence(given[i] for i in sorted({p.note for p in chosen.values()}))
    if not contributors:
        return next(iter(by_precedence(given)), None)
    lead = contributors[0]
    if len(contributors) == 1 and all(p.value == _given(lead, p.field) for p in chosen.values()):
        return lead
    # A flag worded otherwise ("Partially") stays text in `extra`, as stored.
    extra = {
        p.field: p.value
        for p in chosen.values()
        if p.field in FLAG_FIELDS and not isinstance(p.value, bool)
    }
    for note in by_precedence(given):
        extra |= {k: v for k, v in note.extra.items() if k not in FLAG_FIELDS and k not in extra}
    update = {
        **dict.fromkeys(f for f in Annotation.__struct_fields__ if f not in _IDENTITY_FIELDS),
        **{field: pick.value for field, pick in chosen.items() if field not in extra},
        "extra": extra,
        SOURCES_FIELD: {field: pick.origin for field, pick in chosen.items()},
        CARRIED_FIELD: next((c.annotated_as for c in contributors if c.annotated_as), None),
    }
    return msgspec.structs.replace(lead, **update)


def filled(note: Annotation | None, guessed: Annotation) -> Annotation:
    """`note` with the fields it lacks given by `guessed` (what the name states): `merged`,
    without a list to build for most members of a listing, which have no other note."""
    if note is None and _merges_to_itself(guessed):
        return guessed
    merge = merged([note, guessed] if note is not None else [guessed])
    assert merge is not None  # for the type checker: a merge of one note or more is one
    return merge


def _chosen(notes: Sequence[Annotation]) -> dict[str, _Pick]:
    """Per field, the value of the first origin that gives one; the place as one."""
    facts = (
        _Pick(field, value, note.source_of(field), i)
        for i, note in enumerate(notes)
        for field, value in note.described().items()
        if field not in PLACE_FIELDS
    )
    chosen: dict[str, _Pick] = {}
    for pick in by_precedence(facts):
        chosen.setdefault(pick.field, pick)
    return chosen | _place(notes)


def _given(note: Annotation, field: str) -> Any:
    return note.extra.get(field) if getattr(note, field) is None else getattr(note, field)


class _Pick(msgspec.Struct, frozen=True):
    """A value one of the merged notes gives: of which field, from which origin, which note."""

    field: str
    value: Any
    origin: str
    note: int


# Place: province and city together -------------------------------------------------------


def _place(notes: Sequence[Annotation]) -> dict[str, _Pick]:
    """Province and city as ONE place, never contradicting each other: both from the first
    origin that gives any part of it. A city alone fixes its province through the gazetteer
    (of the city's origin), or, for a city two provinces share or the gazetteer lacks, takes
    the province of a later origin that places the city there; a province alone takes the
    city of a later origin that places it in that province (a guessed city only when the
    guessed province is that province)."""
    placed = [(i, n) for i, n in enumerate(notes) if n.province is not None or n.city is not None]
    ranked = by_precedence(placed, lambda item: _place_origin(item[1]))
    if not ranked:
        return {}
    (first, head), rest = ranked[0], ranked[1:]
    found = {
        f: _Pick(f, getattr(head, f), head.source_of(f), first)
        for f in PLACE_FIELDS
        if getattr(head, f) is not None
    }
    if "province" not in found:
        province = _province_of(found["city"], rest)
        found |= {"province": province} if province is not None else {}
    elif "city" not in found:
        city = next(
            (
                _Pick("city", n.city, n.source_of("city"), i)
                for i, n in rest
                if _within(n, head.province)
            ),
            None,
        )
        found |= {"city": city} if city is not None else {}
    return found


def _merges_to_itself(note: Annotation) -> bool:
    """Whether merging `note` alone gives it back: not when the gazetteer is to give the
    province of its city alone, nor when a flag it types is also worded in `extra` (the
    merge keeps one of them)."""
    if note.city is not None and note.province is None:
        return False
    # Almost every note has no `extra`: asked of each of 6,000 members, skip the set.
    return not note.extra or all(getattr(note, f) is None for f in note.extra.keys() & FLAG_FIELDS)


def _place_origin(note: Annotation) -> str:
    """The first origin (by precedence) among those giving `note`'s province and city."""
    given = [note.source_of(f) for f in PLACE_FIELDS if getattr(note, f) is not None]
    return by_precedence(given, lambda origin: origin)[0]


def _province_of(city: _Pick, rest: Sequence[tuple[int, Annotation]]) -> _Pick | None:
    within = gazetteer().cities.get(city.value, frozenset())
    if len(within) == 1:
        return _Pick("province", next(iter(within)), city.origin, city.note)
    return next(
        (
            _Pick("province", n.province, n.source_of("province"), i)
            for i, n in rest
            if n.province is not None and (n.province in within if within else n.city == city.value)
        ),
        None,
    )


def _within(note: Annotation, province: str | None) -> bool:
    """Whether `note` gives a city in `province`: by its own province, else the gazetteer."""
    if note.city is None:
        return False
    if note.province is not None:
        return note.province == province
    return province in gazetteer().cities.get(note.city, frozenset())


# Renames: an annotation follows the organisation -----------------------------------------


def former_keys(edges: Sequence[tuple[str, str]], keys: Iterable[str]) -> dict[str, list[str]]:
    """Each key's former keys, nearest first, following rename edges (old, new) backwards.

    A chain A→B→C gives C the former keys [B, A]; a cycle (renamed back) ends where it
    started. Keys the same number of renames away come in key order, so the pick is stable.
    """
    olds: dict[str, set[str]] = {}
    for old, new in edges:
        olds.setdefault(new, set()).add(old)
    return {key: _walk_back(olds, key) if key in olds else [] for key in keys}


def _walk_back(olds: Mapping[str, set[str]], key: str) -> list[str]:
    found: list[str] = []
    seen, frontier = {key}, [key]
    while frontier:
        frontier = sorted({o for k in frontier for o in olds.get(k, ()) if o not in seen})
        seen.update(frontier)
        found += frontier
    return found


def carried(
    formers: Mapping[str, Sequence[str]], own: Mapping[str, Annotation]
) -> dict[str, Annotation]:
    """Each key's annotation: its own merged per field with its nearest former key's
    (`merged`: the user's value over CSET's, of one origin the key's own first), marked as
    carried (`annotated_as`) when a value of the former key's shows.

    `formers`: key -> its former keys, nearest first (`former_keys`); `own`: the stored
    annotations of those keys. A key with neither is left out.
    """
    found: dict[str, Annotation] = {}
    for key, olds in formers.items():
        if not olds and key not in own:  # most members: no note, never renamed
            continue
        nearest = next((own[old].carried_to() for old in olds if old in own), None)
        # Per field the key's own value first, then the former name's of the same origin.
        note = merged([n for n in (own.get(key), nearest) if n is not None])
        if note is not None:
            found[key] = note
    return found


# Search: by key, Chinese or English name --------------------------------------------------


def name_matches(query: str, key: str, annotation: Annotation | None) -> bool:
    """Whether `query` is part of the member's key, or of a name its annotation gives it.

    Compared as keys are (`normalize_key`: case, bracket width and spaces ignored), so
    `xinghe`, `XINGHE AI` and `星河` all find 星河智能科技有限公司 annotated "Xinghe AI".
    """
    # Here: compiling its expressions is 18 M instructions a read that searches nothing
    # need not spend.
    from tracker.core.normalize import normalize_key

    wanted = normalize_key(query)
    if not wanted:
        return False
    if wanted in key:
        return True
    if annotation is None:
        return False
    names = (getattr(annotation, field) for field in _NAME_FIELDS)
    return any(wanted in normalize_key(name) for name in names if name)

"""How good the inferred annotations are: `infer` against CSET's 2020 columns.

For each organisation of CSET's March 2020 list (read with `tracker.core.cset`, the reader
the tracker itself uses), the type, province and city guessed from its Chinese name alone
are compared with what CSET wrote. Per field: coverage (the share given a value),
agreement where both have a value, agreement over all names (both silent counts as
agreeing), and the commonest misses (CSET -> inferred).

CSET is itself inconsistent in places: a city written as a province (`Shenzhen`), a
province with a suffix (`Guangxi Autonomous region`), a city that is a province, an
organisation's name, or a "city, province" pair, and a city outside the province given.
These are counted and shown, and agreement is reported both as CSET wrote it and with
those normalised; the inference is never tuned to them. Not a test: the CSV is real data
(/work/shared, or $AIIA_CSET_CSV), read at run time and never copied into the repository.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Figure
from tracker.core.annotations import Annotation
from tracker.core.cset import read_baseline
from tracker.core.gazetteer import Gazetteer, gazetteer
from tracker.core.infer import infer

CSV = Path(os.environ.get("AIIA_CSET_CSV", "/work/shared/cset-aiia/AIIA_collections.csv"))
FIELDS = ("type", "province", "city")
TARGETS = {"type": 95.0, "province": 85.0}
# CSET's ways of saying it does not know.
_SILENT = frozenset({"", "unknown", "n/a", "other/unknown"})
_TOP_MISSES = 6

Values = dict[str, str | None]


@dataclass
class Tally:
    """One field's counts over the names, as written or normalised."""

    names: int = 0
    given: int = 0
    both: int = 0
    agree_both: int = 0
    agree_all: int = 0
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, cset: str | None, guess: str | None) -> None:
        self.names += 1
        self.given += guess is not None
        if cset is not None and guess is not None:
            self.both += 1
            self.agree_both += cset == guess
        self.agree_all += cset == guess
        if cset != guess:
            self.misses[(cset or "-", guess or "-")] += 1


def measure() -> tuple[list[Figure], list[str]]:
    if not CSV.is_file():
        return [], [f"infer: skipped, CSET's CSV is not at {CSV} (set AIIA_CSET_CSV)"]
    cset = read_baseline(CSV.read_bytes(), str(CSV)).annotations
    places = gazetteer()  # loaded once per process, as in the tracker: not part of the time
    started = time.perf_counter()
    guesses = [infer(note.key, note.name) for note in cset]
    per_name = (time.perf_counter() - started) / len(cset)
    quirks: Counter[str] = Counter()
    written = _tallies(cset, guesses, _as_written)
    normalised = _tallies(cset, guesses, lambda note: _normalised(note, places, quirks))
    # Type needs no normalising: CSET's four words are used consistently.
    del normalised["type"]
    figures = _figures(written, "as written") + _figures(normalised, "normalised")
    figures.append(_speed(per_name))
    notes = [_quirks_note(quirks, len(cset)), _bound_note(normalised["province"])]
    notes += [_misses_note(name, tally) for name, tally in normalised.items()]
    return figures, notes


def _tallies(
    notes: Sequence[Annotation],
    guesses: Sequence[Annotation | None],
    cset_values: Callable[[Annotation], Values],
) -> dict[str, Tally]:
    tallies = {name: Tally() for name in FIELDS}
    for note, guess in zip(notes, guesses, strict=True):
        cset = cset_values(note)
        for name in FIELDS:
            tallies[name].add(cset[name], getattr(guess, name) if guess else None)
    return tallies


def _said(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value.casefold() in _SILENT else value


def _as_written(note: Annotation) -> Values:
    return {name: _said(getattr(note, name)) for name in FIELDS}


def _normalised(note: Annotation, places: Gazetteer, quirks: Counter[str]) -> Values:
    """CSET's values with its inconsistencies resolved by the gazetteer, each one counted."""
    values = _as_written(note)
    province, city = values["province"], values["city"]
    if city is not None and city.split(",")[0] in places.cities and "," in city:
        quirks["city written as 'city, province'"] += 1
        city = city.split(",")[0]
    if city is not None and city not in places.cities:
        known = city in places.provinces
        quirks["a province as the city" if known else "a city the gazetteer does not know"] += 1
        city = None
    if province is not None and province not in places.provinces:
        province = _province_of(province, places, quirks)
    if city is not None and province is not None and province not in places.cities[city]:
        quirks["city outside the province given"] += 1
        province = _only(places.cities[city])
    return values | {"province": province, "city": city}


def _province_of(written: str, places: Gazetteer, quirks: Counter[str]) -> str | None:
    if written in places.cities:
        quirks[f"a city as the province ({written})"] += 1
        return _only(places.cities[written])
    short = written.split(" Autonomous")[0]
    if short in places.provinces:
        quirks["province with a suffix (… Autonomous region)"] += 1
        return short
    quirks["province the gazetteer does not know"] += 1
    return written


def _only(within: frozenset[str]) -> str | None:
    return next(iter(within)) if len(within) == 1 else None


def _figures(tallies: dict[str, Tally], how: str) -> list[Figure]:
    """Per field: coverage, agreement where both say, agreement over all names (held to
    the issue's target), against CSET's values `how` (as written, or normalised)."""
    figures = []
    for name, tally in tallies.items():
        target = TARGETS.get(name)
        overall = 100 * tally.agree_all / tally.names
        figures += [
            _share(f"{name}: coverage", tally.given, tally.names),
            _share(f"{name}: agreement where both say ({how})", tally.agree_both, tally.both),
            Figure(
                group="infer",
                name=f"{name}: agreement over all names ({how})",
                value=overall,
                unit="%",
                detail=f"{tally.agree_all}/{tally.names}",
                target=f">= {target:.0f}%" if target else "",
                met=overall >= target if target else None,
            ),
        ]
    return figures if how == "as written" else [f for f in figures if "coverage" not in f.name]


def _share(name: str, part: int, whole: int) -> Figure:
    value = 100 * part / whole if whole else 0.0
    return Figure(group="infer", name=name, value=value, unit="%", detail=f"{part}/{whole}")


def _speed(per_name: float) -> Figure:
    return Figure(
        group="infer",
        name="infer: time per name",
        value=per_name * 1e6,
        unit="µs",
        detail="one pass over the 2020 names, gazetteer loaded",
    )


def _quirks_note(quirks: Counter[str], names: int) -> str:
    found = "; ".join(f"{what}: {count}" for what, count in quirks.most_common())
    return f"infer: CSET's own inconsistencies over {names} names: {found or 'none'}"


def _bound_note(tally: Tally) -> str:
    """Agreement over all names cannot pass the share of names that state a place (plus
    those CSET is silent on too): the rest need knowledge beyond the name."""
    silent = tally.names - tally.given
    unanswerable = sum(n for (cset, guess), n in tally.misses.items() if guess == "-")
    best = 100 * (tally.names - unanswerable) / tally.names
    return (
        f"infer: {silent} of {tally.names} names state no province (national groups, brand-only "
        f"company names); {unanswerable} of them CSET places, so province agreement over all "
        f"names is at most {best:.1f}% from the name alone"
    )


def _misses_note(name: str, tally: Tally) -> str:
    top = ", ".join(f"{c} -> {g} ({n})" for (c, g), n in tally.misses.most_common(_TOP_MISSES))
    missed = tally.names - tally.agree_all
    return f"infer: {name} misses (CSET normalised -> inferred), {missed} in all: {top}"

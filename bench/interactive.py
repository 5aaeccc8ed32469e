"""Interactive commands on a ten-year history, each timed as a whole `tracker` process.

The history is written straight through the Store (snapshots with their archived pages, a
baseline with annotations, one fetch row per daily tick, the change log rebuilt) rather
than by thousands of captures: what is timed is reading it back.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench import synth
from bench.growth import HEADERS, SOURCE
from bench.measure import Figure, process_seconds
from tracker.app.changelog import rebuild_changes
from tracker.core.annotations import Annotation
from tracker.core.models import FetchOutcome, ParseResult, Snapshot, Transfer
from tracker.core.normalize import normalize_key
from tracker.core.parse import PARSER_VERSION
from tracker.store import Store
from tracker.store.fetches import FetchRow

COMMAND_LIMIT_SECONDS = 0.5
HELP_LIMIT_SECONDS = 0.3
_TYPES = ("Industry", "Industry", "Industry", "Academia", "Government")
_CITIES = ("Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Chengdu")


@dataclass(frozen=True)
class History:
    path: Path
    snapshots: int
    ticks: int
    listings: int
    first_members: int
    last_members: int
    # A member listed from the first snapshot to the last, part of its name that designates
    # it alone, and a date in the middle.
    member_name: str
    member_part: str
    middle: str


def build(path: Path, *, days: int, versions: int, members: tuple[int, int]) -> History:
    store = Store.open(path)
    try:
        with store.atomic():
            store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
            saved = [
                _add_version(store, version, baseline=index == 0)
                for index, version in enumerate(
                    synth.history(
                        days=days,
                        versions=versions,
                        start_members=members[0],
                        end_members=members[1],
                    )
                )
            ]
            baseline_annotations(store, saved[0][0])
            ticks = _fetch_rows(store, [snapshot for snapshot, _ in saved], days)
        rebuild_changes(store, SOURCE.id)
        return _describe(store, path, saved, ticks)
    finally:
        store.close()


def _add_version(
    store: Store, version: synth.Version, *, baseline: bool
) -> tuple[Snapshot, synth.Tiers]:
    content = synth.member_page(version.tiers).encode()
    snapshot = add_reading(store, version.tiers, version.captured_at, content, baseline=baseline)
    return snapshot, version.tiers


def add_reading(
    store: Store, tiers: synth.Tiers, at: datetime, content: bytes, *, baseline: bool
) -> Snapshot:
    """One ok snapshot of `tiers` read at `at` from the page `content`, written straight
    through the store (no parse: the listings are the synthetic ones)."""
    digest = store.put_page(content, headers=HEADERS, seen_at=at)
    parsed = ParseResult(listings=synth.listings(tiers), declared_counts={}, method="headings")
    return store.add_snapshot(
        source_id=SOURCE.id,
        captured_at=at,
        origin="baseline" if baseline else "live",
        page_sha256=digest,
        provenance=SOURCE.url,
        parsed=parsed,
        parser_version=PARSER_VERSION,
        status="ok",
        reason=None,
        created_at=at,
    )


def baseline_annotations(store: Store, baseline: Snapshot) -> None:
    rng = random.Random(5)
    notes = [
        Annotation(
            key=listing.key,
            origin="cset-2020",
            name=listing.name,
            type=rng.choice(_TYPES),
            city=rng.choice(_CITIES),
            state_owned=rng.random() < 0.1,
        )
        for listing in store.listings(baseline.id)
    ]
    store.replace_annotations("cset-2020", list({note.key: note for note in notes}.values()))


def _fetch_rows(store: Store, snapshots: Sequence[Snapshot], days: int) -> int:
    """One fetch row per daily tick: `new` on a snapshot's day, `unchanged` on the others."""
    start = snapshots[0].captured_at
    by_day = {(s.captured_at - start).days: s for s in snapshots[1:]}
    current = snapshots[0]
    for day in range(1, days + 1):
        current = by_day.get(day, current)
        at = start + timedelta(days=day)
        store.record_fetch(_fetch_row(current, at, "new" if day in by_day else "unchanged"))
    return days


def _fetch_row(snapshot: Snapshot, at: datetime, outcome: FetchOutcome) -> FetchRow:
    return FetchRow(
        source_id=SOURCE.id,
        started_at=at,
        transfer=Transfer(
            SOURCE.url, final_url=SOURCE.url, status_code=200, elapsed=0.412, attempts=1
        ),
        outcome=outcome,
        sha256=snapshot.page_sha256,
        snapshot_id=snapshot.id,
    )


def _describe(
    store: Store, path: Path, saved: Sequence[tuple[Snapshot, synth.Tiers]], ticks: int
) -> History:
    first, last = saved[0][0], saved[-1][0]
    kept = set(store.member_keys(first.id)) & set(store.member_keys(last.id))
    name = next(x.name for x in store.listings(last.id) if x.key in kept)
    every = [row[0] for row in store.db.execute("SELECT DISTINCT key FROM listings")]
    middle = saved[len(saved) // 2][0].captured_at
    return History(
        path=path,
        snapshots=len(saved),
        ticks=ticks,
        listings=sum(s.listing_count for s, _ in saved),
        first_members=first.member_count,
        last_members=last.member_count,
        member_name=name,
        member_part=_unique_part(name, every),
        middle=f"{middle + timedelta(days=3):%Y-%m-%d}",
    )


def _unique_part(name: str, keys: Sequence[str]) -> str:
    """The shortest leading part of `name` (as people type it) found in one key only."""
    for end in range(4, len(name) + 1):
        part = name[:end]
        if sum(1 for key in keys if normalize_key(part) in key) == 1:
            return part
    return name


def commands(history: History) -> list[tuple[list[str], float]]:
    """Each command line timed, with its wall-time limit."""
    db = ["--db", str(history.path)]
    return [
        (["--help"], HELP_LIMIT_SECONDS),
        ([*db, "diff", "2020-03-26", "latest", "--format", "json"], COMMAND_LIMIT_SECONDS),
        ([*db, "history", history.member_name], COMMAND_LIMIT_SECONDS),
        ([*db, "history", history.member_part], COMMAND_LIMIT_SECONDS),
        ([*db, "members", "--at", history.middle], COMMAND_LIMIT_SECONDS),
        ([*db, "stats"], COMMAND_LIMIT_SECONDS),
    ]


def measure(
    folder: Path, *, days: int, versions: int, members: tuple[int, int], repeat: int
) -> list[Figure]:
    history = build(folder / "history.db", days=days, versions=versions, members=members)
    figures = [_history_figure(history)]
    for args, limit in commands(history):
        seconds = process_seconds(args, cwd=folder, repeat=repeat)
        shown = " ".join(
            _shown(arg, history) for arg in args if arg not in ("--db", str(history.path))
        )
        figures.append(
            Figure(
                group="cli",
                name=f"tracker {shown}",
                value=seconds * 1000,
                unit="ms",
                target=f"< {limit * 1000:.0f} ms",
                met=seconds < limit,
            )
        )
    return figures


def _shown(arg: str, history: History) -> str:
    return {history.member_name: "NAME", history.member_part: "PART-OF-NAME"}.get(arg, arg)


def _history_figure(history: History) -> Figure:
    size = history.path.stat().st_size
    return Figure(
        group="cli",
        name=f"{history.ticks:,}-tick history database",
        value=size / 1e6,
        unit="MB",
        detail=(
            f"{history.snapshots} snapshots of {history.first_members:,}–{history.last_members:,} "
            f"members, {history.listings:,} listings"
        ),
    )

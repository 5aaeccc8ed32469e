"""Interactive commands on a ten-year history, each timed as a whole `tracker` process.

The history is written straight through the Store (snapshots with their archived pages, a
baseline with annotations, one fetch row per daily tick, the change log rebuilt and the
names' guesses stored) rather
than by thousands of captures: what is timed is reading it back.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench import synth
from bench.growth import HEADERS, SOURCE
from bench.measure import BenchError, Figure, paired_processes, run_process, tracker_argv
from tracker.app.annotations import store_guesses
from tracker.app.changelog import rebuild_changes
from tracker.core.annotations import Annotation
from tracker.core.models import FetchOutcome, ParseResult, Snapshot, Transfer
from tracker.core.normalize import normalize_key
from tracker.core.parse import PARSER_VERSION
from tracker.store import Store
from tracker.store.fetches import FetchRow

# Issue 17: every read command, as a whole process, under 0.2 s. It also asked for 1.5x its
# peer; that ratio is shown, not held: the two libraries every read command imports (click,
# msgspec) alone are at 1.46x the small commands' peers in instructions and above 1.5x in
# time (the floor row), and the product keeps both (README, Performance).
LIMIT_SECONDS = 0.2
LIMIT_RATIO = 1.5
_TYPES = ("Industry", "Industry", "Industry", "Academia", "Government")
# Each city with its province: CSET's list gives both for every member (its "City-level"
# and "Provincial Level" columns are filled in all 567 rows).
_PLACES = {
    "Beijing": "Beijing",
    "Shanghai": "Shanghai",
    "Shenzhen": "Guangdong",
    "Hangzhou": "Zhejiang",
    "Chengdu": "Sichuan",
}
_CITIES = tuple(_PLACES)


@dataclass(frozen=True)
class History:
    path: Path
    snapshots: int
    ticks: int
    listings: int
    first_members: int
    last_members: int
    # A member listed from the first snapshot to the last, and part of its name that
    # designates it alone.
    member_name: str
    member_part: str


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
        settle_history(store)
        return _describe(store, path, saved, ticks)
    finally:
        store.close()


def settle_history(store: Store) -> None:
    """What settling each capture would have done (`tracker.app.settle`): the change log,
    and the guesses of what names state, which the read commands look up."""
    rebuild_changes(store, SOURCE.id)
    with store.atomic():
        store_guesses(store)


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
            city=(city := rng.choice(_CITIES)),
            province=_PLACES[city],
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
    return History(
        path=path,
        snapshots=len(saved),
        ticks=ticks,
        listings=sum(s.listing_count for s, _ in saved),
        first_members=first.member_count,
        last_members=last.member_count,
        member_name=name,
        member_part=_unique_part(name, every),
    )


def _unique_part(name: str, keys: Sequence[str]) -> str:
    """The shortest leading part of `name` (as people type it) found in one key only."""
    for end in range(4, len(name) + 1):
        part = name[:end]
        if sum(1 for key in keys if normalize_key(part) in key) == 1:
            return part
    return name


@dataclass(frozen=True)
class Command:
    """A read command and its peer: what someone would run instead to get the same answer."""

    args: list[str]
    shown: str
    peer: list[str]
    peer_name: str


def commands(history: History) -> list[Command]:
    """The read commands issue 17 holds to its targets, each with its peer."""
    db = ["--db", str(history.path)]

    def script(name: str, *args: str) -> list[str]:
        return [sys.executable, "-m", "bench.peers", name, str(history.path), *args]

    plain = "sqlite3 script"
    name, part = history.member_name, history.member_part
    return [
        Command(["--help"], "--help", [sys.executable, "-c", "pass"], "python -c pass"),
        Command(
            [*db, "members", "--at", "latest", "--format", "json"],
            "members --at latest --format json",
            script("members"),
            plain,
        ),
        Command(
            [*db, "members", "--at", "latest"],
            "members --at latest",
            script("members-table"),
            plain,
        ),
        Command([*db, "diff", "baseline", "latest"], "diff baseline latest", script("diff"), plain),
        Command([*db, "history", name], "history NAME", script("history", name), plain),
        Command([*db, "history", part], "history PART-OF-NAME", script("history", part), plain),
        Command([*db, "timeline"], "timeline", script("timeline"), plain),
        Command([*db, "stats"], "stats", script("stats"), plain),
        Command([*db, "snapshots"], "snapshots", script("snapshots"), plain),
    ]


def measure(
    folder: Path, *, days: int, versions: int, members: tuple[int, int], repeat: int
) -> list[Figure]:
    history = build(folder / "history.db", days=days, versions=versions, members=members)
    return [_history_figure(history), *timed(history, cwd=folder, repeat=repeat)]


def timed(history: History, *, cwd: Path, repeat: int) -> list[Figure]:
    """Each command and its peer, run alternately as whole processes."""
    figures = []
    for command in commands(history):
        if command.peer_name != "python -c pass":
            check_peer(command, cwd=cwd)
        pair = paired_processes(tracker_argv(command.args), command.peer, cwd=cwd, repeat=repeat)
        fast, close = pair.ours < LIMIT_SECONDS, pair.ratio <= LIMIT_RATIO
        figures.append(
            Figure(
                group="cli",
                name=f"tracker {command.shown}",
                value=pair.ours * 1000,
                unit="ms",
                detail=f"≤ {LIMIT_RATIO}x peer {_said(close)}, not held",
                target=f"< {LIMIT_SECONDS * 1000:.0f} ms",
                met=fast,
                peer=command.peer_name,
                peer_value=pair.peer * 1000,
                ratio=pair.ratio,
            )
        )
    return [*figures, floor_figure(cwd=cwd, repeat=repeat)]


def _said(met: bool) -> str:
    return "met" if met else "missed"


# What every read command imports before it reads anything: click parses the command line,
# msgspec makes the records (and imports typing_extensions, 60% of its cost, whenever it is
# installed: pydantic requires it). Against `python -c pass`, the floor under the ratios.
FLOOR_IMPORTS = "import click, msgspec, sqlite3, json"


def floor_figure(*, cwd: Path, repeat: int) -> Figure:
    """The libraries' imports alone, timed as a command is: what no tracker code can go under."""
    pair = paired_processes(
        [sys.executable, "-c", FLOOR_IMPORTS],
        [sys.executable, "-c", "pass"],
        cwd=cwd,
        repeat=repeat,
    )
    return Figure(
        group="cli",
        name="click and msgspec imported, nothing else",
        value=pair.ours * 1000,
        unit="ms",
        detail=f"`python -c '{FLOOR_IMPORTS}'`: the floor under every read command",
        peer="python -c pass",
        peer_value=pair.peer * 1000,
        ratio=pair.ratio,
    )


def check_peer(command: Command, *, cwd: Path) -> None:
    """The peer answers what the command answers, or comparing them would flatter us.

    Members JSON is compared row by row on every field the peer gives (the tracker adds
    values inferred from names); other peers must print something.
    """
    _, ours = run_process(tracker_argv(command.args), cwd=cwd)
    _, theirs = run_process(command.peer, cwd=cwd)
    if not theirs.strip():
        raise BenchError(f"the peer of `tracker {command.shown}` printed nothing")
    if "--format" in command.args:
        if not agree(json.loads(ours), json.loads(theirs)):
            raise BenchError(f"the peer of `tracker {command.shown}` disagrees with it")


def agree(ours: list[dict[str, object]], theirs: list[dict[str, object]]) -> bool:
    """Same rows in the same order, each of the peer's fields as ours gives it."""
    return len(ours) == len(theirs) and all(
        all(mine.get(k) == v for k, v in peer.items())
        for mine, peer in zip(ours, theirs, strict=True)
    )


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

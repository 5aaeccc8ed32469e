"""Store growth: database and archive bytes per unchanged tick and per changing tick, and
whether a tick whose page is unchanged parses it at all.

Ticks go through the real capture stage (`capture_page` with the change-log hook, as
`tracker run` does) into a file database in WAL mode, on a fake daily clock.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import tracker.core.parse as parse_package
from bench import synth
from bench.measure import Figure
from tracker.app.capture import Page, capture_page
from tracker.core.config import Config, Source
from tracker.core.models import Transfer
from tracker.store import Store

SOURCE = Source(id="aiia", name="AIIA (synthetic)", url="http://aiia.example/structure")
CONFIG = Config(sources=[SOURCE])
HEADERS = {"content-type": "text/html; charset=utf-8", "server": "nginx"}
UNCHANGED_LIMIT_BYTES = 1024


@dataclass(frozen=True)
class Sizes:
    database: int
    archive: int
    pages: int


def sizes(store: Store, path: Path) -> Sizes:
    """Bytes on disk once the write-ahead log is folded in, and the archived pages' bytes."""
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive, pages = store.db.execute(
        "SELECT coalesce(sum(length(data)), 0), count(*) FROM pages"
    ).fetchone()
    return Sizes(path.stat().st_size, archive, pages)


class Clock:
    """One tick a day from the March 2020 baseline date."""

    def __init__(self) -> None:
        self.moment = datetime(2020, 3, 26, 6, tzinfo=UTC)

    def tick(self) -> datetime:
        self.moment += timedelta(days=1)
        return self.moment

    def now(self) -> datetime:
        return self.moment


def tick(store: Store, clock: Clock, content: bytes) -> str:
    """One scheduled capture of `content`, as `tracker run` would store a live fetch."""
    at = clock.tick()
    page = Page(
        url=SOURCE.url,
        content=content,
        headers=HEADERS,
        captured_at=at,
        origin="live",
        provenance=SOURCE.url,
        transfer=Transfer(
            SOURCE.url, final_url=SOURCE.url, status_code=200, elapsed=0.412, attempts=1
        ),
    )
    return capture_page(store, CONFIG, SOURCE, page, now=clock.now).outcome


def changing_pages(members: int, ticks: int) -> Iterator[bytes]:
    """A page, then `ticks` pages each with 1% of its members replaced or renamed."""
    maker = synth.NameMaker(seed=3)
    tiers = synth.tiered(maker.names(members))
    yield synth.member_page(tiers).encode()
    for _ in range(ticks):
        tiers, _ = synth.churned(tiers, maker, share=0.01, moves=0)
        yield synth.member_page(tiers).encode()


def measure(folder: Path, *, members: int, unchanged: int, changing: int) -> list[Figure]:
    path = folder / "growth.db"
    store = Store.open(path)
    try:
        clock = Clock()
        pages = changing_pages(members, changing)
        first = next(pages)
        _expect(tick(store, clock, first), "new")
        start = sizes(store, path)
        quiet = Parses(*parse_calls(lambda: _expect(tick(store, clock, first), "unchanged")))
        for _ in range(unchanged - 1):
            _expect(tick(store, clock, first), "unchanged")
        still = sizes(store, path)
        busy = Parses(*parse_calls(lambda: _expect(tick(store, clock, next(pages)), "new")))
        for content in pages:
            _expect(tick(store, clock, content), "new")
        changed = sizes(store, path)
    finally:
        store.close()
    counts = (start, still, changed)
    return [
        *_figures(*counts, members=members, unchanged=unchanged, changing=changing),
        _parse_figure(quiet, busy),
    ]


@dataclass(frozen=True)
class Parses:
    """One tick's wall time and how many calls it made into the parser's package."""

    seconds: float
    calls: int


def parse_calls(func: Callable[[], object]) -> tuple[float, int]:
    """Seconds `func()` took (profiled, so slower than bare) and its calls into
    tracker/core/parse/: a tick's parse counted, not inferred from its time."""
    folder = str(Path(parse_package.__file__).parent) + os.sep
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" and frame.f_code.co_filename.startswith(folder):
            calls += 1

    started = time.perf_counter()
    sys.setprofile(profile)
    try:
        func()
    finally:
        sys.setprofile(None)
    return time.perf_counter() - started, calls


def _parse_figure(quiet: Parses, busy: Parses) -> Figure:
    """Issue 17: `tracker run`'s tick parses nothing when the page's bytes are unchanged."""
    return Figure(
        group="store",
        name="parser calls in a tick whose page is unchanged",
        value=quiet.calls,
        unit="calls",
        detail=(
            f"{quiet.seconds * 1000:.0f} ms profiled; a changed page's tick: "
            f"{busy.calls:,} calls, {busy.seconds * 1000:.0f} ms"
        ),
        target="0 (no parse)",
        met=quiet.calls == 0 and busy.calls > 0,
    )


def _expect(outcome: str, wanted: str) -> None:
    if outcome != wanted:
        raise AssertionError(f"a benchmark tick was {outcome}, expected {wanted}")


def _figures(
    start: Sizes, still: Sizes, changed: Sizes, *, members: int, unchanged: int, changing: int
) -> list[Figure]:
    per_unchanged = (still.database - start.database) / unchanged
    per_change = (changed.database - still.database) / changing
    return [
        Figure(
            group="store",
            name=f"database after 1 capture of a {members:,}-member page",
            value=start.database / 1024,
            unit="KB",
            detail=f"archive {start.archive / 1024:.1f} KB compressed ({start.pages} page)",
        ),
        Figure(
            group="store",
            name=f"database growth per unchanged tick ({unchanged:,} ticks)",
            value=per_unchanged,
            unit="bytes",
            detail=f"{start.database / 1024:,.0f} → {still.database / 1024:,.0f} KB",
            target="< 1 KB",
            met=per_unchanged < UNCHANGED_LIMIT_BYTES,
        ),
        Figure(
            group="store",
            name=f"archive growth over {unchanged:,} unchanged ticks",
            value=still.archive - start.archive,
            unit="bytes",
            detail=f"{still.pages} distinct page(s) archived",
            target="0 (distinct pages only)",
            met=still.archive == start.archive and still.pages == start.pages,
        ),
        Figure(
            group="store",
            name=f"database growth per tick changing 1% ({changing:,} ticks)",
            value=per_change / 1024,
            unit="KB",
            detail=f"{still.database / 1024:,.0f} → {changed.database / 1024:,.0f} KB",
        ),
        Figure(
            group="store",
            name="  of which archived page bytes per change",
            value=(changed.archive - still.archive) / changing / 1024,
            unit="KB",
            detail=f"{changed.pages - still.pages} new pages for {changing} changes",
            target="1 page per change",
            met=changed.pages - still.pages == changing,
        ),
    ]

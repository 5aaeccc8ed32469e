"""`tracker site build` on ten years of daily snapshots, timed as a whole process.

The history: one ok snapshot a day for `days` days, each of its own page (the bytes differ
every day, as a live page's do), the member list changing `versions` times (1% churn each,
`bench.synth.history`), CSET-like annotations on the baseline, the change log rebuilt and names' guesses stored.
Timed: a build into an empty folder, then a rebuild of the unchanged record (which must
write nothing); reported with the site's size on disk.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from bench import synth
from bench.growth import SOURCE
from bench.interactive import add_reading, baseline_annotations, settle_history
from bench.measure import Figure, one_process_seconds
from tracker.core.models import Snapshot
from tracker.store import Store

LIMIT_SECONDS = 60.0


def build(path: Path, *, days: int, versions: int, members: int) -> int:
    """The history in `path`; returns how many snapshots it holds."""
    store = Store.open(path)
    try:
        with store.atomic():
            store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
            every = list(
                synth.history(
                    days=days, versions=versions, start_members=members, end_members=members
                )
            )
            first: Snapshot | None = None
            for index, version in enumerate(every):
                until = every[index + 1].captured_at if index + 1 < len(every) else None
                span = (
                    (until - version.captured_at).days if until else days - index * days // versions
                )
                for day in range(span):
                    added = _add_day(store, version, day, baseline=first is None)
                    first = first or added
            assert first is not None
            baseline_annotations(store, first)
        settle_history(store)
        return len(store.snapshots(SOURCE.id))
    finally:
        store.close()


def _add_day(store: Store, version: synth.Version, day: int, *, baseline: bool) -> Snapshot:
    at = version.captured_at + timedelta(days=day)
    content = f"{synth.member_page(version.tiers)}<!-- read {at:%Y-%m-%d} -->".encode()
    return add_reading(store, version.tiers, at, content, baseline=baseline)


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def measure(folder: Path, *, days: int, versions: int, members: int) -> list[Figure]:
    db = folder / "site.db"
    snapshots = build(db, days=days, versions=versions, members=members)
    out = folder / "site"
    shutil.rmtree(out, ignore_errors=True)
    args = ["--db", str(db), "site", "build", str(out)]
    full = one_process_seconds(args, cwd=folder)
    again = one_process_seconds(args, cwd=folder)
    count, size = _size(out)
    detail = f"{snapshots:,} snapshots × {members} members, {versions} lists; one run"
    target = f"< {LIMIT_SECONDS:.0f} s"
    built = [
        Figure(
            group="site",
            name=f"tracker site build ({what})",
            value=seconds,
            unit="s",
            detail=detail,
            target=target,
            met=seconds < LIMIT_SECONDS,
        )
        for what, seconds in (("empty folder", full), ("rebuild, unchanged", again))
    ]
    size_figure = Figure(
        group="site", name="site size", value=size / 1_000_000, unit="MB", detail=f"{count:,} files"
    )
    return [*built, size_figure]

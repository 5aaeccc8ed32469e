"""What a snapshot reference names: an id, `latest`, `previous`, `baseline` or a UTC date.

Names and dates only ever pick ok snapshots; a quarantined one is reachable by its id alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tracker.core.errors import StoreError
from tracker.core.models import Snapshot
from tracker.store import Store


def resolve(store: Store, ref: str, source_id: str) -> Snapshot:
    """The snapshot `ref` names, or StoreError listing the nearest ones."""
    text = ref.strip().lower()
    if text.isdigit():
        snapshot = store.snapshot(int(text))
        if snapshot.source_id != source_id:
            raise StoreError(f"snapshot {text} belongs to source {snapshot.source_id!r}")
        return snapshot
    ok = store.snapshots(source_id, status="ok")
    picked = pick(text, ok)
    if picked is None:
        raise StoreError(f"no ok snapshot of {source_id!r} matches {ref!r}; {_nearest(text, ok)}")
    return picked


def pick(ref: str, ok: list[Snapshot]) -> Snapshot | None:
    """The ok snapshot (in time order) a name or date picks, if any."""
    if ref == "latest":
        return ok[-1] if ok else None
    if ref == "previous":
        return ok[-2] if len(ok) > 1 else None
    if ref == "baseline":
        baselines = [s for s in ok if s.origin == "baseline"]
        return baselines[-1] if baselines else None
    try:
        day = date.fromisoformat(ref)
    except ValueError:
        raise StoreError(
            f"bad snapshot reference {ref!r}: use an id, latest, previous, baseline "
            "or a date YYYY-MM-DD"
        ) from None
    end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    earlier = [s for s in ok if s.captured_at < end]
    return earlier[-1] if earlier else None


def _nearest(ref: str, ok: list[Snapshot]) -> str:
    if not ok:
        return "there are no ok snapshots yet (run `tracker snapshot` or `tracker baseline import`)"
    try:
        day = datetime.fromisoformat(ref).replace(tzinfo=UTC)
    except ValueError:
        day = ok[-1].captured_at
    shown = sorted(ok, key=lambda s: abs(s.captured_at - day))[:3]
    listed = ", ".join(
        f"{s.id} ({s.captured_at:%Y-%m-%d}, {s.origin})"
        for s in sorted(shown, key=lambda s: (s.captured_at, s.id))
    )
    return f"nearest: {listed}"

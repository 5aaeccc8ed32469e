from datetime import UTC, datetime

import pytest
import sqlite_utils

from tracker.app.refs import resolve
from tracker.core.errors import StoreError
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.store import Store
from tracker.store.schema import MIGRATIONS

T0 = datetime(2024, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    db = sqlite_utils.Database(memory=True)
    store = Store(db)
    store.ensure_source("demo", "Demo alliance", "http://demo.test/")
    return store


def _parsed(*names: str) -> ParseResult:
    return ParseResult(
        listings=[
            Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
            for i, n in enumerate(names, start=1)
        ]
    )


def _add(store: Store, day: int, *, status: str = "ok", origin: str = "live") -> int:
    content = f"page {day} {status} {origin}".encode()
    with store.atomic():
        digest = store.put_page(content, headers={"content-type": "text/html"}, seen_at=T0)
        snap = store.add_snapshot(
            source_id="demo",
            captured_at=T0.replace(day=day),
            origin=origin,
            page_sha256=digest,
            provenance=None,
            parsed=_parsed("甲科技有限公司", "乙科技有限公司", "甲科技有限公司"),
            parser_version="1",
            status=status,
            reason=None if status == "ok" else "test",
            created_at=T0,
        )
    return snap.id


def test_schema_is_versioned_and_whole(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert set(store.db.table_names()) >= {
        "sources", "pages", "fetches", "snapshots", "listings", "snapshot_pages"
    }  # fmt: skip
    assert store.db["snapshot_pages"].columns_dict == {
        "snapshot_id": int,
        "position": int,
        "url": str,
        "page_sha256": str,
    }
    assert store.db["listings"].columns_dict == {
        "snapshot_id": int,
        "tier": str,
        "tier_label": str,
        "position": int,
        "name": str,
        "key": str,
    }


def test_pages_are_stored_once_compressed_and_round_trip(store: Store) -> None:
    content = "<html>理事单位</html>".encode() * 200
    first = store.put_page(content, headers={}, seen_at=T0)
    second = store.put_page(content, headers={}, seen_at=T0)
    assert first == second
    assert store.db["pages"].count == 1
    assert store.page_bytes(first) == content
    stored = store.db.execute("SELECT length(data) FROM pages").fetchone()[0]
    assert stored < len(content) / 10


def test_snapshot_counts_members_and_listings(store: Store) -> None:
    snap = store.snapshot(_add(store, 5))
    assert snap.listing_count == 3 and snap.member_count == 2
    assert snap.counts == {"board": 3}
    assert [x.position for x in store.listings(snap.id)] == [1, 2, 3]


def test_refs_pick_ok_snapshots_by_name_and_day(store: Store) -> None:
    base = _add(store, 1, origin="baseline")
    day3 = _add(store, 3)
    _add(store, 4, status="quarantined")
    day6 = _add(store, 6)
    assert resolve(store, "latest", "demo").snapshot.id == day6
    assert resolve(store, "previous", "demo").snapshot.id == day3
    assert resolve(store, "baseline", "demo").snapshot.id == base
    assert resolve(store, "2024-01-05", "demo").snapshot.id == day3
    assert resolve(store, "2024-01-06", "demo").snapshot.id == day6
    assert resolve(store, str(day3 + 1), "demo").snapshot.status == "quarantined"


def test_unmatched_ref_lists_nearest_snapshots(store: Store) -> None:
    _add(store, 3)
    with pytest.raises(StoreError, match=r"matches '2023-12-31'; nearest: 1 \(2024-01-03, live\)"):
        resolve(store, "2023-12-31", "demo")
    with pytest.raises(StoreError, match="bad snapshot reference 'yesterday'"):
        resolve(store, "yesterday", "demo")


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.atomic():
        store.put_page(b"half", headers={}, seen_at=T0)
        raise RuntimeError("crash mid-run")
    assert store.db["pages"].count == 0


def test_newer_schema_is_refused() -> None:
    db = sqlite_utils.Database(memory=True)
    db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this tracker"):
        Store(db)


def test_a_version_1_database_gains_the_pages_of_split_lists() -> None:
    db = sqlite_utils.Database(memory=True)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    store = Store(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "snapshot_pages" in db.table_names()
    assert store.db["snapshot_pages"].count == 0

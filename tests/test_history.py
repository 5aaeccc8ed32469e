"""The change log (`changes` table) and `tracker history`: one member across all snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from tests.cli import Run, invoker
from tests.sqlwork import sqlite_steps
from tests.test_report import SOURCE, capture, fill
from tracker.app.changelog import rebuild_changes
from tracker.app.history import find_member, timeline
from tracker.core.annotations import Annotation
from tracker.core.errors import StoreError
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.store import Store

A = "云杉机器人有限公司"
B_OLD, B_NEW = "启明医疗信息有限公司", "启明医疗信息股份有限公司"
FILLER = ["翠微软件有限公司", "银杏网络技术有限公司"]
# Snapshot by snapshot: A is promoted, leaves, returns, gains a listing; B is renamed upwards.
STATES: list[dict[str, list[str]]] = [
    {"board": [A], "ordinary": [B_OLD, *FILLER]},
    {"vice_chair": [A], "ordinary": [B_OLD, *FILLER]},
    {"board": [B_NEW], "ordinary": FILLER},
    {"vice_chair": [A], "board": [B_NEW], "ordinary": FILLER},
    {"vice_chair": [A], "board": [B_NEW], "ordinary": [A, *FILLER]},
]
DAYS = [datetime(2024, 1, day, tzinfo=UTC) for day in (1, 2, 3, 4, 5)]


def _parsed(tiers: dict[str, list[str]]) -> ParseResult:
    return ParseResult(
        listings=[
            Listing(tier=tier, tier_label=tier, position=i, name=n, key=normalize_key(n))
            for tier, names in tiers.items()
            for i, n in enumerate(names, start=1)
        ]
    )


def _add(store: Store, tiers: dict[str, list[str]], at: datetime, status: str = "ok") -> int:
    with store.atomic():
        digest = store.put_page(repr(tiers).encode(), headers={}, seen_at=at)
        snap = store.add_snapshot(
            source_id=SOURCE.id,
            captured_at=at,
            origin="live",
            page_sha256=digest,
            provenance=None,
            parsed=_parsed(tiers),
            parser_version="1",
            status=status,
            reason=None if status == "ok" else "test",
            created_at=at,
        )
    return snap.id


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
    yield store
    store.close()


@pytest.fixture
def lived(store: Store) -> Store:
    for tiers, day in zip(STATES, DAYS, strict=True):
        _add(store, tiers, day)
    # A quarantined snapshot in the middle is evidence, never history.
    _add(store, {"ordinary": ["乱码"]}, datetime(2024, 1, 3, 12, tzinfo=UTC), status="quarantined")
    rebuild_changes(store, SOURCE.id)
    return store


def _events(store: Store) -> list[tuple[object, ...]]:
    return store.db.execute(
        "SELECT new_snapshot_id, kind, name, old_tier, tier, direction, old_name, listed "
        "FROM changes ORDER BY new_snapshot_id, kind, key"
    ).fetchall()


def test_change_log_holds_every_event_between_consecutive_ok_snapshots(lived: Store) -> None:
    assert _events(lived) == [
        (2, "tier_changed", A, "board", "vice_chair", "promotion", None, None),
        (3, "departed", A, "vice_chair", None, None, None, None),
        (3, "renamed", B_NEW, "ordinary", "board", "promotion", B_OLD, None),
        (4, "joined", A, None, "vice_chair", None, None, None),
        (5, "listing_changed", A, "vice_chair", "vice_chair", None, None, "vice_chair+ordinary"),
    ]


def test_rebuild_is_idempotent_and_follows_status_changes(lived: Store) -> None:
    before = _events(lived)
    assert rebuild_changes(lived, SOURCE.id) == len(before)
    assert _events(lived) == before
    with lived.atomic():
        lived.set_status(2, "quarantined", reason="test", at=DAYS[0])
    rebuild_changes(lived, SOURCE.id)
    assert [row[:2] for row in _events(lived)][:2] == [(3, "departed"), (3, "renamed")]
    assert lived.db.execute("SELECT DISTINCT old_snapshot_id FROM changes").fetchall()[0] == (1,)


def test_the_capture_hook_writes_what_a_rebuild_would(store: Store) -> None:
    fill(store, middle=True)
    logged = _events(store)
    assert {row[0] for row in logged} == {2, 3}
    rebuild_changes(store, SOURCE.id)
    assert _events(store) == logged


def test_an_older_capture_arriving_late_rebuilds_the_log(store: Store) -> None:
    old, new = fill(store)
    middle = (Path(__file__).resolve().parents[1] / "fixtures" / "diff" / "old.html").read_bytes()
    late = capture(
        store, middle.replace("翠微".encode(), "翠薇".encode()), datetime(2024, 3, 5, tzinfo=UTC)
    )
    pairs = store.db.execute(
        "SELECT DISTINCT old_snapshot_id, new_snapshot_id FROM changes"
    ).fetchall()
    assert sorted(pairs) == [(old.id, late.id), (late.id, new.id)]


def test_timeline_of_a_member_who_moved_left_returned_and_gained_a_listing(lived: Store) -> None:
    found = timeline(lived, SOURCE.id, normalize_key(A))
    assert (found.first_seen.snapshot_id, found.last_seen.snapshot_id, found.current) == (
        1,
        5,
        True,
    )
    assert [(e.snapshot_id, e.event, e.tier, e.detail) for e in found.events] == [
        (1, "first_seen", "board", "listed as board"),
        (2, "promotion", "vice_chair", "board → vice-chair"),
        (3, "left", None, "not listed"),
        (4, "returned", "vice_chair", "listed as vice-chair"),
        (5, "listing_changed", "vice_chair", "listed as vice-chair → vice-chair+ordinary"),
    ]


@pytest.mark.parametrize(
    "query", [B_OLD, B_NEW, "启明医疗信息股份", "  启明医疗信息股份有限公司\u200b"]
)
def test_timeline_follows_renames_from_either_name(lived: Store, query: str) -> None:
    found = timeline(lived, SOURCE.id, find_member(lived, SOURCE.id, query))
    assert (found.key, found.keys) == (B_NEW, [B_OLD, B_NEW])
    assert [(e.snapshot_id, e.event, e.name) for e in found.events] == [
        (1, "first_seen", B_OLD),
        (3, "renamed", B_NEW),
        (3, "promotion", B_NEW),
    ]


def test_ambiguous_and_unknown_names_are_one_line_errors(lived: Store) -> None:
    with pytest.raises(StoreError) as ambiguous:
        find_member(lived, SOURCE.id, "有限公司")
    # The renamed member's two names are one member.
    assert str(ambiguous.value) == (
        "'有限公司' matches 4 members: 云杉机器人有限公司, "
        "启明医疗信息有限公司 / 启明医疗信息股份有限公司, 翠微软件有限公司, 银杏网络技术有限公司; "
        "give more of the name or a key"
    )
    with pytest.raises(StoreError, match="no member of 'aiia' matches '乱码'"):
        find_member(lived, SOURCE.id, "乱码")


def _daily(days: int) -> Store:
    """The last of STATES captured every day for `days` days, A annotated in English."""
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
    for day in range(days):
        _add(store, STATES[-1], DAYS[0] + timedelta(days=day))
    note = Annotation(key=normalize_key(A), origin="cset-2020", name=A, common_name_en="Yunshan")
    with store.atomic():
        store.replace_annotations("cset-2020", [note])
    return store


@pytest.mark.parametrize(
    ("query", "key"), [(A, A), ("启明医疗", B_NEW), ("yunshan", A)], ids=["key", "part", "english"]
)
def test_finding_a_member_costs_the_same_however_long_the_history(query: str, key: str) -> None:
    """A key is one lookup by key; part of a name is searched among distinct names and
    annotations, not among the listings of every snapshot."""
    short, long = _daily(5), _daily(150)
    assert [find_member(store, SOURCE.id, query) for store in (short, long)] == [key, key]
    work = [
        sqlite_steps(store, lambda store=store: find_member(store, SOURCE.id, query))
        for store in (short, long)
    ]
    assert work[1] <= work[0] * 1.2, work


@pytest.fixture
def run(tmp_path: Path) -> Run:
    store = Store.open(tmp_path / "t.db")
    store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
    for tiers, day in zip(STATES, DAYS, strict=True):
        _add(store, tiers, day)
    rebuild_changes(store, SOURCE.id)
    store.close()
    return invoker(tmp_path)


def test_cli_history_table(run: Run) -> None:
    result = run("history", "启明医疗")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "启明医疗信息股份有限公司  (key 启明医疗信息股份有限公司)\n"
        "annotated:  Industry*  (* inferred from the name)\n"
        "first seen: snapshot 1  2024-01-01T00:00:00Z\n"
        "last seen:  snapshot 5  2024-01-05T00:00:00Z  (still listed)\n"
        "\n"
        "snapshot_id  at                    event       tier      name                      detail\n"
        "-----------  --------------------  ----------  --------  ------------------------  "
        "------------------------\n"
        "1            2024-01-01T00:00:00Z  first_seen  ordinary  启明医疗信息有限公司      listed as ordinary\n"
        "3            2024-01-03T00:00:00Z  renamed     board     启明医疗信息股份有限公司  was 启明医疗信息有限公司\n"
        "3            2024-01-03T00:00:00Z  promotion   board     启明医疗信息股份有限公司  ordinary → board\n"
    )


def test_cli_history_ambiguous_lists_candidates(run: Run) -> None:
    result = run("history", "有限公司")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: '有限公司' matches 4 members: 云杉机器人有限公司, ")
    assert result.stderr.count("\n") == 1


def test_cli_accept_rebuilds_the_change_log(run: Run, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    quarantined = _add(store, {"ordinary": FILLER}, datetime(2024, 1, 6, tzinfo=UTC), "quarantined")
    store.close()
    assert run("history", A, "--format", "json").exit_code == 0
    assert run("accept", str(quarantined)).exit_code == 0
    result = run("history", A, "--format", "csv")
    assert (
        result.stdout.splitlines()[-1] == f"{quarantined},2024-01-06T00:00:00Z,left,,{A},not listed"
    )
    store = Store.open(tmp_path / "t.db")
    kinds = store.db.execute(
        "SELECT kind, name FROM changes WHERE new_snapshot_id = ? ORDER BY key", [quarantined]
    ).fetchall()
    store.close()
    assert kinds == [("departed", A), ("departed", B_NEW)]

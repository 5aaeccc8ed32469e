"""The views and the name index that make the database readable on its own (issue 15, item 2).

The SQL is checked here without Datasette (tests/test_datasette.py reads the demo through it):
names are indexed as believed readings arrive and leave, English names follow the
annotations, existing databases are backfilled, and the metadata credits CSET exactly when
CSET's annotations are in the database.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from tests.cli import invoker
from tracker.app.annotations import annotations_of
from tracker.app.metadata import datasette_metadata
from tracker.core.annotations import Annotation, by_precedence
from tracker.core.credit import CSET_CREDIT, CSET_LICENCE, CSET_ORIGIN
from tracker.core.fields import INFERRED_ORIGIN, ORIGIN_RANKS, USER_ORIGIN
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.store import Store, names, precedence, views
from tracker.store.schema import MIGRATIONS

T0 = datetime(2024, 1, 5, 8, 0, tzinfo=UTC)
XINGHE = "星河智能科技有限公司"
QINGLAN = "青岚数据（北京）有限公司"


def _store() -> Store:
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source("demo", "Demo alliance", "http://demo.test/")
    return store


def _add(store: Store, day: int, *names: str, status: str = "ok") -> int:
    listings = [
        Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
        for i, n in enumerate(names, start=1)
    ]
    with store.atomic():
        digest = store.put_page(f"page {day}".encode(), headers={}, seen_at=T0)
        return store.add_snapshot(
            source_id="demo",
            captured_at=T0.replace(day=day),
            origin="live",
            page_sha256=digest,
            provenance=None,
            parsed=ParseResult(listings=listings),
            parser_version="1",
            status=status,  # type: ignore[arg-type]
            reason=None if status == "ok" else "test",
            created_at=T0,
        ).id


def _search(store: Store, query: str) -> list[str]:
    rows = store.db.execute(
        "SELECT name FROM member_names WHERE id IN "
        "(SELECT rowid FROM member_names_fts WHERE member_names_fts MATCH ?) ORDER BY name",
        [f'"{query}"'],
    )
    return [row[0] for row in rows]


def _note(key: str, english: str, origin: str = CSET_ORIGIN) -> Annotation:
    place = {"province": "Beijing", "city": "Beijing"}  # where every invented note puts it
    return Annotation(
        key=normalize_key(key), origin=origin, name=key, common_name_en=english, **place
    )


def test_part_of_a_chinese_name_finds_it_but_a_quarantined_reading_adds_nothing() -> None:
    store = _store()
    _add(store, 1, XINGHE, QINGLAN)
    _add(store, 2, "维护中页面乱码有限公司", status="quarantined")
    assert _search(store, "智能科") == [XINGHE]
    assert _search(store, "数据（北") == [QINGLAN]
    assert _search(store, "乱码") == [] and _search(store, "页面乱码") == []


def test_a_reading_accepted_later_adds_its_names_and_a_superseded_one_takes_them_away() -> None:
    store = _store()
    _add(store, 1, XINGHE)
    held = _add(store, 2, XINGHE, "云杉机器人有限公司", status="quarantined")
    store.set_status(held, "ok", reason=None, at=T0)
    assert _search(store, "杉机器") == ["云杉机器人有限公司"]
    misread = _add(store, 3, XINGHE, "理事单位星河智能")
    assert _search(store, "理事单位") == ["理事单位星河智能"]
    store.supersede(misread, held, reason="test")
    assert _search(store, "理事单位") == []
    # Still listed by a believed reading: kept.
    assert _search(store, "智能科") == [XINGHE]


def _log_rename(store: Store, old: str, new: str) -> None:
    """`old` renamed to `new` between snapshots 1 and 2 of `demo`, in the change log."""
    store.db.execute(
        "INSERT INTO changes (source_id, old_snapshot_id, new_snapshot_id, at, kind, key, name, "
        "old_key, old_name) VALUES ('demo', 1, 2, 'x', 'renamed', ?, ?, ?, ?)",
        [new, new, old, old],
    )


def test_english_names_follow_the_annotations_as_they_are_replaced() -> None:
    store = _store()
    _add(store, 1, XINGHE)
    store.replace_annotations(CSET_ORIGIN, [_note(XINGHE, "Xinghe AI")])
    assert _search(store, "inghe a") == [XINGHE]
    store.replace_annotations(CSET_ORIGIN, [_note(XINGHE, "Galaxy Intelligence")])
    assert _search(store, "inghe") == [] and _search(store, "galaxy") == [XINGHE]
    store.replace_annotations(CSET_ORIGIN, [_note(QINGLAN, "Qinglan Data")])
    assert _search(store, "galaxy") == []
    # Listed after its annotation was made: found by it all the same.
    _add(store, 2, XINGHE, QINGLAN)
    assert _search(store, "qinglan") == [QINGLAN]


def test_an_existing_database_is_backfilled_when_migrated() -> None:
    db = sqlite_utils.Database(memory=True)
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO sources VALUES ('demo', 'Demo alliance', 'http://demo.test/')")
    for snapshot, status in ((1, "ok"), (2, "quarantined")):
        db.execute(
            "INSERT INTO snapshots (id, source_id, captured_at, origin, page_sha256, "
            "parser_version, status, counts, member_count, listing_count, created_at) "
            "VALUES (?, 'demo', ?, 'live', 'x', '1', ?, '{\"board\": 1}', 1, 1, 'now')",
            [snapshot, f"2024-01-0{snapshot}T00:00:00Z", status],
        )
        name = XINGHE if status == "ok" else "乱码有限公司"
        db.execute(
            "INSERT INTO listings VALUES (?, 'board', '理事单位', 1, ?, ?)", [snapshot, name, name]
        )
    store = Store(db)
    assert _search(store, "智能科") == [XINGHE] and _search(store, "乱码有") == []
    assert [r["board"] for r in db.query("SELECT board FROM snapshot_summary")] == [1, 1]
    assert [r["name"] for r in db.query("SELECT name FROM current_members")] == [XINGHE]


def test_current_members_carry_an_annotation_through_renames_as_the_reports_do() -> None:
    store = _store()
    old, new = "启明医疗信息有限公司", "启明医疗信息股份有限公司"
    _add(store, 1, old)
    _add(store, 2, new)
    _log_rename(store, old, new)
    store.replace_annotations(CSET_ORIGIN, [_note(old, "Qiming Medical")])
    row = next(store.db.query("SELECT * FROM current_members"))
    assert (row["key"], row["common_name_en"], row["annotated_as"]) == (new, "Qiming Medical", old)
    store.replace_annotations(CSET_ORIGIN, [_note(old, "Qiming"), _note(new, "Qiming Health")])
    row = next(store.db.query("SELECT * FROM current_members"))
    assert (row["common_name_en"], row["annotated_as"]) == ("Qiming Health", None)


LATEST = ["丙公司", "丁公司", "辛公司", "壬公司", "癸公司"]


def _renamed() -> Store:
    """Today's members (`LATEST`) after renames of every kind, annotated by three origins."""
    store = _store()
    _add(store, 1, "甲公司", "乙公司", "戊公司", "己公司", "庚公司", "子公司", "壬公司", "癸公司")
    _add(store, 2, *LATEST)
    renames = [
        ("甲公司", "乙公司"), ("乙公司", "丙公司"),  # a chain: 丙 carries 甲's
        ("己公司", "丁公司"), ("戊公司", "丁公司"),  # two at once: the first in key order wins
        ("庚公司", "子公司"), ("子公司", "庚公司"), ("子公司", "辛公司"),  # back and forth
        ("子公司", "壬公司"),  # 壬 has its own, which wins
    ]  # fmt: skip
    for old, new in renames:
        _log_rename(store, old, new)
    notes = ["甲公司", "戊公司", "己公司", "庚公司", "子公司", "壬公司", "癸公司"]
    store.replace_annotations(CSET_ORIGIN, [_note(key, f"{key} 2020") for key in notes])
    store.replace_annotations("zeta-2024", [_note("癸公司", "Gui 2024", origin="zeta-2024")])
    # A user's note on a renamed member: merged per field with the carried CSET note
    # (finding 1 of 16), and a user's city beside CSET's province elsewhere (finding 2).
    mine = [
        Annotation(key="丙公司", origin=USER_ORIGIN, name="丙公司", type="Government"),
        Annotation(key="壬公司", origin=USER_ORIGIN, name="壬公司", city="Shanghai"),
    ]
    store.replace_annotations(USER_ORIGIN, mine)
    return store


def test_the_views_pick_the_annotation_the_reports_pick_through_any_renames() -> None:
    """Chains, two former names at once, a rename back and forth, an own annotation beside a
    former one, two origins: `current_members` agrees with `annotations_of` on every key."""
    store = _renamed()
    expected = annotations_of(store, "demo", LATEST)
    rows = list(store.db.query("SELECT * FROM current_members"))
    fields = ("common_name_en", "type", "annotated_as", "city")
    shown = {row["key"]: tuple(row[f] for f in fields) for row in rows}
    assert shown == {key: tuple(_stored(expected[key], f) for f in fields) for key in LATEST}
    assert shown["丙公司"] == ("甲公司 2020", "Government", "甲公司", "Beijing")
    assert shown["丁公司"][::2] == ("己公司 2020", "己公司")  # 己 (U+5DF1) sorts before 戊 (U+620A)
    assert shown["辛公司"][::2] == ("子公司 2020", "子公司")
    assert shown["壬公司"] == ("壬公司 2020", None, None, "Shanghai")  # a guess is not stored
    assert shown["癸公司"][::2] == ("Gui 2024", None)
    for row in rows:
        # The views cannot consult the gazetteer: a province they show is the reports', and
        # never another origin's beside a user's city.
        note = expected[row["key"]]
        assert row["province"] in (_stored(note, "province"), None)
        assert row["type_source"] == (note.source_of("type") if row["type"] else None)
        assert row["city_source"] == note.source_of("city")
    assert {row["key"]: row["province"] for row in rows}["壬公司"] is None


def test_todays_members_read_each_row_once_and_pick_as_migration_6_did() -> None:
    """Migration 7 fences the rows off (each former name walked once, no lookups for a row
    nobody annotated): every row and column as the view of migration 6 gives them."""
    store = _renamed()
    _add(store, 3, *LATEST, "寅寅", "卯卯")  # members nobody annotated, never renamed
    before = views._CURRENT_PICKED.split(" AS\n", 1)[1]
    rows = list(store.db.query("SELECT * FROM current_members"))
    assert len(rows) == len(LATEST) + 2
    assert [row["key"] for row in rows if row["annotation_origin"] is None] == ["寅寅", "卯卯"]
    assert rows == list(store.db.query(before))
    assert "LIMIT -1 OFFSET 0" in views.SCHEMA[7]


def _event(store: Store, key: str, at: str, source: str = "demo") -> None:
    store.db.execute(
        "INSERT INTO changes (source_id, old_snapshot_id, new_snapshot_id, at, kind, key, name, "
        "tier, old_tier) VALUES (?, 1, 2, ?, 'tier_changed', ?, ?, 'board', 'ordinary')",
        [source, at, key, key],
    )


def test_events_show_each_keys_annotation_as_migration_6_did() -> None:
    """Migration 9 picks the annotation once per key of the log that may have one, and joins
    it to the events: every row, column and the order as the view of migration 6 gives them
    (events at one time in id order), for keys annotated, renamed to, or neither."""
    store = _renamed()
    for at in ("2024-01-03", "2024-01-02", "2024-01-03"):
        for key in [*LATEST, "甲公司", "寅寅"]:
            _event(store, key, at)
    before = views._EVENTS_PICKED.split(" AS\n", 1)[1]
    rows = list(store.db.query("SELECT * FROM member_events"))
    assert rows == list(store.db.query(before))
    assert len(rows) == 8 + 3 * 7
    shown = {row["key"]: (row["common_name_en"], row["annotated_as"]) for row in rows}
    assert shown["丙公司"] == ("甲公司 2020", "甲公司") and shown["寅寅"] == (None, None)
    assert rows[0]["at"] == "x" and [row["at"] for row in rows[8:]] == sorted(
        [row["at"] for row in rows[8:]], reverse=True
    )


def test_an_events_annotation_follows_the_renames_of_its_own_source_only() -> None:
    """A key renamed to in two sources, from an annotated name only in `demo`: in the other,
    its own annotation, as the reports pick it (migration 6's view walked on through
    `demo`'s renames there and showed 甲公司's)."""
    store = _renamed()
    store.ensure_source("other", "Other alliance", "http://other.test/")
    store.db.execute(
        "INSERT INTO changes (source_id, old_snapshot_id, new_snapshot_id, at, kind, key, name, "
        "old_key, old_name) VALUES ('other', 1, 2, 'x', 'renamed', '丙公司', '丙公司', '寅寅', '寅寅')"
    )
    other = "SELECT * FROM member_events WHERE source_id = 'other'"
    row = next(store.db.query(other))
    note = annotations_of(store, "other", ["丙公司"])["丙公司"]
    fields = ("common_name_en", "type", "city", "annotated_as")
    assert tuple(row[f] for f in fields) == tuple(_stored(note, f) for f in fields[:3]) + (None,)
    assert tuple(row[f] for f in fields) == (None, "Government", None, None)
    before = views._EVENTS_PICKED.split(" AS\n", 1)[1].strip().rstrip(";")
    assert next(store.db.query(f"SELECT * FROM ({before}) WHERE source_id = 'other'")) == {
        **row, "common_name_en": "甲公司 2020", "city": "Beijing", "province": "Beijing",
        "annotated_as": "甲公司",
        "common_name_en_source": CSET_ORIGIN, "city_source": CSET_ORIGIN,
        "province_source": CSET_ORIGIN,
    }  # fmt: skip


def _stored(note: Annotation, field: str) -> object:
    """A value the database holds: a guess from the name is made when shown, never stored."""
    return None if note.source_of(field) == INFERRED_ORIGIN else getattr(note, field)


def test_the_metadata_credits_cset_where_its_annotations_show() -> None:
    store = _store()
    _add(store, 1, XINGHE)
    assert "license" not in datasette_metadata(store, Path("snapshots/tracker.db"))
    store.replace_annotations(CSET_ORIGIN, [_note(XINGHE, "Xinghe AI")])
    metadata = datasette_metadata(store, Path("snapshots/tracker.db"))
    assert CSET_CREDIT in metadata["description"]
    tables = metadata["databases"]["tracker"]["tables"]
    # Its list is the baseline: every table and view may show CSET's work.
    assert {table.get("license") for table in tables.values()} == {CSET_LICENCE}
    assert tables["sources"]["label_column"] == "id"


def _plan(store: Store, sql: str) -> str:
    return "\n".join(row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_the_views_read_through_indexes_not_whole_tables() -> None:
    """Cheap on a long record: a page of events walks the log newest first by index (no sort
    of the whole log), today's members are one snapshot's listings, renames are followed
    through their own index."""
    store = _store()
    events = _plan(store, "SELECT * FROM member_events LIMIT 101")
    assert "SCAN c USING INDEX changes_newest" in events
    assert "USING INDEX changes_renames" in events
    members = _plan(store, "SELECT * FROM current_members")
    assert "USING INDEX listings_by_snapshot" in members
    # Each step back through renames reads the renames of the name reached, not the
    # source's every rename (as SQLite 3.54 chooses, left to itself).
    walk = "SEARCH c USING INDEX changes_renames (source_id=? AND key=?)"
    assert walk in events and walk in members
    assert "INDEX snapshots_by_" in members  # by time or, since migration 6, status and time
    assert "SCAN l" not in members and "SCAN listings" not in members


def test_the_metadata_command_needs_a_database(tmp_path: Path) -> None:
    result = invoker(tmp_path)("datasette-metadata")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no database at ") and result.output.count("\n") == 1
    assert not (tmp_path / "t.db").exists()


def test_without_trigrams_english_names_are_still_found_by_a_whole_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An SQLite older than 3.34 has no trigram tokenizer: the index falls back to words
    rather than failing every command on an upgraded database."""
    monkeypatch.setattr(names.sqlite3, "sqlite_version_info", (3, 31, 1))
    store = _store()
    _add(store, 1, XINGHE)
    store.replace_annotations(CSET_ORIGIN, [_note(XINGHE, "Xinghe AI")])
    assert "trigram" not in _fts_sql(store)
    assert _search(store, "xinghe") == [XINGHE] and _search(store, "inghe") == []


def _fts_sql(store: Store) -> str:
    row = store.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [names.FTS_TABLE])
    return str(row.fetchone()[0])


def test_a_migration_that_fails_leaves_the_database_as_it_was() -> None:
    """Step 4 fails half-way (a table in the way of a view): nothing of it stays, the
    version is unchanged, and once the obstacle is gone the upgrade runs whole."""
    db = sqlite_utils.Database(memory=True)
    for step in MIGRATIONS[:3]:
        step(db)
    db.execute("PRAGMA user_version = 3")
    db.execute("CREATE TABLE snapshot_summary (x)")
    with pytest.raises(sqlite3.OperationalError, match="snapshot_summary"):
        Store(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert not db["member_names"].exists() and "changes_renames" not in _indexes(db)
    db.execute("DROP TABLE snapshot_summary")
    Store(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "trigram" in _fts_sql(Store(db)) or names.sqlite3.sqlite_version_info < names.TRIGRAMS


def _indexes(db: sqlite_utils.Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_the_views_order_origins_by_the_one_python_definition() -> None:
    """The SQL's precedence is built from `ORIGIN_RANKS` (finding 7 of 16): the database
    orders origins exactly as `by_precedence` does, and the views and names index use it."""
    store = _store()
    origins = ["cset-2020", USER_ORIGIN, "zeta-2024", INFERRED_ORIGIN, "abc-2019", *ORIGIN_RANKS]
    values = ", ".join(f"('{origin}')" for origin in origins)
    rows = store.db.execute(
        f"SELECT origin FROM (SELECT column1 AS origin FROM (VALUES {values})) "
        f"ORDER BY {precedence.ordered('origin')}"
    )
    assert [row[0] for row in rows] == by_precedence(origins, lambda origin: origin)
    for view in ("current_members", "member_events", "member_names_annotated"):
        sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [view]).fetchone()
        assert precedence.ordered("origin") in sql[0], view


def test_the_views_say_each_values_origin_and_where_guesses_are() -> None:
    store = _store()
    columns = {column.name for column in store.db["member_events"].columns}
    assert {"type_source", "province_source", "city_source"} <= columns
    metadata = datasette_metadata(store, Path("snapshots/tracker.db"))
    tables = metadata["databases"]["tracker"]["tables"]
    for view in ("current_members", "member_events"):
        assert (
            "guessed from names (origin `inferred`) are not merged here: `guesses` holds"
            in (tables[view]["description"])
        )
        assert "type_source" in tables[view]["columns"]
    assert "never a fact someone gave" in tables["guesses"]["description"]
    assert set(tables["guesses"]["columns"]) == {"text", "rules", "type", "province", "city"}

"""The change log records the version of the diff's rules that wrote it
(`tracker.core.kinds.LOG_RULES`) and is rebuilt under a new one: a change to what `diff`
decides that keeps the version would leave `history` (the log) and `diff` (live) telling
one member's story two ways. This fails until it is bumped."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils

from bench import synth
from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.app import changelog
from tracker.app.changelog import keep_changes, rebuild_changes
from tracker.core.diff import Diff, diff
from tracker.core.kinds import LOG_RULES
from tracker.core.models import Listing, Snapshot
from tracker.core.normalize import normalize_key
from tracker.store import Store, database
from tracker.store.immediate import ImmediateDatabase
from tracker.store.schema import MIGRATIONS

# The digest of every event of the diffs below, per version of the rules: a new version
# adds its line; the lines of earlier ones stay, so no two versions can share a digest.
DIGESTS = {
    "2": "1ce11719eff36bdaeeb8837a93411be82647eaeba76371b59aa7412d3015473f",
}


def _events() -> list[str]:
    """Every event of lists churned every way the bench churns them (renames planted among
    departures and joins, moves between tiers), with scores to the last digit."""
    lines = []
    for seed in range(1, 6):
        maker = synth.NameMaker(seed)
        old = synth.tiered(maker.names(1_500))
        new, _ = synth.churned(old, maker, share=0.1, grow=50)
        found = diff(synth.listings(old), synth.listings(new))
        lines += _described(found)
    # And one changed character in cores of 6 to 29 characters: scores on both sides of the
    # threshold, 90.0 exactly at 10 (each pair its own brand, so its own block).
    brands = [f"{a}{b}" for a in "星青白云" for b in "河岚鹭梯杉海"]
    old_names = [
        f"{brand}{'智' * (n - 2)}有限公司" for brand, n in zip(brands, range(6, 30), strict=True)
    ]
    new_names = [name.replace("智有限公司", "慧有限公司") for name in old_names]
    found = diff(_board(old_names), _board(new_names))
    return [*lines, *_described(found)]


def _board(names: list[str]) -> list[Listing]:
    return [
        Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
        for i, n in enumerate(names, start=1)
    ]


def _described(found: Diff) -> list[str]:
    kinds = ("joined", "departed", "tier_changed", "renamed", "listing_changes")
    return [f"{kind} {change!r}" for kind in kinds for change in getattr(found, kind)]


def test_the_log_rules_version_names_what_the_diff_decides() -> None:
    digest = hashlib.sha256("\n".join(_events()).encode()).hexdigest()
    assert DIGESTS.get(LOG_RULES) == digest, (
        f"the diff now decides otherwise than version {LOG_RULES!r} did: bump LOG_RULES in "
        f"tracker/core/kinds.py and add its digest here ({digest}); change logs written "
        "under the old version are then rebuilt, not left to disagree with `tracker diff`"
    )
    assert len(set(DIGESTS.values())) == len(DIGESTS)


def test_a_log_written_under_other_rules_is_rebuilt_when_the_next_write_settles(
    tmp_path: Path,
) -> None:
    _, logged = _logged_under_old_rules(tmp_path)
    # Settling a write, as the library does for any caller, not only the command line's.
    store = Store.open(tmp_path / "tracker.db")
    with store.atomic():
        keep_changes(store, "aiia", [])
    assert store.log_rules("aiia") == LOG_RULES
    assert store.change_rows("aiia") == logged


def _logged_under_old_rules(tmp_path: Path) -> tuple[Run, list[dict[str, object]]]:
    """Two captures, the log then left as an older tracker would have written it: its own
    rules recorded, its own reading of the pairs (here none); and what the log holds now."""
    config = "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = 'http://127.0.0.1:9/s'\n"
    run = invoker(tmp_path, config, db="tracker.db")
    board = [f"星河{n}号科技有限公司" for n in range(20)]
    for number, tiers in enumerate([{"board": board}, {"board": [*board, "青岚数据有限公司"]}]):
        (tmp_path / f"{number}.html").write_text(render_page(tiers), encoding="utf-8")
        assert run("snapshot", "--file", str(tmp_path / f"{number}.html")).exit_code == 0
    store = Store.open(tmp_path / "tracker.db")
    assert store.log_rules("aiia") == LOG_RULES
    logged = store.change_rows("aiia")
    assert [row["kind"] for row in logged] == ["joined"]
    with store.atomic():
        store.clear_changes("aiia")
        store.set_log_rules("aiia", "1")
    store.close()
    return run, logged


def test_a_command_that_writes_rebuilds_a_log_of_other_rules_as_it_opens_the_database(
    tmp_path: Path,
) -> None:
    run, logged = _logged_under_old_rules(tmp_path)
    # Nothing for the reparse to re-read: the log agrees with `diff` at once, not at the
    # source's next capture (which may never come).
    shown = run("reparse")
    assert (shown.exit_code, shown.stderr) == (0, ""), shown.output
    store = Store.open(tmp_path / "tracker.db", read_only=True)
    assert store.log_rules("aiia") == LOG_RULES
    assert store.change_rows("aiia") == logged
    assert store.stale_logs(LOG_RULES) == []


def test_a_command_that_reads_leaves_a_log_of_other_rules_as_it_is_and_says_so(
    tmp_path: Path,
) -> None:
    run, _ = _logged_under_old_rules(tmp_path)
    before = (tmp_path / "tracker.db").read_bytes()
    shown = run("history", "青岚")
    assert shown.exit_code == 0, shown.output
    assert shown.stderr == (
        "Note: the change log of aiia was written under other rules than this tracker's "
        f"(version {LOG_RULES}): `history` may tell a change otherwise than `diff` until a "
        "command that writes to the database rebuilds it (`tracker reparse`, or the next "
        "capture)\n"
    )
    assert (tmp_path / "tracker.db").read_bytes() == before


def test_a_version_7_database_that_lacks_the_log_rules_table_gains_it() -> None:
    # As that build left it, wherever the table's definition lives now: built to 7, then
    # without the table (dropped, if this tree's migration 7 still makes it).
    db = sqlite_utils.Database(memory=True)
    for step in MIGRATIONS[:7]:
        step(db)
    db.execute("DROP TABLE IF EXISTS change_log_rules")
    db.execute("PRAGMA user_version = 7")
    store = Store(db)
    with store.atomic():
        store.ensure_source("aiia", "Test alliance", "http://127.0.0.1:9/s")
        store.set_log_rules("aiia", LOG_RULES)
    assert store.log_rules("aiia") == LOG_RULES


def test_a_command_that_reads_still_reads_when_the_log_cannot_be_rebuilt_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, _ = _logged_under_old_rules(tmp_path)
    # Another process holds the write lock past the busy timeout (shortened here): a
    # reader of a WAL database never waited for a writer, and must not fail for one now.
    monkeypatch.setattr(database, "BUSY_TIMEOUT", 0.1)
    writer = sqlite3.connect(tmp_path / "tracker.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        shown = run("snapshots")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.startswith("Note: the change log of aiia was written under other ")
    assert shown.stderr.count("\n") == 1


def test_a_dry_run_writes_nothing_even_to_a_log_of_other_rules(tmp_path: Path) -> None:
    # `tracker reparse --dry-run`: "Show what would change; write nothing." (its --help).
    run, _ = _logged_under_old_rules(tmp_path)
    before = (tmp_path / "tracker.db").read_bytes()
    shown = run("reparse", "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert (tmp_path / "tracker.db").read_bytes() == before
    assert "change log" in shown.stderr  # says why `history` may disagree, as read-only


def test_a_log_another_command_just_rebuilt_is_not_rebuilt_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, logged = _logged_under_old_rules(tmp_path)
    waiting = [Store.open(tmp_path / "tracker.db")]
    other = waiting[0].conn
    begin = ImmediateDatabase.atomic

    @contextmanager
    def after_the_other(self: ImmediateDatabase) -> Iterator[ImmediateDatabase]:
        # Two commands opened the stale log at once; the other took the write lock first
        # and has rebuilt the log by the time this one has the lock.
        if waiting and self.conn is not other and not self.conn.in_transaction:
            store = waiting.pop()
            rebuild_changes(store, "aiia")
            store.close()
        with begin(self) as db:
            yield db

    rebuilt_here: list[str] = []
    log_pair = changelog._log_pair

    def counted(store: Store, old: Snapshot, new: Snapshot) -> None:
        if store.conn is not other:
            rebuilt_here.append(old.source_id)
        log_pair(store, old, new)

    monkeypatch.setattr(ImmediateDatabase, "atomic", after_the_other)
    monkeypatch.setattr(changelog, "_log_pair", counted)
    shown = run("reparse")
    assert (shown.exit_code, shown.stderr) == (0, ""), shown.output
    # Rebuilt again, it holds the write lock as long once more, for every command that
    # opened the database while the first rebuilt it: a herd that waits past the timeout.
    assert rebuilt_here == []
    store = Store.open(tmp_path / "tracker.db", read_only=True)
    assert store.change_rows("aiia") == logged


def test_tracker_run_rebuilds_every_log_of_other_rules_as_it_opens_the_database(
    tmp_path: Path,
) -> None:
    run, logged = _logged_under_old_rules(tmp_path)
    (tmp_path / "config.toml").write_text(  # the source no longer configured: its log too
        "[[sources]]\nid = 'other'\nname = 'Other'\nurl = 'http://127.0.0.1:9/o'\n",
        encoding="utf-8",
    )
    run("run", "--once")  # its capture fails (nothing listens there); the log is rebuilt
    store = Store.open(tmp_path / "tracker.db", read_only=True)
    assert store.log_rules("aiia") == LOG_RULES
    assert store.change_rows("aiia") == logged

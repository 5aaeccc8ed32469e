"""Writers that race: many `tracker snapshot` at once against one database (issue 13, case 8).

Before write transactions began IMMEDIATE, 8 of 20 pairs failed at once with "database is
locked" and left no fetch row, and 2 stored the same page twice. Each racer here is a process
of its own with its own connection, and they start together; none may fail, the page is
stored once, and every attempt leaves its fetch row.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from tests.httpserver import HTTPTestServer, Response
from tests.pages import render_page
from tracker.app import capture, saved
from tracker.cli import cli
from tracker.core.config import Config, Source
from tracker.store import Store
from tracker.store.database import BUSY_TIMEOUT

RACERS = 20
TIERS = {
    "vice_chair": ["星河智能科技有限公司"],
    "board": ["青岚数据（北京）有限公司", "云岫机器人股份有限公司"],
    "ordinary": [f"测试样例{i}号科技有限公司" for i in range(1, 9)],
}


def _race(tmp_path: Path, url: str, *args: str) -> list[tuple[int, str, str]]:
    """RACERS processes that each run `tracker snapshot ARGS…` at the same moment: each
    one's exit code, stdout and stderr.

    Forked from this one (the tracker already imported), they meet at a barrier first, so
    that they race for the database, not for the start.
    """
    config = tmp_path / "config.toml"
    config.write_text(f"[[sources]]\nid = 'aiia'\nname = 'Test'\nurl = '{url}'\n", "utf-8")
    argv = ["--config", str(config), "--db", str(tmp_path / "t.db"), "snapshot", *args]
    forks = multiprocessing.get_context("fork")
    start, results = forks.Barrier(RACERS), forks.Queue()

    def racer() -> None:
        start.wait(60)
        result = CliRunner().invoke(cli, argv)
        results.put((result.exit_code, result.stdout, result.stderr))

    racers = [forks.Process(target=racer) for _ in range(RACERS)]
    for process in racers:
        process.start()
    done = [results.get(timeout=300) for _ in racers]
    for process in racers:
        process.join(60)
    return done


def _outcomes(db_path: Path) -> list[str]:
    with sqlite_utils.Database(db_path) as db:
        return [row[0] for row in db.execute("SELECT outcome FROM fetches ORDER BY id")]


def _snapshots(db_path: Path) -> int:
    with sqlite_utils.Database(db_path) as db:
        return int(db.execute("SELECT count(*) FROM snapshots").fetchone()[0])


def test_racing_snapshots_of_one_file_store_it_once(tmp_path: Path) -> None:
    page = tmp_path / "same.html"
    page.write_text(render_page(TIERS), encoding="utf-8")
    # No database yet: the racers also race to create it and build its schema.
    # Dated alike, as copies of one saved page are (undated, each would be read "now").
    done = _race(
        tmp_path, "http://127.0.0.1:9/", "--file", str(page), "--captured-at", "2024-05-01"
    )
    assert [(code, err) for code, _, err in done] == [(0, "")] * RACERS
    assert sum(out.startswith("snapshot 1  ") for _, out, _ in done) == 1
    unchanged = [out for _, out, _ in done if out.startswith("unchanged: same page as snapshot 1")]
    assert len(unchanged) == RACERS - 1
    assert _snapshots(tmp_path / "t.db") == 1
    assert sorted(_outcomes(tmp_path / "t.db")) == ["new"] + ["unchanged"] * (RACERS - 1)


def test_racing_live_snapshots_store_the_page_once(
    tmp_path: Path, http_server: HTTPTestServer
) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS)))
    db_path = tmp_path / "t.db"
    Store.open(db_path).close()  # an existing database this time
    done = _race(tmp_path, http_server.url("/structure"))
    assert [(code, err) for code, _, err in done] == [(0, "")] * RACERS
    assert len(http_server.requests_for("/structure")) == RACERS
    assert _snapshots(db_path) == 1
    assert sorted(_outcomes(db_path)) == ["new"] + ["unchanged"] * (RACERS - 1)


def test_a_write_transaction_takes_the_lock_as_it_begins(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    other = sqlite3.connect(tmp_path / "t.db", timeout=0, isolation_level=None)
    with store.atomic():
        store.latest("aiia")  # a read only, so far: a deferred BEGIN would lock nothing yet
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # released on commit
    other.execute("ROLLBACK")
    other.close()
    store.close()


def test_a_writer_waits_for_another_and_reads_what_it_wrote(tmp_path: Path) -> None:
    """The failure of issue 13: read, then write, while another process writes in between."""
    first = Store.open(tmp_path / "t.db")
    seen: list[object] = []
    failed: list[Exception] = []
    begun = threading.Event()

    def read_then_write() -> None:
        second = Store.open(tmp_path / "t.db")
        try:
            begun.set()
            with second.atomic():
                seen.append(second.db.execute("SELECT name FROM sources").fetchall())
                second.ensure_source("other", "Other", "http://other.test/")
        except Exception as exc:
            failed.append(exc)
        finally:
            second.close()

    with first.atomic():
        first.ensure_source("aiia", "Test", "http://aiia.test/")
        racer = threading.Thread(target=read_then_write)
        racer.start()
        begun.wait(10)
        time.sleep(0.3)  # for the racer to reach its BEGIN while this one holds the lock
    racer.join(60)
    first.close()
    assert failed == []
    # It waited for the first transaction to commit, so it read what that one wrote.
    assert seen == [[("Test",)]]


def test_the_busy_timeout_is_generous(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    timeout_ms = store.db.execute("PRAGMA busy_timeout").fetchone()[0]
    assert timeout_ms == BUSY_TIMEOUT * 1000 >= 10_000
    store.close()


def test_a_capture_that_lost_the_race_records_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process stores the same page while this one parses it: one snapshot."""
    source = Source(id="aiia", name="Test", url="http://127.0.0.1:9/")
    config = Config(sources=[source])
    page = tmp_path / "same.html"
    page.write_text(render_page(TIERS), encoding="utf-8")
    ours, theirs = Store.open(tmp_path / "t.db"), Store.open(tmp_path / "t.db")
    read_pages = capture.read_pages
    raced: list[capture.CaptureOutcome] = []

    def parse_while_another_stores_it(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(capture, "read_pages", read_pages)  # theirs parses as usual
        # Ours has checked "same page as the latest?" (no: none yet) and is parsing.
        raced.append(saved.capture_file(theirs, config, source, page, now=_now))
        return read_pages(*args, **kwargs)

    monkeypatch.setattr(capture, "read_pages", parse_while_another_stores_it)
    outcome = saved.capture_file(ours, config, source, page, now=_now)
    assert [race.outcome for race in raced] == ["new"]
    assert outcome.outcome == "unchanged"
    assert outcome.snapshot is not None and raced[0].snapshot is not None
    assert outcome.snapshot.id == raced[0].snapshot.id
    for store in (ours, theirs):
        store.close()
    assert _snapshots(tmp_path / "t.db") == 1
    assert _outcomes(tmp_path / "t.db") == ["new", "unchanged"]


def _now() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def test_a_live_reading_begun_before_another_stored_the_same_page_repeats_it(
    tmp_path: Path,
) -> None:
    """What the race above does under load: one racer's fetch begins in the second before
    another's, which stores the page first. Its reading is of the present, not of the
    past, so it repeats that snapshot (it stored a second one, 1 in 20 runs on a busy
    machine)."""
    store = Store.open(tmp_path / "t.db")
    source = Source(id="aiia", name="Test", url="http://alliance.test/structure")
    config = Config(sources=[source])
    content = render_page(TIERS).encode()
    late, early = (
        datetime(2026, 1, 1, 9, 0, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 9, 0, 0, 900_000, tzinfo=UTC),
    )

    def live(at: datetime) -> capture.Page:
        return capture.Page(
            url=source.url, content=content, headers={}, captured_at=at, origin="live"
        )

    assert (
        capture.capture_page(store, config, source, live(late), now=lambda: late).outcome == "new"
    )
    again = capture.capture_page(store, config, source, live(early), now=lambda: late)
    assert again.outcome == "unchanged"
    assert len(store.snapshots("aiia")) == 1
    store.close()

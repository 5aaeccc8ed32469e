"""Issue 13: every tick ends in a recorded outcome, every bad input in one line (no traceback).

A page that breaks the parser, a reference no database holds, a config number that would
wait for ever, standard output on a full device, a lock file on a full disk, an archive
that dates a capture in the year 9999: each is a real loopback server, a real subprocess
or a crafted file, and each asserts the exit code and what the database holds.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli import DEFAULTS, Run, invoker
from tests.httpserver import HTTPTestServer, Response
from tests.pages import render_page
from tests.test_notify import BASE
from tests.test_schedule import toml_config
from tracker.app.config import load_config
from tracker.app.schedule import Ticker
from tracker.core.errors import ConfigError


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def _raise(error: Exception) -> Any:
    def parse(*_: Any, **__: Any) -> Any:
        raise error

    return parse


# Every tick ends in a recorded outcome ---------------------------------------------------


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RecursionError("maximum recursion depth exceeded"), "RecursionError: maximum recursion"),
        (KeyError("tier"), "KeyError: 'tier'"),
    ],
)
def test_a_page_that_breaks_the_parser_is_an_error_row_on_every_tick_and_alerts(
    http_server: HTTPTestServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    reason: str,
) -> None:
    http_server.add("/structure", Response(200, render_page(BASE)))
    watchers = [{"name": "log", "kind": "file", "path": str(tmp_path / "log.jsonl")}]
    config = toml_config(
        tmp_path / "c.toml", http_server.url("/structure"), watchers, alert_after_failures=3
    )
    run = invoker(tmp_path, config.read_text(encoding="utf-8"))
    monkeypatch.setattr("tracker.app.capture.read_pages", _raise(error))
    results = [run("snapshot"), run("snapshot"), run("run", "--once"), run("run", "--once")]
    for result in results:
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        line = f"internal error: {reason}"
        assert line in result.output and "rerun with --debug for the traceback" in result.output
    db = tmp_path / "t.db"
    fetches = _rows(db, "SELECT outcome, error FROM fetches ORDER BY id")
    assert [outcome for outcome, _ in fetches] == ["error"] * 4
    assert all(text.startswith(f"internal error: {reason}") for _, text in fetches)
    assert all("\n" not in text and len(text) <= 300 for _, text in fetches)
    assert _rows(db, "SELECT count(*) FROM snapshots") == [(0,)]
    # The third failure alerts, once; the evidence that broke the parser is kept.
    assert _rows(db, "SELECT event FROM outbox") == [("error",)]
    assert _rows(db, "SELECT count(*) FROM pages") == [(1,)]
    alert = json.loads((tmp_path / "log.jsonl").read_text(encoding="utf-8"))
    assert alert["failures"] == 3 and reason in alert["cause"]


def test_a_failure_while_storing_rolls_back_and_is_recorded_but_a_locked_database_is_not(
    http_server: HTTPTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.add("/structure", Response(200, render_page(BASE)))
    config = toml_config(tmp_path / "c.toml", http_server.url("/structure"), [])
    run = invoker(tmp_path, config.read_text(encoding="utf-8"))
    # A lone surrogate in a name: sqlite cannot encode it, mid-transaction.
    surrogate = UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
    monkeypatch.setattr("tracker.store.Store.add_snapshot", _raise(surrogate))
    assert run("snapshot").exit_code == 1
    db = tmp_path / "t.db"
    assert _rows(db, "SELECT count(*) FROM snapshots") == [(0,)]
    [(outcome, error)] = _rows(db, "SELECT outcome, error FROM fetches")
    assert (outcome, error.split(":")[:2]) == ("error", ["internal error", " UnicodeEncodeError"])
    # The database's own failure would fail the recording too: it is reported as such.
    locked = sqlite3.OperationalError("database is locked")
    monkeypatch.setattr("tracker.store.Store.add_snapshot", _raise(locked))
    result = run("snapshot")
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: database {db}: database is locked"]
    assert len(_rows(db, "SELECT * FROM fetches")) == 1


def test_a_saved_page_that_breaks_the_reader_is_an_error_row_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "saved.html"
    saved.write_text(render_page(BASE), encoding="utf-8")
    monkeypatch.setattr("tracker.app.saved.follow_files", _raise(RecursionError("deep")))
    result = invoker(tmp_path)("snapshot", "--file", str(saved))
    assert result.exit_code == 1 and "internal error: RecursionError: deep" in result.output
    assert _rows(tmp_path / "t.db", "SELECT outcome FROM fetches") == [("error",)]


def test_debug_shows_the_traceback_of_a_failed_capture(
    http_server: HTTPTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.add("/structure", Response(200, render_page(BASE)))
    config = toml_config(tmp_path / "c.toml", http_server.url("/structure"), [])
    monkeypatch.setattr("tracker.app.capture.read_pages", _raise(RecursionError("deep")))
    run = invoker(tmp_path, config.read_text(encoding="utf-8"))
    quiet, loud = run("snapshot"), run("--debug", "snapshot")
    assert "Traceback" not in quiet.output
    assert (loud.exit_code, "Traceback (most recent call last)" in loud.stderr) == (1, True)
    assert "RecursionError: deep" in loud.stderr


def test_a_scheduled_tick_that_raises_logs_one_line_and_the_service_goes_on(
    tmp_path: Path,
) -> None:
    config = load_config(toml_config(tmp_path / "c.toml", "http://127.0.0.1:9/", []))
    log: list[str] = []

    def broken_store() -> Any:
        raise ZeroDivisionError("division by zero")

    ticker = Ticker(
        config,
        broken_store,
        lambda: None,
        lambda: datetime.now(UTC),
        {},
        log.append,  # type: ignore[arg-type,return-value]
    )
    ticker.job(config.sources[0])
    assert len(log) == 1
    assert log[0].endswith("aiia: error: internal error: ZeroDivisionError: division by zero")


def test_an_unexpected_error_in_any_command_is_one_line_and_exit_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = invoker(tmp_path)
    monkeypatch.setattr("tracker.app.config.load_config", _raise(MemoryError()))
    result = run("snapshots")
    assert result.exit_code == 70
    assert result.output.splitlines() == [
        "Error: internal error: MemoryError; rerun with --debug for the traceback"
    ]


# References -------------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A demo database (five snapshots), built by the tracker itself."""
    result = invoker(tmp_path)("demo", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    return tmp_path / "demo" / "tracker.db"


def _on_demo(tmp_path: Path, demo: Path) -> Run:
    """Commands on the demo's database, with the demo's own source (its config.toml)."""
    return invoker(tmp_path, config=(demo.parent / "config.toml").read_text(), db=str(demo))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["diff", "99999999999999999999999", "latest"], 1, "no snapshot 99999999999999999999999"),
        (["diff", "²", "latest"], 1, "bad snapshot reference '²'"),
        (["diff", "١", "latest"], 1, "bad snapshot reference '١'"),
        (["members", "--at", "١"], 1, "bad snapshot reference '١'"),
        (["accept", "99999999999999999999999"], 1, "no snapshot 99999999999999999999999"),
        (["accept", "١"], 2, "'١' is not a snapshot id"),
    ],
)
def test_references_are_ascii_digits_in_range_or_dates(
    demo: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    run = _on_demo(tmp_path, demo)
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    # Snapshot 1 exists: `١` would have named it.
    assert run("members", "--at", "1").exit_code == 0


def test_the_last_day_there_is_names_the_latest_snapshot(demo: Path, tmp_path: Path) -> None:
    result = _on_demo(tmp_path, demo)("members", "--at", "9999-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "nothing was captured on 9999-12-31" in result.stderr


# Standard output that cannot be written ---------------------------------------------------


def _tracker(db: Path, *args: str, **options: Any) -> subprocess.CompletedProcess[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db), *args],
        env=env,
        cwd=db.parent,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
        **options,
    )


def test_stdout_on_a_full_device_is_one_line_and_exit_1(demo: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _tracker(demo, "snapshots", stdout=full)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "Error: cannot write the output: No space left on device"
    ]


def test_a_reader_that_stops_early_ends_the_command_quietly(demo: Path) -> None:
    # `tracker members | head -1`, with the reader gone before the first write.
    read, write = os.pipe()
    os.close(read)
    try:
        done = _tracker(demo, "members", stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")


# Config numbers and the empty config ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\nread_timeout=inf\n", "finite number"),
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\nconnect_timeout=1e300\n", "86400"),
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\ndeadline=nan\n", "finite number"),
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\nuser_agent='研究'\n", "ASCII"),
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\nuser_agent=\"a\\nX: y\"\n", "ASCII"),
        ("[schedule]\ninterval_seconds=1e20\n", "schedule.interval_seconds"),
        ("[schedule]\ninterval_seconds=0.5\n", "greater than or equal to 60"),
        ("[schedule]\njitter=1e17\n", "schedule.jitter"),
        ("[schedule]\ninterval_seconds=60\njitter=61\n", "jitter (61 s) is longer than"),
        ("[schedule]\nmisfire_grace=1e20\n", "schedule.misfire_grace"),
        ("[wayback]\nretry_wait=inf\n", "wayback.retry_wait"),
        ("[wayback]\ncaptures_per_second=1e-300\n", "wayback.captures_per_second"),
    ],
)
def test_config_values_are_finite_sane_and_sendable(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["", "\n# nothing here yet\n"])
def test_an_empty_config_file_is_an_error_not_the_default_site(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    result = invoker(tmp_path, text)("snapshot")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: the config file is empty")
    assert not (tmp_path / "t.db").exists()


def test_no_config_file_at_all_means_the_built_in_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    assert load_config().origin == "built-in defaults"


def test_run_once_on_a_full_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("tracker.store.lock.os.pwrite", full)
    result = invoker(tmp_path, DEFAULTS)("run", "--once")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: cannot write lock file {tmp_path / 't.db.lock'}: No space left on device"
    ]


# Archive dates ----------------------------------------------------------------------------

ORIGINAL = "http://aiia.test/structure"


def _archive(server: HTTPTestServer, tmp_path: Path, rows: list[list[str]]) -> Any:
    header = ["timestamp", "original", "statuscode", "digest", "mimetype"]
    server.add("/cdx", Response(200, json.dumps([header, *rows])))
    config = (
        f"[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = '{ORIGINAL}'\nretries = 0\n"
        f"[wayback]\ncdx_url = '{server.url('/cdx')}'\n"
        f"capture_url = '{server.url('/web/{timestamp}id_/{url}')}'\n"
        "cdx_per_minute = 6000\ncaptures_per_second = 1000\nretries = 0\n"
    )
    return invoker(tmp_path, config)


def test_a_listing_row_with_an_impossible_timestamp_is_skipped_and_counted(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    rows = [
        ["20211399000000", ORIGINAL, "200", "AAA", "text/html"],
        ["20200101000000", ORIGINAL, "200", "BBB", "text/html"],
    ]
    result = _archive(http_server, tmp_path, rows)("backfill", "wayback", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2020-01-01T00:00:00Z" in result.output
    assert (
        "1 captures listed, 0 already stored, 1 listing rows skipped "
        f"({ORIGINAL}: row 2: bad timestamp '20211399000000')"
    ) in result.output


def test_a_capture_the_archive_dates_in_the_future_is_an_error_not_latest(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    run = _archive(http_server, tmp_path, [["20200101000000", ORIGINAL, "200", "A", "text/html"]])
    future = format_datetime(datetime(9999, 12, 31, tzinfo=UTC), usegmt=True)
    page = Response(200, render_page(BASE), headers={"Memento-Datetime": future})
    http_server.add(f"/web/20200101000000id_/{ORIGINAL}", page)
    result = run("backfill", "wayback")
    assert result.exit_code == 1
    assert "the archive dates this capture 9999-12-31T00:00:00Z, after now" in result.output
    db = tmp_path / "t.db"
    assert _rows(db, "SELECT count(*) FROM snapshots") == [(0,)]
    [(outcome, error)] = _rows(db, "SELECT outcome, error FROM fetches")
    assert outcome == "error" and "a wrong date, not stored as a snapshot" in error

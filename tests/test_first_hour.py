"""A new user's first hour: each wall met on a fresh clone, reproduced and now passing."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.pages import render_page
from tests.test_schedule import fast, toml_config, wait_for
from tracker.app.config import load_config
from tracker.app.schedule import Service, announce_next_ticks, build_scheduler
from tracker.cli import cli
from tracker.core.config import Source
from tracker.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
OLD_PAGE = ROOT / "fixtures" / "diff" / "old.html"
NEW_PAGE = ROOT / "fixtures" / "diff" / "new.html"
CSET_CSV = ROOT / "fixtures" / "baseline" / "small.csv"
START = "start one with `tracker snapshot`, `tracker baseline import PATH` or `tracker demo`"

READ_COMMANDS = [
    ["snapshots"],
    ["members"],
    ["stats"],
    ["timeline"],
    ["diff", "baseline", "latest"],
    ["history", "星河"],
    ["accept", "1"],
    ["notify"],
    ["watchers", "list"],
]


def tracker(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_never_creates_a_database(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "t.db"
    result = tracker("--db", db, *command)
    assert result.exit_code == 1
    assert result.output == f"Error: no database at {db} (wrong folder? give --db PATH); {START}\n"
    assert list(tmp_path.iterdir()) == []


def test_from_the_wrong_folder_the_default_database_is_missing_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    result = tracker("snapshots")
    assert result.exit_code == 1
    assert "no database at snapshots/tracker.db" in result.output
    assert not (tmp_path / "snapshots").exists()


def test_a_typo_in_db_never_creates_folders(tmp_path: Path) -> None:
    db = tmp_path / "nonexistent" / "dir" / "t.db"
    result = tracker("--db", db, "snapshot", "--file", OLD_PAGE)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no folder {db.parent} for the database {db}; create it first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_writing_command_creates_the_default_snapshots_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    result = tracker("snapshot", "--file", OLD_PAGE)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "snapshots" / "tracker.db").is_file()
    assert tracker("snapshots", "--format", "json").exit_code == 0


def _stored(db: Path) -> list[dict[str, object]]:
    with sqlite_utils.Database(db) as database:
        return list(database.query("select captured_at, origin, provenance from snapshots"))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2023-05-01", "2023-05-01T00:00:00Z"),
        ("2023-05-01T08:30:00Z", "2023-05-01T08:30:00Z"),
        ("2023-05-01T16:30:00+08:00", "2023-05-01T08:30:00Z"),
        ("2023-05-01 08:30", "2023-05-01T08:30:00Z"),
    ],
)
def test_a_saved_page_is_stored_as_captured_when_given(
    tmp_path: Path, given: str, stored: str
) -> None:
    db = tmp_path / "t.db"
    result = tracker("--db", db, "snapshot", "--file", OLD_PAGE, "--captured-at", given)
    assert result.exit_code == 0, result.output
    assert f"  {stored}  " in result.output
    assert _stored(db) == [
        {
            "captured_at": stored,
            "origin": "file",
            "provenance": f"{OLD_PAGE.as_uri()}#captured-at-given",
        }
    ]


def test_without_captured_at_a_saved_page_is_dated_now(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    before = datetime.now(UTC).replace(microsecond=0)
    assert tracker("--db", db, "snapshot", "--file", OLD_PAGE).exit_code == 0
    [row] = _stored(db)
    assert str(row["captured_at"]) >= before.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["provenance"] == OLD_PAGE.as_uri()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2999-01-01", "'2999-01-01' is in the future (it is now "),
        ("yesterday", "'yesterday' is not a date YYYY-MM-DD or an ISO datetime"),
        ("2023-02-30", "'2023-02-30' is not a date YYYY-MM-DD"),
    ],
)
def test_a_bad_or_future_capture_time_is_refused_in_one_line(
    tmp_path: Path, given: str, message: str
) -> None:
    db = tmp_path / "t.db"
    result = tracker("--db", db, "snapshot", "--file", OLD_PAGE, "--captured-at", given)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: Invalid value for '--captured-at': {message}")
    assert result.output.count("\n") == 1
    assert not db.exists()


def test_captured_at_needs_a_file(tmp_path: Path) -> None:
    result = tracker("--db", tmp_path / "t.db", "snapshot", "--captured-at", "2023-05-01")
    assert result.exit_code == 2
    assert "--captured-at dates a saved page: give --file too" in result.output


def test_cset_csv_given_to_snapshot_points_at_baseline_import(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = tracker("--db", db, "snapshot", "--file", CSET_CSV)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {CSET_CSV} is CSET's member list: import it with "
        f"`tracker baseline import {CSET_CSV}`; nothing stored\n"
    )
    assert not db.exists()


def test_any_csv_is_refused_and_html_without_doctype_is_read(tmp_path: Path) -> None:
    table = tmp_path / "members.csv"
    table.write_text("name,tier\n星河智能科技有限公司,理事单位\n", encoding="utf-8")
    refused = tracker("--db", tmp_path / "t.db", "snapshot", "--file", table)
    assert "is a table (CSV), not a saved page" in refused.output
    bare = tmp_path / "bare.html"
    # No doctype, no <html>: a fragment someone saved is still a page.
    bare.write_text(
        render_page({"board": ["星河智能科技有限公司", "青岚数据（北京）有限公司"]}).split(
            "<body>", 1
        )[1],
        encoding="utf-8",
    )
    read = tracker("--db", tmp_path / "t.db", "snapshot", "--file", bare)
    assert read.exit_code == 0, read.output
    assert "board 2" in read.output


def _config_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value).replace(str(path), "config.toml")


def test_a_misspelled_config_key_says_did_you_mean(tmp_path: Path) -> None:
    text = "[[sources]]\nid = 'aiia'\nnmae = 'x'\nurl = 'http://a/'\n"
    assert _config_error(tmp_path, text) == (
        "config.toml: [sources] 1: unknown key 'nmae' (did you mean 'name'?)"
    )


def test_every_config_problem_is_one_line_naming_the_file(tmp_path: Path) -> None:
    text = (
        "stor = 1\n[schedule]\ncrn = '0 6 * * *'\n"
        "[[sources]]\nid = 'aiia'\nname = 'x'\nurl = 'http://a/'\n"
        "[[sources]]\nid = 'b'\nname = 'y'\nurl = 'http://b/'\nretries = -1\nzzz = 1\n"
        "[sources.selectors]\ntier = 'h3'\nmembr = 'li'\n"
    )
    assert _config_error(tmp_path, text).splitlines() == [
        "config.toml: [sources.selectors] 2: unknown key 'membr' (did you mean 'member'?)",
        "config.toml: [sources] 2: unknown key 'zzz' (known: "
        + ", ".join(Source.__struct_fields__)
        + ")",
        "config.toml: [schedule]: unknown key 'crn' (did you mean 'cron'?)",
        "config.toml: unknown key 'stor' (did you mean 'store'?)",
        "config.toml: sources.1.retries: Input should be greater than or equal to 0 (got -1)",
    ]


def test_the_cli_prints_each_config_problem_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[schedule]\ncrn = 'x'\njiter = 3\n", encoding="utf-8")
    result = tracker("--config", path, "--db", tmp_path / "t.db", "snapshots")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {path}: [schedule]: unknown key 'crn' (did you mean 'cron'?)",
        f"Error: {path}: [schedule]: unknown key 'jiter' (did you mean 'jitter'?)",
    ]


def test_run_says_when_the_next_tick_is_due_at_start_and_after_each(tmp_path: Path) -> None:
    path = toml_config(tmp_path / "c.toml", "http://127.0.0.1:9/", [])
    config = fast(load_config(path), 0.2)
    ticks: list[str] = []
    said: list[str] = []
    scheduler = build_scheduler(config, lambda source: ticks.append(source.id))
    announce_next_ticks(scheduler, said.append)
    service = Service(scheduler)

    def stop_after_two_ticks() -> None:
        wait_for(lambda: len(said) >= 3)
        service.stop()

    stopper = threading.Thread(target=stop_after_two_ticks)
    stopper.start()
    service.serve()
    stopper.join()
    assert len(ticks) >= 2
    times = [line.split(" next tick at ")[1].split()[0] for line in said]
    assert all(line.startswith("tracker run: aiia: next tick at ") for line in said)
    assert "(UTC)" not in said[0] and config.schedule.timezone in said[0]
    assert times == sorted(times)


def test_help_has_no_machine_paths_and_describes_every_option() -> None:
    baseline = tracker("baseline", "--help").output + tracker("baseline", "import", "--help").output
    assert "../shared" not in baseline and "/work/" not in baseline
    assert "https://github.com/georgetown-cset/aiia" in baseline
    assert "Only snapshots read from: live" in tracker("snapshots", "--help").output
    assert "Count by tier, or within each tier" in tracker("stats", "--help").output


@pytest.mark.parametrize(
    "command",
    [
        ["snapshots"],
        ["members"],
        ["stats"],
        ["timeline"],
        ["history", "x"],
        ["diff", "1", "2"],
        ["watchers", "list"],
    ],
    ids=" ".join,
)
def test_every_format_option_calls_the_plain_format_text(command: list[str]) -> None:
    shown = tracker(*command, "--help").output
    assert "--format [text|" in shown and "[default: text]" in shown
    assert "table|" not in shown and "|table" not in shown and "default: table" not in shown


def test_the_old_format_names_are_still_accepted(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    tracker("--db", db, "snapshot", "--file", OLD_PAGE, "--captured-at", "2023-05-01")
    tracker("--db", db, "snapshot", "--file", NEW_PAGE, "--captured-at", "2024-05-01")
    table = tracker("--db", db, "snapshots", "--format", "table")
    assert table.output == tracker("--db", db, "snapshots", "--format", "text").output
    assert table.output.startswith("id  captured_at")
    prose = tracker("--db", db, "diff", "1", "2", "--format", "table")
    text = tracker("--db", db, "diff", "1", "2", "--format", "text")
    # The same report, but for the moment each was made.
    stamp = re.compile(r"^generated .*$", re.MULTILINE)
    assert stamp.sub("", prose.output) == stamp.sub("", text.output)
    assert prose.output.startswith("Membership changes: China Artificial Intelligence Industry")
    assert json.loads(tracker("--db", db, "snapshots", "--format", "json").output)[1]["id"] == 2


def test_a_missing_key_elsewhere_is_still_reported(tmp_path: Path) -> None:
    text = (
        "[[sources]]\nid = 'aiia'\nnmae = 'x'\nurl = 'http://a/'\n"
        "[[sources]]\nid = 'b'\nurl = 'http://b/'\n"
    )
    assert _config_error(tmp_path, text).splitlines() == [
        "config.toml: [sources] 1: unknown key 'nmae' (did you mean 'name'?)",
        "config.toml: sources.1.name: Field required",
    ]


def _entered(db: Path, *readings: tuple[Path, str]) -> list[str]:
    """Each saved page entered with its date, in this order; what each entry printed."""
    said = []
    for page, given in readings:
        result = tracker("--db", db, "snapshot", "--file", page, "--captured-at", given)
        assert result.exit_code == 0, result.output
        said.append(result.stdout)
    return said


def test_a_saved_page_dated_earlier_is_new_evidence_not_the_same_page(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    said = _entered(db, (OLD_PAGE, "2023-05-01T10:00"), (OLD_PAGE, "1999-01-01"))
    assert said[1].startswith("snapshot 2  1999-01-01T00:00:00Z  ")
    found = json.loads(tracker("--db", db, "history", "星河", "--format", "json").stdout)
    assert found["first_seen"] == {"snapshot_id": 2, "at": "1999-01-01T00:00:00Z"}
    # Read again later, it is an unchanged re-read, dated as the reading, not as the moment
    # it was entered.
    again = _entered(db, (OLD_PAGE, "2024-01-01"))
    assert again == ["unchanged: same page as snapshot 1  2024-01-01T00:00:00Z\n"]
    assert len(_stored(db)) == 2


def test_saved_pages_give_one_record_whatever_the_order_they_are_entered(
    tmp_path: Path,
) -> None:
    pages = [(OLD_PAGE, "2023-05-01"), (NEW_PAGE, "2024-05-01"), (OLD_PAGE, "2020-01-01")]
    records = []
    for order in (pages, [pages[0], pages[2], pages[1]], pages[::-1]):
        db = tmp_path / f"{len(records)}.db"
        _entered(db, *order)
        records.append(
            sorted((str(row["captured_at"]), str(row["provenance"])) for row in _stored(db))
        )
    assert records[0] == records[1] == records[2]
    assert [at for at, _ in records[0]] == [
        "2020-01-01T00:00:00Z",
        "2023-05-01T00:00:00Z",
        "2024-05-01T00:00:00Z",
    ]


def _watched(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"[[sources]]\nid = 'aiia'\nname = 'T'\nurl = 'http://127.0.0.1:9/structure'\n{extra}"
        "[[watchers]]\nname = 'log'\nkind = 'file'\npath = 'x.jsonl'\n",
        encoding="utf-8",
    )
    return config


def _outbox(db: Path) -> list[dict[str, object]]:
    with sqlite_utils.Database(db) as database:
        return [json.loads(row["payload"]) for row in database.query("select payload from outbox")]


def _enter_watched(config: Path, db: Path, *readings: tuple[Path, str]) -> None:
    for page, given in readings:
        result = tracker(
            "--config", config, "--db", db, "snapshot", "--file", page, "--captured-at", given
        )
        assert result.exit_code == 0, result.output


def test_a_saved_page_of_the_past_is_no_news_to_watchers(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    # 2020 and 2022 are entered after 2024: readings of the past, whatever they changed.
    readings = [
        (NEW_PAGE, "2024-01-01"),
        (OLD_PAGE, "2020-01-01"),
        (NEW_PAGE, "2022-01-01"),
        (OLD_PAGE, "2025-01-01"),
    ]
    _enter_watched(_watched(tmp_path), db, *readings)
    assert len(_stored(db)) == 4
    # Only the 2025 reading was news: the latest when it arrived, changing 2024's.
    assert [message["event"] for message in _outbox(db)] == ["changes"]


def test_a_saved_page_of_the_past_never_confirms_a_departure(tmp_path: Path) -> None:
    """With departures confirmed by two readings, an old page entered between two readings
    of the present is not one of them: members missing from the next are only missing."""
    db = tmp_path / "t.db"
    config = _watched(tmp_path, "confirm_departures = 2\n")
    readings = [(NEW_PAGE, "2024-01-01"), (OLD_PAGE, "2020-01-01"), (OLD_PAGE, "2025-01-01")]
    _enter_watched(config, db, *readings)
    [message] = _outbox(db)
    assert message["headline"][1].startswith("snapshot 1 (2024-01-01")
    lines = [str(line) for line in message["lines"]]  # type: ignore[attr-defined]
    assert not [line for line in lines if "departed" in line]
    assert "? missing (unconfirmed): 紫藤教育科技有限公司 · ordinary" in lines

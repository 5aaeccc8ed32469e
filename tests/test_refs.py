"""References say what they resolved to: notes on stderr, and pairs `tracker diff` refuses.

Each wall a new user hit is reproduced here: a date quietly falling back past a quarantined
capture, a diff of the only stored snapshot with itself, and swapped arguments reading every
join as a departure.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from tests.cli import Run, invoker
from tests.sqlwork import sqlite_steps
from tests.test_report import MADE
from tracker.app.changelog import keep_changes
from tracker.app.diffs import RefPair, build_report, check_pair, resolve_pair
from tracker.app.refs import resolve
from tracker.core.errors import RefPairError
from tracker.core.models import Listing, Origin, ParseResult, SnapshotStatus
from tracker.core.normalize import normalize_key
from tracker.render.report import render
from tracker.store import Store

BASELINE = datetime(2020, 3, 26, tzinfo=UTC)
OLD_NAMES = ("甲科技有限公司", "乙科技有限公司", "丙数据有限公司")
NEW_NAMES = ("甲科技有限公司", "乙科技有限公司", "星河智能科技有限公司")
OUTAGE = "2 of the previous 3 members are missing (67%, limit 20%)"


def _add(
    store: Store,
    at: datetime,
    *,
    names: tuple[str, ...] = OLD_NAMES,
    status: SnapshotStatus = "ok",
    origin: Origin = "live",
) -> int:
    content = f"page {at} {status} {origin} {names}".encode()
    parsed = ParseResult(
        listings=[
            Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
            for i, n in enumerate(names, start=1)
        ]
    )
    with store.atomic():
        digest = store.put_page(content, headers={"content-type": "text/html"}, seen_at=at)
        snapshot = store.add_snapshot(
            source_id="aiia",
            captured_at=at,
            origin=origin,
            page_sha256=digest,
            provenance=None,
            parsed=parsed,
            parser_version="1",
            status=status,
            reason=None if status == "ok" else OUTAGE,
            created_at=at,
        )
        keep_changes(store, "aiia", [snapshot])  # as every write settles
    return snapshot.id


def _day(year: int, month: int, day: int, hour: int = 6) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source("aiia", "Test alliance", "http://aiia.test/structure")
    yield store
    store.close()


# Resolving one reference ----------------------------------------------------------------


def test_an_id_and_a_capture_of_that_very_day_need_no_note(store: Store) -> None:
    base = _add(store, BASELINE, origin="baseline")
    live = _add(store, _day(2024, 3, 1))
    quarantined = _add(store, _day(2024, 3, 2), status="quarantined")
    assert resolve(store, "2020-03-26", "aiia").note is None
    assert resolve(store, "baseline", "aiia").snapshot.id == base
    assert resolve(store, "baseline", "aiia").note is None
    assert resolve(store, "2024-03-01", "aiia").note is None
    # An id names exactly what was asked for, ok or not (the caller marks a bad reading).
    by_id = resolve(store, str(quarantined), "aiia")
    assert (by_id.snapshot.status, by_id.note) == ("quarantined", None)
    assert resolve(store, str(live), "aiia").note is None


def test_a_date_falling_back_past_a_quarantined_capture_says_so(store: Store) -> None:
    base = _add(store, BASELINE, origin="baseline")
    bad = _add(store, _day(2022, 9, 8), status="quarantined")
    resolved = resolve(store, "2022-09-08", "aiia")
    assert resolved.snapshot.id == base
    assert resolved.note == (
        f"2022-09-08 → snapshot {base} of 2020-03-26 (the latest ok snapshot on or before that "
        f"day; snapshot {bad} of 2022-09-08 is quarantined: {OUTAGE})"
    )


def test_a_date_with_no_capture_that_day_says_which_day_was_used(store: Store) -> None:
    base = _add(store, BASELINE, origin="baseline")
    _add(store, _day(2023, 1, 2))
    assert resolve(store, "2022-09-08", "aiia").note == (
        f"2022-09-08 → snapshot {base} of 2020-03-26 (the latest ok snapshot on or before that "
        "day; nothing was captured on 2022-09-08)"
    )


def test_a_quarantined_capture_later_the_same_day_is_named(store: Store) -> None:
    good = _add(store, _day(2024, 3, 1, 6))
    bad = _add(store, _day(2024, 3, 1, 18), status="quarantined")
    # The next day's outage is not this date's business.
    _add(store, _day(2024, 3, 2), status="quarantined")
    assert resolve(store, "2024-03-01", "aiia").note == (
        f"2024-03-01 → snapshot {good} of 2024-03-01 (the latest ok snapshot on or before that "
        f"day; snapshot {bad} of 2024-03-01 is quarantined: {OUTAGE})"
    )


def test_latest_and_previous_name_what_they_passed_over(store: Store) -> None:
    first = _add(store, _day(2024, 3, 1))
    between = _add(store, _day(2024, 3, 2), status="quarantined")
    second = _add(store, _day(2024, 3, 3))
    outages = [_add(store, _day(2024, 3, d), status="quarantined") for d in range(4, 10)]
    assert resolve(store, "previous", "aiia").note == (
        f"previous → snapshot {first} of 2024-03-01 (the ok snapshot before latest; "
        f"snapshot {between} of 2024-03-02 is quarantined: {OUTAGE})"
    )
    latest = resolve(store, "latest", "aiia")
    assert latest.snapshot.id == second
    # Six outages: the newest with its reason, three more by id, the rest counted.
    a, b, c = outages[-2], outages[-3], outages[-4]
    assert latest.note == (
        f"latest → snapshot {second} of 2024-03-03 (the latest ok snapshot; "
        f"snapshot {outages[-1]} of 2024-03-09 is quarantined: {OUTAGE}; "
        f"also passed over snapshots {a} (quarantined), {b} (quarantined), {c} (quarantined) "
        "and 2 more)"
    )


def test_a_replaced_baseline_is_superseded_not_skipped(store: Store) -> None:
    _add(store, BASELINE, origin="baseline", status="replaced")
    current = _add(store, BASELINE, origin="baseline", names=NEW_NAMES)
    _add(store, _day(2024, 3, 1))
    resolved = resolve(store, "baseline", "aiia")
    assert (resolved.snapshot.id, resolved.note) == (current, None)
    assert resolve(store, "2020-03-26", "aiia").note is None


# Pairs -------------------------------------------------------------------------------------


def _daily(days: int) -> Store:
    """A baseline, then an ok capture a day for `days` days from 2024-01-01."""
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source("aiia", "Test alliance", "http://aiia.test/structure")
    _add(store, BASELINE, origin="baseline")
    for day in range(days):
        _add(store, _day(2024, 1, 1) + timedelta(days=day))
    return store


@pytest.mark.parametrize("ref", ["latest", "previous", "baseline", "2024-01-05", "2020-03-26"])
def test_a_name_or_date_costs_the_same_however_long_the_history(ref: str) -> None:
    """Resolved down the time index: the snapshot named is read, not every one before it."""
    short, long = _daily(10), _daily(200)
    picked = [resolve(store, ref, "aiia").snapshot.captured_at for store in (short, long)]
    work = [
        sqlite_steps(store, lambda store=store: resolve(store, ref, "aiia"))
        for store in (short, long)
    ]
    assert picked[0] == picked[1] or ref in ("latest", "previous")
    assert work[1] <= work[0] * 1.2, work


def test_one_snapshot_named_twice_is_refused(store: Store) -> None:
    base = _add(store, BASELINE, origin="baseline")
    pair = resolve_pair(store, "aiia", "2020-03-26", "latest")
    with pytest.raises(RefPairError) as caught:
        check_pair(pair, reverse=True)
    assert str(caught.value) == (
        f"OLD '2020-03-26' and NEW 'latest' are both snapshot {base}, captured "
        "2020-03-26T00:00:00Z, baseline: a snapshot compared with itself shows no changes; "
        "`tracker snapshots` lists what is stored, `tracker snapshot` stores today's page"
    )


def test_new_older_than_old_is_refused_unless_reversed(store: Store) -> None:
    base = _add(store, BASELINE, origin="baseline")
    live = _add(store, _day(2024, 3, 1), names=NEW_NAMES)
    pair = resolve_pair(store, "aiia", "latest", "2020-03-26")
    with pytest.raises(RefPairError) as caught:
        check_pair(pair, reverse=False)
    assert str(caught.value) == (
        f"OLD 'latest' (snapshot {live}, captured 2024-03-01T06:00:00Z, live) is newer than "
        f"NEW '2020-03-26' (snapshot {base}, captured 2020-03-26T00:00:00Z, baseline): swap "
        "them (`tracker diff 2020-03-26 latest`), or add --reverse to compare backwards in time"
    )
    check_pair(pair, reverse=True)
    forward = resolve_pair(store, "aiia", "2020-03-26", "latest")
    check_pair(forward, reverse=False)
    check_pair(forward, reverse=True)  # --reverse allows a backward pair; it forces nothing


def test_a_reversed_report_says_so_in_every_format(store: Store) -> None:
    old = store.snapshot(_add(store, BASELINE, origin="baseline"))
    new = store.snapshot(_add(store, _day(2024, 3, 1), names=NEW_NAMES))
    forward, backward = build_report(store, old, new), build_report(store, new, old)
    assert (forward.reversed, backward.reversed) == (False, True)
    assert [c.key for c in backward.diff.joined] == [c.key for c in forward.diff.departed]
    marker = "reversed: NEW is older than OLD"
    for fmt in ("text", "markdown", "html"):
        assert marker in render(backward, fmt, MADE), fmt
        assert marker not in render(forward, fmt, MADE), fmt
    assert json.loads(render(backward, "json", MADE))["reversed"] is True
    assert "reversed" not in json.loads(render(forward, "json", MADE))
    # CSV keeps its columns; the ids on every row show the direction.
    [row] = [
        r
        for r in csv.DictReader(io.StringIO(render(backward, "csv", MADE)))
        if r["change"] == "joined"
    ]
    assert (row["old_snapshot_id"], row["new_snapshot_id"]) == (str(new.id), str(old.id))


def test_a_pair_collects_both_notes_in_order(store: Store) -> None:
    _add(store, BASELINE, origin="baseline")
    _add(store, _day(2022, 9, 8), status="quarantined")
    _add(store, _day(2024, 3, 1), names=NEW_NAMES)
    _add(store, _day(2024, 3, 2), status="quarantined")
    pair = resolve_pair(store, "aiia", "2022-09-08", "latest")
    assert isinstance(pair, RefPair)
    assert [n.split(" → ")[0] for n in pair.notes] == ["2022-09-08", "latest"]


# The command line ----------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "t.db")
    store.ensure_source("aiia", "Test alliance", "http://aiia.test/structure")
    yield store
    store.close()


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return invoker(tmp_path)


def test_cli_a_date_that_fell_back_to_the_baseline_is_not_no_changes(db: Store, run: Run) -> None:
    base = _add(db, BASELINE, origin="baseline")
    bad = _add(db, _day(2022, 9, 8), status="quarantined")
    result = run("diff", "baseline", "2022-09-08")
    assert (result.exit_code, result.stdout) == (1, "")
    note, error = result.stderr.splitlines()
    assert note == (
        f"Note: 2022-09-08 → snapshot {base} of 2020-03-26 (the latest ok snapshot on or before "
        f"that day; snapshot {bad} of 2022-09-08 is quarantined: {OUTAGE})"
    )
    assert error.startswith(
        f"Error: OLD 'baseline' and NEW '2022-09-08' are both snapshot {base}, captured 2020-03-26"
    )


def test_cli_a_fallback_that_finds_another_snapshot_still_notes_it(db: Store, run: Run) -> None:
    _add(db, BASELINE, origin="baseline")
    earlier = _add(db, _day(2022, 9, 1), names=NEW_NAMES)
    bad = _add(db, _day(2022, 9, 8), status="quarantined")
    result = run("diff", "baseline", "2022-09-08", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["new"]["id"] == earlier  # stdout stays clean JSON
    assert result.stderr == (
        f"Note: 2022-09-08 → snapshot {earlier} of 2022-09-01 (the latest ok snapshot on or "
        f"before that day; snapshot {bad} of 2022-09-08 is quarantined: {OUTAGE})\n"
    )


def test_cli_only_the_baseline_stored_is_an_error_not_no_changes(db: Store, run: Run) -> None:
    _add(db, BASELINE, origin="baseline")
    result = run("diff", "2020-03-26", "latest")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: OLD '2020-03-26' and NEW 'latest' are both snapshot 1")
    assert result.stderr.count("\n") == 1
    assert run("diff", "1", "1").stderr.startswith("Error: OLD '1' and NEW '1' are both snapshot 1")


def test_cli_swapped_arguments_are_refused_then_run_with_reverse(db: Store, run: Run) -> None:
    _add(db, BASELINE, origin="baseline")
    _add(db, _day(2024, 3, 1), names=NEW_NAMES)
    refused = run("diff", "latest", "2020-03-26")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.count("\n") == 1
    assert "OLD 'latest' (snapshot 2, captured 2024-03-01T06:00:00Z, live) is newer than NEW" in (
        refused.stderr
    )
    assert "swap them (`tracker diff 2020-03-26 latest`), or add --reverse" in refused.stderr

    backward = run("diff", "latest", "2020-03-26", "--reverse")
    assert (backward.exit_code, backward.stderr) == (0, "")
    assert "\nreversed: NEW is older than OLD" in backward.stdout
    as_json = json.loads(
        run("diff", "latest", "2020-03-26", "--reverse", "--format", "json").stdout
    )
    assert as_json["reversed"] is True
    assert [c["name"] for c in as_json["joined"]] == ["丙数据有限公司"]

    forward = run("diff", "2020-03-26", "latest", "--format", "json")
    assert (forward.exit_code, forward.stderr) == (0, "")  # exact references: no notes
    assert "reversed" not in json.loads(forward.stdout)
    assert [c["name"] for c in json.loads(forward.stdout)["joined"]] == ["星河智能科技有限公司"]


@pytest.mark.parametrize("command", ["members", "stats"])
def test_cli_at_a_date_notes_the_fallback(db: Store, run: Run, command: str) -> None:
    base = _add(db, BASELINE, origin="baseline")
    bad = _add(db, _day(2022, 9, 8), status="quarantined")
    result = run(command, "--at", "2022-09-08", "--format", "json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    assert result.stderr == (
        f"Note: 2022-09-08 → snapshot {base} of 2020-03-26 (the latest ok snapshot on or before "
        f"that day; snapshot {bad} of 2022-09-08 is quarantined: {OUTAGE})\n"
    )
    assert run(command, "--at", "2020-03-26").stderr == ""

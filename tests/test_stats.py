"""`tracker stats`: members and listings cross-tabulated by tier, and the composition chart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.cli import Run, invoker
from tests.golden_files import assert_golden
from tracker.app.refs import resolve
from tracker.core.annotations import Annotation
from tracker.core.composition import guessed_counts
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.core.stats import Stats, cross_tab
from tracker.store import Store

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _listing(tier: str, position: int, name: str) -> Listing:
    return Listing(
        tier=tier, tier_label=tier, position=position, name=name, key=normalize_key(name)
    )


LISTINGS = [
    _listing("vice_chair", 1, "星河智能科技有限公司"),
    _listing("board", 1, "青岚数据（北京）有限公司"),
    _listing("board", 2, "东湖大学"),
    _listing("ordinary", 1, "青岚数据(北京)有限公司"),  # the same key, half-width brackets
    _listing("ordinary", 2, "白鹭云计算有限公司"),
    _listing("ordinary", 3, "无注释科技有限公司"),
]
FACTS: list[tuple[str, dict[str, Any]]] = [
    ("星河智能科技有限公司", {"type": "Industry", "state_owned": True}),
    ("青岚数据（北京）有限公司", {"type": "Industry", "state_owned": False}),
    ("东湖大学", {"type": "Academia"}),
    ("白鹭云计算有限公司", {"type": None, "extra": {"state_owned": "Partially"}}),
]
NOTES = {
    normalize_key(name): Annotation(key=normalize_key(name), origin="test", name=name, **fields)
    for name, fields in FACTS
}


def _counts(stats: Stats) -> dict[str, tuple[int, int, dict[str, tuple[int, int]]]]:
    return {
        row.value: (
            row.members,
            row.listings,
            {t: (c.members, c.listings) for t, c in row.tiers.items()},
        )
        for row in [*stats.rows, stats.total]
    }


def test_by_tier_counts_members_by_highest_tier_and_every_listing() -> None:
    stats = cross_tab(LISTINGS, NOTES, "tier")
    assert stats.tiers == ["vice_chair", "board", "ordinary"]
    assert [(r.value, r.members, r.listings) for r in [*stats.rows, stats.total]] == [
        ("vice_chair", 1, 1),
        ("board", 2, 2),
        ("ordinary", 2, 3),
        ("total", 5, 6),
    ]


def test_by_type_keeps_unannotated_members_and_puts_no_information_last() -> None:
    assert _counts(cross_tab(LISTINGS, NOTES, "type")) == {
        "Industry": (2, 3, {"vice_chair": (1, 1), "board": (1, 1), "ordinary": (0, 1)}),
        "Academia": (1, 1, {"vice_chair": (0, 0), "board": (1, 1), "ordinary": (0, 0)}),
        "n/a": (1, 1, {"vice_chair": (0, 0), "board": (0, 0), "ordinary": (1, 1)}),
        "unannotated": (1, 1, {"vice_chair": (0, 0), "board": (0, 0), "ordinary": (1, 1)}),
        "total": (5, 6, {"vice_chair": (1, 1), "board": (2, 2), "ordinary": (2, 3)}),
    }


def test_by_soe_shows_cset_wording_for_neither_yes_nor_no() -> None:
    stats = cross_tab(LISTINGS, NOTES, "soe")
    assert [(r.value, r.members) for r in stats.rows] == [
        ("Partially", 1),
        ("no", 1),
        ("yes", 1),
        ("n/a", 1),
        ("unannotated", 1),
    ]


def test_counts_by_guessed_values_come_in_the_order_the_list_gives_them() -> None:
    # Not a set's order, which follows the process's hash seed: a report must read the
    # same every time it is run.
    cities = [f"City{n:02d}" for n in range(24)]
    listings = [_listing("ordinary", n, f"样例{n}号科技有限公司") for n in range(24)]
    notes = {
        x.key: Annotation(key=x.key, origin="inferred", name=x.name, city=city)
        for x, city in zip(listings, reversed(cities), strict=True)
    }
    found = guessed_counts(listings, notes, "city", set(notes))
    assert list(found) == list(reversed(cities))


def test_no_listings_give_an_empty_table() -> None:
    stats = cross_tab([], {}, "type")
    assert (stats.tiers, stats.rows, stats.total.members) == ([], [], 0)


@pytest.fixture
def run(tmp_path: Path) -> Run:
    invoke = invoker(tmp_path)
    assert invoke("baseline", "import", str(SMALL)).exit_code == 0
    return invoke


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["--at", "baseline"], "stats-small-tier.txt"),
        (["--at", "baseline", "--by", "type"], "stats-small-type.txt"),
        (["--at", "2020-03-26", "--by", "soe", "--format", "csv"], "stats-small-soe.csv"),
        (["--by", "type", "--format", "json"], "stats-small-type.json"),
    ],
)
def test_stats_output(run: Run, args: list[str], golden: str) -> None:
    result = run("stats", *args)
    assert result.exit_code == 0, result.output
    assert_golden(golden, result.stdout)


def test_counts_by_tier_annotate_nobody(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotating every member is most of what `stats --by type` costs; by tier it is skipped."""
    expected = run("stats", "--format", "json").stdout

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("stats by tier annotated members")

    monkeypatch.setattr("tracker.app.reports.annotations_of", refuse)
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    assert run("stats", "--by", "type").exit_code != 0  # the patch is what stats would call


def test_a_newcomer_is_counted_by_what_its_name_states_and_marked_inferred_else_unannotated(
    run: Run, tmp_path: Path
) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    baseline = resolve(store, "baseline", "aiia").snapshot
    later = [
        *store.listings(baseline.id),
        _listing("ordinary", 4, "新加入智能有限公司"),  # a company: Industry, guessed
        _listing("ordinary", 5, "星火产业促进会"),  # an association: no type stated
    ]
    with store.atomic():
        store.add_snapshot(
            source_id="aiia",
            captured_at=datetime(2021, 1, 1, tzinfo=UTC),
            origin="file",
            page_sha256=baseline.page_sha256,
            provenance=None,
            parsed=ParseResult(listings=later),
            parser_version="test",
            status="ok",
            reason=None,
            created_at=datetime(2021, 1, 1, tzinfo=UTC),
        )
    store.close()
    data = json.loads(run("stats", "--by", "type", "--format", "json").stdout)
    assert data["snapshot"]["captured_at"] == "2021-01-01T00:00:00Z"
    assert [(r["value"], r["members"]) for r in data["rows"]] == [
        ("Industry", 4),
        ("Academia", 1),
        ("Government", 1),
        ("unannotated", 1),
    ]
    assert data["inferred"] == {"Industry": 1}
    table = run("stats", "--by", "type").stdout
    assert (
        "inferred: 1 of 7 members are counted by a type guessed from their name, not "
        "annotated (Industry 1)\n"
    ) in table


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_writes_an_image(run: Run, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tiers.{suffix}"
    result = run("stats", "--at", "baseline", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {path}\n"
    assert result.stdout.startswith("snapshot 1  2020-03-26T00:00:00Z")
    content = path.read_bytes()
    if suffix == "png":
        assert content.startswith(PNG_SIGNATURE) and len(content) > 1000
    else:
        assert b"<svg" in content[:1000] and b"Industry (3)" in content


def test_plot_with_an_unknown_extension_is_a_one_line_error(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "tiers.jpg"
    result = run("stats", "--plot", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {path}: cannot draw a .jpg file; use .png or .svg\n"
    assert not path.exists()


def test_plot_into_a_missing_folder_fails_before_any_output(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "absent" / "tiers.png"
    result = run("stats", "--plot", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {path}: no such folder {path.parent}\n"

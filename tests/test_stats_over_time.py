"""`tracker stats --over-time`: the composition at each point, its inferred share, its
outputs (golden), and that each column is what `stats --at` says of its snapshot."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlite_utils
from click.testing import CliRunner

from tests.cli import Run, invoker
from tests.golden_files import assert_golden
from tests.test_charts import SOURCE_GID, SVG, _group, _texts
from tracker import __version__
from tracker.app import reports
from tracker.app.annotations import annotations_of
from tracker.app.reports import members_at, over_time
from tracker.cli import cli
from tracker.core.annotations import Annotation
from tracker.core.composition import (
    Composition,
    composition,
    inferred_keys,
    pick_points,
    point,
    shown_origins,
)
from tracker.core.config import Config
from tracker.core.credit import CSET_CREDIT, CSET_ORIGIN
from tracker.core.diff import members
from tracker.core.fields import INFERRED_ORIGIN, USER_ORIGIN
from tracker.core.models import Listing, ParseResult, Snapshot
from tracker.core.normalize import normalize_key
from tracker.core.stats import effective_tiers
from tracker.render.charts import inferred_note, shares_figure
from tracker.store import Store

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
# Invented members that join after the baseline. 白鹭 is annotated by inference alone, 西岭
# by a person for its type with its city and province inferred, 澄明 by no one (its name
# states neither a type nor a place).
BAILU, XILING, CHENGMING = "白鹭云计算有限公司", "西岭大学", "澄明"
DONGHU, NANSHAN = "东湖大学", "南山人工智能研究院"


def _key(name: str) -> str:
    return normalize_key(name)


def _listing(tier: str, position: int, name: str) -> Listing:
    return Listing(tier=tier, tier_label=tier, position=position, name=name, key=_key(name))


def _guessed(name: str, **fields: str) -> Annotation:
    return Annotation(key=_key(name), origin=INFERRED_ORIGIN, name=name, **fields)


# What the merge of issue 16 gives these keys (user > CSET > inferred, per field).
MERGED = {
    _key(BAILU): _guessed(BAILU, type="Industry", province="Fujian", city="Xiamen"),
    _key(XILING): Annotation(
        key=_key(XILING),
        origin=USER_ORIGIN,
        name=XILING,
        type="Academia",
        province="Sichuan",
        city="Chengdu",
        sources={"type": USER_ORIGIN, "province": INFERRED_ORIGIN, "city": INFERRED_ORIGIN},
    ),
}


def _merged(*args: Any, **kwargs: Any) -> dict[str, Annotation]:
    """annotations_of as issue 16's merge answers for the fixture, whatever inference
    would make of the other names: the stored annotations, and MERGED for the new keys."""
    found = annotations_of(*args, **kwargs)
    return found | {key: note for key, note in MERGED.items() if key in args[2]}


def _add(store: Store, day: datetime, listings: list[Listing], *, doubted: bool = False) -> None:
    baseline = store.snapshots("aiia")[0]
    with store.atomic():
        store.add_snapshot(
            source_id="aiia",
            captured_at=day,
            origin="file",
            page_sha256=baseline.page_sha256,
            provenance=None,
            parsed=ParseResult(listings=[] if doubted else listings),
            parser_version="test",
            status="quarantined" if doubted else "ok",
            reason="no members found" if doubted else None,
            created_at=day,
        )


def _history(folder: Path) -> None:
    """After the 2020 baseline: a join (2020-11), a departure and two joins (2021-06), a
    quarantined reading (2021-09, never counted), a promotion (2022-02)."""
    store = Store(sqlite_utils.Database(folder / "t.db"))
    base = store.listings(store.snapshots("aiia")[0].id)
    later = [*base, _listing("ordinary", 9, BAILU)]
    _add(store, datetime(2020, 11, 1, tzinfo=UTC), later)
    later = [x for x in later if x.key != _key(DONGHU)]
    later += [_listing("board", 5, XILING), _listing("ordinary", 10, CHENGMING)]
    _add(store, datetime(2021, 6, 1, tzinfo=UTC), later)
    _add(store, datetime(2021, 9, 30, tzinfo=UTC), [], doubted=True)
    later = [_listing("board", 6, NANSHAN) if x.key == _key(NANSHAN) else x for x in later]
    _add(store, datetime(2022, 2, 1, tzinfo=UTC), later)
    store.close()


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    invoke = invoker(tmp_path)
    assert invoke("baseline", "import", str(SMALL)).exit_code == 0
    _history(tmp_path)
    monkeypatch.setattr(reports, "annotations_of", _merged)
    return invoke


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["--by", "type"], "stats-over-time-type.txt"),
        (["--by", "tier", "--every", "snapshot"], "stats-over-time-tier.txt"),
        (["--by", "city", "--every", "quarter", "--format", "csv"], "stats-over-time-city.csv"),
        (["--by", "type", "--every", "snapshot", "--format", "json"], "stats-over-time-type.json"),
    ],
)
def test_over_time_output(run: Run, args: list[str], golden: str) -> None:
    result = run("stats", "--over-time", *args)
    assert result.exit_code == 0, result.output
    assert_golden(golden, result.stdout)
    # CSET's values are shown (by any field but tier): credited, on stderr beside data.
    credit = "--by" in args and args[args.index("--by") + 1] != "tier"
    table = "--format" not in args
    assert (CSET_CREDIT in result.stdout) == (credit and table)
    assert (CSET_CREDIT in result.stderr) == (credit and not table)


def test_every_column_is_what_stats_at_says_of_its_snapshot(run: Run, tmp_path: Path) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    for every in ("year", "quarter", "snapshot"):
        for by in ("type", "city", "tier"):
            found = over_time(store, "aiia", by, every).composition
            for each in found.points:
                alone = members_at(store, "aiia", str(each.snapshot_id))
                assert each.stats == alone.stats(by), (every, by, each.label)
    store.close()


def test_points_are_the_baseline_then_each_periods_last_ok_snapshot(
    run: Run, tmp_path: Path
) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))

    def points(every: str) -> list[tuple[str, int]]:
        found = over_time(store, "aiia", "type", every).composition
        return [(each.label, each.snapshot_id) for each in found.points]

    # The baseline is not 2020's last snapshot: it keeps its own column. The quarantined
    # reading (id 4) is never a point.
    assert points("year") == [("baseline", 1), ("2020", 2), ("2021", 3), ("2022", 5)]
    assert points("quarter") == [("2020-Q1", 1), ("2020-Q4", 2), ("2021-Q2", 3), ("2022-Q1", 5)]
    assert [label for label, _ in points("snapshot")] == [
        "2020-03-26", "2020-11-01", "2021-06-01", "2022-02-01"
    ]  # fmt: skip
    store.close()


def test_inferred_values_are_counted_per_field_as_shown(run: Run, tmp_path: Path) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    latest = {by: over_time(store, "aiia", by, "year").composition.points[-1] for by in (
        "type", "city", "province", "tier")}  # fmt: skip
    store.close()
    # By type: 白鹭's type is a guess, 西岭's a person's; by city both are guesses.
    assert (latest["type"].inferred, latest["type"].inferred_members) == ({"Industry": 1}, 1)
    assert latest["city"].inferred == {"Xiamen": 1, "Chengdu": 1}
    assert latest["province"].inferred_members == 2
    assert latest["tier"].inferred == {}
    assert latest["type"].stats.total.members == 7


def test_a_value_without_a_source_of_its_own_takes_the_annotations_origin() -> None:
    user = Annotation(key="k", origin=USER_ORIGIN, name="k", type="Industry", city="Xi'an")
    guessed = _guessed("g", type="Academia")
    empty = _guessed("e", type=None, city="Xiamen")
    mixed = msgspec.structs.replace(user, key="m", sources={"city": INFERRED_ORIGIN})
    notes = {note.key: note for note in (user, guessed, empty, mixed)}
    # A guess with no value for the field is no inferred value shown.
    assert inferred_keys(notes, "type") == {"g"}
    assert inferred_keys(notes, "city") == {"e", "m"}
    assert inferred_keys(notes, "tier") == set()
    assert shown_origins(notes, notes, "type") == {USER_ORIGIN, INFERRED_ORIGIN}
    cset = msgspec.structs.replace(user, origin=CSET_ORIGIN, sources={"type": CSET_ORIGIN})
    assert shown_origins({"k": cset}, ["k", "absent"], "type") == {CSET_ORIGIN}


def _snapshot(snapshot_id: int, day: datetime) -> Snapshot:
    return Snapshot(
        id=snapshot_id,
        source_id="aiia",
        captured_at=day,
        origin="file",
        page_sha256="0" * 64,
        parser_version="test",
        status="ok",
        counts={},
        member_count=0,
        listing_count=0,
    )


def test_two_readings_on_one_day_are_two_columns_told_apart_by_id() -> None:
    day = datetime(2021, 6, 1, 2, tzinfo=UTC)
    snapshots = [_snapshot(1, day), _snapshot(2, day.replace(hour=9))]
    assert [label for label, _ in pick_points(snapshots, "snapshot")] == [
        "2021-06-01",
        "2021-06-01 #2",
    ]
    assert [(label, s.id) for label, s in pick_points(snapshots, "year")] == [
        ("baseline", 1),
        ("2021", 2),
    ]


def test_a_point_counts_guesses_among_its_own_members_only() -> None:
    listings = [_listing("board", 1, XILING), _listing("ordinary", 1, XILING)]
    notes = {_key(BAILU): MERGED[_key(BAILU)], _key(XILING): MERGED[_key(XILING)]}
    guessed = inferred_keys(notes, "city")
    each = point(
        "2021", _snapshot(3, datetime(2021, 1, 1, tzinfo=UTC)), listings, notes, "city", guessed
    )
    # Listed twice, counted once; 白鹭 is not listed here.
    assert (each.inferred, each.stats.total.members) == ({"Chengdu": 1}, 1)


def test_effective_tiers_are_the_tiers_of_members() -> None:
    listings = [
        _listing("ordinary", 1, BAILU),
        _listing("board", 1, BAILU),
        _listing("other", 1, XILING),
        _listing("ordinary", 2, XILING),
        _listing("vice_chair", 1, NANSHAN),
    ]
    assert effective_tiers(listings) == {k: m.tier for k, m in members(listings).items()}


def test_many_snapshots_in_one_year_read_one_at_a_time_give_the_same_columns(
    run: Run, tmp_path: Path
) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    last = store.listings(store.snapshots("aiia", status="ok")[-1].id)
    for day in range(1, 12):
        _add(store, datetime(2023, 1, day, tzinfo=UTC), last[:day])
    year = over_time(store, "aiia", "type", "year").composition
    every = over_time(store, "aiia", "type", "snapshot").composition
    store.close()
    # A year's last is read by its own query (a fifth of the listings here), every one in
    # one streamed pass: the same counts either way.
    by_id = {each.snapshot_id: each.stats for each in every.points}
    assert [each.label for each in year.points][-1] == "2023"
    assert all(each.stats == by_id[each.snapshot_id] for each in year.points)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "year"], "--every picks the points of --over-time: give --over-time too"),
        (["--over-time", "--at", "baseline"], "--at picks one snapshot; --over-time reads every"),
    ],
)
def test_contradictory_options_are_a_usage_error(run: Run, args: list[str], message: str) -> None:
    result = run("stats", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert message in result.stderr


def test_no_ok_snapshot_is_a_one_line_error(tmp_path: Path) -> None:
    run = invoker(tmp_path)
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    with store.atomic():
        store.set_status(1, "quarantined", reason="test", at=datetime(2020, 4, 1, tzinfo=UTC))
    store.close()
    result = run("stats", "--over-time")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: no ok snapshots of 'aiia' yet")
    assert result.stderr.count("\n") == 1


def test_json_says_which_snapshot_each_point_is_and_its_inferred_share(run: Run) -> None:
    data = json.loads(run("stats", "--over-time", "--by", "city", "--format", "json").stdout)
    assert [p["point"] for p in data["points"]] == ["baseline", "2020", "2021", "2022"]
    assert data["points"][-1] == {
        "point": "2022",
        "snapshot_id": 5,
        "captured_at": "2022-02-01T00:00:00Z",
        "origin": "file",
        "members": 7,
        "inferred": 2,
        "inferred_percent": 28.6,
    }
    totals = [r for r in data["rows"] if r["value"] == "total"]
    assert [r["inferred"] for r in totals] == [0, 1, 2, 2]


# The chart: its text and elements, not its pixels (as tests/test_charts.py checks charts).


def test_chart_is_titled_sourced_credited_and_says_how_much_is_inferred(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "cities.svg"
    result = run("stats", "--over-time", "--by", "city", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"wrote {path}\n")
    texts = _texts(path)
    assert {
        Config().source().name,
        "Members by city, % of all members, 2020-03-26 to 2022-02-01",
        "city (members, latest)",
        "Beijing (2)",
        "Xiamen (1)",
        "unannotated (1)",
        "% of members (distinct organisations)",
    } <= set(texts)
    # One bar per point, named by its period and its snapshot's day.
    assert {"baseline", "2020-03-26", "2022", "2022-02-01"} <= set(texts)
    source = ["".join(g.itertext()) for g in _group(path, SOURCE_GID).iter(f"{SVG}text")]
    assert source == [
        "Values of city inferred from names, not annotated: 0.0% of members on 2020-03-26, "
        "28.6% on 2022-02-01.",
        "Source: http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure",
        "snapshots 1 to 5 (4 points: the baseline, then the last ok snapshot of each year) "
        f"captured 2020-03-26T00:00:00Z to 2022-02-01T00:00:00Z; made with aiia-tracker {__version__}",
        CSET_CREDIT,
    ]


def test_chart_by_tier_credits_no_one_and_infers_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "tiers.png"
    result = run("stats", "--over-time", "--by", "tier", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg = tmp_path / "tiers.svg"
    assert run("stats", "--over-time", "--by", "tier", "--plot", str(svg)).exit_code == 0
    texts = _texts(svg)
    assert "Tiers as the page lists them: no value inferred." in texts
    assert not any("CSET" in text for text in texts)


def test_a_chart_path_that_cannot_be_drawn_fails_before_any_output(
    run: Run, tmp_path: Path
) -> None:
    result = run("stats", "--over-time", "--plot", str(tmp_path / "shares.jpg"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "cannot draw a .jpg file" in result.stderr


def _synthetic(days: int, cities: int) -> Composition:
    """`days` daily points, each listing one member in each of `cities` cities and one
    unannotated, the first city's member's city a guess."""
    notes = {f"k{n}": Annotation(key=f"k{n}", origin=USER_ORIGIN, name=f"k{n}", city=f"City {n:02}")
             for n in range(cities)}  # fmt: skip
    notes["k0"] = _guessed("k0", city="City 00")
    listings = [_listing("ordinary", n + 1, f"k{n}") for n in range(cities + 1)]
    guessed = inferred_keys(notes, "city")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    points = [
        point(
            f"p{day}",
            _snapshot(day + 1, start + timedelta(days=day)),
            listings,
            notes,
            "city",
            guessed,
        )
        for day in range(days)
    ]
    return composition(points, "city", "snapshot")


def test_many_points_are_drawn_as_areas_and_many_values_as_others_beside_the_legend() -> None:
    found = _synthetic(days=30, cities=14)
    figure = shares_figure(found, title="t", source=inferred_note(found))
    figure.draw_without_rendering()
    axes = figure.axes[0]
    assert len(axes.collections) == 10 and not axes.patches  # areas, not bars
    legend = axes.get_legend()
    assert legend is not None
    labels = [text.get_text() for text in legend.get_texts()]
    # Nine colours for the largest named values, one for the rest, and no information apart.
    assert labels[-2:] == ["6 others (6)", "unannotated (1)"] and len(labels) == 10
    assert not legend.get_window_extent().overlaps(axes.get_window_extent())
    assert inferred_note(found) == (
        "Values of city inferred from names, not annotated: 6.7% of members on 2020-01-01, "
        "6.7% on 2020-01-30."
    )


def test_few_points_are_bars_labelled_with_their_shares() -> None:
    found = _synthetic(days=3, cities=2)
    figure = shares_figure(found, title="t", source="s")
    figure.draw_without_rendering()
    axes = figure.axes[0]
    assert len(axes.patches) == 9  # three values, three bars each
    assert "33%" in {text.get_text() for text in axes.texts}


# The README's headline figures: its commands, run on the demo, print what it shows.

HEADLINE = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
HEADLINE = HEADLINE.split("## The brief's headline figures, then and now", 1)[1]
HEADLINE = HEADLINE.split("\n## ", 1)[0]
SHOWN = re.findall(r"```sh\n(tracker [^\n]*)\n```\n\n```\n(.*?)```", HEADLINE, re.S)


def test_the_headline_section_shows_two_commands_with_their_output() -> None:
    assert [command.split()[:5] for command, _ in SHOWN] == [
        ["tracker", "stats", "--over-time", "--by", "type"],
        ["tracker", "stats", "--over-time", "--by", "city"],
    ]


@pytest.mark.parametrize(("command", "shown"), SHOWN, ids=["type", "cities"])
def test_the_headline_figures_are_what_the_demo_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, shown: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["demo"]).exit_code == 0
    monkeypatch.setenv("TRACKER_CONFIG", "demo/config.toml")
    monkeypatch.setenv("TRACKER_DB", "demo/tracker.db")
    tracker, _, rest = command.partition(" | ")
    result = CliRunner().invoke(cli, shlex.split(tracker)[1:])
    assert result.exit_code == 0, result.output
    printed = result.stdout
    if rest:
        if shutil.which("awk") is None:
            pytest.skip("no awk on this machine to run the README's pipeline")
        piped = subprocess.run(
            shlex.split(rest), input=printed, capture_output=True, text=True, check=True
        )
        printed = piped.stdout
    # If issue 16's inference changes the demo's figures, this fails: update the README.
    assert printed == shown

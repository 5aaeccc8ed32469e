"""The benchmarks' synthetic data at tiny sizes: right shape, readable by the real code.

No timing is asserted here; `python -m bench` prints the figures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import growth, interactive, site, synth
from bench.measure import Figure, table
from tracker.cli import cli
from tracker.core.diff import diff
from tracker.core.parse import parse_page


def test_names_are_distinct_and_reproducible() -> None:
    names = synth.NameMaker(seed=1).names(500)
    assert len(set(names)) == 500
    assert names == synth.NameMaker(seed=1).names(500)
    assert names != synth.NameMaker(seed=2).names(500)


def test_tiers_follow_the_march_2020_shares() -> None:
    tiers = synth.page_of(100)
    assert {tier: len(names) for tier, names in tiers.items()} == {
        "vice_chair": 5,
        "board": 33,
        "ordinary": 62,
    }


@pytest.mark.parametrize("members", [1, 40, 300])
def test_the_parser_reads_exactly_the_listings_a_page_was_built_from(members: int) -> None:
    tiers = synth.page_of(members, seed=members)
    parsed = parse_page(synth.member_page(tiers))
    assert parsed.listings == synth.listings(tiers)


def test_churn_plants_what_the_diff_finds() -> None:
    maker = synth.NameMaker(seed=9)
    old = synth.tiered(maker.names(400))
    new, planted = synth.churned(old, maker, share=0.05)
    assert planted == synth.Churn(departed=16, joined=16, renamed=4, moved=10)
    found = diff(synth.listings(old), synth.listings(new))
    assert len(found.renamed) >= planted.renamed
    assert len(found.departed) + len(found.renamed) == planted.departed + planted.renamed
    assert len(found.tier_changed) == planted.moved


def test_history_grows_in_dated_versions() -> None:
    versions = list(synth.history(days=100, versions=5, start_members=50, end_members=90, seed=3))
    assert [v.captured_at.date().isoformat() for v in versions] == [
        "2020-03-26",
        "2020-04-15",
        "2020-05-05",
        "2020-05-25",
        "2020-06-14",
    ]
    sizes = [sum(len(names) for names in v.tiers.values()) for v in versions]
    assert sizes == [50, 60, 70, 80, 90]
    assert versions[0].captured_at == datetime(2020, 3, 26, tzinfo=UTC)


def test_store_growth_counts_pages_and_bytes(tmp_path: Path) -> None:
    figures = growth.measure(tmp_path, members=200, unchanged=3, changing=2)
    by_name = {f.name: f for f in figures}
    archive = by_name["archive growth over 3 unchanged ticks"]
    assert (archive.value, archive.met) == (0, True)
    assert by_name["  of which archived page bytes per change"].met is True
    assert by_name["database growth per unchanged tick (3 ticks)"].unit == "bytes"


def test_a_built_history_is_read_by_the_real_cli(tmp_path: Path) -> None:
    built = interactive.build(tmp_path / "h.db", days=20, versions=4, members=(30, 60))
    assert (built.snapshots, built.ticks, built.first_members, built.last_members) == (
        4,
        20,
        30,
        60,
    )
    db = ["--db", str(built.path)]
    result = CliRunner().invoke(cli, [*db, "history", built.member_part, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert built.member_name in result.output
    outcome = CliRunner().invoke(cli, [*db, "diff", "2020-03-26", "latest", "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    assert [args[-1] for args, _ in interactive.commands(built)][:2] == ["--help", "json"]


def test_the_site_history_has_a_snapshot_a_day_and_builds(tmp_path: Path) -> None:
    assert site.build(tmp_path / "s.db", days=12, versions=3, members=30) == 12
    figures = site.measure(tmp_path, days=12, versions=3, members=30)
    assert [f.name for f in figures] == [
        "tracker site build (empty folder)",
        "tracker site build (rebuild, unchanged)",
        "site size",
    ]
    assert (tmp_path / "site" / "snapshots" / "12.html").is_file()
    assert not (tmp_path / "site" / "snapshots" / "13.html").exists()


def test_table_shows_targets_and_misses() -> None:
    figures = [
        Figure(group="g", name="fast", value=0.25, unit="ms", target="< 1 ms", met=True),
        Figure(group="g", name="slow", value=1234.5, unit="ms", target="< 1 ms", met=False),
    ]
    assert table(figures).splitlines() == [
        "measurement  median    detail  target  status",
        "-----------  --------  ------  ------  ------",
        "fast         0.25 ms           < 1 ms  met",
        "slow         1,234 ms          < 1 ms  MISSED",
    ]

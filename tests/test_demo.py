"""`tracker demo`: a database from invented pages shipped in the package, no network."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tracker.app.demo import BASELINE, PAGES, demo_file
from tracker.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def tracker(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    return folder, tracker("demo", folder)


def test_the_demo_tells_its_story_through_the_normal_workflows(built: tuple[Path, Result]) -> None:
    folder, result = built
    assert result.exit_code == 0, result.output
    with sqlite_utils.Database(folder / "tracker.db") as db:
        rows = list(db.query("select captured_at, origin, status, provenance from snapshots"))
    assert [(r["captured_at"][:10], r["origin"], r["status"]) for r in rows] == [
        ("2020-03-26", "baseline", "ok"),
        ("2021-06-01", "file", "ok"),
        ("2022-09-08", "file", "quarantined"),
        ("2023-03-15", "file", "ok"),
        ("2024-05-01", "file", "ok"),
    ]
    assert all("#invented-demo-data" in r["provenance"] for r in rows)


def test_the_demo_prints_the_diff_since_the_baseline_and_what_to_try(
    built: tuple[Path, Result],
) -> None:
    folder, result = built
    out = result.output
    assert "+3 joined, -2 departed, 1 tier change (1 up, 0 down), 1 likely rename" in out
    assert "云杉机器人有限公司  ↑ board → vice-chair" in out
    assert "启明医疗信息股份有限公司  was 启明医疗信息有限公司" in out
    assert "snapshot 3 quarantined: no members found" in out
    tries = [line.split(maxsplit=3) for line in out.splitlines() if line.startswith("  tracker ")]
    assert len(tries) >= 5
    for _, option, db, command in tries:
        assert (option, db) == ("--db", str(folder / "tracker.db"))
        ran = tracker("--db", db, *command.split())
        assert ran.exit_code == 0, (command, ran.output)


def test_a_second_demo_in_the_same_folder_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    assert tracker("demo", tmp_path / "d").exit_code == 0
    before = (tmp_path / "d" / "tracker.db").read_bytes()
    again = tracker("demo", tmp_path / "d")
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {tmp_path / 'd' / 'tracker.db'} already exists: remove it to rebuild the demo, "
        "or give another DIR\n"
    )
    assert (tmp_path / "d" / "tracker.db").read_bytes() == before


def test_the_demo_never_creates_missing_parent_folders(tmp_path: Path) -> None:
    result = tracker("demo", tmp_path / "no" / "such" / "demo")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot create {tmp_path / 'no' / 'such' / 'demo'}")
    assert list(tmp_path.iterdir()) == []


def test_the_demo_files_ship_in_the_package() -> None:
    """A non-editable install carries exactly what package-data names."""
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = shipped["tool"]["setuptools"]["package-data"]["tracker"]
    for name in [BASELINE, *(name for name, _ in PAGES)]:
        assert demo_file(name).is_file(), name
        assert any(fnmatch.fnmatch(f"demo_data/{name}", pattern) for pattern in globs), name
    on_disk = {p.name for p in (ROOT / "tracker" / "demo_data").iterdir()}
    assert on_disk == {BASELINE, *(name for name, _ in PAGES)}


def test_every_demo_name_is_an_invented_one_from_the_fixtures() -> None:
    from tracker.core.cset import read_baseline
    from tracker.core.parse import read_pages

    invented = "".join(
        path.read_text(encoding="utf-8")
        for path in [
            *(ROOT / "fixtures" / "diff").glob("*.html"),
            ROOT / "fixtures/baseline/small.csv",
        ]
    )
    names = {x.name for x in read_baseline(demo_file(BASELINE).read_bytes(), BASELINE).listings}
    for name, _ in PAGES:
        text = demo_file(name).read_text(encoding="utf-8")
        names |= {x.name for x in read_pages([text]).result.listings}
    assert len(names) > 15
    assert sorted(name for name in names if name not in invented) == []

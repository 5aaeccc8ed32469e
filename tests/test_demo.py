"""`tracker demo`: a database from invented pages shipped in the package, no network."""

from __future__ import annotations

import fnmatch
import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.cli import DEFAULTS, invoker
from tracker.app.demo import BASELINE, PAGES, SOURCE_NAME, demo_file
from tracker.cli import cli
from tracker.core.config import DEFAULT_URL, Config
from tracker.core.credit import CSET_CREDIT

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def tracker(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def demo_options(folder: Path) -> list[str]:
    return ["--config", str(folder / "config.toml"), "--db", str(folder / "tracker.db")]


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def assert_not_the_aiia(text: str) -> None:
    """Nothing built from invented data may read as the alliance's page or CSET's work."""
    assert "aiiaorg.cn" not in text
    assert "AIIA" not in text
    assert "CSET" not in text
    assert CSET_CREDIT not in text


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
    tries = [line.split(maxsplit=5) for line in out.splitlines() if line.startswith("  tracker ")]
    assert len(tries) >= 5
    for _, *options, command in tries:
        assert options == demo_options(folder)
        ran = tracker(*options, *command.split())
        assert ran.exit_code == 0, (command, ran.output)


def test_the_quarantine_hint_names_the_demos_config_and_database(
    built: tuple[Path, Result],
) -> None:
    """Pasted as printed, the hint reads the demo, never the user's own record."""
    folder, result = built
    (line,) = [line for line in result.output.splitlines() if "quarantined:" in line]
    hint = line.split("inspect it with `", 1)[1].rstrip("`").split()
    assert hint == ["tracker", *demo_options(folder), "members", "--at", "3"]
    assert "accept" not in line
    ran = tracker(*hint[1:])
    assert ran.exit_code == 0 and "snapshot 3 is quarantined" in ran.output


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


def test_the_demo_tracks_its_own_invented_source(built: tuple[Path, Result]) -> None:
    folder, result = built
    assert result.exit_code == 0, result.output
    config = tomllib.loads((folder / "config.toml").read_text(encoding="utf-8"))
    assert [(s["id"], s["name"], s["url"]) for s in config["sources"]] == [
        ("demo", SOURCE_NAME, "https://demo.invalid/alliance/structure")
    ]
    with sqlite_utils.Database(folder / "tracker.db") as db:
        assert [row["id"] for row in db.query("select id from sources")] == ["demo"]
        origins = {row["origin"] for row in db.query("select distinct origin from annotations")}
        (baseline,) = db.query("select provenance from snapshots where origin = 'baseline'")
    # The invented annotations are the demo's own, never CSET's.
    assert origins == {"demo-2020"}
    assert "(invented demo data, extracted from https://demo.invalid/" in baseline["provenance"]
    assert_not_the_aiia(result.output)
    assert f"Membership changes: {SOURCE_NAME}, snapshot 1 → 5" in result.output


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_no_diff_of_the_demo_names_the_aiia_or_credits_cset(
    built: tuple[Path, Result], fmt: str
) -> None:
    folder, _ = built
    result = tracker(*demo_options(folder), "diff", "baseline", "latest", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert_not_the_aiia(result.output)
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["credit"] is None and data["old"]["source_id"] == "demo"
    else:
        assert SOURCE_NAME in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["members", "--at", "baseline"],
        ["members", "--at", "baseline", "--format", "csv"],
        ["stats", "--at", "baseline", "--by", "type"],
        ["stats", "--at", "baseline", "--by", "type", "--format", "json"],
        ["history", "启明医疗"],
        ["snapshots"],
    ],
    ids=" ".join,
)
def test_no_table_of_the_demo_names_the_aiia_or_credits_cset(
    built: tuple[Path, Result], args: list[str]
) -> None:
    folder, _ = built
    result = tracker(*demo_options(folder), *args)
    assert result.exit_code == 0, result.output
    # The invented annotations are shown, uncredited.
    assert args[0] not in ("members", "stats") or "Industry" in result.output
    assert_not_the_aiia(result.output)


@pytest.mark.parametrize(
    "args", [["stats", "--at", "baseline", "--by", "type"], ["timeline"]], ids=" ".join
)
def test_no_chart_of_the_demo_names_the_aiia_or_credits_cset(
    built: tuple[Path, Result], args: list[str], tmp_path: Path
) -> None:
    folder, _ = built
    chart = tmp_path / "chart.svg"
    result = tracker(*demo_options(folder), *args, "--plot", chart)
    assert result.exit_code == 0, result.output
    text = svg_text(chart)
    assert_not_the_aiia(text)
    assert SOURCE_NAME in text.splitlines()
    assert "Source: https://demo.invalid/alliance/structure" in text.splitlines()


def test_a_real_baseline_is_still_credited_to_cset_and_titled_by_the_real_source(
    tmp_path: Path,
) -> None:
    run = invoker(tmp_path, DEFAULTS)
    assert run("baseline", "import", str(ROOT / "fixtures/baseline/small.csv")).exit_code == 0
    members = run("members", "--at", "baseline")
    assert CSET_CREDIT in members.output
    chart = tmp_path / "chart.svg"
    assert run("stats", "--by", "type", "--plot", str(chart)).exit_code == 0
    lines = svg_text(chart).splitlines()
    assert {Config().source().name, f"Source: {DEFAULT_URL}", CSET_CREDIT} <= set(lines)
    with sqlite_utils.Database(tmp_path / "t.db") as db:
        (baseline,) = db.query("select provenance from snapshots")
    assert "(CSET, extracted from " in baseline["provenance"]


def test_a_config_toml_that_is_not_the_demos_is_never_overwritten(tmp_path: Path) -> None:
    own = tmp_path / "config.toml"
    own.write_text("[store]\n", encoding="utf-8")
    result = tracker("demo", tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {own} exists and is not the demo's: move it away, or give the demo another DIR\n"
    )
    assert own.read_text(encoding="utf-8") == "[store]\n"
    assert not (tmp_path / "tracker.db").exists()


def test_a_demo_rebuilt_after_removing_its_database_keeps_its_config(tmp_path: Path) -> None:
    assert tracker("demo", tmp_path / "d").exit_code == 0
    (tmp_path / "d" / "tracker.db").unlink()
    assert tracker("demo", tmp_path / "d").exit_code == 0

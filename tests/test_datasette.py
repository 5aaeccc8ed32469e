"""The database as Datasette shows it: the demo's database read through Datasette's own client.

Datasette is an optional extra (`pip install 'aiia-tracker[datasette]'`, part of `[test]`);
without it these tests skip, saying so.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.core.credit import CSET_CREDIT

datasette_app = pytest.importorskip(
    "datasette.app",
    reason="Datasette is not installed: pip install 'aiia-tracker[datasette]' to test it",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("datasette") / "demo"
    result = CliRunner().invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def metadata(demo: Path) -> dict[str, Any]:
    options = ["--config", str(demo / "config.toml"), "--db", str(demo / "tracker.db")]
    result = CliRunner().invoke(cli, [*options, "datasette-metadata"])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.output)
    return found


def test_the_metadata_is_yaml_as_datasette_reads_a_metadata_yml(metadata: dict[str, Any]) -> None:
    import yaml  # Datasette's own dependency: it reads `-m metadata.yml` with it

    printed = json.dumps(metadata, ensure_ascii=False, indent=2)
    assert yaml.safe_load(printed) == metadata


def get(demo: Path, metadata: dict[str, Any], path: str) -> Any:
    """One request to a Datasette over the demo database, in process: JSON or the HTML page."""

    async def request() -> Any:
        ds = datasette_app.Datasette([str(demo / "tracker.db")], metadata=metadata)
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json() if ".json" in path else response.text

    return asyncio.run(request())


def rows(demo: Path, metadata: dict[str, Any], path: str) -> list[dict[str, Any]]:
    join = "&" if "?" in path else "?"
    found: list[dict[str, Any]] = get(demo, metadata, f"{path}{join}_shape=array")
    return found


def test_current_members_are_the_latest_reading_with_annotations(
    demo: Path, metadata: dict[str, Any]
) -> None:
    members = rows(demo, metadata, "/tracker/current_members.json?_size=max")
    assert len(members) == 19
    assert {member["captured_at"] for member in members} == {"2024-05-01T02:00:00Z"}
    xinghe = next(m for m in members if m["key"] == "星河智能科技有限公司")
    assert (xinghe["tier"], xinghe["common_name_en"], xinghe["city"]) == (
        "vice_chair",
        "Xinghe AI",
        "Beijing",
    )
    assert xinghe["annotated_as"] is None
    # Renamed in 2023: the annotation made for its former name follows it, marked so.
    qiming = next(m for m in members if m["key"] == "启明医疗信息股份有限公司")
    assert (qiming["common_name_en"], qiming["annotated_as"]) == (
        "Qiming Medical",
        "启明医疗信息有限公司",
    )
    # Joined after the annotated baseline: nothing to show, and nothing invented.
    joined = next(m for m in members if m["key"] == "锦鲤金融科技有限公司")
    assert joined["common_name_en"] is None and joined["annotation_origin"] is None


def test_member_events_are_the_change_log_with_annotations(
    demo: Path, metadata: dict[str, Any]
) -> None:
    events = rows(demo, metadata, "/tracker/member_events.json")
    assert [(e["at"][:10], e["kind"], e["name"]) for e in events] == [
        ("2024-05-01", "joined", "锦鲤金融科技有限公司"),
        ("2024-05-01", "departed", "银杏网络技术有限公司"),
        ("2023-03-15", "joined", "墨竹安全技术有限公司"),
        ("2023-03-15", "tier_changed", "云杉机器人有限公司"),
        ("2023-03-15", "renamed", "启明医疗信息股份有限公司"),
        ("2021-06-01", "joined", "紫藤教育科技有限公司"),
        ("2021-06-01", "departed", "翠微软件有限公司"),
    ]
    promoted = events[3]
    assert (promoted["old_tier"], promoted["tier"], promoted["direction"]) == (
        "board",
        "vice_chair",
        "promotion",
    )
    assert (promoted["common_name_en"], promoted["type"]) == ("Yunshan Robotics", "Industry")
    assert promoted["old_at"] == "2021-06-01T02:00:00Z"
    assert promoted["old_snapshot_id"] < promoted["new_snapshot_id"]


def test_snapshot_summary_spreads_the_counts_over_columns(
    demo: Path, metadata: dict[str, Any]
) -> None:
    summary = rows(demo, metadata, "/tracker/snapshot_summary.json")
    assert [(s["status"], s["vice_chair"], s["board"], s["ordinary"]) for s in summary] == [
        ("ok", 2, 5, 11),
        ("ok", 2, 5, 11),
        ("quarantined", 0, 0, 0),
        ("ok", 3, 4, 12),
        ("ok", 3, 4, 12),
    ]
    assert all(s["pages"] == 1 and len(s["page_sha256"]) == 64 for s in summary)
    assert summary[2]["reason"].startswith("no members found")


@pytest.mark.parametrize(
    ("table", "query"),
    [
        ("member_names", "智能科"),  # the middle of 星河智能科技有限公司
        ("member_names", "inghe"),  # part of its English name, Xinghe AI
        ("current_members", "智能科"),
        ("current_members", "XINGHE"),
    ],
)
def test_search_by_part_of_a_name_finds_the_member(
    demo: Path, metadata: dict[str, Any], table: str, query: str
) -> None:
    found = rows(demo, metadata, f"/tracker/{table}.json?_search={query}")
    assert [row["key"] for row in found] == ["星河智能科技有限公司"]


def test_a_part_too_short_for_the_index_is_found_by_a_filter(
    demo: Path, metadata: dict[str, Any]
) -> None:
    found = rows(demo, metadata, "/tracker/member_names.json?name__contains=星河")
    assert [row["key"] for row in found] == ["星河智能科技有限公司"]


def test_rows_show_the_short_source_id(demo: Path, metadata: dict[str, Any]) -> None:
    page = get(demo, metadata, "/tracker/snapshots")
    table = page.split('<table class="rows-and-columns">')[1].split("</table>")[0]
    assert table.count('<a href="/tracker/sources/demo">demo</a>') == 5
    assert "Demo alliance" not in table
    labelled = rows(demo, metadata, "/tracker/snapshots.json?_labels=on")
    assert labelled[0]["source_id"] == {"value": "demo", "label": "demo"}


def test_the_descriptions_show(demo: Path, metadata: dict[str, Any]) -> None:
    page = get(demo, metadata, "/tracker/snapshot_summary")
    assert "tier counts as columns" in page
    assert "<dt>vice_chair</dt><dd>Lines listed in the vice_chair tier.</dd>" in page
    loaded = get(demo, metadata, "/-/metadata.json")
    assert loaded["title"].startswith("Membership record: Demo alliance")
    # The demo's annotations are invented, never CSET's: no credit, no licence claimed.
    assert CSET_CREDIT not in json.dumps(loaded, ensure_ascii=False)
    assert loaded.get("license") is None
    assert loaded["databases"]["tracker"]["tables"]["annotations"].get("license") is None


def test_every_column_of_every_table_and_view_is_described(
    demo: Path, metadata: dict[str, Any]
) -> None:
    async def shown() -> dict[str, list[str]]:
        ds = datasette_app.Datasette([str(demo / "tracker.db")], metadata=metadata)
        db = ds.get_database("tracker")
        hidden = set(await db.hidden_table_names())
        names = [n for n in await db.table_names() if n not in hidden]
        return {name: await db.table_columns(name) for name in [*names, *await db.view_names()]}

    described = metadata["databases"]["tracker"]["tables"]
    for name, columns in asyncio.run(shown()).items():
        assert described[name]["description"], name
        assert set(columns) == set(described[name]["columns"]), name

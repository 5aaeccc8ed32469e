"""Annotations follow a member through renames, and members are found by any of its names.

CSET annotated 星河智能科技有限公司 ("Xinghe AI") in 2020; the page later renames it. Every
output (`members`, `stats`, `history`, `diff`, watcher digests) shows the annotation for
the new name too, marked with the former name it was made for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.core.annotations import Annotation, carried, former_keys, name_matches
from tracker.store import Store

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
XINGHE = "星河智能科技有限公司"
RENAMED = "星河智能科技股份有限公司"
AGAIN = "星河智能科技集团股份有限公司"
BASE = {
    "vice_chair": [XINGHE],
    "board": ["青岚数据（北京）有限公司", "东湖大学"],
    "ordinary": ["云梯机器人(深圳)有限公司", "青岚数据（北京）有限公司", "南山人工智能研究院"],
}


def _note(key: str, **facts: str) -> Annotation:
    return Annotation(key=key, origin="test", name=key, **facts)


# The rule ------------------------------------------------------------------------------


def test_former_keys_follow_chains_nearest_first_and_stop_on_cycles() -> None:
    chain = [("a", "b"), ("b", "c")]
    assert former_keys(chain, ["c", "a", "z"]) == {"c": ["b", "a"], "a": [], "z": []}
    # Renamed back: each is the other's former name, and the walk ends.
    assert former_keys([("a", "b"), ("b", "a")], ["a"]) == {"a": ["b"]}
    assert former_keys([("a", "b"), ("b", "c"), ("c", "a")], ["a"]) == {"a": ["c", "b"]}
    assert former_keys([("x", "m"), ("w", "m")], ["m"]) == {"m": ["w", "x"]}


def test_own_annotation_wins_then_the_nearest_former_name() -> None:
    own = {"a": _note("a", type="Industry"), "b": _note("b", type="Academia")}
    found = carried({"c": ["b", "a"], "a": [], "b": ["a"], "d": []}, own)
    assert (found["b"].type, found["b"].annotated_as) == ("Academia", None)
    assert (found["c"].type, found["c"].annotated_as) == ("Academia", "b")
    assert "d" not in found
    # Carried twice (a→b→c with only a annotated): still named after where it was made.
    twice = carried({"c": ["b", "a"]}, {"a": _note("a", type="Industry")})
    assert twice["c"].annotated_as == "a"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("xinghe", True),
        ("XINGHE ai", True),
        ("Intelligent Technology", True),  # CSET's machine translation
        ("星河", True),
        ("星河智能科技", True),
        ("星河智能科技有限公司", True),
        ("Qinglan", False),
        ("", False),
    ],
)
def test_name_matches_key_chinese_and_english_names(query: str, found: bool) -> None:
    note = _note(
        XINGHE,
        common_name_en="Xinghe AI",
        name_en_mt="Xinghe Intelligent Technology Co., Ltd.",
        common_name_zh="星河智能",
    )
    assert name_matches(query, XINGHE, note) is found


# Every output ----------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> Run:
    config = (
        "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\n"
        "url = 'http://127.0.0.1:9/structure'\nretries = 0\n"
        "[[watchers]]\nname = 'log'\nkind = 'file'\npath = 'x.jsonl'\n"
    )
    return invoker(tmp_path, config, db="tracker.db")


def _page(tmp_path: Path, run: Run, name: str, vice_chair: str, *extra: str) -> None:
    tiers = {**BASE, "vice_chair": [vice_chair], "ordinary": [*BASE["ordinary"], *extra]}
    path = tmp_path / f"{name}.html"
    path.write_text(render_page(tiers), encoding="utf-8")
    result = run("snapshot", "--file", str(path))
    assert result.exit_code == 0, result.output


@pytest.fixture
def renamed(run: Run, tmp_path: Path) -> Run:
    """The baseline (annotated), then a reading where 星河 is renamed."""
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    _page(tmp_path, run, "renamed", RENAMED)
    return run


def _member(rows: list[dict[str, object]], name: str) -> dict[str, object]:
    return next(row for row in rows if row["name"] == name)


def test_members_carries_the_annotation_in_every_format(renamed: Run) -> None:
    rows = json.loads(renamed("members", "--format", "json").stdout)
    xinghe = _member(rows, RENAMED)
    assert xinghe["common_name_en"] == "Xinghe AI"
    assert (xinghe["annotated_as"], xinghe["annotation_origin"]) == (XINGHE, "cset-2020")
    # A member under its own annotated key says nothing about a former name.
    assert "annotated_as" not in _member(rows, "东湖大学")
    table = renamed("members").stdout.splitlines()
    assert table[0].split()[-1] == "annotated_as"
    assert re.split(" {2,}", table[2])[-5:] == ["Xinghe AI", "Industry", "Beijing", "no", XINGHE]
    csv = renamed("members", "--format", "csv").stdout.splitlines()
    assert csv[1].endswith(f",Xinghe AI,Industry,Beijing,no,{XINGHE}")


def test_a_table_without_a_carried_annotation_has_no_annotated_as_column(renamed: Run) -> None:
    assert "annotated_as" not in renamed("members", "--at", "baseline").stdout
    assert "annotated_as" in renamed("members", "--at", "baseline", "--format", "csv").stdout


def test_stats_by_type_counts_the_carried_annotation(renamed: Run) -> None:
    data = json.loads(renamed("stats", "--by", "type", "--format", "json").stdout)
    counts = {row["value"]: row["members"] for row in data["rows"]}
    assert counts == {"Industry": 3, "Academia": 1, "Government": 1}


def test_history_shows_the_carried_annotation(renamed: Run) -> None:
    table = renamed("history", "星河")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[:2] == [
        f"{RENAMED}  (key {RENAMED})",
        f"annotated:  Xinghe AI · Industry · Beijing  (annotated as {XINGHE})",
    ]
    data = json.loads(renamed("history", RENAMED, "--format", "json").stdout)
    assert data["keys"] == [XINGHE, RENAMED]
    assert (data["annotation"]["common_name_en"], data["annotation"]["annotated_as"]) == (
        "Xinghe AI",
        XINGHE,
    )


def test_diff_rows_and_the_watcher_message_show_the_carried_annotation(
    renamed: Run, tmp_path: Path
) -> None:
    # A later promotion of the renamed member: the pair itself holds no rename.
    tiers = {**BASE, "vice_chair": [RENAMED, "东湖大学"], "board": BASE["board"][:1]}
    (tmp_path / "promoted.html").write_text(render_page(tiers), encoding="utf-8")
    assert renamed("snapshot", "--file", str(tmp_path / "promoted.html")).exit_code == 0
    report = json.loads(renamed("diff", "baseline", "latest", "--format", "json").stdout)
    assert report["renamed"][0]["annotated_as"] == XINGHE
    store = Store.open(tmp_path / "tracker.db")
    payloads = [json.loads(row["payload"]) for row in store.db.query("SELECT * FROM outbox")]
    store.close()
    lines = [line for payload in payloads for line in payload["lines"]]
    assert (
        f"~ renamed: {XINGHE} → {RENAMED} (Xinghe AI; annotated as {XINGHE}) · vice-chair" in lines
    )
    assert "↑ promotion: 东湖大学 (Donghu University) · board → vice-chair" in lines


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_diff_format_marks_a_carried_annotation(
    renamed: Run, tmp_path: Path, fmt: str
) -> None:
    # The renamed member's next change is a demotion: its row's English name comes from 2020.
    tiers = {**BASE, "vice_chair": ["东湖大学"], "board": [BASE["board"][0], RENAMED]}
    (tmp_path / "swapped.html").write_text(render_page(tiers), encoding="utf-8")
    assert renamed("snapshot", "--file", str(tmp_path / "swapped.html")).exit_code == 0
    shown = renamed("diff", "previous", "latest", "--format", fmt).stdout
    assert f"Xinghe AI (annotated as {XINGHE})" in shown
    assert "Donghu University (annotated as" not in shown


def test_a_chain_of_two_renames_carries_the_first_annotation(renamed: Run, tmp_path: Path) -> None:
    _page(tmp_path, renamed, "again", AGAIN)
    rows = json.loads(renamed("members", "--format", "json").stdout)
    assert (_member(rows, AGAIN)["common_name_en"], _member(rows, AGAIN)["annotated_as"]) == (
        "Xinghe AI",
        XINGHE,
    )
    history = renamed("history", "xinghe", "--format", "json")
    assert json.loads(history.stdout)["keys"] == [XINGHE, RENAMED, AGAIN]


def test_the_own_annotation_wins_over_a_former_names_which_fills_the_rest(
    renamed: Run, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "tracker.db")
    with store.atomic():
        store.replace_annotations("zz-later", [_note(RENAMED, common_name_en="Xinghe Holdings")])
    store.close()
    rows = json.loads(renamed("members", "--format", "json").stdout)
    xinghe = _member(rows, RENAMED)
    assert xinghe["common_name_en"] == "Xinghe Holdings"
    # CSET's type, made for the former name, still shows, and says so (finding 1 of 16).
    assert (xinghe["type"], xinghe["annotated_as"]) == ("Industry", XINGHE)


# Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["xinghe", "XingHe A", "星河", "星河智能科技股份"])
def test_history_finds_a_member_by_english_or_chinese_name(renamed: Run, query: str) -> None:
    result = renamed("history", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["key"] == RENAMED


@pytest.mark.parametrize("query", ["xinghe", "XINGHE", "星河", "Intelligent Tech"])
def test_members_search_filters_by_english_or_chinese_name(renamed: Run, query: str) -> None:
    result = renamed("members", "--search", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [row["name"] for row in json.loads(result.stdout)] == [RENAMED]


def test_members_search_lists_several_matches(renamed: Run) -> None:
    result = renamed("members", "--at", "baseline", "--search", "qinglan", "--format", "csv")
    assert [line.split(",")[2] for line in result.stdout.splitlines()[1:]] == [
        "青岚数据（北京）有限公司",
        "青岚数据（北京）有限公司",
    ]
    shenzhen = renamed("members", "--search", "(深圳)", "--format", "json")
    assert [row["name"] for row in json.loads(shenzhen.stdout)] == ["云梯机器人(深圳)有限公司"]


def test_history_lists_several_matches_by_english_name(renamed: Run) -> None:
    result = renamed("history", "university")
    assert result.exit_code == 0, result.output
    several = renamed("history", "ai")
    assert (several.exit_code, several.stderr) == (
        1,
        "Error: 'ai' matches 2 members: 南山人工智能研究院 (Nanshan AI Institute), "
        f"{XINGHE} (Xinghe AI); "
        "give more of the name or a key\n",
    )


@pytest.mark.parametrize("command", ["history", "members"])
def test_no_match_is_a_one_line_error(renamed: Run, command: str) -> None:
    args = ["nothing-like-it"] if command == "history" else ["--search", "nothing-like-it"]
    result = renamed(command, *args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert "matches 'nothing-like-it'" in result.stderr


def test_a_later_change_to_the_renamed_member_carries_it_through_the_change_log(
    renamed: Run, tmp_path: Path
) -> None:
    # The rename is two snapshots back: only the change log links the names now.
    tiers = {**BASE, "vice_chair": ["东湖大学"], "board": [RENAMED, BASE["board"][0]]}
    (tmp_path / "demoted.html").write_text(render_page(tiers), encoding="utf-8")
    assert renamed("snapshot", "--file", str(tmp_path / "demoted.html")).exit_code == 0
    report = json.loads(renamed("diff", "previous", "latest", "--format", "json").stdout)
    assert [(row["name"], row["annotated_as"]) for row in report["tier_changed"]] == [
        ("东湖大学", None),
        (RENAMED, XINGHE),
    ]
    store = Store.open(tmp_path / "tracker.db")
    last = json.loads(store.db.execute("SELECT payload FROM outbox ORDER BY id DESC").fetchone()[0])
    store.close()
    assert last["lines"] == [
        "↑ promotion: 东湖大学 (Donghu University) · board → vice-chair",
        f"↓ demotion: {RENAMED} (Xinghe AI; annotated as {XINGHE}) · vice-chair → board",
    ]
    assert last["data"]["tier_changed"][1]["annotated_as"] == XINGHE

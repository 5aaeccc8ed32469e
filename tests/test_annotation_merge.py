"""How notes of several origins make one annotation (issue 16, the review's findings 1, 2, 4).

A user's note on a renamed member merges with the CSET note carried from its former name;
province and city are one place, never contradicting each other; CSET is credited wherever
one of its values shows, even under a user's note.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.core.annotations import Annotation, carried, merged
from tracker.core.fields import FLAG_FIELDS, INFERRED_ORIGIN, USER_ORIGIN

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
XINGHE = "星河智能科技有限公司"
CSET = "cset-2020"


def _note(origin: str, key: str = "k", **facts: object) -> Annotation:
    return Annotation(key=key, origin=origin, name=key, **facts)


def _place(note: Annotation | None) -> tuple[object, ...]:
    assert note is not None
    return (note.province, note.source_of("province"), note.city, note.source_of("city"))


# Finding 1: a user's note on the new name, CSET's on the former one -------------------------


def test_a_users_note_on_a_renamed_member_merges_with_the_carried_cset_note() -> None:
    own = {
        "new": _note(USER_ORIGIN, key="new", type="Government"),
        "old": _note(CSET, key="old", type="Industry", city="Wuhan", common_name_en="Old Co"),
    }
    found = carried({"new": ["old"]}, own)["new"]
    assert (found.type, found.source_of("type")) == ("Government", USER_ORIGIN)
    assert (found.city, found.source_of("city")) == ("Wuhan", CSET)
    assert (found.common_name_en, found.annotated_as) == ("Old Co", "old")
    # The key's own value wins over the former name's of the same origin.
    mine = {"new": _note(CSET, key="new", city="Hefei"), "old": own["old"]}
    assert carried({"new": ["old"]}, mine)["new"].city == "Hefei"
    # Nothing carried contributes: the key's own note, unmarked.
    whole = {"new": _note(CSET, key="new", type="Academia", city="Hefei", province="Anhui")}
    assert (
        carried({"new": ["old"]}, {**whole, "old": _note(CSET, key="old", city="Wuhan")})["new"]
        == whole["new"]
    )


# Finding 2: province and city are one place -----------------------------------------------


@pytest.mark.parametrize(
    ("notes", "place"),
    [
        # CSET's province alone: a guessed city elsewhere is not added to it.
        (
            [
                _note(CSET, province="Guangdong"),
                _note(INFERRED_ORIGIN, province="Beijing", city="Beijing"),
            ],
            ("Guangdong", CSET, None, CSET),
        ),
        # …a guessed city within it is.
        (
            [
                _note(CSET, province="Guangdong"),
                _note(INFERRED_ORIGIN, province="Guangdong", city="Shenzhen"),
            ],
            ("Guangdong", CSET, "Shenzhen", INFERRED_ORIGIN),
        ),
        # A user's city fixes the province through the gazetteer, over CSET's.
        (
            [_note(USER_ORIGIN, city="Shanghai"), _note(CSET, province="Beijing", city="Beijing")],
            ("Shanghai", USER_ORIGIN, "Shanghai", USER_ORIGIN),
        ),
        # A user's province drops CSET's city in another province.
        (
            [_note(USER_ORIGIN, province="Hubei"), _note(CSET, province="Beijing", city="Beijing")],
            ("Hubei", USER_ORIGIN, None, USER_ORIGIN),
        ),
        # …and keeps a city CSET or a guess places within it.
        (
            [
                _note(USER_ORIGIN, province="Hubei"),
                _note(CSET, province="Beijing", city="Beijing"),
                _note(INFERRED_ORIGIN, province="Hubei", city="Wuhan"),
            ],
            ("Hubei", USER_ORIGIN, "Wuhan", INFERRED_ORIGIN),
        ),
        # A city two provinces share (苏州 and 宿州 are both Suzhou): the province comes from a
        # lower origin that places it in one of them.
        (
            [_note(USER_ORIGIN, city="Suzhou"), _note(CSET, province="Jiangsu", city="Suzhou")],
            ("Jiangsu", CSET, "Suzhou", USER_ORIGIN),
        ),
        (
            [_note(USER_ORIGIN, city="Suzhou"), _note(CSET, province="Beijing")],
            (None, USER_ORIGIN, "Suzhou", USER_ORIGIN),
        ),
        # A city the gazetteer does not know: a lower origin naming the same city gives its
        # province; another's province is not trusted with it.
        (
            [_note(USER_ORIGIN, city="Xiong'an"), _note(CSET, province="Hebei", city="Xiong'an")],
            ("Hebei", CSET, "Xiong'an", USER_ORIGIN),
        ),
        (
            [_note(USER_ORIGIN, city="Xiong'an"), _note(INFERRED_ORIGIN, province="Beijing")],
            (None, USER_ORIGIN, "Xiong'an", USER_ORIGIN),
        ),
    ],
)
def test_province_and_city_come_as_one_place(
    notes: list[Annotation], place: tuple[object, ...]
) -> None:
    for order in (notes, notes[::-1]):
        assert _place(merged(order)) == place


def test_a_merged_place_stays_one_place_when_merged_again() -> None:
    first = merged([_note(USER_ORIGIN, city="Wuhan"), _note(CSET, type="Industry")])
    again = merged([first, _note(INFERRED_ORIGIN, province="Beijing", city="Beijing")])  # type: ignore[list-item]
    assert _place(again) == ("Hubei", USER_ORIGIN, "Wuhan", USER_ORIGIN)


@pytest.mark.parametrize(
    "note",
    [
        _note(CSET, type="Industry", province="Hubei", city="Wuhan"),
        _note(INFERRED_ORIGIN, province="Beijing"),
        _note(CSET, state_owned=None, extra={"state_owned": "Partially"}),
        _note(USER_ORIGIN),
    ],
)
def test_a_lone_note_is_its_own_merge(note: Annotation) -> None:
    assert merged([note]) is note


@pytest.mark.parametrize(
    "note",
    [
        _note(CSET, type="Industry", province="Hubei", city="Wuhan", state_owned=False),
        _note(CSET, city="Wuhan"),
        _note(CSET, state_owned=True, extra={"state_owned": "Partially"}),
        _note(USER_ORIGIN, extra={"Founded": "1998"}),
    ],
)
def test_a_lone_note_reads_as_the_full_merge_reads_it(note: Annotation) -> None:
    """Beside a note of no values (the full merge), a lone note reads the same."""
    alone, full = merged([note]), merged([note, _note(INFERRED_ORIGIN)])
    assert alone is not None and full is not None
    assert (alone.shown(), alone.facts(sourced=True)) == (full.shown(), full.facts(sourced=True))


@pytest.mark.parametrize(
    "note",
    [
        _note(CSET, type="Industry", state_owned=False, city="Wuhan"),
        _note(CSET, extra={"state_owned": "Partially", "Founded": "1998"}),
        _note(USER_ORIGIN),
    ],
)
def test_gives_is_what_described_holds(note: Annotation) -> None:
    identity = {"key", "origin", "name", "extra", "annotated_as", "sources"}
    every = [f for f in Annotation.__struct_fields__ if f not in identity]
    assert [f for f in every if note.gives(f)] == [f for f in every if f in note.described()]


def test_a_lone_city_still_gets_its_province() -> None:
    lone = _note(USER_ORIGIN, city="Wuhan")
    assert _place(merged([lone])) == ("Hubei", USER_ORIGIN, "Wuhan", USER_ORIGIN)


# Every output: the CLI over the small baseline ----------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> Run:
    config = "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = 'http://127.0.0.1:9/s'\n"
    run = invoker(tmp_path, config, db="tracker.db")
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    return run


def _import(run: Run, tmp_path: Path, header: str, rows: list[str]) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = run("annotate", "import", str(path))
    assert result.exit_code == 0, result.output


def _counts(run: Run, by: str) -> dict[str, int]:
    result = run("stats", "--by", by, "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["value"]: row["members"] for row in json.loads(result.stdout)["rows"]}


def test_stats_by_province_and_by_city_agree_under_a_users_city(run: Run, tmp_path: Path) -> None:
    before = _counts(run, "province")
    _import(run, tmp_path, "name,city", [f"{XINGHE},Shanghai"])
    provinces, cities = _counts(run, "province"), _counts(run, "city")
    assert provinces.get("Shanghai", 0) == before.get("Shanghai", 0) + 1
    assert provinces["Beijing"] == before["Beijing"] - 1
    assert cities["Shanghai"] == provinces["Shanghai"]
    member = json.loads(run("members", "--format", "json", "--search", XINGHE).stdout)[0]
    assert (member["province"], member["city"]) == ("Shanghai", "Shanghai")


# Finding 4: CSET's credit under a user's note ---------------------------------------------


def _all_typed_by_the_user(run: Run, tmp_path: Path) -> None:
    members = json.loads(run("members", "--format", "json").stdout)
    keys = dict.fromkeys(member["key"] for member in members)  # a member in two tiers: once
    _import(run, tmp_path, "key,type", [f"{key},Government" for key in keys])


def test_cset_is_credited_on_the_site_where_its_values_show_under_a_users_note(
    run: Run, tmp_path: Path
) -> None:
    _all_typed_by_the_user(run, tmp_path)
    assert run("site", "build", str(tmp_path / "site")).exit_code == 0
    for listing in ("snapshots/index.html", "downloads/index.html"):  # the site's own credit
        assert "CC BY-NC 4.0" in (tmp_path / "site" / listing).read_text(encoding="utf-8")
    page = next(
        text
        for path in (tmp_path / "site" / "members").glob("*.html")
        if XINGHE in (text := path.read_text(encoding="utf-8")) and path.name != "index.html"
    )
    assert "Xinghe AI" in page and "CC BY-NC 4.0" in page


def test_cset_is_credited_on_a_stats_chart_drawn_under_a_users_note(
    run: Run, tmp_path: Path
) -> None:
    _all_typed_by_the_user(run, tmp_path)
    chart = tmp_path / "city.svg"
    result = run("stats", "--by", "city", "--plot", str(chart))
    assert result.exit_code == 0, result.output
    texts = [
        t.text or "" for t in ET.parse(chart).getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    assert any("CSET" in text for text in texts)


# Finding 7: members JSON and diff JSON name origins alike ---------------------------------

NEWCOMER = "白鹭数据科技（厦门）有限公司"  # joined after 2020: nobody annotated it


def _later(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "later.html"
    listed = {
        "vice_chair": [XINGHE],
        "board": ["青岚数据（北京）有限公司", "东湖大学"],
        "ordinary": ["云梯机器人(深圳)有限公司", "南山人工智能研究院", NEWCOMER],
    }
    page.write_text(render_page(listed), "utf-8")
    assert run("snapshot", "--file", str(page)).exit_code == 0


def _annotation_fields(row: dict[str, object]) -> set[str]:
    return {f for f in row if f in set(Annotation.__struct_fields__) and f not in ("key", "name")}


def test_members_json_names_each_values_origin_as_diff_json_does(run: Run, tmp_path: Path) -> None:
    baseline = json.loads(run("members", "--format", "json").stdout)
    assert not any(f.endswith("_source") for row in baseline for f in row)  # CSET's alone
    _later(run, tmp_path)
    members = {row["name"]: row for row in json.loads(run("members", "--format", "json").stdout)}
    diff = json.loads(run("diff", "baseline", "latest", "--format", "json").stdout)
    joined = next(row for row in diff["joined"] if row["name"] == NEWCOMER)
    guessed = members[NEWCOMER]  # a guess alone: named as the diff names it
    assert (guessed["type_source"], guessed["city_source"]) == ("inferred", "inferred")
    assert (joined["type_source"], joined["city_source"]) == ("inferred", "inferred")
    for row in members.values():  # every value a row gives says its origin
        worded = set(row.get("extra", {})) & set(FLAG_FIELDS)  # flags CSET worded otherwise
        fields = _annotation_fields(row) - {"extra", "annotated_as"} | worded
        assert {f"{f}_source" for f in fields} == {f for f in row if f.endswith("_source")}
    assert members[XINGHE]["type_source"] == CSET


def test_a_flag_cset_worded_otherwise_keeps_its_origin_under_a_users_note() -> None:
    """Review: CSET's "Partially" sat in `extra` with no `state_owned_source`, so under a
    user's note the JSON row read as if the user had said it."""
    cset = _note(CSET, extra={"state_owned": "Partially"})
    note = merged([_note(USER_ORIGIN, province="Beijing"), cset])
    assert note is not None
    facts = note.facts()
    assert facts["annotation_origin"] == USER_ORIGIN
    assert facts["extra"] == {"state_owned": "Partially"}
    assert facts["state_owned_source"] == CSET
    assert facts["province_source"] == USER_ORIGIN

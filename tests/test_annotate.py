"""A person's annotations over CSET's over inferred ones, per field, each value saying its
origin; `tracker annotate import` all or nothing, `export` the members left to fill in.

Inference is a seam filled elsewhere (`tracker.core.infer`); here a stand-in guesses from
invented names, so the merge is tested whatever the rules become.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.app import annotations as decided
from tracker.core.annotations import Annotation, merged
from tracker.core.fields import INFERRED_ORIGIN, USER_ORIGIN
from tracker.core.infer import Guess
from tracker.store import Store

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
XINGHE = "星河智能科技有限公司"
DONGHU = "东湖大学"
BAILU = "白鹭数据科技（厦门）有限公司"  # joined after 2020: nobody annotated it
LUMING = "鹿鸣联合会"  # joined after 2020; its name states nothing
BASE = {
    "vice_chair": [XINGHE],
    "board": ["青岚数据（北京）有限公司", DONGHU],
    "ordinary": ["云梯机器人(深圳)有限公司", "南山人工智能研究院", BAILU, LUMING],
}


def _note(origin: str, **facts: object) -> Annotation:
    return Annotation(key="k", origin=origin, name="k", **facts)


def _guess(name: str) -> Guess:
    """A stand-in for the inference rules: 厦门 in a name is Xiamen, Fujian; 有限公司 a company.
    Patched where guesses are both stored and read (`tracker.app.annotations`)."""
    kind = "Industry" if "有限公司" in name else None
    return (kind, "Fujian", "Xiamen") if "厦门" in name else (kind, None, None)


# The rule ------------------------------------------------------------------------------


def test_each_field_takes_the_first_origin_that_has_it_user_then_cset_then_inferred() -> None:
    user = _note(USER_ORIGIN, type="Government")
    cset = _note("cset-2020", type="Industry", city="Beijing", common_name_en="Xinghe AI")
    guess = _note(INFERRED_ORIGIN, type="Academia", city="Tianjin", province="Tianjin")
    for order in ([user, cset, guess], [guess, cset, user], [cset, guess, user]):
        note = merged(order)
        assert note is not None
        # Province and city are one place: CSET's city fixes the province, not the guess.
        assert (note.type, note.city, note.province) == ("Government", "Beijing", "Beijing")
        assert note.sources == {
            "type": USER_ORIGIN,
            "city": "cset-2020",
            "common_name_en": "cset-2020",
            "province": "cset-2020",
        }
        assert note.origin == USER_ORIGIN and note.source_of("province") == "cset-2020"


def test_one_contributing_origin_is_shown_as_it_is_and_a_merge_keeps_its_sources() -> None:
    cset = _note("cset-2020", type="Industry", state_owned=False)
    assert merged([cset]) == cset and cset.sources == {}
    # The guess adds nothing CSET lacks: CSET's note, unmerged.
    assert merged([cset, _note(INFERRED_ORIGIN, type="Academia")]) == cset
    twice = merged(
        [merged([_note(USER_ORIGIN, city="Wuhan"), cset]), _note(INFERRED_ORIGIN, province="Hubei")]
    )
    assert twice is not None
    assert twice.sources == {
        "city": USER_ORIGIN,
        "type": "cset-2020",
        "state_owned": "cset-2020",
        "province": USER_ORIGIN,  # the user's city's (the gazetteer's Wuhan), not the guess's
    }
    assert twice.state_owned is False


def test_a_flag_cset_worded_otherwise_stays_text_and_says_its_origin() -> None:
    cset = _note("cset-2020", extra={"state_owned": "Partially"})
    note = merged([_note(USER_ORIGIN, city="Wuhan"), cset])
    assert note is not None
    assert (note.flag_text("state_owned"), note.source_of("state_owned")) == (
        "Partially",
        "cset-2020",
    )


# Every output ----------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The 2020 baseline (CSET's), then a page where two unannotated members joined."""
    monkeypatch.setattr(decided, "guess", _guess)
    config = "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = 'http://127.0.0.1:9/s'\n"
    run = invoker(tmp_path, config, db="tracker.db")
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    (tmp_path / "later.html").write_text(render_page(BASE), encoding="utf-8")
    assert run("snapshot", "--file", str(tmp_path / "later.html")).exit_code == 0
    return run


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _rows(run: Run, *args: str) -> dict[str, dict[str, object]]:
    result = run("members", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {str(row["name"]): row for row in json.loads(result.stdout)}


def _user_rows(tmp_path: Path) -> int:
    store = Store.open(tmp_path / "tracker.db")
    try:
        return len(list(store.db.query("SELECT key FROM annotations WHERE origin = 'user'")))
    finally:
        store.close()


def test_json_says_each_values_origin_across_the_three(run: Run, tmp_path: Path) -> None:
    mine = _write(tmp_path / "mine.csv", f"name,type,province\n{DONGHU},Government,\n")
    assert run("annotate", "import", mine).exit_code == 0
    rows = _rows(run)
    donghu = rows[DONGHU]  # the user's type over CSET's; CSET's city
    assert (donghu["type"], donghu["type_source"]) == ("Government", USER_ORIGIN)
    assert (donghu["city"], donghu["city_source"]) == ("Wuhan", "cset-2020")
    bailu = rows[BAILU]  # nobody annotated it: each guess says so, as in `diff` JSON
    assert (bailu["city"], bailu["annotation_origin"]) == ("Xiamen", INFERRED_ORIGIN)
    assert bailu["city_source"] == INFERRED_ORIGIN
    xinghe = rows[XINGHE]  # CSET's, untouched: no guess shown over it
    assert (xinghe["type"], xinghe["annotation_origin"]) == ("Industry", "cset-2020")
    assert xinghe["type_source"] == "cset-2020"  # every row of the output names origins
    assert "annotation_origin" not in rows[LUMING]


def test_csv_gains_a_source_column_per_shown_field_and_a_table_marks_guesses(run: Run) -> None:
    lines = run("members", "--format", "csv").stdout.splitlines()
    header = lines[0].split(",")
    assert header[-4:] == [
        "common_name_en_source",
        "type_source",
        "city_source",
        "state_owned_source",
    ]
    cells = {
        line.split(",")[2]: dict(zip(header, line.split(","), strict=True)) for line in lines[1:]
    }
    assert (cells[BAILU]["city"], cells[BAILU]["city_source"]) == ("Xiamen", INFERRED_ORIGIN)
    assert cells[BAILU]["common_name_en_source"] == ""  # no value, no origin
    assert (cells[XINGHE]["city"], cells[XINGHE]["city_source"]) == ("Beijing", "cset-2020")
    table = run("members").stdout
    row = next(line for line in table.splitlines() if line.startswith("ordinary") and BAILU in line)
    assert re.split(" {2,}", row)[-2:] == ["Industry*", "Xiamen*"]
    assert "Beijing*" not in table and "* inferred from the name" in table


def test_without_user_or_inferred_values_the_outputs_are_as_before(run: Run) -> None:
    header = run("members", "--at", "baseline", "--format", "csv").stdout.splitlines()[0]
    assert not header.endswith("_source")
    assert "inferred" not in run("members", "--at", "baseline").stdout


def test_explain_lists_every_value_with_its_origin(run: Run, tmp_path: Path) -> None:
    mine = _write(tmp_path / "mine.csv", f"key,common_name_en\n{BAILU},Bailu Data\n")
    assert run("annotate", "import", mine).exit_code == 0
    shown = run("members", "--search", "白鹭", "--explain-annotations")
    assert shown.exit_code == 0, shown.output
    lines = [" ".join(line.split()) for line in shown.stdout.splitlines()]
    assert lines[0] == f"ordinary 3 {BAILU}"
    assert lines[1:5] == [
        "common_name_en Bailu Data (user)",
        "type Industry (inferred)",
        "city Xiamen (inferred)",
        "province Fujian (inferred)",
    ]
    history = run("history", "白鹭", "--explain-annotations").stdout.splitlines()
    assert history[1] == "annotated:  Bailu Data · Industry* · Xiamen*  (* inferred from the name)"
    assert " ".join(history[2].split()) == "common_name_en Bailu Data (user)"
    usage = run("members", "--explain-annotations", "--format", "json")
    assert usage.exit_code == 2 and usage.stderr.count("\n") == 1


# Import ----------------------------------------------------------------------------------


def _first_set(run: Run, tmp_path: Path) -> str:
    first = _write(
        tmp_path / "a.csv",
        f"name,type,state_owned,city\n{DONGHU},Government,yes,\n{LUMING},Industry,no,Hangzhou\n",
    )
    result = run("annotate", "import", first)
    assert result.exit_code == 0, result.output
    return first


def test_an_import_updates_by_key_and_keeps_every_other_annotation(
    run: Run, tmp_path: Path
) -> None:
    first = _first_set(run, tmp_path)
    assert run("annotate", "import", first).stdout == (
        f"stored 2 annotations from {first} (origin user): 0 new, 2 updated, 0 removed; "
        "0 others kept\n"
    )
    rows = _rows(run)
    assert (rows[LUMING]["city"], rows[LUMING]["state_owned"]) == ("Hangzhou", False)
    assert (rows[LUMING]["annotation_origin"], rows[DONGHU]["type_source"]) == (USER_ORIGIN,) * 2
    second = _write(tmp_path / "b.csv", f"key,notes,city\n{LUMING},met them,\n")
    assert run("annotate", "import", second).stdout == (
        f"stored 1 annotations from {second} (origin user): 0 new, 1 updated, 0 removed; "
        "1 others kept\n"
    )
    rows = _rows(run)
    assert (rows[DONGHU]["type"], rows[DONGHU]["type_source"]) == ("Government", USER_ORIGIN)
    # A row sets what it gives; a blank cell leaves the stored value.
    assert (rows[LUMING]["notes"], rows[LUMING]["city"], rows[LUMING]["type"]) == (
        "met them",
        "Hangzhou",
        "Industry",
    )


def test_a_dash_clears_a_stored_value_and_a_row_clearing_all_removes_it(
    run: Run, tmp_path: Path
) -> None:
    _first_set(run, tmp_path)
    clear = _write(tmp_path / "c.csv", f"key,type,city,state_owned\n{LUMING},,-,\n{DONGHU},-,,-\n")
    result = run("annotate", "import", clear)
    assert result.stdout == (
        f"stored 1 annotations from {clear} (origin user): 0 new, 1 updated, 1 removed; "
        "0 others kept\n"
    )
    rows = _rows(run)
    assert (rows[LUMING]["type"], rows[LUMING].get("city")) == ("Industry", None)
    assert (rows[DONGHU]["type"], rows[DONGHU]["annotation_origin"]) == ("Academia", "cset-2020")
    assert _user_rows(tmp_path) == 1


def test_replace_makes_the_file_the_whole_set(run: Run, tmp_path: Path) -> None:
    _first_set(run, tmp_path)
    second = _write(tmp_path / "b.csv", f"key,notes\n{LUMING},met them\n")
    result = run("annotate", "import", "--replace", second)
    assert result.stdout == f"stored 1 annotations from {second} (origin user), replacing 2\n"
    rows = _rows(run)
    assert rows[DONGHU]["type"] == "Academia"  # CSET's again: the user's set was replaced
    assert (rows[LUMING].get("city"), rows[LUMING]["notes"]) == (None, "met them")


def test_a_header_only_file_never_wipes_the_set_unasked(run: Run, tmp_path: Path) -> None:
    _first_set(run, tmp_path)
    empty = _write(tmp_path / "empty.csv", "key,name,type\n")
    assert run("annotate", "import", empty).stdout.startswith("stored 0 annotations")
    assert _user_rows(tmp_path) == 2
    refused = run("annotate", "import", "--replace", empty)
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: {empty}: no annotations in the file; --replace would delete all 2 of yours "
        "(add --allow-empty to mean it)\n",
    )
    assert _user_rows(tmp_path) == 2
    done = run("annotate", "import", "--replace", "--allow-empty", empty)
    assert done.stdout == f"stored 0 annotations from {empty} (origin user), replacing 2\n"
    assert _user_rows(tmp_path) == 0
    assert run("annotate", "import", "--allow-empty", empty).exit_code == 2


def test_cset_headers_are_read_too(run: Run, tmp_path: Path) -> None:
    sheet = _write(
        tmp_path / "c.csv", f"Name (ZH),Type,Location (City-level)\n{LUMING},Academia,Nanjing\n"
    )
    assert run("annotate", "import", sheet).exit_code == 0
    assert (_rows(run)[LUMING]["type"], _rows(run)[LUMING]["city"]) == ("Academia", "Nanjing")


def test_a_bad_csv_lists_one_line_per_problem_and_stores_nothing(run: Run, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv", f"name,type\n{LUMING},Industry\n")
    assert run("annotate", "import", good).exit_code == 0
    bad = _write(
        tmp_path / "bad.csv",
        "name,type,state_owned,colour\n"
        f"{DONGHU},Government,maybe,red\n"
        "无此公司有限公司,Industry,,\n"
        f"{DONGHU.upper()},Academia,no,\n"
        f"{LUMING},,,\n",  # nothing to store: skipped, not a problem
    )
    result = run("annotate", "import", bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {bad}: line 1: unknown column 'colour' (use key or name, and the fields "
        "name_en_mt, common_name_en, common_name_zh, type, website, crunchbase_url, location, "
        "city, province, size, focus, industry, ai_category, key_products, state_owned, "
        "not_chinese, public_company, exchange, ticker, notes, or CSET's headers)",
        f"Error: {bad}: line 2: state_owned 'maybe' is not yes or no",
        f"Error: {bad}: line 3: '无此公司有限公司' matches no member ever listed in aiia (a typo? "
        "`tracker history` finds members by part of a name)",
        f"Error: {bad}: line 4: '{DONGHU}' is annotated twice (also line 2)",
        f"Error: {bad}: nothing stored",
    ]
    # The last good set is intact.
    assert _user_rows(tmp_path) == 1 and _rows(run)[LUMING]["annotation_origin"] == USER_ORIGIN


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file: a header row naming a key or name column is needed"),
        (b"type,city\nIndustry,Beijing\n", "line 1: no key or name column (one is needed)"),
        (
            "name,type\n东湖大学,Academia\n".encode("gbk"),
            "not UTF-8 (byte 10); save the sheet as CSV UTF-8",
        ),
    ],
)
def test_a_file_that_is_no_sheet_is_one_line(
    run: Run, tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    result = run("annotate", "import", str(path))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (1, f"Error: {path}: {problem}")
    assert _user_rows(tmp_path) == 0


def test_values_are_checked_against_csets_vocabulary_and_the_gazetteer(
    run: Run, tmp_path: Path
) -> None:
    qinglan, yunti, nanshan = BASE["board"][0], BASE["ordinary"][0], BASE["ordinary"][1]
    bad = _write(
        tmp_path / "bad.csv",
        "key,type,province,city,notes\n"
        f"{DONGHU},Industy,,,\n"
        f"{LUMING},,Shenzhen,,\n"
        f"{XINGHE},,,Hangzou,\n"
        f"{BAILU},,Guangdong,Xiamen,\n"
        f'{qinglan},,,,"two\nlines"\n'
        f"{yunti},Industry,,,ok,surplus\n"
        f"{nanshan},,,,bell\x07\n",
    )
    result = run("annotate", "import", bad)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {bad}: line 2: type 'Industy' is not one of Academia, Government, Industry, "
        "Other/unknown",
        f"Error: {bad}: line 3: province 'Shenzhen' is a city (of Guangdong), not a province",
        f"Error: {bad}: line 4: city 'Hangzou' is not a prefecture-level city the gazetteer "
        "knows (did you mean Hangzhou or Yangzhou?); give one in pinyin as CSET writes it, and any other "
        "place in location",
        f"Error: {bad}: line 5: city 'Xiamen' is in Fujian, not in province 'Guangdong'",
        f"Error: {bad}: line 6: notes 'two\\nlines' holds a line break or control character "
        "(U+000A); a value is one line",
        f"Error: {bad}: line 8: 6 cells, but the header names 5 (a value with a comma needs "
        "quotes)",
        f"Error: {bad}: line 9: notes 'bell\\x07' holds a line break or control character "
        "(U+0007); a value is one line",
        f"Error: {bad}: nothing stored",
    ]
    assert _user_rows(tmp_path) == 0


def test_known_values_are_read_in_any_case_and_stored_as_cset_writes_them(
    run: Run, tmp_path: Path
) -> None:
    sheet = _write(
        tmp_path / "ok.csv",
        # Blank cells past the header lose nothing: a spreadsheet may write them.
        f"key,type,province,city\n{LUMING},academia,guangdong,SHENZHEN,,\n{BAILU},,,xian\n"
        f"{DONGHU},,,Urumqi\n",
    )
    result = run("annotate", "import", sheet)
    assert result.exit_code == 0, result.output
    rows = _rows(run)
    assert (rows[LUMING]["type"], rows[LUMING]["province"], rows[LUMING]["city"]) == (
        "Academia",
        "Guangdong",
        "Shenzhen",
    )
    assert (rows[BAILU]["city"], rows[DONGHU]["city"]) == ("Xi'an", "Ürümqi")


def test_a_city_outside_the_stored_province_is_refused(run: Run, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.csv", f"key,province\n{LUMING},Zhejiang\n")
    assert run("annotate", "import", first).exit_code == 0
    city = _write(tmp_path / "b.csv", f"key,city\n{LUMING},Nanjing\n")
    result = run("annotate", "import", city)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        f"Error: {city}: line 2: city 'Nanjing' is in Jiangsu, not in province 'Zhejiang' "
        "(the province was stored before; give both, or clear it with -)",
    )
    both = _write(tmp_path / "c.csv", f"key,city,province\n{LUMING},Nanjing,Jiangsu\n")
    assert run("annotate", "import", both).exit_code == 0
    assert _rows(run)[LUMING]["province"] == "Jiangsu"


# Export ----------------------------------------------------------------------------------


def _export(run: Run, *args: str) -> list[dict[str, str]]:
    result = run("annotate", "export", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_export_then_import_round_trip(run: Run, tmp_path: Path) -> None:
    todo = _export(run)
    assert [(row["name"], row["tier"]) for row in todo] == [
        (BAILU, "ordinary"),
        (LUMING, "ordinary"),
    ]
    bailu = todo[0]
    # The guesses sit beside the columns to fill, which stay blank.
    assert (bailu["type"], bailu["type_inferred"], bailu["city_inferred"]) == (
        "",
        "Industry",
        "Xiamen",
    )
    assert todo[1]["type_inferred"] == todo[1]["city_inferred"] == ""
    assert _export(run, "--at", "baseline") == []  # CSET annotated everyone in 2020
    todo[1] |= {"type": "Academia", "city": "Hangzhou", "public_company": "no"}
    out = io.StringIO()
    writer = csv.DictWriter(out, list(todo[0]))
    writer.writeheader()
    writer.writerows(todo)
    path = _write(tmp_path / "todo.csv", out.getvalue())
    mine = _write(tmp_path / "mine.csv", f"name,type\n{DONGHU},Government\n")
    assert run("annotate", "import", mine).exit_code == 0
    result = run("annotate", "import", path)
    assert result.exit_code == 0, result.output
    assert "stored 1 annotations" in result.stdout  # the unfilled row (guesses only) skipped
    assert [row["name"] for row in _export(run)] == [BAILU]
    rows = _rows(run)
    assert (rows[LUMING]["type"], rows[LUMING]["annotation_origin"]) == ("Academia", USER_ORIGIN)
    # The annotation made before the export (so not in it) is still there.
    assert (rows[DONGHU]["type"], rows[DONGHU]["type_source"]) == ("Government", USER_ORIGIN)


def test_export_writes_a_file_excel_reads(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "todo.csv"
    assert run("annotate", "export", "--output", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfkey,name,tier,")
    # Excel's BOM read back: the sheet imports as written (nothing filled, nothing stored).
    assert run("annotate", "import", str(target)).stdout.startswith("stored 0 annotations")


def test_a_users_annotation_follows_a_rename_merged_with_csets(run: Run, tmp_path: Path) -> None:
    mine = _write(tmp_path / "mine.csv", f"name,type\n{XINGHE},Government\n")
    assert run("annotate", "import", mine).exit_code == 0
    renamed = "星河智能科技股份有限公司"
    (tmp_path / "renamed.html").write_text(
        render_page({**BASE, "vice_chair": [renamed]}), encoding="utf-8"
    )
    assert run("snapshot", "--file", str(tmp_path / "renamed.html")).exit_code == 0
    row = _rows(run)[renamed]
    assert (row["type"], row["type_source"], row["annotated_as"]) == (
        "Government",
        USER_ORIGIN,
        XINGHE,
    )
    assert (row["common_name_en"], row["common_name_en_source"]) == ("Xinghe AI", "cset-2020")


def test_the_views_merge_per_field_as_the_reports_do(run: Run, tmp_path: Path) -> None:
    """Datasette's `current_members` and the names index agree with `members`: the user's
    type, CSET's English name beside it, and the member still found by that name."""
    mine = _write(tmp_path / "mine.csv", f"name,type\n{XINGHE},Government\n")
    assert run("annotate", "import", mine).exit_code == 0
    store = Store.open(tmp_path / "tracker.db")
    try:
        row = next(store.db.query("SELECT * FROM current_members WHERE key = ?", [XINGHE]))
        names = next(store.db.query("SELECT * FROM member_names WHERE key = ?", [XINGHE]))
    finally:
        store.close()
    assert (row["type"], row["common_name_en"], row["city"]) == (
        "Government",
        "Xinghe AI",
        "Beijing",
    )
    assert (row["annotation_origin"], row["annotated_as"]) == (USER_ORIGIN, None)
    assert names["common_name_en"] == "Xinghe AI"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_diff_marks_inferred_values_for_people_and_leaves_data_plain(run: Run, fmt: str) -> None:
    shown = run("diff", "baseline", "latest", "--format", fmt).stdout
    mark = "\\*" if fmt == "markdown" else "*"  # Markdown escapes it, to show it
    assert f"Xiamen{mark}" in shown and f"{mark} inferred from the name" in shown
    assert f"Beijing{mark}" not in shown  # CSET's values are never marked
    data = json.loads(run("diff", "baseline", "latest", "--format", "json").stdout)
    bailu = next(row for row in data["joined"] if row["name"] == BAILU)
    assert bailu["city"] == "Xiamen"


def test_the_site_marks_inferred_values_and_credits_cset_under_a_users_note(
    run: Run, tmp_path: Path
) -> None:
    mine = _write(tmp_path / "mine.csv", f"name,type\n{XINGHE},Government\n")
    assert run("annotate", "import", mine).exit_code == 0
    assert run("site", "build", str(tmp_path / "site")).exit_code == 0
    members = (tmp_path / "site" / "members" / "index.html").read_text(encoding="utf-8")
    assert "<td>Industry*</td><td>Xiamen*</td>" in members
    assert "a type or city marked * is inferred from the name" in members
    assert "<td>Government</td><td>Beijing</td>" in members  # the user's, and CSET's
    assert "CC BY-NC 4.0" in members
    changes = (tmp_path / "site" / "changes" / "baseline-latest.html").read_text(encoding="utf-8")
    assert "Xiamen*" in changes and "* inferred from the name" in changes


def test_every_guessed_value_in_the_members_table_is_marked(tmp_path: Path) -> None:
    """The demo's three newcomers all have a type guessed from their names: each is starred."""
    from click.testing import CliRunner

    from tracker.cli import cli

    assert CliRunner().invoke(cli, ["demo", str(tmp_path / "d")]).exit_code == 0
    options = [
        "--config",
        str(tmp_path / "d" / "config.toml"),
        "--db",
        str(tmp_path / "d" / "tracker.db"),
    ]
    table = CliRunner().invoke(cli, [*options, "members", "--at", "latest", "--wide"]).stdout
    for name in ("紫藤教育科技有限公司", "墨竹安全技术有限公司", "锦鲤金融科技有限公司"):
        line = next(
            line for line in table.splitlines() if line.split()[2:3] == [name] or name in line
        )
        assert "Industry*" in line, line


def test_an_unknown_province_names_the_nearest_and_lists_them_all() -> None:
    from tracker.core.usercsv import read_user_csv

    _, problems = read_user_csv("key,province,city\nk,Guandong,Guangdong\n".encode(), "f.csv")
    assert problems[0].startswith(
        "f.csv: line 2: province 'Guandong' is not a province (did you mean Guangdong?); "
        "one of Anhui, Beijing, Chongqing,"
    )
    assert problems[0].endswith("Yunnan, Zhejiang") and problems[0].count(", ") == 33
    assert problems[1] == (
        "f.csv: line 2: city 'Guangdong' is a province, not a city (put it in province)"
    )

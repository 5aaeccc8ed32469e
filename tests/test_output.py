import codecs
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.cli import DEFAULTS
from tracker.cli import cli
from tracker.core.credit import CSET_CREDIT
from tracker.core.jsontext import render_json
from tracker.render.table import clip, display_width, fit_widths, render_rows, render_table


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("board", 5),
        ("星河智能", 8),
        ("青岚（北京）", 12),
        ("ＡＢ", 4),
        ("한국", 4),
        ("A·B", 3),
        ("", 0),
    ],
)
def test_display_width_counts_wide_characters_twice(text: str, width: int) -> None:
    assert display_width(text) == width


def test_table_columns_line_up_in_terminal_columns() -> None:
    table = render_table(
        [{"name": "星河智能", "tier": "board"}, {"name": "ab", "tier": "x"}], ["name", "tier"]
    )
    assert table.splitlines() == [
        "name      tier",
        "--------  -----",
        "星河智能  board",
        "ab        x",
    ]


def test_json_puts_one_record_per_line_and_round_trips() -> None:
    data = {
        "old": {"id": 1, "counts": {"board": 2}},
        "joined": [{"name": "星河"}, {"name": "青岚"}],
        "none": [],
    }
    text = render_json(data)
    assert json.loads(text) == data
    assert '    {"name": "星河"},\n    {"name": "青岚"}\n' in text
    assert '    "counts": {"board": 2}\n' in text


ROWS = [
    {
        "tier": "board",
        "name": "青岚数据（北京）有限公司",
        "english": "Qinglan Data Technology",
        "city": "Beijing",
        "soe": "no",
    },
    {"tier": "ordinary", "name": "东湖大学", "english": "Donghu", "city": "Wuhan", "soe": ""},
]
COLUMNS = ["tier", "name", "english", "city", "soe"]


@pytest.mark.parametrize("width", [40, 50, 60, 70])
def test_a_table_fits_its_width_and_says_what_it_cut(width: int) -> None:
    full = render_table(ROWS, COLUMNS)
    assert max(display_width(line) for line in full.splitlines()) > width
    lines = render_table(ROWS, COLUMNS, width=width).splitlines()
    table, note = lines[:-1], lines[-1]
    assert max(display_width(line) for line in table) <= width
    assert note.startswith(f"(cut to {width} columns") and note.endswith(": --wide shows all)")
    # Columns go from the right: what is left is a prefix of the columns, tier first.
    shown = table[0].split()
    assert shown == COLUMNS[: len(shown)] and len(shown) >= 2
    assert ("hiding " + ", ".join(COLUMNS[len(shown) :])) in note or len(shown) == 5


def test_a_cut_cell_ends_in_an_ellipsis_within_its_columns() -> None:
    assert clip("青岚数据（北京）有限公司", 9) == "青岚数据…"
    assert display_width(clip("青岚数据（北京）有限公司", 10)) <= 10
    assert clip("Qinglan Data", 8) == "Qinglan…"
    assert clip("short", 8) == "short"


def test_a_table_that_fits_is_untouched() -> None:
    assert render_table(ROWS, COLUMNS, width=200) == render_table(ROWS, COLUMNS)


def test_widths_hide_rightmost_columns_only_when_cutting_is_not_enough() -> None:
    # Three columns of 30 that may be cut to 10: they fit 34, so none is hidden.
    assert fit_widths([30, 30, 30], [10, 10, 10], 34) == [10, 10, 10]
    assert fit_widths([30, 30, 30], [10, 10, 10], 33) == [15, 16, 0]
    assert fit_widths([30, 30, 30], [10, 10, 10], 5) == [10, 0, 0]  # the first column stays
    # A name (floor: its full width) is never cut; the others give way.
    assert fit_widths([10, 30, 30], [10, 30, 10], 60) == [10, 30, 16]
    # Nor hidden: columns right of it go first, and a table too narrow for it overflows.
    assert fit_widths([6, 60, 20, 20], [6, 60, 10, 10], 80) == [6, 60, 10, 0]
    assert fit_widths([6, 60, 20, 20], [6, 60, 10, 10], 40, kept={0, 1}) == [6, 60, 0, 0]


def test_names_are_never_cut() -> None:
    lines = render_table(ROWS, COLUMNS, width=40).splitlines()
    assert "青岚数据（北京）有限公司" in lines[2] and "东湖大学" in lines[3]


def test_a_name_as_wide_as_the_terminal_is_shown_and_the_other_columns_give_way() -> None:
    # 30 CJK characters (60 columns), as long as the longest name in CSET's 2020 list.
    long = "青岚" * 13 + "有限公司"
    rows = [{"tier": "vice_chair", "position": 1, "name": long, "english": "Qinglan", "city": "X"}]
    table = render_table(rows, ["tier", "position", "name", "english", "city"], width=80)
    assert long in table.splitlines()[2]
    assert table.splitlines()[0].split() == ["tier", "name"]
    assert (
        table.splitlines()[-1]
        == "(cut to 80 columns, hiding position, english, city: --wide shows all)"
    )


def test_json_and_csv_carry_every_column_whatever_the_width() -> None:
    assert render_rows(ROWS, COLUMNS, "csv", width=20).splitlines()[0] == ",".join(COLUMNS)
    assert json.loads(render_rows(ROWS, COLUMNS, "json", width=20)) == ROWS


SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"


@pytest.fixture
def members(tmp_path: Path) -> Callable[..., Result]:
    """`tracker members` (or any command) over CSET's small fixture imported as a baseline."""
    config = tmp_path / "config.toml"
    config.write_text(DEFAULTS, encoding="utf-8")

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        options = ["--config", str(config), "--db", str(tmp_path / "t.db")]
        return CliRunner().invoke(cli, [*options, *args], env=env)

    assert run("baseline", "import", str(SMALL)).exit_code == 0
    return run


def test_members_fits_columns_and_wide_shows_everything(members: Callable[..., Result]) -> None:
    full = members("members").stdout.split("\n\nAnnotations: CSET")[0].splitlines()
    assert "key" not in full[0].split()  # the key only repeats the name
    assert max(display_width(line) for line in full) > 80
    fitted = members("members", env={"COLUMNS": "80"}).stdout.splitlines()
    assert max(display_width(line) for line in fitted[:8]) <= 80
    assert fitted[8] == "(cut to 80 columns, hiding type, city, state_owned: --wide shows all)"
    assert "青岚数据（北京）有限公司" in fitted[3]
    wide = members("members", "--wide", env={"COLUMNS": "80"}).stdout.splitlines()
    assert wide[: len(full)] == full


def test_members_credits_cset_under_a_table_and_beside_data(
    members: Callable[..., Result],
) -> None:
    table = members("members")
    assert table.stdout.endswith(f"\n\n{CSET_CREDIT}\n") and table.stderr == ""
    for fmt in ("json", "csv"):
        data = members("members", "--format", fmt)
        assert "CSET" not in data.stdout and data.stderr == f"{CSET_CREDIT}\n", fmt
    assert json.loads(members("members", "--format", "json").stdout)[0]["key"]
    assert "CSET" not in members("stats", "--by", "tier").output  # tiers only: no annotation
    assert CSET_CREDIT in members("stats", "--by", "type").stdout


CSV_COMMANDS = [
    ["snapshots"],
    ["members"],
    ["stats", "--by", "type"],
    ["timeline"],
    ["history", "青岚"],
    ["watchers", "list"],
    ["diff", "baseline", "latest"],
]


@pytest.mark.parametrize("command", CSV_COMMANDS, ids=" ".join)
def test_csv_written_to_a_file_opens_in_excel_and_stdout_stays_plain(
    members: Callable[..., Result], tmp_path: Path, command: list[str]
) -> None:
    """A file gets the UTF-8 byte order mark Excel needs to read names; a pipe never does."""
    page = Path(__file__).resolve().parents[1] / "fixtures" / "diff" / "new.html"
    members("snapshot", "--file", str(page), "--captured-at", "2024-05-01")
    assert members("accept", "2").exit_code == 0  # a page far smaller than CSET's list
    piped = members(*command, "--format", "csv")
    assert piped.exit_code == 0, piped.output
    assert not piped.stdout_bytes.startswith(codecs.BOM_UTF8)
    out = tmp_path / "out.csv"
    written = members(*command, "--format", "csv", "--output", str(out))
    assert written.exit_code == 0, written.output
    assert written.stdout == "" and f"wrote {out}\n" in written.stderr
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == list(csv.reader(io.StringIO(piped.stdout, newline="")))
    assert rows and rows[0][0] != ""


def test_a_table_written_to_a_file_keeps_every_column_and_its_credit(
    members: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "members.txt"
    written = members("members", "--output", str(out), env={"COLUMNS": "60"})
    assert written.exit_code == 0 and written.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")  # only CSV carries the mark
    assert text == members("members", "--wide").stdout
    assert text.endswith(f"\n\n{CSET_CREDIT}\n")

"""`tracker diff` reports: golden files for every format, escaping, endpoints, the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.cli import Run, invoker
from tests.golden_files import assert_golden
from tests.httpserver import HTTPTestServer, Response
from tests.pages import CSET_CSV, cset_tiers, render_page
from tracker.app.capture import Page, capture_page
from tracker.app.diffs import build_report
from tracker.app.refs import resolve
from tracker.cli import cli
from tracker.core.annotations import Annotation
from tracker.core.config import Config
from tracker.core.credit import CSET_CREDIT, CSET_ORIGIN
from tracker.core.diff import diff
from tracker.core.models import Listing, Snapshot
from tracker.core.normalize import normalize_key
from tracker.render.report import (
    CSV_COLUMNS,
    FORMATS,
    SCORE_NOTE,
    DiffReport,
    Endpoint,
    Generated,
    md_escape,
    render,
)
from tracker.store import Store

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "diff"
SOURCE = Config().source()
T = [datetime(2024, 3, day, 6, 0, tzinfo=UTC) for day in (1, 8, 15)]
# The middle snapshot: one member came and went, one went and came back.
MIDDLE = (
    (PAGES / "old.html")
    .read_text(encoding="utf-8")
    .replace("<li>翠微软件有限公司</li>", "<li>流萤文化传媒有限公司</li>")
)
# Who made the report, and when: fixed, so golden files do not change with the clock or version.
MADE = Generated(at=datetime(2024, 3, 20, 12, 0, tzinfo=UTC), version="0.0.0-test")
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json", "csv": "csv", "html": "html"}


def capture(store: Store, content: bytes, at: datetime) -> Snapshot:
    page = Page(
        url="http://aiia.test/structure",
        content=content,
        headers={"content-type": "text/html; charset=utf-8"},
        captured_at=at,
        origin="live",
        provenance="http://aiia.test/structure",
    )
    outcome = capture_page(store, Config(), SOURCE, page, now=lambda: at)
    assert outcome.snapshot is not None and outcome.outcome == "new", outcome.message
    return outcome.snapshot


def fill(store: Store, *, middle: bool = False) -> list[Snapshot]:
    """The fixture pair (and optionally a snapshot between), with two annotations."""
    pages = [(PAGES / "old.html").read_bytes(), (PAGES / "new.html").read_bytes()]
    if middle:
        pages.insert(1, MIDDLE.encode("utf-8"))
    snaps = [capture(store, content, at) for content, at in zip(pages, T, strict=False)]
    notes = [
        # CSET's: every format must credit it.
        Annotation(
            key="云杉机器人有限公司",
            origin=CSET_ORIGIN,
            name="云杉机器人有限公司",
            common_name_en="Yunshan Robotics",
            type="Industry",
            city="Hangzhou",
            state_owned=False,
        ),
        # Annotated under its old name: the rename still shows it.
        Annotation(
            key="启明医疗信息有限公司",
            origin="test",
            name="启明医疗信息有限公司",
            common_name_en="Qiming Medical IT",
            type="Industry",
            city="Chengdu",
        ),
    ]
    with store.atomic():
        store.replace_annotations("test", notes)
    return snaps


@pytest.fixture
def store() -> Iterator[Store]:
    store = Store(sqlite_utils.Database(memory=True))
    yield store
    store.close()


def titled(report: DiffReport) -> DiffReport:
    """The report as `tracker diff` renders it: titled with the configured source's name."""
    return msgspec.structs.replace(report, source_name=SOURCE.name)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_matches_its_golden_file(store: Store, fmt: str) -> None:
    old, new = fill(store)
    report = titled(build_report(store, old, new))
    assert_golden(f"diff-small.{EXTENSIONS[fmt]}", render(report, fmt, MADE))


def test_transients_golden(store: Store) -> None:
    old, _, new = fill(store, middle=True)
    report = titled(build_report(store, old, new, with_transient=True))
    assert_golden("diff-small-transient.txt", render(report, "text", MADE))


def test_a_report_without_a_source_name_is_titled_by_its_id(store: Store) -> None:
    old, new = fill(store)
    assert render(build_report(store, old, new), "text", MADE).startswith(
        f"Membership changes: aiia, snapshot {old.id} → {new.id}\n"
    )


def test_json_schema(store: Store) -> None:
    old, new = fill(store)
    data = json.loads(render(build_report(store, old, new), "json", MADE))
    assert list(data) == [
        "tool",
        "version",
        "generated_at",
        "credit",
        "rename_score",
        "old",
        "new",
        "summary",
        "joined",
        "departed",
        "tier_changed",
        "renamed",
        "listing_changes",
    ]
    assert data["summary"] == {
        "joined": 2,
        "departed": 1,
        "tier_changed": 2,
        "promotions": 1,
        "demotions": 1,
        "renamed": 2,
        "listing_changes": 2,
        "old_members": 20,
        "new_members": 21,
    }
    assert set(data["old"]) == {
        "id",
        "source_id",
        "captured_at",
        "origin",
        "page_sha256",
        "provenance",
        "parser_version",
        "members",
        "listings",
        "counts",
        "status",
        "reason",
    }
    # The fixture's newcomers are guessed from their names: each value names its origin.
    sources = ["common_name_en_source", "type_source", "city_source", "state_owned_source"]
    shown = ["common_name_en", "type", "city", "state_owned", "annotated_as", *sources]
    assert list(data["joined"][0]) == ["key", "name", "tier", *shown]
    assert data["joined"][0]["type_source"] == "inferred"
    assert list(data["tier_changed"][0]) == [
        "key",
        "name",
        "old_tier",
        "new_tier",
        "direction",
        *shown,
    ]
    assert list(data["renamed"][0]) == [
        "old_key",
        "old_name",
        "new_key",
        "new_name",
        "old_tier",
        "new_tier",
        "direction",
        "score",
        *shown,
    ]
    assert list(data["listing_changes"][0]) == [
        "key",
        "name",
        "tier",
        "old_listed",
        "new_listed",
        *shown,
    ]


def test_every_line_traces_to_archived_bytes(store: Store) -> None:
    old, new = fill(store)
    data = json.loads(render(build_report(store, old, new), "json", MADE))
    for side, snap in (("old", old), ("new", new)):
        assert data[side]["page_sha256"] == snap.page_sha256
        assert store.page_bytes(snap.page_sha256) == (PAGES / f"{side}.html").read_bytes()
    rows = list(csv.DictReader(io.StringIO(render(build_report(store, old, new), "csv", MADE))))
    assert {(r["old_snapshot_id"], r["new_snapshot_id"]) for r in rows} == {
        (str(old.id), str(new.id))
    }


HOSTILE = [
    "<script>alert(1)</script>科技有限公司",
    "甲|乙科技有限公司",
    '=HYPERLINK("http://evil.test","x")',
    "+1科技有限公司",
    "@SUM(A1)有限公司",
    "-2+3科技有限公司",
    "*星*_号_[链接](http://x)有限公司",
]


def _hostile_report(names: list[str] = HOSTILE) -> DiffReport:
    def listings(names: list[str]) -> list[Listing]:
        return [
            Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
            for i, n in enumerate(names, start=1)
        ]

    snap = Snapshot(
        id=1,
        source_id="aiia",
        captured_at=T[0],
        origin="live",
        page_sha256="0" * 64,
        parser_version="1",
        status="ok",
    )
    changed = diff([], listings(names))
    return DiffReport(
        old=Endpoint.of(snap), new=Endpoint.of(msgspec.structs.replace(snap, id=2)), diff=changed
    )


def test_html_escapes_everything() -> None:
    page = render(_hostile_report(), "html", MADE)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.findall(r"<(\w+)", page.split("<body>")[1]) == re.findall(
        r"<(h1|code|p|strong|h2|table|thead|tr|th|tbody|td)\b", page.split("<body>")[1]
    )
    assert "http" not in page.split("<style>")[0]  # no external resources in the head


def test_html_holds_no_character_html_forbids_even_from_rows_stored_long_ago() -> None:
    # Names are cleaned when read (`clean_display`); rows stored by older versions were not.
    stored = ["星河\x0b智能\x01科技\ufffe有限公司", "青岚\x7f数据\x85\U0001ffff有限公司"]
    page = render(_hostile_report(stored), "html", MADE)
    assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\U0001ffff]", page) is None
    assert "星河\ufffd智能\ufffd科技\ufffd有限公司" in page
    assert "青岚\ufffd数据\ufffd\ufffd有限公司" in page


def test_markdown_cells_cannot_break_the_table() -> None:
    text = render(_hostile_report(), "markdown", MADE)
    rows = [line for line in text.splitlines() if line.startswith("| board")]
    assert len(rows) == len(HOSTILE)
    for row in rows:
        # Six cells: seven unescaped pipes.
        assert len(re.findall(r"(?<!\\)\|", row)) == 7
    assert "<script>" not in text
    assert md_escape("=cmd") == "\\=cmd" and md_escape("a|b") == "a\\|b"
    assert md_escape("x\ny") == "x y"


def test_csv_cells_cannot_run_as_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(render(_hostile_report(), "csv", MADE))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    names = {row["name"] for row in rows}
    assert {'\'=HYPERLINK("http://evil.test","x")', "'+1科技有限公司", "'@SUM(A1)有限公司"} <= names
    assert not any(cell.startswith(("=", "+", "@", "-")) for row in rows for cell in row.values())


def test_no_changes_says_so(store: Store) -> None:
    old, new = fill(store)
    text = render(build_report(store, new, new), "text", MADE)
    assert text.splitlines()[-1] == "No changes."
    assert (
        "+0 joined, -0 departed, 0 tier changes (0 up, 0 down), 0 likely renames; 21 → 21 members"
        in text
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_format_carries_what_a_citation_needs(store: Store, fmt: str) -> None:
    old, new = fill(store)
    page = render(build_report(store, old, new), fmt, MADE)
    for snap in (old, new):
        assert snap.page_sha256 in page  # the full digest, not a prefix
    for fact in (
        "http://aiia.test/structure",
        "2024-03-20T12:00:00Z",
        "0.0.0-test",
        "aiia-tracker",
    ):
        assert fact in page, fact
    assert "rapidfuzz" in page  # what "score 100.0" means
    assert CSET_CREDIT.split(",")[0] in page


def test_json_provenance_is_machine_readable(store: Store) -> None:
    old, new = fill(store)
    data = json.loads(render(build_report(store, old, new), "json", MADE))
    assert (data["tool"], data["version"], data["generated_at"]) == (
        "aiia-tracker",
        "0.0.0-test",
        "2024-03-20T12:00:00Z",
    )
    assert data["credit"] == CSET_CREDIT and data["rename_score"] == SCORE_NOTE
    for side, snap in (("old", old), ("new", new)):
        assert data[side]["parser_version"] == snap.parser_version
        assert data[side]["provenance"] == "http://aiia.test/structure"


def test_cset_is_credited_only_when_its_annotations_are_shown(store: Store) -> None:
    old, new = fill(store)
    cited = build_report(store, old, new)
    for fmt in ("text", "markdown", "html"):
        assert render(cited, fmt, MADE).count(CSET_CREDIT.split("“")[0]) == 1, fmt
    # CSV stays rows only, every line data: the README says to credit CSET beside it.
    assert "CSET" not in render(cited, "csv", MADE)
    with store.atomic():
        store.replace_annotations(CSET_ORIGIN, [])
    report = build_report(store, old, new)
    assert report.annotations  # another origin's annotations are shown, but are not CSET's
    for fmt in FORMATS:
        assert "CSET" not in render(report, fmt, MADE), fmt
    assert json.loads(render(report, "json", MADE))["credit"] is None


def test_html_is_chinese_with_a_cjk_font_stack(store: Store) -> None:
    old, new = fill(store)
    page = render(build_report(store, old, new), "html", MADE)
    assert '<html lang="zh-CN">' in page
    assert 'font-family:"Noto Sans CJK SC",' in page and "sans-serif" in page


def test_generated_names_this_tool_and_its_installed_version() -> None:
    from importlib.metadata import version

    made = Generated.now(T[0])
    assert (made.tool, made.version, made.at) == ("aiia-tracker", version("aiia-tracker"), T[0])


# The command line ---------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return invoker(tmp_path)


@pytest.fixture
def filled(tmp_path: Path) -> list[Snapshot]:
    store = Store.open(tmp_path / "t.db")
    try:
        return fill(store, middle=True)
    finally:
        store.close()


def test_cli_diff_by_dates_and_names_matches_the_library(run: Run, filled: list[Snapshot]) -> None:
    by_date = run("diff", "2024-03-01", "latest", "--format", "json")
    assert by_date.exit_code == 0, by_date.output
    by_id = run("diff", str(filled[0].id), str(filled[2].id), "--format", "json")
    # The same report, but for the moment each was made.
    assert json.loads(by_date.stdout) | {"generated_at": None} == json.loads(by_id.stdout) | {
        "generated_at": None
    }
    assert json.loads(by_date.stdout)["old"]["id"] == filled[0].id
    assert run("diff", "previous", "latest").stdout.startswith(
        f"Membership changes: {SOURCE.name}, snapshot {filled[1].id} → {filled[2].id}"
    )


def test_cli_diff_with_transient_and_output_file(
    run: Run, filled: list[Snapshot], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    result = run("diff", "1", "3", "--with-transient", "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    page = target.read_text(encoding="utf-8")
    assert "Transient (between the two snapshots) (2)" in page and "流萤文化传媒有限公司" in page


def test_cli_csv_file_has_a_bom_for_excel_and_stdout_has_none(
    run: Run, filled: list[Snapshot], tmp_path: Path
) -> None:
    target = tmp_path / "changes.csv"
    assert run("diff", "1", "3", "--format", "csv", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfchange,tier,name,")
    piped = run("diff", "1", "3", "--format", "csv")
    assert piped.stdout_bytes.startswith(b"change,tier,name,")
    # Excel's reading: the BOM makes it UTF-8; Python's utf-8-sig reads the same rows.
    assert raw.decode("utf-8-sig") == piped.stdout
    # Other formats are written as they are printed.
    md = tmp_path / "changes.md"
    assert run("diff", "1", "3", "--format", "markdown", "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith(f"# Membership changes: {SOURCE.name}")


def test_cli_report_is_stamped_with_the_clock_and_version(run: Run, filled: list[Snapshot]) -> None:
    from importlib.metadata import version

    before = datetime.now(UTC).replace(microsecond=0)
    data = json.loads(run("diff", "1", "3", "--format", "json").stdout)
    after = datetime.now(UTC)
    assert data["version"] == version("aiia-tracker")
    made = datetime.strptime(data["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= made <= after


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["2019-01-01", "latest"],
            "Error: no ok snapshot of 'aiia' matches '2019-01-01'; "
            "nearest: 1 (2024-03-01, live), 2 (2024-03-08, live), 3 (2024-03-15, live)\n",
        ),
        (
            ["yesterday", "latest"],
            "Error: bad snapshot reference 'yesterday': use an id, latest, previous, "
            "baseline or a date YYYY-MM-DD\n",
        ),
        (["1", "99"], "Error: no snapshot 99\n"),
    ],
)
def test_cli_bad_refs_are_one_line_errors(
    run: Run, filled: list[Snapshot], args: list[str], message: str
) -> None:
    result = run("diff", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)


def test_cli_output_to_a_missing_folder_is_a_one_line_error(
    run: Run, filled: list[Snapshot], tmp_path: Path
) -> None:
    result = run("diff", "1", "2", "-o", str(tmp_path / "no" / "such" / "dir.md"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --output ") and result.stderr.count("\n") == 1


def test_quarantined_snapshots_are_picked_only_by_id(store: Store) -> None:
    old, new = fill(store)
    # A page that lost most members is quarantined and never becomes "latest".
    gutted = capture_page(
        store,
        Config(),
        SOURCE,
        Page(
            url="http://aiia.test/structure",
            content=b"<h3>\xe7\x90\x86\xe4\xba\x8b\xe5\x8d\x95\xe4\xbd\x8d</h3><ul><li>X</li></ul>",
            headers={},
            captured_at=T[2],
            origin="live",
        ),
        now=lambda: T[2],
    )
    assert gutted.outcome == "quarantined" and gutted.snapshot is not None
    assert resolve(store, "latest", SOURCE.id).snapshot.id == new.id
    assert resolve(store, str(gutted.snapshot.id), SOURCE.id).snapshot.status == "quarantined"

    # Diffed by its id, a quarantined page's "departures" are flagged as such in every format.
    report = build_report(store, new, gutted.snapshot)
    assert report.diff.departed
    for fmt in ("text", "markdown", "html"):
        assert "QUARANTINED, not a believed reading: " in render(report, fmt, MADE), fmt
    ends = json.loads(render(report, "json", MADE))
    assert (ends["old"]["status"], ends["old"]["reason"]) == ("ok", None)
    assert ends["new"]["status"] == "quarantined"
    assert ends["new"]["reason"] == gutted.snapshot.reason


# CSET's real list with known edits -----------------------------------------------------

JOINS = {
    "board": ["星河智能科技有限公司"],
    "ordinary": ["青岚数据（北京）有限公司", "紫藤教育科技有限公司"],
}


def _edited(tiers: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[Any]]]:
    """CSET's tiers with known edits applied, and the edits as `tracker diff` should see them."""
    every = [n for names in tiers.values() for n in names]
    single = {t: [n for n in names if every.count(n) == 1] for t, names in tiers.items()}
    out = {t: list(names) for t, names in tiers.items()}
    departed = [single["ordinary"][10], single["board"][20]]
    moves = [
        (single["ordinary"][30], "ordinary", "board", "promotion"),
        (single["board"][40], "board", "vice_chair", "promotion"),
        (single["vice_chair"][-1], "vice_chair", "board", "demotion"),
    ]
    plain = [n for n in single["ordinary"][50:] if n.endswith("有限公司") and "股份" not in n]
    renames = [(old, old[: -len("有限公司")] + "股份有限公司") for old in plain[:2]]
    for name in departed:
        out["board" if name in tiers["board"] else "ordinary"].remove(name)
    for name, old, new, _ in moves:
        out[old].remove(name)
        out[new].append(name)
    for old, new in renames:
        out["ordinary"][out["ordinary"].index(old)] = new
    for tier, names in JOINS.items():
        out[tier] += names
    _add_noise(out["ordinary"], single["ordinary"][60:])
    expected: dict[str, list[Any]] = {
        "joined": sorted(normalize_key(n) for names in JOINS.values() for n in names),
        "departed": sorted(normalize_key(n) for n in departed),
        "tier_changed": sorted((normalize_key(n), o, w, d) for n, o, w, d in moves),
        "renamed": sorted((normalize_key(o), normalize_key(w), 100.0) for o, w in renames),
    }
    return out, expected


def _add_noise(names: list[str], candidates: list[str]) -> None:
    """Spelling noise that must never show: bracket width, a space, a zero-width space."""
    bracketed = next(n for n in candidates if "（" in n and n not in names[-3:])
    spaced, hidden = [n for n in candidates if n != bracketed and len(n) > 4][:2]
    edits = {
        bracketed: bracketed.replace("（", "(").replace("）", ")"),
        spaced: spaced[:2] + " " + spaced[2:],
        hidden: hidden[:3] + "\u200b" + hidden[3:],
    }
    for old, new in edits.items():
        names[names.index(old)] = new


def test_cset_list_with_known_edits_gives_exactly_those_edits(
    tmp_path: Path, http_server: HTTPTestServer
) -> None:
    tiers = cset_tiers()
    edited, expected = _edited(tiers)
    assert [len(v) for v in expected.values()] == [3, 2, 3, 2]
    http_server.add("/structure", Response(200, render_page(edited)))
    config = tmp_path / "config.toml"
    config.write_text(
        f"[[sources]]\nid = 'aiia'\nname = 'AIIA'\nurl = {json.dumps(http_server.url('/structure'))}\n",
        encoding="utf-8",
    )

    def run(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--config", str(config), "--db", str(tmp_path / "t.db"), *args]
        )

    assert run("baseline", "import", str(CSET_CSV)).exit_code == 0
    snapped = run("snapshot")
    assert snapped.exit_code == 0, snapped.stderr
    result = run("diff", "baseline", "latest", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    found = {
        "joined": sorted(c["key"] for c in data["joined"]),
        "departed": sorted(c["key"] for c in data["departed"]),
        "tier_changed": sorted(
            (c["key"], c["old_tier"], c["new_tier"], c["direction"]) for c in data["tier_changed"]
        ),
        "renamed": sorted((c["old_key"], c["new_key"], c["score"]) for c in data["renamed"]),
    }
    assert found == expected
    assert data["listing_changes"] == []
    assert (data["summary"]["old_members"], data["summary"]["new_members"]) == (561, 562)
    assert data["old"]["origin"] == "baseline" and data["old"]["captured_at"].startswith(
        "2020-03-26"
    )
    # The moment a baseline and one live snapshot exist, the headline command works.
    again = json.loads(run("diff", "2020-03-26", "latest", "--format", "json").stdout)
    assert again | {"generated_at": data["generated_at"]} == data

"""`tracker baseline import`: CSET's CSV into a baseline snapshot and annotations.

Small invented CSVs under fixtures/baseline/ carry the real file's quirks (two header rows,
CRLF, quoted newlines, `n/a`, trailing spaces, case variants, a name listed twice, an
unnamed column); the real file is read from ../shared/cset-aiia/ when it is there.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from tests.cli import Run, invoker
from tests.fakes import FakeTime, fake_waits, unreachable
from tests.golden_files import assert_golden
from tests.httpserver import HTTPTestServer, Response
from tracker.app.baseline import import_baseline, read_local
from tracker.app.refs import resolve
from tracker.core.config import Config
from tracker.core.cset import majority_spellings, read_baseline
from tracker.core.diff import members
from tracker.core.errors import BaselineError
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "baseline"
SMALL = FIXTURES / "small.csv"
REAL = ROOT.parent / "shared" / "cset-aiia" / "AIIA_collections.csv"
NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
SOURCE = Config().source()


def _now() -> datetime:
    return NOW


@pytest.fixture
def store() -> Store:
    return Store(sqlite_utils.Database(memory=True))


@pytest.fixture
def real_csv() -> Path:
    if not REAL.is_file():
        pytest.skip(f"CSET's CSV is not at {REAL} (see the README's baseline section)")
    return REAL


@pytest.fixture
def run(tmp_path: Path, http_server: HTTPTestServer) -> Run:
    config = (
        f"baseline_url = {json.dumps(http_server.url('/cset.csv'))}\n"
        "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\n"
        "url = 'http://127.0.0.1:9/structure'\nretries = 0\n"
    )
    return invoker(tmp_path, config, db="tracker.db")


def _import(store: Store, path: Path, *, replace: bool = False) -> str:
    return import_baseline(
        store, Config(), SOURCE, read_local(path), now=_now, replace=replace
    ).message


def _count(store: Store, table: str) -> int:
    return store.db.table(table).count


# Reading ------------------------------------------------------------------------------


def test_small_file_gives_listings_in_page_order_dated_by_its_extracted_cell() -> None:
    parsed = read_baseline(SMALL.read_bytes(), "small.csv")
    assert parsed.captured_at == datetime(2020, 3, 26, tzinfo=UTC)
    assert parsed.page_url == "http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure"
    assert [(x.tier, x.position, x.name) for x in parsed.listings] == [
        ("vice_chair", 1, "星河智能科技有限公司"),
        ("board", 1, "青岚数据（北京）有限公司"),
        ("board", 2, "东湖大学"),
        ("ordinary", 1, "云梯机器人(深圳)有限公司"),
        ("ordinary", 2, "青岚数据（北京）有限公司"),
        ("ordinary", 3, "南山人工智能研究院"),
    ]
    assert parsed.listings[1].tier_label == "理事单位"
    assert parsed.listings[1].key == parsed.listings[4].key == "青岚数据(北京)有限公司"
    assert len(parsed.annotations) == 5


def test_annotations_are_cleaned_and_a_name_listed_twice_keeps_its_first_listing() -> None:
    notes = {a.key: a for a in read_baseline(SMALL.read_bytes(), "small.csv").annotations}
    qinglan = notes["青岚数据(北京)有限公司"]
    # The board row (listed first on the page): leading newline and trailing space gone.
    assert (qinglan.common_name_en, qinglan.city, qinglan.province) == (
        "Qinglan Data",
        "Beijing",
        "Beijing",
    )
    assert qinglan.notes == "Appears later in the list as an ordinary member"
    yunti = notes[normalize_key("云梯机器人(深圳)有限公司")]
    assert yunti.ai_category == "Facial Recognition"  # "Facial recognition" folded
    assert yunti.state_owned is None
    assert yunti.extra == {
        "state_owned": "Partially",
        "column 25": "https://example.org/registry/yunti",
    }
    assert yunti.flag_text("state_owned") == "Partially"
    xinghe = notes["星河智能科技有限公司"]
    assert (xinghe.exchange, xinghe.public_company, xinghe.state_owned) == ("NASDAQ", True, False)
    donghu = notes["东湖大学"]
    assert (donghu.size, donghu.state_owned, donghu.crunchbase_url) == (None, None, None)
    assert notes["南山人工智能研究院"].notes == "Line one\nline two"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["AIoT", "AIot", "AIoT"], {"AIoT": "AIoT", "AIot": "AIoT"}),
        (
            ["Facial recognition", None, "Facial Recognition", "Facial Recognition"],
            {
                "Facial recognition": "Facial Recognition",
                "Facial Recognition": "Facial Recognition",
            },
        ),
        # A tie goes to the spelling that sorts first, so the result never depends on row order.
        (["beijing", "Beijing"], {"beijing": "Beijing", "Beijing": "Beijing"}),
        (["Big", "Medium"], {"Big": "Big", "Medium": "Medium"}),
    ],
)
def test_majority_spelling_folds_case_variants(
    values: list[str | None], expected: dict[str, str]
) -> None:
    assert majority_spellings(values) == expected


def _gbk(tmp_path: Path) -> Path:
    path = tmp_path / "small-gbk.csv"
    path.write_bytes(SMALL.read_text(encoding="utf-8").encode("gbk"))
    return path


def _undated(tmp_path: Path) -> Path:
    path = tmp_path / "undated.csv"
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Extracted 3/26/20", "From"), "utf-8")
    return path


def _impossible_date(tmp_path: Path) -> Path:
    path = tmp_path / "impossible-date.csv"
    text = SMALL.read_text(encoding="utf-8").replace("Extracted 3/26/20", "Extracted 2/30/20")
    path.write_text(text, encoding="utf-8")
    return path


def _order(
    order: str, name: str = "bad-order", row: str = "vice chairs,1,"
) -> Callable[[Path], Path]:
    """SMALL with one row's 'Original order within tier' (after its Tier (EN)) replaced."""

    def make(tmp_path: Path) -> Path:
        path = tmp_path / f"{name}.csv"
        tier = row.split(",")[0]
        text = SMALL.read_text(encoding="utf-8").replace(row, f"{tier},{order},")
        path.write_text(text, encoding="utf-8")
        return path

    return make


_bad_order = _order("first")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda tmp: FIXTURES / "missing-column.csv",
            "missing-column.csv: missing required column 'Type'",
        ),
        (lambda tmp: FIXTURES / "empty.csv", "empty.csv: file is empty"),
        (_gbk, "small-gbk.csv: not UTF-8 (byte "),
        (
            lambda tmp: FIXTURES / "unknown-tier.csv",
            "unknown-tier.csv: line 9: unknown tier '观察员单位'",
        ),
        (_undated, "undated.csv: no 'Extracted M/D/YY from URL' cell in the header row"),
        (_impossible_date, "impossible-date.csv: 'Extracted 2/30/20 from http"),
        (_bad_order, "bad-order.csv: line 4: 'Original order within tier' is 'first'"),
        # str.isdigit() accepts it, int() does not.
        (_order("²"), "line 4: 'Original order within tier' is '²'"),
        # Too large for SQLite's INTEGER.
        (_order("99999999999999999999"), "is '99999999999999999999'"),
        (
            _order("2", "same-place", row="board members,1,"),
            "same-place.csv: line 9: 'Original order within tier' 2 of 理事单位 is also on line 5",
        ),
        (lambda tmp: tmp / "nowhere.csv", "nowhere.csv: cannot read: No such file or directory"),
    ],
    ids=[
        "missing-column",
        "empty",
        "gbk",
        "unknown-tier",
        "undated",
        "impossible-date",
        "bad-order",
        "superscript-order",
        "huge-order",
        "two-rows-at-one-place",
        "absent",
    ],
)
def test_a_bad_file_is_one_line_error_and_stores_nothing(
    run: Run, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    result = run("baseline", "import", str(make(tmp_path)))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    store = Store(sqlite_utils.Database(tmp_path / "tracker.db"))
    assert [_count(store, t) for t in ("snapshots", "pages", "fetches", "annotations")] == [0] * 4
    store.close()


def test_the_error_names_every_missing_column(tmp_path: Path) -> None:
    text = (
        SMALL.read_text(encoding="utf-8").replace("Type,", "Kind,").replace(",Notes,", ",Remarks,")
    )
    with pytest.raises(BaselineError, match=r"^x\.csv: missing required column 'Type', 'Notes'$"):
        read_baseline(text.encode(), "x.csv")


# Importing ----------------------------------------------------------------------------


def test_import_stores_bytes_snapshot_annotations_and_a_fetch_row(store: Store) -> None:
    message = _import(store, SMALL)
    assert message == (
        "baseline snapshot 1  2020-03-26T00:00:00Z  vice_chair 1 · board 2 · ordinary 3  "
        "(6 listings, 5 members)"
    )
    snap = resolve(store, "baseline", "aiia").snapshot
    assert (snap.origin, snap.status, snap.parser_version) == ("baseline", "ok", "cset-csv-1")
    assert snap.provenance == (
        f"{SMALL} (CSET, extracted from http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure)"
    )
    assert store.page_bytes(snap.page_sha256) == SMALL.read_bytes()
    assert resolve(store, "2020-03-26", "aiia").snapshot == snap
    [fetch] = store.fetches("aiia")
    assert (fetch["url"], fetch["outcome"], fetch["snapshot_id"]) == (
        SMALL.resolve().as_uri(),
        "new",
        snap.id,
    )
    assert fetch["sha256"] == snap.page_sha256
    assert set(store.annotations_for()) == store.member_keys(snap.id)


def test_importing_the_same_file_again_changes_nothing(store: Store) -> None:
    _import(store, SMALL)
    before = {t: _count(store, t) for t in ("snapshots", "listings", "pages", "annotations")}
    assert _import(store, SMALL) == (
        "already imported as snapshot 1 (2020-03-26, sha256 "
        f"{store.snapshot(1).page_sha256[:12]}): nothing changed"
    )
    assert {t: _count(store, t) for t in before} == before
    # The second read is logged, as any fetch is, pointing at the snapshot it matched.
    assert [(f["outcome"], f["snapshot_id"]) for f in store.fetches("aiia")] == [
        ("unchanged", 1),
        ("new", 1),
    ]


def _edited_copy(tmp_path: Path) -> Path:
    path = tmp_path / "edited.csv"
    path.write_text(
        SMALL.read_text(encoding="utf-8").replace("Donghu University", "Donghu Univ."), "utf-8"
    )
    return path


def test_a_different_file_for_the_same_date_needs_replace(store: Store, tmp_path: Path) -> None:
    _import(store, SMALL)
    edited = _edited_copy(tmp_path)
    with pytest.raises(
        BaselineError,
        match=r"edited\.csv: a different baseline for 2020-03-26 is already snapshot 1 .* pass --replace",
    ):
        _import(store, edited)
    assert _count(store, "snapshots") == 1
    message = _import(store, edited, replace=True)
    assert message.endswith("; snapshot 1 marked replaced")
    old, new = store.snapshot(1), resolve(store, "baseline", "aiia").snapshot
    assert (old.status, new.id, new.status) == ("replaced", 2, "ok")
    # The replaced snapshot stays as evidence; references never pick it.
    assert len(store.listings(old.id)) == 6
    assert resolve(store, "2020-03-26", "aiia").snapshot.id == 2
    assert store.annotations_for()["东湖大学"].common_name_en == "Donghu Univ."


def test_a_replaced_baseline_cannot_be_accepted_back(run: Run, tmp_path: Path) -> None:
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    assert run("baseline", "import", str(_edited_copy(tmp_path)), "--replace").exit_code == 0
    result = run("accept", "1")
    assert result.exit_code == 1
    assert result.stderr == "Error: snapshot 1 is replaced, not quarantined: nothing to accept\n"


def test_import_over_http_defaults_to_the_configured_url(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    content = SMALL.read_bytes()
    http_server.add(
        "/cset.csv", Response(200, content, {"Content-Type": "text/plain; charset=utf-8"})
    )
    result = run("baseline", "import")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("baseline snapshot 1  2020-03-26T00:00:00Z")
    store = Store(sqlite_utils.Database(tmp_path / "tracker.db"))
    snap = resolve(store, "baseline", "aiia").snapshot
    assert store.page_bytes(snap.page_sha256) == content
    [fetch] = store.fetches("aiia")
    assert (fetch["url"], fetch["status_code"], fetch["outcome"]) == (
        http_server.url("/cset.csv"),
        200,
        "new",
    )
    assert snap.provenance is not None and snap.provenance.startswith(http_server.url("/cset.csv"))
    store.close()


def test_gbk_bytes_over_http_are_refused_even_though_they_decode_as_gbk(
    run: Run, http_server: HTTPTestServer
) -> None:
    gbk = SMALL.read_text(encoding="utf-8").encode("gbk")
    http_server.add("/other.csv", Response(200, gbk, {"Content-Type": "text/csv; charset=gbk"}))
    url = http_server.url("/other.csv")
    result = run("baseline", "import", url)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {url}: not UTF-8 (byte ")


@pytest.mark.parametrize("kind", ["refused", "dns"])
def test_offline_fails_at_once_naming_a_local_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    fake = FakeTime()
    fake_waits(monkeypatch, fake)
    run = invoker(
        tmp_path,
        "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\n"
        "url = 'http://aiia.test/structure'\nretries = 3\nbackoff = 10\n",
    )
    with unreachable(kind, monkeypatch) as base:
        result = run("baseline", "import", f"{base}/cset.csv")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {base}/cset.csv: ")
    assert result.stderr.rstrip().endswith("`tracker baseline import PATH`")
    assert fake.sleeps == []


def test_members_shows_annotations_for_baseline_members(run: Run) -> None:
    assert run("baseline", "import", str(SMALL)).exit_code == 0
    table = run("members", "--at", "2020-03-26")
    assert table.exit_code == 0, table.output
    assert_golden("members-small.txt", table.stdout)
    rows = json.loads(run("members", "--at", "baseline", "--format", "json").stdout)
    assert rows[3] == {
        "tier": "ordinary",
        "tier_label": "普通会员单位",
        "position": 1,
        "name": "云梯机器人(深圳)有限公司",
        "key": "云梯机器人(深圳)有限公司",
        "annotation_origin": "cset-2020",
        "name_en_mt": "Yunti Robotics (Shenzhen) Co., Ltd.",
        "common_name_en": "Yunti Robotics",
        "common_name_zh": "云梯机器人",
        "type": "Industry",
        "website": "http://example.org/",
        "location": "Shenzhen, Guangdong",
        "city": "Shenzhen",
        "province": "Guangdong",
        "size": "Medium",
        "focus": "Focused on AI",
        "industry": "Software",
        "ai_category": "Facial Recognition",
        "not_chinese": False,
        "public_company": False,
        "extra": {"state_owned": "Partially", "column 25": "https://example.org/registry/yunti"},
    }


# The real file ------------------------------------------------------------------------


def _real_rows(path: Path) -> list[dict[str, str]]:
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return [dict(zip(records[1], record, strict=True)) for record in records[2:]]


def test_real_file_reproduces_the_brief_tier_sizes(store: Store, real_csv: Path) -> None:
    _import(store, real_csv)
    snap = resolve(store, "baseline", "aiia").snapshot
    assert snap.captured_at == datetime(2020, 3, 26, tzinfo=UTC)
    assert (snap.listing_count, snap.member_count) == (567, 561)
    assert snap.counts == {"vice_chair": 28, "board": 189, "ordinary": 350}
    listings = store.listings(snap.id)
    assert len({x.key for x in listings}) == 561
    assert Counter(x.key for x in listings).most_common(7)[-1][1] == 1  # six keys twice
    assert len(store.annotations_for()) == 561


def test_real_file_bytedance_beijing_is_board_18_and_ordinary_123(
    store: Store, real_csv: Path
) -> None:
    [name] = {
        row["Name (ZH)"]
        for row in _real_rows(real_csv)
        if "ByteDance" in row["Common name (EN)"]
        and row["Location (City-level)"].strip() == "Beijing"
    }
    key = normalize_key(name)
    _import(store, real_csv)
    listings = store.listings(resolve(store, "baseline", "aiia").snapshot.id)
    assert [(x.tier, x.position) for x in listings if x.key == key] == [
        ("board", 18),
        ("ordinary", 123),
    ]
    assert members(listings)[key].tier == "board"


def test_real_file_second_import_is_a_no_op(store: Store, real_csv: Path) -> None:
    _import(store, real_csv)
    tables = ("snapshots", "listings", "pages", "annotations")
    before = {t: _count(store, t) for t in tables}
    assert _import(store, real_csv).startswith("already imported as snapshot 1 ")
    assert {t: _count(store, t) for t in tables} == before
    assert [f["outcome"] for f in store.fetches("aiia")] == ["unchanged", "new"]


def _expected_by_type(rows: list[dict[str, str]]) -> dict[str, dict[str, dict[str, int]]]:
    """Members by type and effective tier, listings by type and own tier, from the CSV alone."""
    tier_ids = {"副理事长单位": "vice_chair", "理事单位": "board", "普通会员单位": "ordinary"}
    rank = list(tier_ids.values())
    best: dict[str, tuple[int, str]] = {}
    expected: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        tier, kind = tier_ids[row["Tier (ZH)"].strip()], row["Type"].strip()
        cell = expected.setdefault(kind, {"members": {}, "listings": {}})["listings"]
        cell[tier] = cell.get(tier, 0) + 1
        key = normalize_key(row["Name (ZH)"])
        best[key] = min(best.get(key, (9, "")), (rank.index(tier), kind))
    for tier_index, kind in best.values():
        members = expected[kind]["members"]
        members[rank[tier_index]] = members.get(rank[tier_index], 0) + 1
    return expected


def test_real_file_stats_by_type_match_the_csv(run: Run, real_csv: Path) -> None:
    assert run("baseline", "import", str(real_csv)).exit_code == 0
    result = run("stats", "--at", "baseline", "--by", "type", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = {
        row["value"]: {
            what: {tier: n[what] for tier, n in row["tiers"].items() if n[what]}
            for what in ("members", "listings")
        }
        for row in data["rows"]
    }
    assert got == _expected_by_type(_real_rows(real_csv))
    assert (data["total"]["members"], data["total"]["listings"]) == (561, 567)
    assert {tier: n["listings"] for tier, n in data["total"]["tiers"].items()} == {
        "vice_chair": 28,
        "board": 189,
        "ordinary": 350,
    }


def test_real_file_members_json_carries_annotations(run: Run, real_csv: Path) -> None:
    assert run("baseline", "import", str(real_csv)).exit_code == 0
    rows = json.loads(run("members", "--at", "2020-03-26", "--format", "json").stdout)
    assert len(rows) == 567
    bytedance = [
        r for r in rows if r.get("common_name_en") == "ByteDance" and r["city"] == "Beijing"
    ]
    assert [(r["tier"], r["position"], r["type"]) for r in bytedance] == [
        ("board", 18, "Industry"),
        ("ordinary", 123, "Industry"),
    ]
    assert all(r["annotation_origin"] == "cset-2020" and "type" in r for r in rows)


def test_replacing_the_baseline_rebuilds_the_change_log(store: Store, tmp_path: Path) -> None:
    _import(store, SMALL)
    first = resolve(store, "baseline", "aiia").snapshot
    newcomer = Listing(
        tier="ordinary",
        tier_label="普通会员单位",
        position=4,
        name="新加入智能有限公司",
        key="新加入智能有限公司",
    )
    with store.atomic():
        later = store.add_snapshot(
            source_id="aiia",
            captured_at=datetime(2021, 1, 1, tzinfo=UTC),
            origin="file",
            page_sha256=first.page_sha256,
            provenance=None,
            parsed=ParseResult(listings=[*store.listings(first.id), newcomer]),
            parser_version="test",
            status="ok",
            reason=None,
            created_at=NOW,
        )
    _import(store, _edited_copy(tmp_path), replace=True)
    new_baseline = resolve(store, "baseline", "aiia").snapshot
    rows = store.db.execute(
        "SELECT old_snapshot_id, new_snapshot_id, kind, key FROM changes"
    ).fetchall()
    assert rows == [(new_baseline.id, later.id, "joined", "新加入智能有限公司")]

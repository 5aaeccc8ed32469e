"""Wayback backfill: CDX answers, politeness, captures into ordered snapshots, resuming.

The archive is mocked with respx at a fake host configured as `[wayback] cdx_url` and
`capture_url`; the CDX answers and captures are recorded-style fixtures with invented
timestamps and organisation names (fixtures/wayback/).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
import respx
import sqlite_utils
from click.testing import CliRunner, Result
from msgspec.structs import replace

from tests.fakes import FakeTime, fake_waits, unreachable
from tests.golden_files import assert_golden
from tests.pages import render_page
from tracker.app.backfill import plan_backfill, run_backfill, summary
from tracker.app.capture import Page, capture_page
from tracker.cli import cli
from tracker.core.cdx import CdxCapture, parse_bound, parse_cdx, select_captures
from tracker.core.config import Config, Source, Wayback, validated
from tracker.core.errors import FetchError
from tracker.net.wayback import WaybackArchive, archive_settings
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "wayback"
URL = "http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure"
ALIAS = "https://www.aiiaorg.cn/index.php?m=alliance&c=index&a=structure"
CDX = "https://archive.test/cdx"
CAPTURES = r"^https://archive\.test/web/(?P<ts>\d{14})id_/"
HEADER = '[["timestamp","original","statuscode","digest","mimetype"]]'
# Capture timestamp -> the archived page it serves.
PAGES = {
    "20190611083015": "capture-2019.html",
    "20200320121500": "capture-2020.html",
    "20210705064500": "capture-2021-error.html",
    "20220908000000": "capture-2022.html",
}
NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
Run = Callable[..., Result]


def _capture(request: httpx.Request, ts: str) -> httpx.Response:
    moment = datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    headers = {"Content-Type": "text/html", "Memento-Datetime": format_datetime(moment, True)}
    return httpx.Response(200, content=(FIXTURES / PAGES[ts]).read_bytes(), headers=headers)


@pytest.fixture
def archive_mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        cdx = (FIXTURES / "cdx.json").read_text(encoding="utf-8")
        alias = (FIXTURES / "cdx-alias.json").read_text(encoding="utf-8")
        router.get(CDX, params={"url": URL}, name="cdx").respond(200, text=cdx)
        router.get(CDX, params={"url": ALIAS}, name="cdx-alias").respond(200, text=alias)
        router.get(url__regex=CAPTURES, name="capture").mock(side_effect=_capture)
        yield router


@pytest.fixture
def store() -> Store:
    return Store(sqlite_utils.Database(memory=True))


SOURCE = Source(id="aiia", name="Test alliance", url=URL, aliases=[ALIAS], retries=0)
CONFIG = Config(sources=[SOURCE])
WAYBACK = Wayback(cdx_url=CDX, capture_url="https://archive.test/web/{timestamp}id_/{url}")


def _archive(
    time: FakeTime,
    client: httpx.Client,
    wayback: Wayback = WAYBACK,
    on_wait: Callable[[str], None] | None = None,
) -> WaybackArchive:
    settings = archive_settings(SOURCE, wayback)
    return WaybackArchive(
        wayback, settings, client=client, clock=time.clock, sleep=time.sleep, on_wait=on_wait
    )


def _backfill(store: Store, time: FakeTime, **options: object) -> tuple[list[str], str]:
    """One backfill; returns each outcome and the summary line."""
    with httpx.Client() as client:
        archive = _archive(time, client)
        plan = plan_backfill(store, SOURCE, archive, **options)  # type: ignore[arg-type]
        outcomes = run_backfill(store, CONFIG, SOURCE, archive, plan.todo, now=lambda: NOW)
    return [o.outcome for o in outcomes], summary(plan, outcomes)


# Pure: CDX answers ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["", "  \n", "[]", HEADER])
def test_empty_and_header_only_answers_list_no_captures(answer: str) -> None:
    assert parse_cdx(answer, source=CDX).captures == []


def test_revisit_rows_and_dash_lengths_are_read() -> None:
    answer = json.dumps(
        [
            ["timestamp", "original", "statuscode", "digest", "mimetype", "length"],
            ["20200101000000", URL, "200", "AAA", "text/html", "5120"],
            ["20200102000000", URL, "-", "AAA", "warc/revisit", "-"],
        ]
    )
    first, revisit = parse_cdx(answer, source=CDX).captures
    assert (first.length, first.revisit) == (5120, False)
    assert (revisit.length, revisit.revisit) == (None, True)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("<html>Service Unavailable</html>", "CDX answer is not JSON"),
        ('{"rows": []}', "CDX answer is not a list of rows"),
        ('[["timestamp","original"]]', "CDX header lacks statuscode, digest, mimetype"),
        (HEADER[:-1] + ',["20200101000000","u","200"]]', "CDX row 2 has 3 fields, the header 5"),
    ],
)
def test_malformed_answers_are_one_line_errors_naming_the_query(answer: str, problem: str) -> None:
    with pytest.raises(FetchError) as caught:
        parse_cdx(answer, source=CDX)
    assert str(caught.value).startswith(f"{CDX}: {problem}")


def _fixture_rows() -> list[CdxCapture]:
    return [
        row
        for name in ("cdx.json", "cdx-alias.json")
        for row in parse_cdx((FIXTURES / name).read_text(encoding="utf-8"), source=name).captures
    ]


def test_selection_drops_404s_alias_duplicates_and_repeated_digests() -> None:
    chosen = select_captures(_fixture_rows())
    assert [c.timestamp for c in chosen] == list(PAGES)


def test_a_page_that_reverts_is_kept() -> None:
    rows = [
        CdxCapture(timestamp=f"2020010{day}000000", original=URL, statuscode="200", digest=d,
                   mimetype="text/html")
        for day, d in ((1, "A"), (2, "B"), (3, "A"), (4, "A"))
    ]  # fmt: skip
    assert [c.digest for c in select_captures(rows)] == ["A", "B", "A"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2020", None, ["20200320121500", "20210705064500", "20220908000000"]),
        (None, "2020", ["20190611083015", "20200320121500"]),
        ("202003", "20210705", ["20200320121500", "20210705064500"]),
    ],
)
def test_the_window_is_applied_as_cdx_prefixes(
    since: str | None, until: str | None, expected: list[str]
) -> None:
    chosen = select_captures(_fixture_rows(), since=since, until=until)
    assert [c.timestamp for c in chosen] == expected


@pytest.mark.parametrize(("text", "digits"), [("2020", "2020"), ("2020-03", "202003"),
                                              ("20200326", "20200326")])  # fmt: skip
def test_bounds_accept_years_months_and_days(text: str, digits: str) -> None:
    assert parse_bound(text) == digits


# Full-width digits look like a year but would compare as no timestamp: every capture dropped.
@pytest.mark.parametrize(
    "text", ["20", "20201", "20201301", "2020-02-30", "last year", "２０２０", "2020-0３"]
)
def test_bad_bounds_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not"):
        parse_bound(text)


def test_capture_url_template_must_have_both_placeholders() -> None:
    for template in ("https://mirror.test/{timestamp}/", "https://m.test/{timestamp}/{url}/{x}"):
        with pytest.raises(ValueError, match=r"must contain \{timestamp\} and \{url\}"):
            validated(Config, {"wayback": {"capture_url": template}})


# Backfill ---------------------------------------------------------------------------------


def test_captures_become_snapshots_in_capture_time_order(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    time = FakeTime()
    outcomes, line = _backfill(store, time)
    assert outcomes == ["new", "new", "quarantined", "new"]
    assert line == (
        "4 captures listed, 0 already stored; fetched 4: 3 new, 1 quarantined, 0 failed"
    )
    snaps = store.snapshots("aiia", origin="wayback")
    assert [(s.captured_at.strftime("%Y%m%d%H%M%S"), s.status) for s in snaps] == [
        ("20190611083015", "ok"),
        ("20200320121500", "ok"),
        ("20210705064500", "quarantined"),
        ("20220908000000", "ok"),
    ]
    assert [s.counts for s in snaps] == [
        {"vice_chair": 2, "board": 3, "ordinary": 3},
        {"vice_chair": 3, "board": 3, "ordinary": 4},
        {},
        {"vice_chair": 3, "board": 4, "ordinary": 3},
    ]
    assert snaps[2].reason == "no members found: the page has no tier heading or member list"
    assert snaps[0].provenance == (
        "https://archive.test/web/20190611083015id_/http://aiiaorg.cn:80/index.php"
        "?m=alliance&c=index&a=structure"
    )
    # One CDX query per URL, then one capture a second: the limiters slept, fetch did not.
    assert time.sleeps == [3.0, 1.0, 1.0, 1.0]


def test_archived_headers_keep_the_memento_datetime(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    _backfill(store, FakeTime())
    first = store.snapshots("aiia", origin="wayback")[0]
    headers = store.db.execute(
        "SELECT headers FROM pages WHERE sha256 = ?", [first.page_sha256]
    ).fetchone()[0]
    assert json.loads(headers)["memento-datetime"] == "Tue, 11 Jun 2019 08:30:15 GMT"
    assert store.page_bytes(first.page_sha256) == (FIXTURES / "capture-2019.html").read_bytes()


def test_a_second_run_fetches_no_capture(store: Store, archive_mock: respx.MockRouter) -> None:
    _backfill(store, FakeTime())
    assert archive_mock["capture"].call_count == 4
    outcomes, line = _backfill(store, FakeTime())
    assert outcomes == []
    assert line == "4 captures listed, 4 already stored; fetched 0: 0 new, 0 quarantined, 0 failed"
    assert archive_mock["capture"].call_count == 4
    assert len(store.snapshots("aiia")) == 4


def test_a_failed_capture_is_fetched_again_on_the_next_run(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    missing = httpx.Response(404, text="not in archive")
    route = archive_mock["capture"]
    route.side_effect = lambda request, ts: (
        missing if ts.startswith("2021") else _capture(request, ts)
    )
    assert _backfill(store, FakeTime())[0] == ["new", "new", "error", "new"]
    route.side_effect = _capture
    assert _backfill(store, FakeTime())[0] == ["quarantined"]
    assert route.call_count == 5


def test_limit_leaves_the_rest_for_a_later_run(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    outcomes, line = _backfill(store, FakeTime(), limit=1)
    assert outcomes == ["new"]
    assert line.startswith("4 captures listed, 0 already stored, 3 left for a later run; fetched 1")
    assert _backfill(store, FakeTime())[0] == ["new", "quarantined", "new"]


def test_cdx_429_is_retried_after_the_configured_wait(store: Store) -> None:
    time = FakeTime()
    source = replace(SOURCE, aliases=[])
    wayback = replace(WAYBACK, retry_wait=45)
    with respx.mock() as router, httpx.Client() as client:
        route = router.get(CDX).mock(
            side_effect=[httpx.Response(429, text="slow down"), httpx.Response(200, text=HEADER)]
        )
        told: list[str] = []
        archive = _archive(time, client, wayback, told.append)
        plan = plan_backfill(store, source, archive)
    assert route.call_count == 2
    assert time.sleeps == [45]
    assert told == [
        f"retrying in 45 s (2/4): HTTP 429 Too Many Requests from {route.calls[0].request.url}"
    ]
    assert plan.listed == []


def test_a_rate_limit_wait_is_announced_naming_its_setting(store: Store) -> None:
    time = FakeTime()
    wayback = replace(WAYBACK, cdx_per_minute=20)
    told: list[str] = []
    with respx.mock() as router, httpx.Client() as client:
        router.get(CDX).respond(200, text=HEADER)
        plan_backfill(store, SOURCE, _archive(time, client, wayback, told.append))
    # Two CDX queries (the URL and its alias), three seconds apart.
    assert (time.sleeps, told) == ([3.0], ["waiting 3 s: [wayback] cdx_per_minute = 20"])


def test_cdx_gives_up_after_the_configured_retries(store: Store) -> None:
    time = FakeTime()
    wayback = replace(WAYBACK, retries=2)
    with respx.mock() as router, httpx.Client() as client:
        router.get(CDX).respond(503)
        with pytest.raises(FetchError, match="HTTP 503 Service Unavailable after 3 attempts"):
            plan_backfill(store, SOURCE, _archive(time, client, wayback))
    assert time.sleeps == [60, 120]


def test_backfill_interleaves_with_a_baseline_and_is_judged_in_time_order(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    _baseline(store)
    _backfill(store, FakeTime())
    snaps = store.snapshots("aiia")
    assert [(s.captured_at.date().isoformat(), s.origin, s.status) for s in snaps] == [
        ("2019-06-11", "wayback", "ok"),
        ("2020-03-20", "wayback", "ok"),
        ("2020-03-26", "baseline", "ok"),
        ("2021-07-05", "wayback", "quarantined"),
        ("2022-09-08", "wayback", "ok"),
    ]


def test_change_events_are_rebuilt_in_time_order(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    _backfill(store, FakeTime())
    events = store.db.execute(
        "SELECT substr(at, 1, 4), kind, name, old_tier, tier FROM changes ORDER BY at, kind, name"
    ).fetchall()
    assert events == [
        ("2020", "joined", "清泉医疗智能有限公司", None, "ordinary"),
        ("2020", "joined", "远帆自动驾驶科技有限公司", None, "ordinary"),
        ("2020", "tier_changed", "云栖算力（杭州）有限公司", "ordinary", "board"),
        ("2020", "tier_changed", "青岚数据（北京）有限公司", "board", "vice_chair"),
        ("2022", "departed", "松间视觉科技（深圳）有限公司", "ordinary", None),
        ("2022", "joined", "赤霄安全科技有限公司", None, "ordinary"),
        ("2022", "tier_changed", "远帆自动驾驶科技有限公司", "ordinary", "board"),
    ]


def _baseline(store: Store) -> None:
    """A baseline-like snapshot of 2020-03-26: the 2020 capture's members, one promoted."""
    tiers = {
        "vice_chair": ["星河智能科技有限公司", "北辰机器人研究院", "青岚数据（北京）有限公司"],
        "board": ["东海大学人工智能学院", "华岳芯片股份有限公司", "云栖算力（杭州）有限公司"],
        "ordinary": ["澄明语音技术有限公司", "松间视觉科技（深圳）有限公司",
                     "远帆自动驾驶科技有限公司", "清泉医疗智能有限公司"],
    }  # fmt: skip
    moment = datetime(2020, 3, 26, tzinfo=UTC)
    page = Page(
        url="file:///baseline.html",
        content=render_page(tiers).encode(),
        headers={},
        captured_at=moment,
        origin="baseline",
    )
    assert capture_page(store, CONFIG, SOURCE, page, now=lambda: NOW).outcome == "new"


# CLI --------------------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    config = tmp_path / "config.toml"
    # Fast limits: the CLI sleeps for real.
    config.write_text(
        f"[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = '{URL}'\n"
        f"aliases = ['{ALIAS}']\nretries = 0\n"
        f"[wayback]\ncdx_url = '{CDX}'\ncapture_url = '{WAYBACK.capture_url}'\n"
        "cdx_per_minute = 600000\ncaptures_per_second = 100000\nretry_wait = 0\n",
        encoding="utf-8",
    )
    db = tmp_path / "tracker.db"

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), *args])

    yield invoke


def test_cli_dry_run_lists_captures_and_fetches_none(
    run: Run, archive_mock: respx.MockRouter
) -> None:
    result = run("backfill", "wayback", "--dry-run", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert_golden("wayback-dry-run.txt", result.output)
    assert archive_mock["capture"].call_count == 0


def test_cli_backfill_then_snapshots_and_timeline(
    run: Run, archive_mock: respx.MockRouter, tmp_path: Path
) -> None:
    result = run("backfill", "wayback", "--to", "2021")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("snapshot 3 quarantined: no members found")
    assert lines[1:] == [
        "3 captures listed, 0 already stored; fetched 3: 2 new, 1 quarantined, 0 failed"
    ]
    assert run("backfill", "wayback").output.splitlines()[-1] == (
        "4 captures listed, 3 already stored; fetched 1: 1 new, 0 quarantined, 0 failed"
    )
    listed = run("snapshots", "--origin", "wayback", "--format", "csv").output.splitlines()
    assert [line.split(",")[1:4] for line in listed] == [
        ["captured_at", "origin", "status"],
        ["2019-06-11T08:30:15Z", "wayback", "ok"],
        ["2020-03-20T12:15:00Z", "wayback", "ok"],
        ["2021-07-05T06:45:00Z", "wayback", "quarantined"],
        ["2022-09-08T00:00:00Z", "wayback", "ok"],
    ]
    assert_golden("timeline.txt", run("timeline").output)
    chart = tmp_path / "timeline.svg"
    drawn = run("timeline", "--format", "csv", "--plot", str(chart))
    assert drawn.exit_code == 0, drawn.output
    assert chart.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize("kind", ["refused", "dns"])
def test_cli_offline_fails_at_once_naming_a_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    time = FakeTime()
    fake_waits(monkeypatch, time)
    config = tmp_path / "config.toml"
    with unreachable(kind, monkeypatch) as base:
        # The archive's own retry policy: three retries, 60 s and more apart.
        config.write_text(
            f"[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = '{URL}'\n"
            f"[wayback]\ncdx_url = '{base}/cdx'\n",
            encoding="utf-8",
        )
        options = ["--config", str(config), "--db", str(tmp_path / "tracker.db")]
        result = CliRunner().invoke(cli, [*options, "backfill", "wayback", "--dry-run"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {base}/cdx?")
    assert "set [wayback] cdx_url and capture_url in config.toml to a mirror" in result.stderr
    assert time.sleeps == []


def test_cli_captures_not_fetched_name_a_mirror(run: Run, archive_mock: respx.MockRouter) -> None:
    archive_mock["capture"].respond(503)
    result = run("backfill", "wayback", "--limit", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: 1 captures could not be fetched; rerun to retry them, "
        "or set [wayback] cdx_url and capture_url in config.toml to a mirror\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2020-13"], "Invalid value for '--from': '2020-13' is not a valid date"),
        (["--from", "2022", "--to", "2021"], "--from 2022 is after --to 2021"),
        (["--limit", "0"], "Invalid value for '--limit': 0 is not in the range x>=1."),
    ],
)
def test_cli_refuses_bad_options(run: Run, args: list[str], message: str) -> None:
    result = run("backfill", "wayback", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_timeline_without_snapshots_says_what_to_run(run: Run, tmp_path: Path) -> None:
    Store.open(tmp_path / "tracker.db").close()
    result = run("timeline")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no ok snapshots of 'aiia' yet (run `tracker snapshot`")


def test_cli_diff_between_the_baseline_and_a_wayback_snapshot(
    run: Run, archive_mock: respx.MockRouter, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "tracker.db")
    _baseline(store)
    store.close()
    assert run("backfill", "wayback").exit_code == 0
    result = run("diff", "baseline", "latest", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["old"]["origin"], report["new"]["origin"]) == ("baseline", "wayback")
    assert [m["name"] for m in report["joined"]] == ["赤霄安全科技有限公司"]
    assert [m["name"] for m in report["departed"]] == ["松间视觉科技（深圳）有限公司"]
    assert [(t["name"], t["direction"]) for t in report["tier_changed"]] == [
        ("远帆自动驾驶科技有限公司", "promotion")
    ]


def test_cli_sigterm_stops_a_backfill_like_ctrl_c_with_the_change_log_rebuilt(
    run: Run, archive_mock: respx.MockRouter, tmp_path: Path
) -> None:
    # A CI job cancelled or a service stopped mid-backfill: what was stored keeps its events.
    asked: list[str] = []

    def terminate_on_third(request: httpx.Request, ts: str) -> httpx.Response:
        asked.append(ts)
        if len(asked) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return _capture(request, ts)

    archive_mock["capture"].mock(side_effect=terminate_on_third)
    # Without the command's own handler SIGTERM would end pytest; this one only notes it.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        result = run("backfill", "wayback")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (result.exit_code, len(asked)) == (1, 3)
    with sqlite_utils.Database(tmp_path / "tracker.db") as db:
        assert db.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)
        assert db.execute("SELECT DISTINCT new_snapshot_id FROM changes").fetchall() == [(2,)]


def test_the_cdx_query_asks_for_revisits_too() -> None:
    # A page that reverts (A, B, A) comes back as a revisit with status "-".
    with respx.mock() as router, httpx.Client() as client:
        route = router.get(CDX).respond(200, text="[]")
        _archive(FakeTime(), client).list_captures([URL])
    sent = route.calls[0].request.url.params
    assert (sent["filter"], sent["collapse"]) == ("statuscode:(200|-)", "digest")


def test_a_capture_of_a_list_split_over_pages_is_quarantined_not_read_short(
    store: Store, archive_mock: respx.MockRouter
) -> None:
    # The archive holds page 1 alone: its members on later pages would read as joins on
    # the first live capture that reads them all.
    page = (FIXTURES / "capture-2020.html").read_bytes()
    pager = '<a href="index.php?m=alliance&c=index&a=structure&page=2">next</a>'
    paged = page.replace(b"</body>", f"{pager}</body>".encode("ascii"))
    headers = {"Content-Type": "text/html", "Memento-Datetime": "Tue, 11 Jun 2019 08:30:15 GMT"}
    archive_mock.routes["capture"].side_effect = None
    archive_mock.routes["capture"].return_value = httpx.Response(
        200, content=paged, headers=headers
    )
    _backfill(store, FakeTime(), limit=1)
    snap = store.snapshots("aiia", origin="wayback")[0]
    assert snap.status == "quarantined"
    assert snap.reason is not None
    assert "the list goes on at http://aiiaorg.cn" in snap.reason
    assert "&page=2, which was not read" in snap.reason

"""`tracker snapshot` end to end: fetch over a real socket, parse, guard, store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.fakes import FakeTime, fake_waits, unreachable
from tests.httpserver import HTTPTestServer, Response
from tests.pages import cset_tiers, render_page
from tracker.cli import cli
from tracker.store import Store

TIERS = {
    "vice_chair": ["星河智能科技有限公司", "青岚数据（北京）有限公司"],
    "board": ["东方启明大学", "云岫机器人股份有限公司", "青岚数据（北京）有限公司"],
    "ordinary": [f"测试样例{i}号科技有限公司" for i in range(1, 9)],
}

Run = Callable[..., Result]


def _config(path: Path, url: str, **extra: object) -> Path:
    settings = {"retries": 1, "backoff": 0, "connect_timeout": 1, "read_timeout": 0.5, **extra}
    lines = [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path.write_text(
        "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\n"
        f"url = {json.dumps(url)}\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def run(tmp_path: Path, db_path: Path, http_server: HTTPTestServer) -> Run:
    config = _config(tmp_path / "config.toml", http_server.url("/structure"))

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config), "--db", str(db_path), *args])

    return invoke


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite_utils.Database(db_path) as db:
        return db.execute(sql).fetchall()


def test_same_page_twice_makes_one_snapshot_and_two_fetch_rows(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS)))
    first, second = run("snapshot"), run("snapshot")
    assert first.exit_code == 0, first.stderr
    assert first.output.startswith("snapshot 1  ")
    assert first.output.rstrip().endswith(
        "vice_chair 2 · board 3 · ordinary 8  (13 listings, 12 members)"
    )
    assert second.exit_code == 0
    assert second.output.startswith("unchanged: same page as snapshot 1")
    assert _rows(db_path, "SELECT count(*) FROM snapshots") == [(1,)]
    assert _rows(db_path, "SELECT outcome FROM fetches ORDER BY id") == [("new",), ("unchanged",)]


def test_etag_makes_the_second_fetch_conditional(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS), {"ETag": '"v1"'}))
    assert run("snapshot").exit_code == 0
    again = run("snapshot")
    assert again.output.startswith("unchanged: server answered 304 Not Modified")
    assert http_server.requests[-1].headers["if-none-match"] == '"v1"'
    assert _rows(db_path, "SELECT outcome FROM fetches ORDER BY id") == [
        ("new",),
        ("not_modified",),
    ]


@pytest.mark.parametrize(
    ("response", "outcome", "exit_code", "message"),
    [
        (Response(503), "error", 1, "HTTP 503 Service Unavailable after 2 attempts"),
        (Response(200, "<html>", delay=2), "error", 1, "ReadTimeout"),
        (
            Response(200, "<html><body><p>网站维护中</p></body></html>"),
            "quarantined",
            3,
            "no members found",
        ),
    ],
    ids=["503", "timeout", "no-tier-heading"],
)
def test_a_failed_fetch_leaves_no_ok_snapshot(
    run: Run,
    http_server: HTTPTestServer,
    db_path: Path,
    response: Response,
    outcome: str,
    exit_code: int,
    message: str,
) -> None:
    http_server.add("/structure", response)
    result = run("snapshot")
    assert result.exit_code == exit_code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert _rows(db_path, "SELECT outcome FROM fetches") == [(outcome,)]
    assert _rows(db_path, "SELECT count(*) FROM snapshots WHERE status = 'ok'") == [(0,)]


def test_a_large_loss_is_quarantined_until_accepted(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS)))
    assert run("snapshot").exit_code == 0
    shrunk = {**TIERS, "ordinary": TIERS["ordinary"][:2]}
    http_server.add("/structure", Response(200, render_page(shrunk)))
    result = run("snapshot")
    assert result.exit_code == 3
    assert "6 of the previous 12 members are missing (50%, limit 20%)" in result.stderr
    assert "tracker accept 2" in result.stderr
    latest = run("members", "--format", "json")
    assert json.loads(latest.stdout)[-1]["position"] == 8
    # `latest` passed over the quarantined capture: the note says so, on stderr only.
    assert latest.stderr.startswith("Note: latest → snapshot 1 of ")
    assert (
        "snapshot 2 of " in latest.stderr and " is quarantined: 6 of the previous" in latest.stderr
    )
    shown = run("members", "--at", "2", "--format", "json")
    assert len(json.loads(shown.stdout)) == 7
    assert shown.stderr.startswith("Note: snapshot 2 is quarantined, not a believed reading: 6 of")
    accepted = run("accept", "2")
    assert accepted.exit_code == 0 and accepted.output.startswith("accepted snapshot 2")
    assert len(json.loads(run("members", "--format", "json").output)) == 7


def test_a_page_contradicting_its_own_counts_is_quarantined(
    run: Run, http_server: HTTPTestServer
) -> None:
    page = render_page(TIERS, counts=True).replace("（8家）", "（9家）")
    http_server.add("/structure", Response(200, page))
    result = run("snapshot")
    assert result.exit_code == 3
    assert "the page says ordinary has 9 members, parsed 8" in result.stderr


def test_members_lists_listings_in_page_order(run: Run, http_server: HTTPTestServer) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS)))
    run("snapshot")
    rows = json.loads(run("members", "--at", "latest", "--format", "json").output)
    assert [(r["tier"], r["position"], r["name"]) for r in rows[:3]] == [
        ("vice_chair", 1, "星河智能科技有限公司"),
        ("vice_chair", 2, "青岚数据（北京）有限公司"),
        ("board", 1, "东方启明大学"),
    ]
    assert rows[1]["key"] == "青岚数据(北京)有限公司" and rows[1]["tier_label"] == "副理事长单位"
    csv_out = run("members", "--format", "csv").output.splitlines()
    assert csv_out[0].startswith("tier,position,name,")
    assert len(csv_out) == 14


def test_snapshot_from_a_file(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text(render_page(TIERS), encoding="utf-8")
    result = run("snapshot", "--file", str(page))
    assert result.exit_code == 0 and result.stdout.startswith("snapshot 1")
    # Undated, the page is dated now: one note says so, and how to date it.
    assert result.stderr == (
        f"Note: {page} is dated now; if it was saved earlier, give --captured-at YYYY-MM-DD\n"
    )
    missing = run("snapshot", "--file", str(tmp_path / "gone.html"))
    assert missing.exit_code == 1
    assert (
        missing.stderr
        == f"Error: {tmp_path / 'gone.html'}: cannot read: No such file or directory\n"
    )


@pytest.mark.parametrize("kind", ["refused", "dns"])
def test_offline_fails_at_once_naming_the_saved_file_alternative(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    fake = FakeTime()
    fake_waits(monkeypatch, fake)
    with unreachable(kind, monkeypatch) as base:
        config = _config(tmp_path / "c.toml", f"{base}/structure", retries=3, backoff=10)
        args = ["--config", str(config), "--db", str(db_path), "snapshot"]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {base}/structure")
    assert result.stderr.rstrip().endswith("`tracker snapshot --file saved.html`")
    assert fake.sleeps == []
    # The fetch row keeps the error itself; the advice was for the reader.
    [(error,)] = _rows(db_path, "SELECT error FROM fetches")
    assert isinstance(error, str) and "--file" not in error


def test_a_long_wait_is_announced_on_stderr(
    tmp_path: Path, db_path: Path, http_server: HTTPTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    fake_waits(monkeypatch, fake)
    http_server.add(
        "/structure",
        [Response(429, headers={"Retry-After": "30"}), Response(200, render_page(TIERS))],
    )
    url = http_server.url("/structure")
    config = _config(tmp_path / "c.toml", url)
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db_path), "snapshot"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"retrying in 30 s (2/2): HTTP 429 Too Many Requests from {url}\n"
    assert result.stdout.startswith("snapshot 1")
    assert fake.sleeps == [30]


def test_unknown_ref_and_bad_config_are_one_line_errors(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    Store.open(db_path).close()
    result = run("members", "--at", "2020-01-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no ok snapshot of 'aiia' matches '2020-01-01'")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[[sources]]\nid='aiia'\nname='x'\nurl='http://x/'\nretries=-1\n", encoding="utf-8"
    )
    broken = CliRunner().invoke(cli, ["--config", str(bad), "--db", str(db_path), "snapshot"])
    assert broken.exit_code == 1
    assert broken.stderr == (
        f"Error: {bad}: sources.0.retries: Input should be greater than or equal to 0 (got -1)\n"
    )


def test_cset_list_over_http_gives_the_brief_counts(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    http_server.add("/structure", Response(200, render_page(cset_tiers())))
    result = run("snapshot")
    assert result.exit_code == 0, result.stderr
    assert "vice_chair 28 · board 189 · ordinary 350  (567 listings, 561 members)" in result.output
    assert _rows(db_path, "SELECT count(DISTINCT key) FROM listings") == [(561,)]


def test_manual_snapshots_and_accepts_queue_news_for_watchers(
    tmp_path: Path, http_server: HTTPTestServer, db_path: Path
) -> None:
    config = _config(tmp_path / "config.toml", http_server.url("/structure"))
    log = tmp_path / "changes.jsonl"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"[[watchers]]\nname = 'log'\nkind = 'file'\npath = {json.dumps(str(log))}\n",
        encoding="utf-8",
    )

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config), "--db", str(db_path), *args])

    pages = [
        TIERS,
        {**TIERS, "board": [*TIERS["board"], "新成员智能有限公司"]},
        {**TIERS, "ordinary": TIERS["ordinary"][:2]},
    ]
    for page in pages:
        http_server.add("/structure", Response(200, render_page(page)))
        run("snapshot")
    assert run("accept", "3").exit_code == 0
    delivered = run("notify")
    assert delivered.exit_code == 0, delivered.stderr
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(x["event"], x["summary"]["joined"], x["summary"]["departed"]) for x in lines] == [
        ("changes", 1, 0),
        ("changes", 0, 7),
    ]


def test_an_accepted_snapshot_is_a_reading_that_confirms_departures(
    tmp_path: Path, http_server: HTTPTestServer, db_path: Path
) -> None:
    config = _config(tmp_path / "config.toml", http_server.url("/structure"), confirm_departures=2)
    log = tmp_path / "changes.jsonl"
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"[[watchers]]\nname = 'log'\nkind = 'file'\npath = {json.dumps(str(log))}\n")

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(config), "--db", str(db_path), *args])

    ordinary = TIERS["ordinary"]
    for page in (TIERS, {**TIERS, "ordinary": ordinary[:-1]}, {**TIERS, "ordinary": ordinary[:2]}):
        http_server.add("/structure", Response(200, render_page(page)))
        run("snapshot")
    assert run("accept", "3").exit_code == 0
    assert run("notify").exit_code == 0
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    accepted = lines[-1]
    # Missing from snapshots 2 and 3 in a row: confirmed; those missing only from 3 wait.
    assert (accepted["old"]["id"], accepted["new"]["id"]) == (2, 3)
    assert [m["name"] for m in accepted["departed"]] == [ordinary[-1]]
    assert [m["name"] for m in accepted["missing_unconfirmed"]] == sorted(ordinary[2:-1])


def test_a_304_points_at_the_page_its_etag_came_from(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    good = Response(200, render_page(TIERS), {"ETag": '"v1"'})
    http_server.add("/structure", good)
    assert run("snapshot").exit_code == 0
    broken = Response(200, "<html><body><p>系统升级中</p></body></html>", {"ETag": '"v2"'})
    http_server.add("/structure", broken)
    assert run("snapshot").exit_code == 3
    http_server.add("/structure", good)
    again = run("snapshot")
    assert again.stdout.startswith("unchanged: server answered 304 Not Modified")
    assert http_server.requests[-1].headers["if-none-match"] == '"v1"'
    assert _rows(db_path, "SELECT outcome, snapshot_id FROM fetches ORDER BY id") == [
        ("new", 1),
        ("quarantined", 2),
        ("not_modified", 1),
    ]


def test_a_snapshot_without_members_cannot_be_accepted(
    run: Run, http_server: HTTPTestServer, db_path: Path
) -> None:
    http_server.add("/structure", Response(200, render_page(TIERS)))
    run("snapshot")
    http_server.add("/structure", Response(200, "<html><body>首页 理事单位</body></html>"))
    assert run("snapshot").exit_code == 3
    refused = run("accept", "2")
    assert refused.exit_code == 1
    assert refused.stderr == "Error: snapshot 2 has no members: it cannot be accepted\n"
    assert _rows(db_path, "SELECT status FROM snapshots ORDER BY id") == [("ok",), ("quarantined",)]


def test_usage_errors_are_one_line_naming_the_command(run: Run, tmp_path: Path) -> None:
    result = run("snapshot", "--file", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: Invalid value for '--file': File '{tmp_path}' is a directory. (see `"
    )
    assert result.stderr.endswith(" snapshot --help`)\n")
    assert result.stderr.count("\n") == 1


def test_a_database_failure_is_one_line(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.open(db_path).close()

    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Store, "snapshots", locked)
    result = run("members")
    assert result.exit_code == 1
    assert result.stderr.endswith("tracker.db: database is locked\n")
    assert result.stderr.count("\n") == 1

"""`tracker parse`: read a saved page or a URL as a snapshot would, store nothing, explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.fakes import FakeTime, fake_waits, refused_port
from tests.golden_files import assert_golden
from tests.httpserver import HTTPTestServer, Response
from tracker.cli import cli

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def parse(tmp_path: Path, *args: str) -> Result:
    # Run from the fixtures folder, which has no config.toml: the built-in defaults, as on
    # a fresh machine.
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "never.db"), "parse", *args])


@pytest.fixture(autouse=True)
def in_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PAGES)


@pytest.mark.parametrize("page", ["sidebar_cards", "portal", "empty_tier"])
def test_explain_shows_each_tier_and_everything_not_read(tmp_path: Path, page: str) -> None:
    result = parse(tmp_path, f"{page}.html", "--explain")
    assert_golden(f"parse-{page}.txt", result.output)
    assert result.exit_code == (3 if page == "empty_tier" else 0)
    assert not (tmp_path / "never.db").exists()


def test_json_lists_tiers_with_where_they_were_found(tmp_path: Path) -> None:
    result = parse(tmp_path, "link_rows.html", "--format", "json", "--explain")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert [(t["label"], t["count"], t["where"]) for t in data["tiers"]] == [
        ("会长单位", 3, "div.box > div.link > div.link_tit"),
        ("理事单位", 6, "div.box > div.link > div.link_tit"),
        ("会员单位", 6, "div.box > div.link > div.link_tit"),
    ]
    assert data["quarantine"] == []
    assert {
        "text": "友情链接",
        "reason": "ends 会员单位",
        "where": "div.box > div.link > div.link_tit",
    } in data["rejected"]


def test_a_page_snapshot_would_quarantine_exits_3_saying_why(tmp_path: Path) -> None:
    result = parse(tmp_path, "nav_only.html")
    assert result.exit_code == 3
    assert "- no members found: tier words appear only in navigation" in result.output


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = parse(tmp_path, str(tmp_path / "nope.html"))
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {tmp_path / 'nope.html'}: cannot read: No such file or directory\n"
    )


def test_a_url_is_fetched_over_the_wire_and_nothing_is_stored(
    tmp_path: Path, http_server: HTTPTestServer
) -> None:
    page = (PAGES / "tabs_logo_cards.html").read_bytes()
    http_server.add("/structure", Response(200, page, {"Content-Type": "text/html"}))
    result = parse(tmp_path, http_server.url("/structure"))
    assert result.exit_code == 0, result.output
    assert "副理事长单位 (vice_chair): 4" in result.output
    assert len(http_server.requests_for("/structure", "GET")) == 1
    assert not (tmp_path / "never.db").exists()


def test_a_long_wait_is_announced_on_stderr(
    tmp_path: Path, http_server: HTTPTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    fake_waits(monkeypatch, fake)
    page = (PAGES / "tabs_logo_cards.html").read_bytes()
    busy = Response(429, headers={"Retry-After": "30"})
    http_server.add("/structure", [busy, Response(200, page, {"Content-Type": "text/html"})])
    url = http_server.url("/structure")
    result = parse(tmp_path, url)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"retrying in 30 s (2/4): HTTP 429 Too Many Requests from {url}"
    )
    assert fake.sleeps == [30]


def test_an_unreachable_url_fails_at_once_naming_a_saved_copy(tmp_path: Path) -> None:
    with refused_port() as base:
        result = parse(tmp_path, f"{base}/structure")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {base}/structure")
    assert result.stderr.rstrip().endswith("`tracker parse saved.html`")


def test_a_csv_points_at_baseline_import(tmp_path: Path) -> None:
    table = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
    result = parse(tmp_path, str(table))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {table} is CSET's member list: import it with "
        f"`tracker baseline import {table}`; nothing stored\n"
    )

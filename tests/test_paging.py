"""A member list split over pages: found, followed, archived page by page, read as one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tests.httpserver import HTTPTestServer, Request, Response
from tracker.cli import cli
from tracker.core.config import Selectors
from tracker.core.parse import next_page, read_pages

NAMES = [f"分页样例{i}号科技有限公司" for i in range(1, 10)]


def list_page(heading: str, names: list[str], next_href: str | None) -> str:
    """One page of a phpcms-style paginated list: menu, sidebar of tier links, pager."""
    items = "".join(f"<li>{n}</li>" for n in names)
    pager = f'<a href="{next_href}">下一页</a>' if next_href else "<span>下一页</span>"
    return (
        '<html><head><meta charset="utf-8"></head><body>'
        '<div class="nav"><a href="/">首页</a></div>'
        '<div class="left"><ul><li><a href="/s?t=1">理事单位</a></li>'
        '<li><a href="/s?t=2">会员单位</a></li></ul><p>热点：某虚构论坛开幕</p></div>'
        f'<div class="content">{heading}<ul class="list">{items}</ul>'
        f'<div id="pages"><a href="?page=1">1</a>{pager}<a href="?page=9">末页</a></div></div>'
        '<div class="footer">版权所有 某产业联盟</div></body></html>'
    )


THREE = [
    list_page("<h3>理事单位（4家）</h3>", NAMES[0:3], "?page=2"),
    list_page("", NAMES[3:4], "?page=3"),
    list_page("<h3>会员单位</h3>", NAMES[4:9], None),
]


# --- Finding the next page ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "url", "found"),
    [
        ('<link rel="next" href="list_2.html">', "http://a.test/m/list_1.html", "http://a.test/m/list_2.html"),
        ('<a href="?page=2">下一页</a>', "http://a.test/m/index.php?page=1", "http://a.test/m/index.php?page=2"),
        ('<a href="index_2.html">下页</a>', "http://a.test/m/index.html", "http://a.test/m/index_2.html"),
        ('<a href="3">Next</a>', "http://a.test/m/p/2", "http://a.test/m/p/3"),
        ('<a href="index_2.html">&gt;</a>', "file:///srv/m/index.html", "file:///srv/m/index_2.html"),
        ('<a href="http://other.test/m/index_2.html">下一页</a>', "http://a.test/m/index.html", None),
        ('<a href="/news/index_2.html">下一页</a>', "http://a.test/m/index.html", None),
        ('<a href="index_9.html">末页</a>', "http://a.test/m/index.html", None),
        ('<a href="n/2.html">下一篇</a>', "http://a.test/m/1.html", None),
        ('<a href="javascript:next()">下一页</a>', "http://a.test/m/index.html", None),
        ('<a href="index.html">下一页</a>', "http://a.test/m/index.html", None),
        ('<a href="list_2.html">[下一页]</a>', "http://a.test/m/list_1.html", "http://a.test/m/list_2.html"),
        ('<a href="list_2.html">下一页 &gt;&gt;</a>', "http://a.test/m/list_1.html", "http://a.test/m/list_2.html"),
        ('<a href="list_2.html"><img src="n.gif" alt="下一页"></a>', "http://a.test/m/list_1.html", "http://a.test/m/list_2.html"),
        ('<a href="http://a.test/m/2.html">Next »</a>', "https://www.a.test/m/1.html", "http://a.test/m/2.html"),
        ('<link rel="next" href="/members/page/2/">', "http://a.test/members/", "http://a.test/members/page/2/"),
        ('<a href="/members/2">下一页</a>', "http://a.test/members", "http://a.test/members/2"),
        ('<a href="9.html">»</a><a href="2.html">›</a>', "http://a.test/m/1.html", "http://a.test/m/2.html"),
        ('<a href="http://[::1/x">下一页</a>', "http://a.test/m/index.html", None),
        ('<a href="?m=content&a=lists&page=2">下一页</a>', "http://a.test/index.php?m=alliance&a=structure", None),
        ('<a href="?m=alliance&a=structure&page=2">下一页</a>', "http://a.test/index.php?m=alliance&a=structure",
         "http://a.test/index.php?m=alliance&a=structure&page=2"),
    ],
)  # fmt: skip
def test_the_next_page_stays_in_the_list(link: str, url: str, found: str | None) -> None:
    assert next_page(f"<html><head></head><body>{link}</body></html>", url).url == found


# --- Reading pages as one list ----------------------------------------------------------


def test_a_page_without_the_heading_goes_on_with_the_tier() -> None:
    result = read_pages(THREE).result
    assert [(x.tier, x.position, x.name) for x in result.listings] == [
        *[("board", i, n) for i, n in enumerate(NAMES[0:4], 1)],
        *[("ordinary", i, n) for i, n in enumerate(NAMES[4:9], 1)],
    ]
    # A count stated on page 1 is checked against the whole list, once.
    assert result.declared_counts == {"board": 4}
    assert result.problems == []


def test_a_repeated_heading_with_its_count_is_not_counted_twice() -> None:
    pages = [
        list_page("<h3>理事单位（4家）</h3>", NAMES[0:2], "?page=2"),
        list_page("<h3>理事单位（4家）</h3>", NAMES[2:4], None),
    ]
    result = read_pages(pages).result
    assert ([x.name for x in result.listings], result.declared_counts) == (NAMES[0:4], {"board": 4})


# --- Over the wire -------------------------------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, http_server: HTTPTestServer) -> Run:
    def invoke(*args: str, max_pages: int = 10) -> Result:
        config = tmp_path / "config.toml"
        config.write_text(
            "[[sources]]\nid = 'aiia'\nname = 'Test'\n"
            f"url = {json.dumps(http_server.url('/list'))}\n"
            f"retries = 0\nmax_pages = {max_pages}\n",
            encoding="utf-8",
        )
        return CliRunner().invoke(
            cli, ["--config", str(config), "--db", str(tmp_path / "t.db"), *args]
        )

    return invoke


def serve(server: HTTPTestServer, pages: list[str]) -> None:
    def handler(request: Request) -> Response:
        number = int(request.path.partition("page=")[2] or 1)
        return Response(200, pages[number - 1], {"Content-Type": "text/html; charset=utf-8"})

    server.add("/list", handler=handler)


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite_utils.Database(tmp_path / "t.db") as db:
        return db.execute(sql).fetchall()


def test_every_page_is_fetched_archived_and_read_in_order(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    serve(http_server, THREE)
    result = run("snapshot")
    assert result.exit_code == 0, result.output
    names = rows(tmp_path, "SELECT tier, name FROM listings ORDER BY rowid")
    assert names == [("board", n) for n in NAMES[0:4]] + [("ordinary", n) for n in NAMES[4:9]]
    pages = rows(tmp_path, "SELECT position, url FROM snapshot_pages ORDER BY position")
    assert pages == [(2, http_server.url("/list?page=2")), (3, http_server.url("/list?page=3"))]
    assert rows(tmp_path, "SELECT count(*) FROM pages") == [(3,)]


def test_a_change_on_a_later_page_is_a_new_snapshot(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    serve(http_server, THREE)
    assert run("snapshot").exit_code == 0
    assert run("snapshot").output.startswith("unchanged")
    serve(http_server, [*THREE[:2], list_page("<h3>会员单位</h3>", NAMES[4:8], None)])
    result = run("snapshot")
    assert result.exit_code == 0 and not result.output.startswith("unchanged"), result.output
    assert rows(tmp_path, "SELECT count(*) FROM snapshots") == [(2,)]
    # The first page's ETag says nothing of the others: no conditional requests here.
    assert all("if-none-match" not in r.headers for r in http_server.requests_for("/list", "GET"))


def test_a_page_that_fails_fails_the_snapshot(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    def handler(request: Request) -> Response:
        if "page=2" in request.path:
            return Response(503, "busy")
        return Response(200, THREE[0], {"Content-Type": "text/html; charset=utf-8"})

    http_server.add("/list", handler=handler)
    result = run("snapshot")
    assert result.exit_code == 1
    assert "/list?page=2" in result.output and "503" in result.output
    assert rows(tmp_path, "SELECT count(*) FROM snapshots") == [(0,)]
    assert rows(tmp_path, "SELECT outcome, url FROM fetches") == [
        ("error", http_server.url("/list?page=2"))
    ]


def test_a_list_longer_than_the_cap_is_quarantined_not_cut(
    run: Run, http_server: HTTPTestServer
) -> None:
    serve(http_server, THREE)
    result = run("snapshot", max_pages=2)
    assert result.exit_code == 3
    assert "the list goes on after page 2 (max_pages = 2)" in result.output


def test_saved_pages_beside_each_other_are_followed(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for number, html in enumerate(THREE, 1):
        named = html.replace("?page=2", "index_2.html").replace("?page=3", "index_3.html")
        name = "index.html" if number == 1 else f"index_{number}.html"
        (folder / name).write_text(named, encoding="utf-8")
    parsed = run("parse", str(folder / "index.html"))
    assert parsed.exit_code == 0
    assert "and the 2 pages after it" in parsed.output
    assert "会员单位 (ordinary): 5" in parsed.output
    assert run("snapshot", "--file", str(folder / "index.html")).exit_code == 0


def test_a_site_that_ignores_the_page_number_is_read_once(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    # Every ?page=N answers with the first page, whose 下一页 still points at page 2.
    serve(http_server, [THREE[0]] * 3)
    assert run("snapshot").exit_code == 3  # 4 board members stated, 3 listed: quarantined
    assert rows(tmp_path, "SELECT count(*) FROM listings") == [(3,)]
    assert rows(tmp_path, "SELECT count(*) FROM snapshot_pages") == [(0,)]


def test_a_next_page_that_leaves_the_list_is_reported_not_followed() -> None:
    page = "<html><body><a href='/news/list_2.html'>下一页</a></body></html>"
    step = next_page(page, "http://a.test/m/index.html")
    assert (step.url, step.refused) == (None, "http://a.test/news/list_2.html")


def test_a_later_page_that_adds_nobody_is_a_problem() -> None:
    pages = [THREE[0], list_page("", [], None)]
    assert read_pages(pages).result.problems == ["page 2 of the list adds no names"]


def test_a_list_shipped_as_data_beside_its_first_page_is_read_whole() -> None:
    data = json.dumps(
        {"props": {"pageProps": {"list": [{"name": n, "level": "理事单位"} for n in NAMES[0:6]]}}},
        ensure_ascii=False,
    )
    first = THREE[0].replace(
        "</body>", f'<script id="__NEXT_DATA__" type="application/json">{data}</script></body>'
    )
    result = read_pages([first, THREE[1]]).result
    assert (result.method, [x.name for x in result.listings]) == ("json", NAMES[0:6])


def test_configured_selectors_go_on_across_pages() -> None:
    pages = [
        '<html><body><h3 class="t">理事单位</h3><p class="m">甲公司</p></body></html>',
        '<html><body><p class="m">乙公司</p><h3 class="t">会员单位</h3><p class="m">丙公司</p></body></html>',
    ]
    result = read_pages(pages, selectors=Selectors(tier=".t", member=".m")).result
    assert [(x.tier, x.position, x.name) for x in result.listings] == [
        ("board", 1, "甲公司"),
        ("board", 2, "乙公司"),
        ("ordinary", 1, "丙公司"),
    ]


def test_max_pages_of_one_quarantines_a_list_that_goes_on(
    run: Run, http_server: HTTPTestServer
) -> None:
    serve(http_server, THREE)
    result = run("snapshot", max_pages=1)
    assert result.exit_code == 3
    assert "the list goes on after page 1 (max_pages = 1)" in result.output


def test_a_redirected_page_resolves_its_next_link_where_it_landed(
    run: Run, http_server: HTTPTestServer, tmp_path: Path
) -> None:
    def handler(request: Request) -> Response:
        number = int(request.path.partition("page=")[2] or 1)
        return Response(200, THREE[number - 1], {"Content-Type": "text/html; charset=utf-8"})

    # Page 2 moved into a folder; its 下一页 ("?page=3") is relative to where it landed.
    http_server.add("/list", handler=handler)
    http_server.add("/new/list", handler=handler)
    moved = THREE[0].replace("?page=2", "/moved")
    http_server.add("/moved", Response.redirect("/new/list?page=2"))
    serve_first = Response(200, moved, {"Content-Type": "text/html; charset=utf-8"})
    http_server.add("/list", [serve_first])
    result = run("snapshot")
    assert result.exit_code == 0, result.output
    assert rows(tmp_path, "SELECT url FROM snapshot_pages ORDER BY position") == [
        (http_server.url("/new/list?page=2"),),
        (http_server.url("/new/list?page=3"),),
    ]

"""WARC export and import: records a web archive accepts, and a round trip that loses nothing.

Archives are built at test time from invented pages (tests/pages.py); `warcio check` and
`warcio index` are run as the command-line tools, in a subprocess with this interpreter.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.app.capture import Page, capture_page
from tracker.core.config import Config, Source
from tracker.core.models import Transfer, is_present
from tracker.net.pages import Following, PagePart
from tracker.store import Store

URL = "http://aiia.test/members"
ALIAS = "https://www.aiia.test/members"
WAYBACK = f"https://archive.test/web/20230105080000id_/{URL}"
CONFIG = (
    "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\n"
    f"url = {json.dumps(URL)}\naliases = [{json.dumps(ALIAS)}]\n"
)
SOURCE = Source(id="aiia", name="Test alliance", url=URL, aliases=[ALIAS])
BASE = {
    "vice_chair": ["星河智能科技有限公司"],
    "board": ["青岚数据（北京）有限公司", "远山算力科技有限公司"],
    "ordinary": ["白鹭云计算有限公司", "松涛机器人有限公司"],
}
JOINED = {**BASE, "ordinary": [*BASE["ordinary"], "晨曦语音技术有限公司"]}
LATER = {"ordinary": ["北辰芯片有限公司", "东篱软件有限公司"]}
HTML = {"content-type": "text/html; charset=utf-8"}


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 8, 0, tzinfo=UTC)


def _live(tiers: dict[str, list[str]], at: datetime, more: Following | None = None) -> Page:
    content = render_page(tiers).encode()
    if more is not None:
        content = content.replace(b"</body>", b'<a rel="next" href="?page=2">2</a></body>')
    # As fetched: the body decoded, the header still naming the transfer's gzip.
    headers = {**HTML, "content-encoding": "gzip", "etag": f'"{at:%Y}"'}
    return Page(
        URL,
        content,
        headers,
        at,
        "live",
        provenance=URL,
        transfer=Transfer(url=URL, final_url=URL, status_code=200),
        more=more or Following(),
    )


def _archive(path: Path) -> Store:
    """A database with a Wayback capture, live captures and a list split over two pages."""
    store = Store.open(path)
    config = Config(sources=[SOURCE])
    second = render_page(LATER).encode()
    pages = [
        Page(
            WAYBACK,
            render_page(BASE).encode(),
            {**HTML, "memento-datetime": "Thu, 05 Jan 2023 08:00:00 GMT"},
            _at(2023, 1, 5),
            "wayback",
            provenance=WAYBACK,
            transfer=Transfer(url=WAYBACK, final_url=WAYBACK, status_code=200),
        ),
        _live(JOINED, _at(2024, 1, 1)),
        _live(
            JOINED,
            _at(2024, 6, 1),
            Following(parts=[PagePart(f"{URL}?page=2", second, second.decode(), HTML)]),
        ),
    ]
    for page in pages:
        outcome = capture_page(store, config, SOURCE, page, now=lambda at=page.captured_at: at)
        assert outcome.outcome == "new", outcome.message
    return store


def _readings(store: Store) -> list[tuple[list[str], datetime, list[tuple[str, str]]]]:
    return [
        (
            store.page_digests(s.id),
            s.captured_at,
            [(x.tier, x.key) for x in store.listings(s.id)],
        )
        for s in store.snapshots("aiia")
    ]


def _records(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as stream:
        return [
            {
                "type": r.rec_type,
                "headers": dict(r.rec_headers.headers),
                "http": dict(r.http_headers.headers) if r.http_headers else None,
                "body": r.content_stream().read(),
            }
            for r in ArchiveIterator(stream)
        ]


def _warcio(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from warcio.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Store, Run]:
    store = _archive(tmp_path / "tracker.db")
    run = invoker(tmp_path, CONFIG, db="tracker.db")
    out = tmp_path / "aiia.warc.gz"
    result = run("export", "warc", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 3 snapshots, 4 pages\n"
    return out, store, run


def test_round_trip_gives_the_same_snapshots(
    tmp_path: Path, exported: tuple[Path, Store, Run]
) -> None:
    out, store, _ = exported
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run = invoker(fresh, CONFIG, db="fresh.db")
    result = run("import", "warc", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "3 pages of the source: 3 new, 0 quarantined, 0 failed, 0 already stored; skipped 8 "
        "records (1 for other URLs, 3 metadata, 3 request, 1 warcinfo)\n"
    )
    imported = Store.open(fresh / "fresh.db")
    assert _readings(imported) == _readings(store)
    assert {s.origin for s in imported.snapshots("aiia")} == {"warc"}
    # Twice: same pages at the same times are stored once.
    again = run("import", "warc", str(out))
    assert again.exit_code == 0, again.output
    assert "0 new, 0 quarantined, 0 failed, 3 already stored" in again.output
    assert len(Store.open(fresh / "fresh.db").snapshots("aiia")) == 3
    # Back into the database it came from: every page is there already, at its time.
    home = exported[2]("import", "warc", str(out))
    assert "0 new, 0 quarantined, 0 failed, 3 already stored" in home.output
    assert len(store.snapshots("aiia")) == 3


def test_the_export_passes_warcio_check_and_index_lists_every_record(
    exported: tuple[Path, Store, Run],
) -> None:
    out = exported[0]
    checked = _warcio("check", "-v", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    records = _records(out)
    assert checked.stdout.count("digest pass") == len(records)
    index = [json.loads(line) for line in _warcio("index", str(out)).stdout.splitlines()]
    assert [row["warc-type"] for row in index] == [r["type"] for r in records]
    assert Counter(r["type"] for r in records) == {
        "warcinfo": 1,
        "request": 3,
        "response": 4,
        "metadata": 3,
    }
    assert b"aiia-tracker" in records[0]["body"]


def test_records_carry_the_capture_the_archive_and_the_reading(
    exported: tuple[Path, Store, Run],
) -> None:
    records = _records(exported[0])
    responses = [r for r in records if r["type"] == "response"]
    wayback = responses[0]["headers"]
    assert wayback["WARC-Target-URI"] == URL
    assert wayback["WARC-Source-URI"] == WAYBACK
    assert wayback["WARC-Date"] == "2023-01-05T08:00:00Z"
    assert "WARC-Payload-Digest" in wayback and "WARC-Block-Digest" in wayback
    # The tracker asked the archive, later, not the site in 2023: no request is invented.
    requests = [r for r in records if r["type"] == "request"]
    assert [r["headers"]["WARC-Date"][:4] for r in requests] == ["2024", "2024", "2024"]
    assert records[1]["type"] == "response" and records[2]["type"] == "metadata"
    live = responses[1]
    assert live["body"] == render_page(JOINED).encode()
    # The stored bytes are decoded: a replay must not be told they are gzipped.
    assert "content-encoding" not in {k.lower() for k in live["http"]}
    assert live["http"]["etag"] == '"2024"'
    metadata = [r for r in records if r["type"] == "metadata"]
    assert [m["headers"]["WARC-Concurrent-To"] for m in metadata] == [
        responses[n]["headers"]["WARC-Record-ID"] for n in (0, 1, 2)
    ]
    reading = json.loads(metadata[2]["body"])
    assert reading["origin"] == "live" and reading["status"] == "ok"
    assert len(reading["page_sha256"]) == 2 and reading["parser_version"]
    assert [x["name"] for x in reading["listings"]][-2:] == LATER["ordinary"]


def test_since_exports_only_later_snapshots(exported: tuple[Path, Store, Run]) -> None:
    out, _, run = exported
    out = out.with_name("since.warc.gz")
    result = run("export", "warc", str(out), "--since", "2024-03-01")
    assert result.exit_code == 0, result.output
    assert [r["headers"]["WARC-Date"] for r in _records(out) if r["type"] == "metadata"] == [
        "2024-06-01T08:00:00Z"
    ]


def test_saved_pages_and_the_baseline_are_resource_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    demo = ["--config", "demo/config.toml", "--db", "demo/tracker.db"]
    result = runner.invoke(cli, [*demo, "export", "warc", "demo.warc.gz"])
    assert result.exit_code == 0, result.output
    records = _records(tmp_path / "demo.warc.gz")
    checked = _warcio("check", "demo.warc.gz")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    kinds = [(r["type"], r["headers"].get("Content-Type")) for r in records]
    assert kinds[:3] == [
        ("warcinfo", "application/warc-fields"),
        ("resource", "text/csv"),
        ("metadata", "application/json"),
    ]
    assert Counter(kind for kind, _ in kinds) == {"warcinfo": 1, "resource": 5, "metadata": 5}
    assert all(r["headers"]["WARC-Target-URI"].startswith("file://") for r in records[1:])


def _response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    at: str,
    kind: str = "text/html",
    moved_to: str | None = None,
) -> Any:
    """A 200 response, or with ``moved_to`` a 301 to that Location."""
    status, headers = "200 OK", [("Content-Type", kind)]
    if moved_to is not None:
        status, headers = "301 Moved Permanently", [*headers, ("Location", moved_to)]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": at},
    )


def _foreign_warc(path: Path) -> bytes:
    """A WARC as another tool writes one: a response, revisits, other URLs and types."""
    page = render_page(BASE).encode()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        first = _response(writer, ALIAS, page, "2022-02-02T10:00:00Z")
        writer.write_record(first)
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        for at, target in (("2022-03-03T10:00:00Z", URL), ("2022-04-04T10:00:00Z", URL)):
            revisit = writer.create_revisit_record(
                target, digest, ALIAS, "2022-02-02T10:00:00Z", warc_headers_dict={"WARC-Date": at}
            )
            writer.write_record(revisit)
        writer.write_record(
            writer.create_revisit_record(URL, "sha1:AAAA", "http://gone/", "2020-01-01T00:00:00Z")
        )
        writer.write_record(_response(writer, "http://other.test/", page, "2022-05-05T10:00:00Z"))
        writer.write_record(_response(writer, URL, b"\x89PNG", "2022-06-06T10:00:00Z", "image/png"))
        writer.write_record(writer.create_warc_record("dns:aiia.test", "resource"))
        writer.write_record(_response(writer, URL, page, "2999-01-01T00:00:00Z"))
    return page


def test_revisits_resolve_and_other_records_are_skipped_and_counted(tmp_path: Path) -> None:
    page = _foreign_warc(tmp_path / "browsertrix.warc")
    run = invoker(tmp_path, CONFIG, db="tracker.db")
    result = run("import", "warc", str(tmp_path / "browsertrix.warc"))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "3 pages of the source: 3 new, 0 quarantined, 0 failed, 0 already stored; "
        "skipped 5 records (1 dated after now, 1 for other URLs, 1 not HTML, 1 resource, "
        "1 revisits of a response not in the file)\n"
    )
    store = Store.open(tmp_path / "tracker.db")
    snapshots = store.snapshots("aiia")
    assert [(s.captured_at.month, s.origin, s.status) for s in snapshots] == [
        (2, "warc", "ok"),
        (3, "warc", "ok"),
        (4, "warc", "ok"),
    ]
    assert {s.page_sha256 for s in snapshots} == {store.page_digests(snapshots[0].id)[0]}
    assert store.page_bytes(snapshots[0].page_sha256) == page
    # A reading of the past, as a Wayback capture is: what it changed is not news.
    assert not is_present("warc")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "truncated-early"])
def test_a_file_that_is_not_a_warc_is_a_one_line_error(
    tmp_path: Path, exported: tuple[Path, Store, Run], damage: str
) -> None:
    out, _, _ = exported
    bad = tmp_path / "bad.warc.gz"
    whole = out.read_bytes()
    cut = {"garbage": b"<html>not a WARC</html>\n", "truncated": whole[:700]}
    bad.write_bytes(cut.get(damage, whole[:200]))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = invoker(fresh, CONFIG, db="fresh.db")("import", "warc", str(bad))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "not a readable WARC file" in result.output
    assert "Traceback" not in result.output


def test_an_altered_record_fails_its_digest_and_nothing_is_stored(tmp_path: Path) -> None:
    warc = tmp_path / "altered.warc"
    _foreign_warc(warc)
    # Same length, one name changed: only the digest can tell.
    warc.write_bytes(warc.read_bytes().replace("星河".encode(), "星海".encode(), 1))
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(warc))
    assert result.exit_code == 1, result.output
    assert "not a readable WARC file" in result.output and "digest" in result.output.lower()
    assert Store.open(tmp_path / "tracker.db").snapshots("aiia") == []


def test_a_reading_reparse_superseded_is_left_out(exported: tuple[Path, Store, Run]) -> None:
    out, store, run = exported
    # The Wayback reading, corrected: its successor is the next snapshot, for the test.
    with store.atomic():
        store.supersede(1, 2, reason="read by parser 0")
    out = out.with_name("corrected.warc.gz")
    result = run("export", "warc", str(out))
    assert result.output == f"wrote {out}: 2 snapshots, 3 pages\n"
    readings = [json.loads(r["body"]) for r in _records(out) if r["type"] == "metadata"]
    assert [reading["origin"] for reading in readings] == ["live", "live"]


def test_an_export_never_overwrites_a_file_and_leaves_none_when_it_fails(
    tmp_path: Path, exported: tuple[Path, Store, Run]
) -> None:
    out, store, run = exported
    db = tmp_path / "tracker.db"
    before = db.read_bytes()
    # The database named as OUT, as a slip of the keyboard would.
    for target in (db, out):
        result = run("export", "warc", str(target))
        assert result.exit_code == 1, result.output
        assert result.output.count("\n") == 1 and f"{target}: already exists" in result.output
    assert db.read_bytes() == before and len(store.snapshots("aiia")) == 3
    missing = tmp_path / "nonexist" / "x.warc.gz"
    result = run("export", "warc", str(missing))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and str(missing) in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if "warc" in p.name) == [out.name]


def test_an_export_that_fails_midway_leaves_no_partial_file(
    tmp_path: Path, exported: tuple[Path, Store, Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.net.warc import WarcOut

    _, _, run = exported

    def full(*_: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(WarcOut, "metadata", full)
    out = tmp_path / "partial.warc.gz"
    result = run("export", "warc", str(out))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "No space left on device" in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]


def test_a_later_page_from_another_date_is_not_stitched_to_the_first(tmp_path: Path) -> None:
    first = render_page(JOINED).replace("</body>", '<a rel="next" href="?page=2">2</a></body>')
    warc = tmp_path / "years.warc"
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(_response(writer, URL, first.encode(), "2024-06-01T08:00:00Z"))
        later = render_page(LATER).encode()
        writer.write_record(_response(writer, f"{URL}?page=2", later, "2019-06-01T08:00:00Z"))
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(warc))
    assert "1 quarantined" in result.output, result.output
    store = Store.open(tmp_path / "tracker.db")
    [snapshot] = store.snapshots("aiia")
    assert snapshot.status == "quarantined" and f"{URL}?page=2" in (snapshot.reason or "")
    assert len(store.page_digests(snapshot.id)) == 1
    assert not {"北辰芯片有限公司"} & {x.name for x in store.listings(snapshot.id)}


def test_a_redirected_page_is_exported_at_the_url_that_answered(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "tracker.db")
    moved = Transfer(url=URL, final_url=ALIAS, status_code=200)
    page = dataclasses.replace(_live(BASE, _at(2024, 1, 1)), transfer=moved)
    config = Config(sources=[SOURCE])
    outcome = capture_page(store, config, SOURCE, page, now=lambda: page.captured_at)
    assert outcome.outcome == "new", outcome.message
    out = tmp_path / "moved.warc.gz"
    result = invoker(tmp_path, CONFIG, db="tracker.db")("export", "warc", str(out))
    assert result.exit_code == 0, result.output
    targets = {r["type"]: r["headers"].get("WARC-Target-URI") for r in _records(out)}
    assert targets["response"] == ALIAS and targets["request"] == ALIAS


def test_a_page_stored_without_headers_survives_the_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "tracker.db")
    page = dataclasses.replace(_live(BASE, _at(2024, 1, 1)), headers={})
    config = Config(sources=[SOURCE])
    outcome = capture_page(store, config, SOURCE, page, now=lambda: page.captured_at)
    assert outcome.outcome == "new", outcome.message
    out = tmp_path / "bare.warc.gz"
    assert invoker(tmp_path, CONFIG, db="tracker.db")("export", "warc", str(out)).exit_code == 0
    [response] = [r for r in _records(out) if r["type"] == "response"]
    # No charset is claimed: the bytes are decoded on import as they were when read.
    assert response["http"]["Content-Type"] == "text/html"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    result = invoker(fresh, CONFIG, db="fresh.db")("import", "warc", str(out))
    assert result.output.startswith("1 pages of the source: 1 new"), result.output
    assert _readings(Store.open(fresh / "fresh.db")) == _readings(store)


@pytest.mark.parametrize("content", [b"", gzip.compress(b"")], ids=["empty", "empty-gzip"])
def test_an_empty_file_is_not_a_warc(tmp_path: Path, content: bytes) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(content)
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(empty))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and f"{empty}: not a WARC file" in result.output
    assert Store.open(tmp_path / "tracker.db").snapshots("aiia") == []


MOVED = "https://www.aiia.test/structure/"


def _redirect_warc(path: Path, *hops: tuple[str, str | None]) -> bytes:
    """A crawl of the source's URL that was redirected: each (url, Location) a 301 (a
    200 page when Location is None), a minute apart, as Browsertrix records them."""
    page = render_page(BASE).encode()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        for n, (url, location) in enumerate(hops):
            at = f"2024-03-01T10:0{n}:00Z"
            body = b"<html>Moved</html>" if location else page
            writer.write_record(_response(writer, url, body, at, moved_to=location))
    return page


def test_a_redirect_is_followed_to_the_page_it_names_and_read_once(tmp_path: Path) -> None:
    warc = tmp_path / "moved.warc"
    # To another host and scheme, then a relative Location (as servers often send it).
    slash = MOVED.rstrip("/")
    page = _redirect_warc(warc, (URL, slash), (slash, "/structure/"), (MOVED, None))
    run = invoker(tmp_path, CONFIG, db="tracker.db")
    result = run("import", "warc", str(warc))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 pages of the source: 1 new,"), result.output
    # The hop and the 200 at other URLs are the page, not records skipped.
    assert "skipped 0 records" in result.output
    store = Store.open(tmp_path / "tracker.db")
    [snapshot] = store.snapshots("aiia")
    assert snapshot.status == "ok" and store.page_bytes(snapshot.page_sha256) == page
    # Dated when the page's bytes were received (the last record), not the redirect.
    assert snapshot.captured_at == datetime(2024, 3, 1, 10, 2, tzinfo=UTC)
    assert f"({MOVED}, redirected from {URL})" in (snapshot.provenance or "")
    assert store.snapshot_transfer(snapshot.id) == (MOVED, 200)
    again = run("import", "warc", str(warc))
    assert "0 new" in again.output and "1 already stored" in again.output, again.output


@pytest.mark.parametrize(
    ("hops", "why"),
    [
        ([(URL, MOVED)], f"redirect to {MOVED} not in the file"),
        ([(URL, MOVED), (MOVED, URL)], f"redirect loop at {URL}"),
        ([(URL, URL)], f"redirect loop at {URL}"),
    ],
)
def test_a_redirect_that_leads_to_no_page_is_skipped_with_the_reason(
    tmp_path: Path, hops: list[tuple[str, str | None]], why: str
) -> None:
    warc = tmp_path / "moved.warc"
    _redirect_warc(warc, *hops)
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(warc))
    assert result.exit_code == 0, result.output
    assert f"1 {why}" in result.output, result.output
    assert "HTTP 301" not in result.output, result.output  # the redirect counted once
    assert result.output.startswith("0 pages of the source"), result.output
    assert Store.open(tmp_path / "tracker.db").snapshots("aiia") == []


def test_a_redirect_to_a_page_captured_long_after_is_not_followed(tmp_path: Path) -> None:
    warc = tmp_path / "moved.warc"
    page = render_page(BASE).encode()
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        moved = _response(writer, URL, b"", "2024-03-01T10:00:00Z", moved_to=MOVED)
        writer.write_record(moved)
        writer.write_record(_response(writer, MOVED, page, "2024-09-01T10:00:00Z"))
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(warc))
    assert f"1 redirect to {MOVED} not in the file" in result.output, result.output
    assert "1 for other URLs" in result.output, result.output
    assert Store.open(tmp_path / "tracker.db").snapshots("aiia") == []


@pytest.mark.parametrize(
    ("hops", "skipped"),
    [
        # The page at an alias of the source: read once, by the redirect, not twice.
        ([(URL, ALIAS), (ALIAS, None)], "skipped 0 records"),
        # Two of the source's URLs sent to one page: one reading of it.
        ([(URL, MOVED), (ALIAS, MOVED), (MOVED, None)], f"1 redirect to {MOVED} already followed"),
    ],
)
def test_a_page_reached_twice_is_one_snapshot(
    tmp_path: Path, hops: list[tuple[str, str | None]], skipped: str
) -> None:
    warc = tmp_path / "moved.warc"
    _redirect_warc(warc, *hops)
    result = invoker(tmp_path, CONFIG, db="tracker.db")("import", "warc", str(warc))
    assert result.output.startswith("1 pages of the source: 1 new,"), result.output
    assert skipped in result.output, result.output
    assert len(Store.open(tmp_path / "tracker.db").snapshots("aiia")) == 1

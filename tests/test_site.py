"""`tracker site build`: the static site, from the demo database and from a small store."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner, Result
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.cli import invoker
from tests.test_demo import assert_not_the_aiia
from tests.test_history import B_NEW, B_OLD, DAYS, STATES, A, _add
from tracker import __version__
from tracker.app.changelog import rebuild_changes
from tracker.app.sitefiles import JOURNAL, MANIFEST, Output
from tracker.cli import cli
from tracker.core.annotations import Annotation
from tracker.core.atom import ATOM
from tracker.core.credit import CSET_CREDIT, CSET_ORIGIN
from tracker.core.tenure import slug_of
from tracker.render.site import downloads
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def _tracker(options: list[str], *args: str | Path) -> Result:
    return CliRunner().invoke(cli, [*options, *(str(a) for a in args)])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    assert _tracker([], "demo", folder).exit_code == 0
    return ["--config", str(folder / "config.toml"), "--db", str(folder / "tracker.db")]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Five ok snapshots (a promotion, a departure, a rename, a return, a double listing)
    and a quarantined one, under the built-in default source."""
    folder = tmp_path_factory.mktemp("small")
    invoker(folder)  # writes config.toml
    store = Store.open(folder / "t.db")
    store.ensure_source("aiia", "AIIA", "https://example.org/")
    for tiers, day in zip(STATES, DAYS, strict=True):
        _add(store, tiers, day)
    _add(store, {"ordinary": ["乱码"]}, datetime(2024, 1, 3, 12, tzinfo=UTC), status="quarantined")
    rebuild_changes(store, "aiia")
    # Annotated under its former name: the annotation follows the rename.
    note = Annotation(
        key=_key(B_OLD), origin=CSET_ORIGIN, name=B_OLD, common_name_en="Qiming Medical",
        type="Industry", city="Chengdu",
    )  # fmt: skip
    with store.atomic():
        store.replace_annotations(CSET_ORIGIN, [note])
    store.close()
    return ["--config", str(folder / "config.toml"), "--db", str(folder / "t.db")]


@pytest.fixture(params=["demo", "small"])
def built(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], Path]:
    options = request.getfixturevalue(request.param)
    out = tmp_path / "site"
    result = _tracker(options, "site", "build", out)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return options, out


def _html(out: Path) -> Iterator[Path]:
    return out.rglob("*.html")


def _links(page: Path) -> Iterator[str]:
    tree = HTMLParser(page.read_text(encoding="utf-8"))
    for node in tree.css("[href], [src]"):
        link = node.attributes.get("href") or node.attributes.get("src") or ""
        yield link


def test_the_site_has_every_page_of_the_contract(built: tuple[list[str], Path]) -> None:
    _, out = built
    for path in (
        "index.html",
        "members/index.html",
        "changes/index.html",
        "changes/baseline-latest.html",
        "snapshots/index.html",
        "downloads/index.html",
        "feed.atom",
        "assets/site.css",
        "assets/site.js",
    ):
        assert (out / path).is_file(), path
    for page in _html(out):
        if page.parent.name == "pages":
            continue  # archived bytes, as stored
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        assert tree.css_first("html").attributes["lang"] == "zh-CN", page
        assert tree.css_first('meta[name="viewport"]') is not None, page
        nav = [a.text() for a in tree.css("nav a")]
        assert nav == ["Home", "Members", "Changes", "Snapshots", "Downloads"], page
        assert "Noto Sans CJK SC" in tree.css_first("style").text()


def test_every_internal_link_resolves_to_a_file(built: tuple[list[str], Path]) -> None:
    _, out = built
    checked = 0
    for page in _html(out):
        if page.parent.name == "pages":
            continue
        for link in _links(page):
            parts = urlsplit(link)
            if link.startswith("#"):
                assert HTMLParser(page.read_text()).css_first(link) is not None, link
                continue
            if parts.scheme:
                assert parts.scheme in ("http", "https"), link
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(out)} → {link}"
            assert out.resolve() in target.parents
            checked += 1
    assert checked > 50


def _latest(options: list[str], fmt: str) -> str:
    result = _tracker(options, "members", "--at", "latest", "--format", fmt)
    assert result.exit_code == 0
    return result.stdout


def test_the_members_page_lists_the_latest_snapshots_members(
    built: tuple[list[str], Path],
) -> None:
    options, out = built
    tree = HTMLParser((out / "members" / "index.html").read_text(encoding="utf-8"))
    rows = tree.css("table#members tbody tr")
    keys = {row["key"] for row in json.loads(_latest(options, "json"))}
    assert {row.attributes["data-key"] for row in rows} == keys
    assert len(rows) == len(keys)
    assert tree.css_first("input#member-filter").attributes["type"] == "search"
    assert len(tree.css("table#members thead th button")) == 6


def test_archived_pages_are_the_stored_bytes_named_by_their_digest(
    built: tuple[list[str], Path],
) -> None:
    options, out = built
    store = Store.open(Path(options[-1]), read_only=True)
    try:
        pages = sorted((out / "pages").iterdir())
        assert pages
        for path in pages:
            digest = path.name.split(".")[0]
            data = path.read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest
            assert store.page_bytes(digest) == data
        stored = {row[0] for row in store.db.execute("SELECT page_sha256 FROM snapshots")}
    finally:
        store.close()
    assert {p.name.split(".")[0] for p in pages} >= stored


def test_downloads_parse_and_match_tracker_members(built: tuple[list[str], Path]) -> None:
    options, out = built
    home = HTMLParser((out / "snapshots" / "index.html").read_text(encoding="utf-8"))
    last_ok = [r for r in home.css("table#snapshots tbody tr") if r.css("td")[3].text() == "ok"][-1]
    page = out / "snapshots" / f"{last_ok.css_first('a').text()}.html"
    links = {a.text(): a.attributes["href"] for a in HTMLParser(page.read_text()).css("a")}
    csv_text = (page.parent / links["CSV"]).read_text(encoding="utf-8-sig")
    json_text = (page.parent / links["JSON"]).read_text(encoding="utf-8")
    assert csv_text == _latest(options, "csv")
    assert json.loads(json_text) == json.loads(_latest(options, "json"))
    changes = list(
        csv.DictReader(io.StringIO((out / "downloads/changes.csv").read_text("utf-8-sig")))
    )
    assert changes == [
        {k: "" if v is None else str(v) for k, v in row.items()}
        for row in json.loads((out / "downloads/changes.json").read_text())
    ]


def test_the_feed_is_well_formed_atom(built: tuple[list[str], Path]) -> None:
    _, out = built
    root = ET.parse(out / "feed.atom").getroot()
    assert root.tag == f"{{{ATOM}}}feed"
    entries = root.findall(f"{{{ATOM}}}entry")
    assert entries
    for entry in entries:
        href = entry.find(f"{{{ATOM}}}link").attrib["href"]  # type: ignore[union-attr]
        assert (out / href).is_file()


def test_a_rebuild_writes_nothing_and_removes_only_its_own_stale_files(
    built: tuple[list[str], Path],
) -> None:
    options, out = built
    stale = out / "members" / "gone.html"
    stale.write_text("old")
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"].append("members/gone.html")
    (out / MANIFEST).write_text(json.dumps(manifest))
    foreign = out / "CNAME"
    foreign.write_text("example.org\n")
    # An archived page altered since: written again, as stored.
    altered = sorted((out / "pages").iterdir())[0]
    evidence = altered.read_bytes()
    altered.write_bytes(evidence + b"<!-- altered -->")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = _tracker(options, "site", "build", out)
    assert result.exit_code == 0, result.output
    assert " wrote 1 file," in result.output and "removed 1;" in result.output
    assert not stale.exists() and foreign.read_text() == "example.org\n"
    assert altered.read_bytes() == evidence
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert {p for p in after if after[p] != before.get(p)} == {out / MANIFEST, altered}
    again = _tracker(options, "site", "build", out)
    assert " wrote 0 files," in again.output and "removed 0;" in again.output


@pytest.mark.parametrize(
    ("made", "said"),
    [
        ("folder", "is not empty and holds no tracker site"),
        ("file", "is a file, not a folder"),
        ("manifest", "not a tracker site manifest"),
    ],
)
def test_a_folder_that_is_not_a_site_is_refused(
    small: list[str], tmp_path: Path, made: str, said: str
) -> None:
    out = tmp_path / "out"
    if made == "file":
        out.write_text("mine")
    else:
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        if made == "manifest":
            (out / MANIFEST).write_text("{not json")
    before = sorted(tmp_path.rglob("*"))
    result = _tracker(small, "site", "build", out)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert said in result.output
    assert sorted(tmp_path.rglob("*")) == before


def test_an_unknown_source_is_one_line(small: list[str], tmp_path: Path) -> None:
    result = _tracker(small, "site", "build", tmp_path / "s", "--source", "nope")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "nope" in result.output
    assert not (tmp_path / "s").exists()


def test_the_demo_site_never_reads_as_the_alliances(demo: list[str], tmp_path: Path) -> None:
    assert _tracker(demo, "site", "build", tmp_path / "s").exit_code == 0
    for path in (tmp_path / "s").rglob("*"):
        if path.is_file() and path.parent.name != "pages":
            assert_not_the_aiia(path.read_text(encoding="utf-8-sig"))


def test_cset_annotations_carried_through_a_rename_are_shown_and_credited(
    small: list[str], tmp_path: Path
) -> None:
    assert _tracker(small, "site", "build", tmp_path / "s").exit_code == 0
    members = (tmp_path / "s" / "members" / "index.html").read_text(encoding="utf-8")
    row = HTMLParser(members).css_first(f'tr[data-key="{_key(B_NEW)}"]')
    assert [td.text() for td in row.css("td")] == [
        B_NEW, "Qiming Medical", "board", "Industry", "Chengdu", "2"
    ]  # fmt: skip
    assert CSET_CREDIT in html.unescape(members)
    page = tmp_path / "s" / "members" / f"{slug_of(_key(B_OLD))}.html"
    text = HTMLParser(page.read_text(encoding="utf-8")).css_first("main").text()
    assert f"Annotated under its former name{B_OLD}" in text
    assert CSET_CREDIT in html.unescape(page.read_text(encoding="utf-8"))
    filler = tmp_path / "s" / "members" / f"{slug_of(_key(A))}.html"
    assert "CC BY-NC" not in filler.read_text(encoding="utf-8")
    # The downloads carry the annotations, and every snapshot page links its own.
    for path in ("downloads/index.html", "snapshots/index.html", "snapshots/1.html"):
        assert CSET_CREDIT in html.unescape((tmp_path / "s" / path).read_text()), path


def test_a_member_page_shows_every_name_and_the_tier_runs(small: list[str], tmp_path: Path) -> None:
    assert _tracker(small, "site", "build", tmp_path / "s").exit_code == 0
    renamed = tmp_path / "s" / "members" / f"{slug_of(_key(B_OLD))}.html"
    tree = HTMLParser(renamed.read_text(encoding="utf-8"))
    assert [r.css("td")[0].text() for r in tree.css("table#names tbody tr")] == [B_OLD, B_NEW]
    assert [
        [td.text() for td in row.css("td")] for row in tree.css("table#tier-history tbody tr")
    ] == [
        ["ordinary", "2024-01-01", "2024-01-02", "2"],
        ["board", "2024-01-03", "2024-01-05", "3"],
    ]
    a = tmp_path / "s" / "members" / f"{slug_of(_key(A))}.html"
    runs = HTMLParser(a.read_text(encoding="utf-8")).css("table#tier-history tbody tr")
    # Promoted on day 2, gone on day 3 (a gap ends the run), back on day 4.
    assert [[td.text() for td in row.css("td")] for row in runs] == [
        ["board", "2024-01-01", "2024-01-01", "1"],
        ["vice-chair", "2024-01-02", "2024-01-02", "1"],
        ["vice-chair", "2024-01-04", "2024-01-05", "2"],
    ]


def _key(name: str) -> str:
    from tracker.core.normalize import normalize_key

    return normalize_key(name)


def test_every_consecutive_pair_has_a_page_even_without_changes(
    small: list[str], tmp_path: Path
) -> None:
    assert _tracker(small, "site", "build", tmp_path / "s").exit_code == 0
    pairs = sorted(p.name for p in (tmp_path / "s" / "changes").glob("*-*.html"))
    assert pairs == ["1-2.html", "2-3.html", "3-4.html", "4-5.html", "baseline-latest.html"]


def test_the_home_page_matches_its_golden_file(small: list[str], tmp_path: Path) -> None:
    assert _tracker(small, "site", "build", tmp_path / "s").exit_code == 0
    text = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    text = text.replace(__version__, "VERSION")
    golden = GOLDEN / "site-index.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_an_interrupted_build_leaves_whole_files_and_is_cleaned_up_next_time(
    small: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s"
    put = Output._put
    calls = []

    def stopping(self: Output, path: str, content: bytes) -> None:
        calls.append(path)
        if len(calls) == 12:
            raise KeyboardInterrupt
        put(self, path, content)

    monkeypatch.setattr(Output, "_put", stopping)
    assert _tracker(small, "site", "build", out).exit_code != 0
    monkeypatch.undo()
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert len(written) == 11 + 2  # the files before the stop, the manifest, the journal
    assert not [p for p in written if Path(p).name.startswith(".") and "/" in p]
    # A path the interrupted build claimed that the next one no longer makes: removed.
    (out / "members").mkdir(exist_ok=True)
    (out / "members" / "gone.html").write_text("half a build ago")
    with (out / JOURNAL).open("a") as journal:
        journal.write("members/gone.html\n")
    result = _tracker(small, "site", "build", out)
    assert result.exit_code == 0, result.output
    assert "removed 1;" in result.output
    assert not (out / JOURNAL).exists() and not (out / "members" / "gone.html").exists()


@pytest.mark.parametrize("ok", [0, 1])
def test_a_record_with_one_ok_snapshot_builds_and_one_with_none_is_refused(
    tmp_path: Path, ok: int
) -> None:
    run = invoker(tmp_path)
    store = Store.open(tmp_path / "t.db")
    store.ensure_source("aiia", "AIIA", "https://example.org/")
    _add(store, {"ordinary": ["乱码"]}, DAYS[0], status="quarantined")
    for day in DAYS[1 : 1 + ok]:
        _add(store, STATES[0], day)
    store.close()
    result = run("site", "build", str(tmp_path / "s"))
    if not ok:
        assert result.exit_code == 1 and "no ok snapshots" in result.output
        assert not (tmp_path / "s").exists()
        return
    assert result.exit_code == 0, result.output
    overall = (tmp_path / "s" / "changes" / "baseline-latest.html").read_text(encoding="utf-8")
    assert "Only one ok snapshot" in overall
    assert (tmp_path / "s" / "snapshots" / "1.html").is_file()


def test_a_rebuild_renders_no_unchanged_members_download_and_mends_an_altered_one(
    small: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s"
    assert _tracker(small, "site", "build", out).exit_code == 0
    rendered: list[str] = []
    real = downloads.members_text

    def counting(*args: Any, **kwargs: Any) -> str:
        rendered.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(downloads, "members_text", counting)
    again = _tracker(small, "site", "build", out)
    assert " wrote 0 files," in again.output and rendered == []
    altered = sorted((out / "downloads" / "members").glob("*.csv"))[0]
    whole = altered.read_bytes()
    altered.write_bytes(whole.replace(b",", b";"))
    mended = _tracker(small, "site", "build", out)
    assert " wrote 1 file," in mended.output, mended.output
    assert rendered == ["csv", "json"]
    assert altered.read_bytes() == whole


def test_a_former_name_listed_again_beside_its_successor_gets_its_own_page(
    tmp_path: Path,
) -> None:
    """A logged rename is only likely: once the former name is listed beside the new one,
    they are two organisations, each with its own page and true dates, and the build never
    stumbles on a key that no page is named after."""
    invoker(tmp_path)
    store = Store.open(tmp_path / "t.db")
    store.ensure_source("aiia", "AIIA", "https://example.org/")
    renamed_again = "启明医疗信息(集团)有限公司"
    states = [
        {"board": [B_OLD]},
        {"board": [B_NEW]},
        {"board": [B_NEW], "ordinary": [B_OLD]},
        {"board": [B_NEW], "ordinary": [renamed_again]},
    ]
    for tiers, day in zip(states, DAYS, strict=False):
        _add(store, tiers, day)
    rebuild_changes(store, "aiia")
    kinds = [(row["kind"], row["name"]) for row in store.change_rows("aiia")]
    store.close()
    assert ("renamed", B_NEW) in kinds and ("renamed", renamed_again) in kinds
    options = ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "t.db")]
    result = _tracker(options, "site", "build", tmp_path / "s")
    assert result.exit_code == 0, result.output
    listing = HTMLParser((tmp_path / "s" / "members" / "index.html").read_text(encoding="utf-8"))
    links = {
        row.attributes["data-key"]: row.css_first("a").attributes["href"]
        for row in listing.css("table#members tbody tr")
    }
    assert len(set(links.values())) == 2, links
    returned = HTMLParser((tmp_path / "s" / "members" / links[_key(renamed_again)]).read_text())
    assert [r.css("td")[0].text() for r in returned.css("table#names tbody tr")] == [
        B_OLD,
        renamed_again,
    ]
    assert [
        [td.text() for td in row.css("td")][:3]
        for row in returned.css("table#tier-history tbody tr")
    ] == [["ordinary", "2024-01-03", "2024-01-04"]]
    first = HTMLParser((tmp_path / "s" / "members" / links[_key(B_NEW)]).read_text())
    assert [
        [td.text() for td in row.css("td")][:3] for row in first.css("table#tier-history tbody tr")
    ] == [["board", "2024-01-01", "2024-01-04"]]


def test_bytes_that_no_longer_hash_to_their_digest_are_never_published(tmp_path: Path) -> None:
    """A database altered after the fact (one cloned from someone's repository, say): the
    site would say "sha256sum matches" beside a page nobody read. The build stops, one line."""
    invoker(tmp_path)
    store = Store.open(tmp_path / "t.db")
    store.ensure_source("aiia", "AIIA", "https://example.org/")
    for tiers, day in zip(STATES[:2], DAYS, strict=False):
        _add(store, tiers, day)
    rebuild_changes(store, "aiia")
    digest = store.snapshots("aiia")[-1].page_sha256
    store.close()
    db = sqlite3.connect(tmp_path / "t.db")
    with db:
        db.execute(
            "UPDATE pages SET data = ?, compression = 'none' WHERE sha256 = ?",
            [b"<html>tampered</html>", digest],
        )
    db.close()
    options = ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "t.db")]
    result = _tracker(options, "site", "build", tmp_path / "s")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and f"archived page {digest}" in result.output
    published = [p for p in (tmp_path / "s").rglob("*") if p.is_file()]
    assert not [p for p in published if b"tampered" in p.read_bytes()]


def test_a_temporary_file_a_killed_build_left_is_removed(small: list[str], tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert _tracker(small, "site", "build", out).exit_code == 0
    stray = out / "members" / ".tracker-tmp.index.html.k1ll3d"
    stray.write_text("half written")
    assert _tracker(small, "site", "build", out).exit_code == 0
    assert not stray.exists() and (out / "members" / "index.html").is_file()


def _snapshot_dates(out: Path) -> dict[str, str]:
    """Snapshot id -> its capture date, as the snapshots list shows it."""
    tree = HTMLParser((out / "snapshots" / "index.html").read_text(encoding="utf-8"))
    cells = [[td.text() for td in row.css("td")] for row in tree.css("table#snapshots tbody tr")]
    return {cell[0]: cell[1][:10] for cell in cells}


def test_a_change_is_dated_by_the_interval_between_its_two_snapshots(
    demo: list[str], tmp_path: Path
) -> None:
    """Cited by the newer snapshot's date alone, a change read 2021-06-01 → 2023-03-15
    (a quarantined reading between) would be dated to the day it was found."""
    out = tmp_path / "s"
    assert _tracker(demo, "site", "build", out).exit_code == 0
    dates = _snapshot_dates(out)
    checked = 0
    for path in ("index.html", "changes/index.html"):
        tree = HTMLParser((out / path).read_text(encoding="utf-8"))
        assert tree.css_first("table.events th").text() == "Happened between (UTC)"
        for row in tree.css("table.events tbody tr"):
            when, *_, pair = row.css("td")
            old, new = pair.css_first("a").attributes["href"].split("/")[-1][:-5].split("-")
            links = [(a.attributes["href"].split("/")[-1], a.text()) for a in when.css("a")]
            assert links == [(f"{old}.html", dates[old]), (f"{new}.html", dates[new])]
            assert when.text() == f"{dates[old]} and {dates[new]}"
            checked += 1
    home = HTMLParser((out / "index.html").read_text(encoding="utf-8")).css_first("main").text()
    assert checked >= 2 and "2021-06-01 and 2023-03-15" in home
    logged = json.loads((out / "downloads" / "changes.json").read_text())
    assert {(r["old_snapshot_id"], r["old_at"][:10], r["at"][:10]) for r in logged} >= {
        (2, "2021-06-01", "2023-03-15")
    }
    root = ET.parse(out / "feed.atom").getroot()
    contents = [e.findtext(f"{{{ATOM}}}content") or "" for e in root.iter(f"{{{ATOM}}}entry")]
    said = "Between 2021-06-01T02:00:00Z (snapshot 2) and 2023-03-15T02:00:00Z (snapshot 4):"
    assert any(content.startswith(said) for content in contents)


def test_a_pair_page_names_the_readings_it_spans_and_never_links_itself(
    demo: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "s"
    assert _tracker(demo, "site", "build", out).exit_code == 0
    page = HTMLParser((out / "changes" / "2-4.html").read_text(encoding="utf-8"))
    doubted = page.css("ul.doubted li")
    assert [li.css_first("a").attributes["href"] for li in doubted] == ["../snapshots/3.html"]
    assert "quarantined" in doubted[0].text() and "2022-09-08" in doubted[0].text()
    assert "after 2021-06-01T02:00:00Z and by 2023-03-15T02:00:00Z" in page.css_first("main").text()
    for path in (out / "changes").glob("*-*.html"):
        links = [a.attributes["href"] for a in HTMLParser(path.read_text()).css("main a")]
        assert not [link for link in links if link.endswith(path.name)], path.name
    plain = HTMLParser((out / "changes" / "4-5.html").read_text(encoding="utf-8"))
    assert plain.css("ul.doubted") == []


def test_no_path_on_the_builders_disk_is_published(demo: list[str], tmp_path: Path) -> None:
    """The demo's pages are read from files in the package: the site names the file only."""
    out = tmp_path / "s"
    assert _tracker(demo, "site", "build", out).exit_code == 0
    for path in out.rglob("*"):
        if path.is_file() and path.parent.name != "pages" and not path.name.startswith("."):
            text = path.read_text(encoding="utf-8-sig")
            assert "file:" not in text and str(ROOT) not in text, path
            assert str(tmp_path.parent) not in text, path
    home = HTMLParser((out / "index.html").read_text(encoding="utf-8"))
    said = {dt.text(): dt.next.text() for dt in home.css("dl.facts dt") if dt.next}
    assert said["From"].startswith("saved file page-2024-05-01.html")
    snapshot = HTMLParser((out / "snapshots" / "1.html").read_text(encoding="utf-8"))
    facts = {dt.text(): dt.next.text() for dt in snapshot.css("dl.facts dt") if dt.next}
    assert facts["Read from"].startswith("saved file baseline-2020-03-26.csv")
    assert "extracted from https://demo.invalid/" in facts["Read from"]


def test_no_archived_page_is_served_as_a_document(built: tuple[list[str], Path]) -> None:
    """A captured page served from the site's own origin as HTML would run its scripts as
    the site's: every server, and file://, must take it for plain text."""
    import mimetypes

    _, out = built
    kinds = {mimetypes.guess_type(path.name)[0] for path in (out / "pages").iterdir()}
    assert kinds <= {"text/plain", "text/csv", "application/json"}, kinds
    assert "text/plain" in kinds
    saved = {}
    for page in (out / "snapshots").glob("[0-9]*.html"):
        for a in HTMLParser(page.read_text(encoding="utf-8")).css("ul.pages a"):
            saved[a.attributes["href"].split("/")[-1]] = a.attributes["download"]
    for name, download in saved.items():
        digest = name.split(".")[0]
        assert download.startswith(digest + ".") and download.rsplit(".", 1)[1] in (
            "html", "csv", "json"
        ), (name, download)  # fmt: skip
    assert f"{digest}.html" in saved.values()


def test_a_member_pages_annotations_are_labelled_for_a_reader(
    demo: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "s"
    assert _tracker(demo, "site", "build", out).exit_code == 0
    pages = [HTMLParser(p.read_text(encoding="utf-8")) for p in (out / "members").glob("*.html")]
    shown: dict[str, set[str]] = {}
    for tree in pages:
        for dt in tree.css("dl.facts dt"):
            shown.setdefault(dt.text(), set()).add(dt.next.text() if dt.next else "")
    assert shown["English name (machine translation)"] and shown["AI category"]
    assert {"yes", "no", "Partially"} >= shown["State-owned"] >= {"yes", "no"}
    assert not [label for label in shown if "_" in label or label[0].islower()], shown.keys()
    text = " ".join(tree.css_first("main").text() for tree in pages)
    assert "Keys" not in text and "joined by logged renames" not in text
    assert "Followed as one organisation through the likely renames in the change log" in text


def test_a_members_download_is_saved_under_its_snapshots_name(
    built: tuple[list[str], Path],
) -> None:
    _, out = built
    found = 0
    for page in [out / "downloads" / "index.html", *(out / "snapshots").glob("[0-9]*.html")]:
        tree = HTMLParser(page.read_text(encoding="utf-8"))
        for a in tree.css('a[href*="downloads/members/"]'):
            ext = a.attributes["href"].rsplit(".", 1)[1]
            row = a.parent.parent if page.stem == "index" else None
            number = row.css_first("td a").text() if row else page.stem
            assert a.attributes.get("download") == f"members-snapshot-{number}.{ext}", page
            found += 1
    assert found >= 4 * len(list((out / "snapshots").glob("[0-9]*.html")))


def test_a_member_page_dates_its_changes_by_their_interval(demo: list[str], tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert _tracker(demo, "site", "build", out).exit_code == 0
    changes = HTMLParser((out / "changes" / "index.html").read_text(encoding="utf-8"))
    logged = []
    for row in changes.css("table.events tbody tr"):
        when, kind, member, detail, _ = (td.text() for td in row.css("td"))
        href = row.css("td")[2].css_first("a").attributes["href"]
        logged.append((href.split("/")[-1], [when, kind, detail]))
    found = {}
    for path in (out / "members").glob("*.html"):
        tree = HTMLParser(path.read_text(encoding="utf-8"))
        rows = tree.css("table.events tbody tr")
        found[path.name] = [[td.text() for td in row.css("td")][:3] for row in rows]
        assert not [a for a in tree.css("table.events a") if a.attributes["href"] == path.name]
    for name, row in logged:
        assert row in found[name], (name, row)
    assert sum(map(len, found.values())) == len(logged)
    assert ["2021-06-01 and 2023-03-15", "tier changed", "↑ board → vice-chair"] in (
        row for rows in found.values() for row in rows
    )


def test_a_member_page_says_which_values_are_guessed_or_from_another_origin() -> None:
    from tracker.core.annotations import merged
    from tracker.core.fields import INFERRED_ORIGIN, USER_ORIGIN
    from tracker.render.site.pages import _annotation_rows

    key = _key(B_NEW)
    cset = Annotation(key=key, origin=CSET_ORIGIN, name=B_NEW, type="Industry")
    guess = Annotation(key=key, origin=INFERRED_ORIGIN, name=B_NEW, city="Chengdu")
    person = Annotation(key=key, origin=USER_ORIGIN, name=B_NEW, common_name_en="Qiming")
    note = merged([cset, guess, person])
    assert note is not None
    rows = dict(_annotation_rows(note))
    assert rows["City"] == "Chengdu (inferred from the name)"
    assert rows["Type"] == f"Industry ({CSET_ORIGIN})"
    assert rows["English name"] == "Qiming" and rows["Annotations from"] == USER_ORIGIN
    assert not [label for label in rows if label.endswith("_source")]
    alone = merged([guess])
    assert alone is not None
    assert dict(_annotation_rows(alone))["Annotations from"] == "inferred from the name"

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from tests.cli import RUN_ALL, invoker
from tests.pages import render_page
from tests.sqlwork import sqlite_steps
from tracker.app.refs import resolve
from tracker.core.annotations import Annotation
from tracker.core.errors import StoreError
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.core.stamps import parse_utc, utc_text
from tracker.store import Store
from tracker.store.schema import MIGRATIONS

T0 = datetime(2024, 1, 5, 8, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store() -> Store:
    db = sqlite_utils.Database(memory=True)
    store = Store(db)
    store.ensure_source("demo", "Demo alliance", "http://demo.test/")
    return store


def _parsed(*names: str) -> ParseResult:
    return ParseResult(
        listings=[
            Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
            for i, n in enumerate(names, start=1)
        ]
    )


def _add(
    store: Store,
    day: int,
    *,
    status: str = "ok",
    origin: str = "live",
    names: tuple[str, ...] = ("甲科技有限公司", "乙科技有限公司", "甲科技有限公司"),
) -> int:
    content = f"page {day} {status} {origin}".encode()
    with store.atomic():
        digest = store.put_page(content, headers={"content-type": "text/html"}, seen_at=T0)
        snap = store.add_snapshot(
            source_id="demo",
            captured_at=T0.replace(day=day),
            origin=origin,
            page_sha256=digest,
            provenance=None,
            parsed=_parsed(*names),
            parser_version="1",
            status=status,
            reason=None if status == "ok" else "test",
            created_at=T0,
        )
    return snap.id


def test_schema_is_versioned_and_whole(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert set(store.db.table_names()) >= {
        "sources", "pages", "fetches", "snapshots", "listings", "snapshot_pages"
    }  # fmt: skip
    assert store.db["snapshot_pages"].columns_dict == {
        "snapshot_id": int,
        "position": int,
        "url": str,
        "page_sha256": str,
    }
    assert store.db["listings"].columns_dict == {
        "snapshot_id": int,
        "tier": str,
        "tier_label": str,
        "position": int,
        "name": str,
        "key": str,
    }


def test_pages_are_stored_once_compressed_and_round_trip(store: Store) -> None:
    content = "<html>理事单位</html>".encode() * 200
    first = store.put_page(content, headers={}, seen_at=T0)
    second = store.put_page(content, headers={}, seen_at=T0)
    assert first == second
    assert store.db["pages"].count == 1
    assert store.page_bytes(first) == content
    stored = store.db.execute("SELECT length(data) FROM pages").fetchone()[0]
    assert stored < len(content) / 10


def test_snapshot_counts_members_and_listings(store: Store) -> None:
    snap = store.snapshot(_add(store, 5))
    assert snap.listing_count == 3 and snap.member_count == 2
    assert snap.counts == {"board": 3}
    assert [x.position for x in store.listings(snap.id)] == [1, 2, 3]


def test_refs_pick_ok_snapshots_by_name_and_day(store: Store) -> None:
    base = _add(store, 1, origin="baseline")
    day3 = _add(store, 3)
    _add(store, 4, status="quarantined")
    day6 = _add(store, 6)
    assert resolve(store, "latest", "demo").snapshot.id == day6
    assert resolve(store, "previous", "demo").snapshot.id == day3
    assert resolve(store, "baseline", "demo").snapshot.id == base
    assert resolve(store, "2024-01-05", "demo").snapshot.id == day3
    assert resolve(store, "2024-01-06", "demo").snapshot.id == day6
    assert resolve(store, str(day3 + 1), "demo").snapshot.status == "quarantined"


def test_unmatched_ref_lists_nearest_snapshots(store: Store) -> None:
    _add(store, 3)
    with pytest.raises(StoreError, match=r"matches '2023-12-31'; nearest: 1 \(2024-01-03, live\)"):
        resolve(store, "2023-12-31", "demo")
    with pytest.raises(StoreError, match="bad snapshot reference 'yesterday'"):
        resolve(store, "yesterday", "demo")


def _annotated(count: int) -> Store:
    store = Store(sqlite_utils.Database(memory=True))
    notes = [Annotation(key=f"k{n:05}", origin="cset-2020", name=f"K{n}") for n in range(count)]
    with store.atomic():
        store.replace_annotations("cset-2020", notes)
    return store


def test_annotations_are_read_by_key_not_the_whole_table() -> None:
    few, many = _annotated(10), _annotated(2_000)
    wanted = {"k00003", "k00007", "absent"}
    assert set(many.annotations_for(wanted)) == {"k00003", "k00007"}
    work = [sqlite_steps(s, lambda s=s: s.annotations_for(wanted)) for s in (few, many)]
    assert work[1] <= work[0] * 1.2, work
    # More keys than one statement may bind (SQLite's limit was 999 before 3.32).
    keys = [f"k{n:05}" for n in range(0, 2_000, 2)]
    assert sorted(many.annotations_for(keys)) == keys
    assert len(many.annotations_for()) == 2_000


def test_more_keys_than_the_table_annotates_read_as_each_key_alone() -> None:
    # Past a statement's worth of keys and the table's rows, the store reads the table's keys
    # and asks only for those: the answer must not change (a key of two origins included).
    store = _annotated(300)
    with store.atomic():
        store.replace_annotations("user", [Annotation(key="k00004", origin="user", name="K4")])
    keys = [f"k{n:05}" for n in range(1_200)]
    found = store.annotations_for(keys)
    assert found == {
        key: note for k in keys[:300] for key, note in store.annotations_for([k]).items()
    }
    assert found["k00004"].origin == "user"  # its two origins merged, the user first


def test_a_snapshots_listings_read_with_their_guesses_are_those_read_apart(store: Store) -> None:
    # A name and its key differ (bracket width), each has a guess of its own: the guess is
    # that of the column asked for, none for a name without one or of other rules.
    names = ("甲（北京）科技有限公司", "乙科技有限公司", "甲（北京）科技有限公司")
    snapshot = _add(store, 1, names=names)
    listings = store.listings(snapshot)
    assert listings[0].name != listings[0].key
    with store.atomic():
        store.put_guesses(
            "r",
            {listings[0].name: ("Industry", "Beijing", None), listings[0].key: (None, "X", "Y")},
        )
    by_name = store.guessed_listings(snapshot, "r", of="name")
    assert by_name == (listings, {listings[0].name: ("Industry", "Beijing", None)})
    assert store.guessed_listings(snapshot, "r", of="key") == (
        listings,
        {listings[0].key: (None, "X", "Y")},
    )
    assert store.guessed_listings(snapshot, "other rules") == (listings, {})


def test_listings_of_more_keys_than_a_statement_binds_keep_page_order(store: Store) -> None:
    """A user's import may name thousands of keys; SQLite before 3.32 binds 999 at most."""
    names = [f"{n:04}号科技有限公司" for n in range(1_200)]
    with store.atomic():
        for day in (3, 2):  # stored out of time order: the result is in time order
            digest = store.put_page(f"p{day}".encode(), headers={}, seen_at=T0)
            store.add_snapshot(
                source_id="demo",
                captured_at=T0.replace(day=day),
                origin="live",
                page_sha256=digest,
                provenance=None,
                parsed=_parsed(*reversed(names)),
                parser_version="1",
                status="ok",
                reason=None,
                created_at=T0,
            )
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    found = store.listings_of("demo", {normalize_key(n) for n in names[::-1]} | {"absent"})
    days = [store.snapshot(i).captured_at.day for i in found]
    assert days == [2, 3]
    assert all([x.name for x in listings] == names[::-1] for listings in found.values())


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.atomic():
        store.put_page(b"half", headers={}, seen_at=T0)
        raise RuntimeError("crash mid-run")
    assert store.db["pages"].count == 0


def test_newer_schema_is_refused() -> None:
    db = sqlite_utils.Database(memory=True)
    db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this tracker"):
        Store(db)


def test_a_version_1_database_gains_the_pages_of_split_lists() -> None:
    db = sqlite_utils.Database(memory=True)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    store = Store(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "snapshot_pages" in db.table_names()
    assert store.db["snapshot_pages"].count == 0


def test_a_version_2_database_gains_the_successor_pointer_of_corrected_readings() -> None:
    db = sqlite_utils.Database(memory=True)
    MIGRATIONS[0](db)
    MIGRATIONS[1](db)
    db.execute("PRAGMA user_version = 2")
    Store(db)
    assert "superseded_by" in db["snapshots"].columns_dict


# Read-only locations (issue 13, case 11). Commands that only read open the database with
# SQLite's mode=ro, and immutable=1 where even -shm cannot be created; those that write
# say in one line that the location is read-only.

READS = [
    ["snapshots"],
    ["members"],
    ["members", "--at", "1"],
    ["stats"],
    ["timeline"],
    ["diff", "1", "latest"],
    ["history", "星河"],
    ["watchers", "list"],
]
SOURCE = "[[sources]]\nid = 'aiia'\nname = 'Test'\nurl = 'http://127.0.0.1:9/'\n"


def _tracker_db(folder: Path) -> Path:
    """A database with two snapshots, written by `tracker snapshot --file`, then closed."""
    run = invoker(folder, SOURCE)
    tiers = {"vice_chair": ["星河智能科技有限公司"], "board": ["青岚数据（北京）有限公司"]}
    for number, ordinary in enumerate(
        [["东方启明大学"], ["东方启明大学", "云岫机器人股份有限公司"]]
    ):
        page = folder / f"page{number}.html"
        page.write_text(render_page({**tiers, "ordinary": ordinary}), encoding="utf-8")
        assert run("snapshot", "--file", str(page)).exit_code == 0
    return folder / "t.db"


def _state(db_path: Path) -> dict[str, tuple[int, bytes] | None]:
    """The bytes and mtime of the database, and what its -wal holds (None: no file)."""
    wal = db_path.with_name(db_path.name + "-wal")
    return {
        "db": (db_path.stat().st_mtime_ns, db_path.read_bytes()),
        "wal": (0, wal.read_bytes()) if wal.exists() else None,
    }


def test_commands_that_read_never_write(tmp_path: Path) -> None:
    db_path = _tracker_db(tmp_path)
    before = _state(db_path)
    assert before["wal"] is None  # the writer's close folded its log into the file
    run = invoker(tmp_path, SOURCE)
    for args in READS:
        result = run(*args)
        assert (args, result.exit_code, result.stderr) == (args, 0, ""), result.output
    after = _state(db_path)
    assert after["db"] == before["db"]
    # SQLite may leave an empty log beside the file; never one holding a change.
    assert after["wal"] in (None, (0, b""))


def test_a_read_only_store_refuses_every_write(tmp_path: Path) -> None:
    db_path = _tracker_db(tmp_path)
    store = Store.open(db_path, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"), store.atomic():
        store.ensure_source("other", "Other", "http://other.test/")
    store.close()


def test_reading_an_older_schema_upgrades_it_where_it_may(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    with sqlite_utils.Database(db_path) as db:
        MIGRATIONS[0](db)
        db.execute("PRAGMA user_version = 1")
    store = Store.open(db_path, read_only=True)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    store.close()


# Root writes whatever permissions say, unless it gives up the capabilities to.
_AS_ROOT_BOUND_BY_PERMISSIONS = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]
# A read-only bind mount of "$0" (the folder, next) in a user namespace, for the command after.
_ON_READ_ONLY_MOUNT = [
    "unshare",
    "-rm",
    "sh",
    "-c",
    'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
]


def _works(prefix: list[str]) -> bool:
    if shutil.which(prefix[0]) is None:
        return False
    probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


@dataclass(frozen=True)
class ReadOnly:
    """A folder for a database, and a way to run tracker commands once it is read-only."""

    folder: Path
    variant: str
    # What runs a command with the folder read-only (for "folder", once it is chmod-ed).
    prefix: list[str]

    def run(self, commands: list[list[str]]) -> list[tuple[int, str, str]]:
        """`tracker --config … --db FOLDER/t.db COMMAND` for each command, in one process
        for which FOLDER is read-only: each one's exit code, stdout and stderr."""
        config = self.folder.parent / "config.toml"
        config.write_text(SOURCE, encoding="utf-8")
        options = ["--config", str(config), "--db", str(self.folder / "t.db")]
        argv = [sys.executable, "-c", RUN_ALL, json.dumps([options + a for a in commands])]
        if self.variant == "folder":
            for path in self.folder.iterdir():
                path.chmod(0o444)
            self.folder.chmod(0o555)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [*self.prefix, *argv], capture_output=True, text=True, env=env, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return [(code, out, err) for code, out, err in json.loads(done.stdout)]


@pytest.fixture(params=["file system", "folder"])
def read_only(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReadOnly]:
    """A read-only file system (a bind mount in a user namespace, which binds even root), or
    a read-only folder (chmod; root gives up the capabilities that let it write anyway)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if request.param == "file system":
        prefix = [*_ON_READ_ONLY_MOUNT, str(folder)]
        if not _works(prefix):
            pytest.skip("`unshare -rm` (a user namespace for a read-only bind mount) is unusable")
    else:
        prefix = _AS_ROOT_BOUND_BY_PERMISSIONS if os.geteuid() == 0 else []
        if prefix and not _works(prefix):
            pytest.skip("running as root, which chmod does not stop, and setpriv is unusable")
    yield ReadOnly(folder, request.param, prefix)
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755)


def test_a_read_only_location_is_read_and_refuses_writes_in_one_line(
    read_only: ReadOnly,
) -> None:
    db_path = _tracker_db(read_only.folder)
    page = read_only.folder.parent / "page.html"
    for number in (0, 1):
        (read_only.folder / f"page{number}.html").rename(page)
    writes = [["snapshot", "--file", str(page)], ["accept", "1"], ["run", "--once"]]
    results = read_only.run(READS + writes)
    for args, (exit_code, stdout, stderr) in zip(READS, results, strict=False):
        assert (args, exit_code, stderr) == (args, 0, "")
        assert stdout
    why = {"file system": "it is on a read-only file system", "folder": "the file is not"}
    for args, (exit_code, stdout, stderr) in zip(writes, results[len(READS) :], strict=True):
        assert (args, exit_code, stdout) == (args, 1, "")
        assert stderr.startswith(f"Error: {db_path} is read-only: {why[read_only.variant]}")
        assert stderr.count("\n") == 1
    # No -wal, -shm or lock file was left (or could have been).
    assert sorted(path.name for path in read_only.folder.iterdir()) == ["config.toml", "t.db"]


def test_a_read_only_copy_whose_log_holds_changes_is_refused_not_read_stale(
    read_only: ReadOnly, tmp_path: Path
) -> None:
    source = tmp_path / "live"
    source.mkdir()
    db_path = _tracker_db(source)
    writer = sqlite3.connect(db_path)
    writer.execute("UPDATE sources SET name = 'Renamed'")
    writer.commit()
    # Copied while the writer is open: the change is in -wal only, and there is no -shm.
    for name in ("t.db", "t.db-wal"):
        shutil.copy(source / name, read_only.folder / name)
    writer.close()
    [(exit_code, stdout, stderr)] = read_only.run([["members"]])
    assert (exit_code, stdout) == (1, "")
    assert stderr.startswith(f"Error: {read_only.folder / 't.db'} is read-only and t.db-wal ")
    assert stderr.endswith("copy the folder somewhere writable and read the copy\n")


def test_an_older_schema_on_a_read_only_location_says_why_it_cannot_be_read(
    read_only: ReadOnly,
) -> None:
    with sqlite_utils.Database(read_only.folder / "t.db") as db:
        MIGRATIONS[0](db)
        db.execute("PRAGMA user_version = 1")
    [(exit_code, stdout, stderr)] = read_only.run([["snapshots"]])
    assert (exit_code, stdout) == (1, "")
    assert stderr.startswith(f"Error: {read_only.folder / 't.db'} is read-only: ")
    assert (
        f"an older tracker wrote it (schema version 1; this one reads {len(MIGRATIONS)})" in stderr
    )
    assert stderr.count("\n") == 1


def test_a_log_of_other_rules_on_a_read_only_location_is_read_with_a_note(
    read_only: ReadOnly,
) -> None:
    db_path = _tracker_db(read_only.folder)
    store = Store.open(db_path)
    with store.atomic():
        store.set_log_rules("aiia", "1")
    store.close()
    before = _state(db_path)
    [(exit_code, stdout, stderr)] = read_only.run([["snapshots"]])
    assert exit_code == 0
    assert stdout
    assert stderr.startswith("Note: the change log of aiia was written under other rules ")
    assert "`history` may tell a change otherwise than `diff`" in stderr
    assert stderr.count("\n") == 1
    assert _state(db_path)["db"] == before["db"]


@pytest.mark.parametrize(
    "moment", [datetime(2020, 3, 26, tzinfo=UTC), datetime(2031, 12, 31, 23, 59, 59, tzinfo=UTC)]
)
def test_stored_times_read_back_as_written(moment: datetime) -> None:
    assert parse_utc(utc_text(moment)) == moment


@pytest.mark.parametrize(
    "text",
    [
        "2020-03-26 00:00:00Z",
        "2020-03-26T00:00:00+00:00",
        "2020-03-26T00:00:00",
        "2020-3-26T00:00:00Z",
        "2020-03-26T12:00-05Z",  # an offset, the same length
        "2020-W13-4T00:00:00Z",  # a week date, the same length
        "２０２０-03-26T00:00:00Z",  # fullwidth digits
    ],
)
def test_a_time_written_otherwise_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a UTC time"):
        parse_utc(text)

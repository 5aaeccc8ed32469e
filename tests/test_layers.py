"""The architecture holds: layer contracts, a light CLI, one change log however it is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import sqlite_utils

from bench.interactive import FLOOR_IMPORTS
from tests.test_report import MIDDLE, PAGES, SOURCE
from tracker.app.accept import accept
from tracker.app.baseline import import_baseline, read_local
from tracker.app.capture import Page, capture_page
from tracker.app.changelog import rebuild_changes
from tracker.cli import COMMANDS
from tracker.core.config import Config
from tracker.core.models import CaptureOutcome, Origin
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
BASELINE = ROOT / "fixtures" / "baseline" / "small.csv"
Outcome = TypeVar("Outcome")


def _lint_imports(root: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the `tracker` package found first under `root`."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", code, str(config)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


LAYERS = "cli -> app -> (store | net | render) -> core"
PURE = "The core touches no database, network, terminal or scheduler"
SQL = "Only the store speaks SQL"
# (module, the import added to it, the contracts it breaks)
BREACHES = [
    ("core/stamps.py", "import sqlite_utils", {PURE, SQL}),
    ("core/diff.py", "import httpx", {PURE}),
    ("core/diff.py", "from tracker.store import Store", {LAYERS, PURE}),  # and sqlite_utils with it
    ("render/rows.py", "import tracker.app.refs", {LAYERS}),
    ("net/fetch.py", "import tracker.store", {LAYERS}),
    ("app/history.py", "import sqlite_utils", {SQL}),
]


def _verdicts(report: str) -> dict[str, str]:
    """Each contract's name and KEPT or BROKEN, from lint-imports' summary lines."""
    names = {LAYERS, PURE, SQL}
    return {
        line.rsplit(" ", 1)[0]: line.rsplit(" ", 1)[1]
        for line in report.splitlines()
        if line.rsplit(" ", 1)[0] in names
    }


def test_the_layer_contracts_are_kept() -> None:
    run = _lint_imports(ROOT, PYPROJECT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _verdicts(run.stdout) == {LAYERS: "KEPT", PURE: "KEPT", SQL: "KEPT"}


@pytest.mark.parametrize(
    ("module", "line", "broken"), BREACHES, ids=[f"{b[0]}:{b[1]}" for b in BREACHES]
)
def test_an_import_across_a_layer_is_refused(
    tmp_path: Path, module: str, line: str, broken: set[str]
) -> None:
    shutil.copytree(ROOT / "tracker", tmp_path / "tracker", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    target = tmp_path / "tracker" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    run = _lint_imports(tmp_path, tmp_path / "pyproject.toml")
    assert run.returncode == 1, run.stdout + run.stderr
    verdicts = _verdicts(run.stdout)
    assert {name for name, verdict in verdicts.items() if verdict == "BROKEN"} == broken
    assert len(verdicts) == 3


# What no read command imports, each costing it tens to hundreds of milliseconds: the
# database's write library (sqlite-utils, which imports numpy), numpy, record validation,
# the network, charts, templates, the scheduler, the HTML parser.
FLOOR_MODULES = set(FLOOR_IMPORTS.removeprefix("import ").split(", "))
READS_NEVER_IMPORT = (
    "sqlite_utils",
    "numpy",
    "pydantic",
    "httpx",
    "matplotlib",
    "jinja2",
    "apscheduler",
    "selectolax",
)
# Commands that read no annotation load none of the annotation, diff or rename machinery.
# Those that compare no two snapshots load no diff or rename matching.
_DIFFING = {"tracker.core.diff", "tracker.core.renames"}
_ANNOTATING = {"tracker.core.annotations", *_DIFFING}
READ_COMMANDS = [
    (["members", "--at", "latest", "--format", "json"], _DIFFING),
    (["diff", "baseline", "latest", "--format", "json"], set()),
    (["history", "星河"], set()),
    (["timeline"], _ANNOTATING),
    (["stats"], _DIFFING),
    (["snapshots"], _ANNOTATING),
]


def _tracker(*args: str) -> tuple[str, set[str], set[str]]:
    """Runs `tracker ARGS…` (it must succeed): its output, every module it imported and the
    tracker's dataclasses among them."""
    run = subprocess.run(
        [sys.executable, "-c", _LISTED_MODULES, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    *_, dataclasses, modules = run.stderr.splitlines()
    return run.stdout, set(modules.split()), set(dataclasses.split())


# Runs `tracker ARGS…`, then lists on stderr the tracker's dataclasses it imported, and on
# the last line every module it imported.
_LISTED_MODULES = """
import sys
from dataclasses import is_dataclass
from tracker.cli import main
try:
    main()
finally:
    kinds = [k for m in list(sys.modules.values()) for k in vars(m).values() if isinstance(k, type)]
    made = {f"{k.__module__}.{k.__qualname__}" for k in kinds if is_dataclass(k)}
    print(" ".join(sorted(n for n in made if n.startswith("tracker."))), file=sys.stderr)
    print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""
# The modules that define commands, each imported only when one of its commands runs or
# shows its help.
COMMAND_MODULES = {lazy.path.partition(":")[0] for lazy in COMMANDS.values()}


def test_tracker_help_imports_no_command_and_no_library_but_click() -> None:
    """`tracker --help` must feel instant: it lists the commands without importing one."""
    output, loaded, _ = _tracker("--help")
    assert "  members " in output
    assert {name for name in loaded if name.startswith("tracker.")} <= {
        "tracker.cli",
        "tracker.cli.common",
        "tracker.core",
        "tracker.core.errors",
    }
    python_alone = subprocess.run(
        [sys.executable, "-c", "import sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    libraries = {name.split(".")[0] for name in loaded - set(python_alone)}
    assert libraries - set(sys.stdlib_module_names) == {"click", "tracker"}


def test_a_command_imports_only_the_module_that_defines_it() -> None:
    assert len(COMMAND_MODULES) > 5
    output, loaded, _ = _tracker("members", "--help")
    assert "Example: tracker members" in output
    assert loaded & COMMAND_MODULES == {"tracker.cli.reports"}


@pytest.fixture(scope="module")
def demo_options(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """`--config … --db …` of the demo's database (invented pages, every kind of reading)."""
    from click.testing import CliRunner

    from tracker.cli import cli

    folder = tmp_path_factory.mktemp("reads") / "demo"
    result = CliRunner().invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    return ["--config", str(folder / "config.toml"), "--db", str(folder / "tracker.db")]


@pytest.mark.parametrize(("args", "unneeded"), READ_COMMANDS, ids=[c[0][0] for c in READ_COMMANDS])
def test_a_read_command_imports_no_write_network_chart_or_parser_library(
    demo_options: list[str], args: list[str], unneeded: set[str]
) -> None:
    """`tracker members` and the other commands that only read run on the standard library's
    sqlite3, click and the tracker's own modules: they must answer at once."""
    output, modules, dataclasses = _tracker(*demo_options, *args)
    assert output.strip()
    assert modules & COMMAND_MODULES == {"tracker.cli.reports"}
    loaded = {name.split(".")[0] for name in modules}
    # The bench's floor (what no tracker code can go under) imports no more than this.
    assert {*FLOOR_MODULES, "tracker"} <= loaded
    assert loaded & set(READS_NEVER_IMPORT) == set()
    assert modules & unneeded == set()
    # The version is tracker.__version__, not a lookup of the installed package's metadata.
    assert "importlib.metadata" not in modules
    # Records are msgspec Structs, made in C: a dataclass costs about a millisecond at import.
    assert dataclasses == set()


# One history written by every workflow that adds snapshots or moves them in or out of the
# chain of ok ones; after each step the log kept incrementally must equal a full rebuild.

DAY = datetime(2024, 3, 1, 6, tzinfo=UTC)
OLD = (PAGES / "old.html").read_bytes()
NEW = (PAGES / "new.html").read_bytes()
# The ordinary tier's heading with no names under it: the guard quarantines it.
HOLLOW = OLD.decode("utf-8").split("<h3>普通会员单位</h3>")[0].encode("utf-8") + b"</div></body>"


def _capture(store: Store, content: bytes, at: datetime, origin: Origin = "live") -> CaptureOutcome:
    page = Page(
        url="http://aiia.test/structure",
        content=content,
        headers={"content-type": "text/html; charset=utf-8"},
        captured_at=at,
        origin=origin,
        provenance="http://aiia.test/structure",
    )
    return capture_page(store, Config(), SOURCE, page, now=lambda: at)


def _log(store: Store) -> Counter[tuple[object, ...]]:
    rows = store.db.execute("SELECT * FROM changes").fetchall()
    return Counter(tuple(row[1:]) for row in rows)  # all but the row id


def _assert_log_as_rebuilt(store: Store) -> None:
    kept = _log(store)
    rebuild_changes(store, SOURCE.id)
    assert _log(store) == kept


def _assert_names_as_listed(store: Store) -> None:
    """`member_names` holds every spelling of the ok snapshots, and no other: `tracker
    history` searches it for part of a name."""
    names = set(store.conn.execute("SELECT key, name FROM member_names"))
    listed = store.conn.execute(
        "SELECT DISTINCT l.key, l.name FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
        "WHERE s.status = 'ok'"
    )
    assert names == set(listed)


def test_every_workflow_keeps_the_change_log_as_a_rebuild_would(tmp_path: Path) -> None:
    store = Store(sqlite_utils.Database(memory=True))
    store.ensure_source(SOURCE.id, SOURCE.name, SOURCE.url)
    steps = 0

    def step(outcome: Outcome) -> Outcome:
        nonlocal steps
        steps += 1
        _assert_log_as_rebuilt(store)
        _assert_names_as_listed(store)
        return outcome

    step(_capture(store, OLD, DAY))
    step(_capture(store, NEW, DAY + timedelta(days=14)))
    # A Wayback capture of the past lands between two ok snapshots.
    step(_capture(store, MIDDLE.encode("utf-8"), DAY + timedelta(days=7), origin="wayback"))
    hollow = step(_capture(store, HOLLOW, DAY + timedelta(days=21)))
    assert hollow.snapshot is not None and hollow.snapshot.status == "quarantined"
    step(_capture(store, NEW, DAY + timedelta(days=28)))
    # Accepted after a later ok snapshot: it joins the chain in the middle.
    step(accept(store, Config(), hollow.snapshot.id, at=DAY + timedelta(days=29)))
    # A baseline before everything, then replaced by a corrected file for the same day.
    step(import_baseline(store, Config(), SOURCE, read_local(BASELINE), now=lambda: DAY))
    edited = tmp_path / "edited.csv"
    edited.write_text(
        BASELINE.read_text(encoding="utf-8").replace("东湖大学,Donghu", "西湖大学,Xihu"), "utf-8"
    )
    replaced = step(
        import_baseline(store, Config(), SOURCE, read_local(edited), now=lambda: DAY, replace=True)
    )
    assert replaced.replaced is not None

    kinds = {row[0] for row in store.db.execute("SELECT kind FROM changes").fetchall()}
    assert {"joined", "departed"} <= kinds
    pairs = store.db.execute("SELECT COUNT(DISTINCT old_snapshot_id) FROM changes").fetchone()[0]
    assert steps == 8 and pairs == 5

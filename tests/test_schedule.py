"""`tracker run` end to end: real sockets, a real scheduler, real signals and processes."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.httpserver import HTTPTestServer, Request, Response
from tests.pages import render_page
from tests.test_notify import BASE, DEPARTED, JOINED, Clock
from tracker.app.capture import OFFLINE_SNAPSHOT
from tracker.app.config import load_config
from tracker.app.schedule import Service, Ticker, build_scheduler, cron_weekdays, run_once, trigger
from tracker.cli import cli
from tracker.core.config import Config, Schedule, validated
from tracker.core.errors import ConfigError, LockError
from tracker.store import Store
from tracker.store.lock import DatabaseLock, lock_path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "xoxb-SECRET-4242-never-shown"


def toml_config(path: Path, page_url: str, watchers: list[dict[str, Any]], **schedule: Any) -> Path:
    """A config.toml with one fast, impatient source and the given watchers."""

    def table(values: dict[str, Any]) -> str:
        return "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())

    source = {"id": "aiia", "name": "Test alliance", "url": page_url, "retries": 0}
    source |= {"connect_timeout": 1, "read_timeout": 5, "deadline": 10}
    text = "[[sources]]\n" + table(source)
    text += "[schedule]\n" + table({"interval_seconds": 60, "jitter": 0, **schedule})
    text += "".join("[[watchers]]\n" + table(w) for w in watchers)
    path.write_text(text, encoding="utf-8")
    return path


def fast(config: Config, seconds: float) -> Config:
    """Ticks `seconds` apart: a config file may not ask under a minute, a test may."""
    config.schedule.interval_seconds = seconds
    return config


def page(tiers: dict[str, list[str]], restyle: str = "") -> Response:
    return Response(200, render_page(tiers).replace("<body>", f"<body>{restyle}"))


def serve_in_turn(server: HTTPTestServer, path: str, responses: list[Response]) -> None:
    """One response per request, the last repeating; like `add`, but safe to swap mid-run."""
    served = iter(responses)
    last = [responses[-1]]

    def respond(_: Request) -> Response:
        last[0] = next(served, last[0])
        return last[0]

    server.add(path, handler=respond)


def posted(server: HTTPTestServer, path: str, ok: Callable[[Request], bool] = bool) -> list[Any]:
    return [r.json() for r in server.requests_for(path, "POST") if ok(r)]


@pytest.fixture
def receiver(http_server: HTTPTestServer) -> HTTPTestServer:
    http_server.add("/hook", Response(204))
    http_server.add("/apprise", Response(200, "ok"))
    return http_server


def ticker(config: Config, db: Path, now: Callable[[], datetime], log: list[str]) -> Ticker:
    return Ticker(
        config=config,
        open_store=lambda: Store.open(db),
        make_client=lambda: httpx.Client(timeout=2),
        now=now,
        env={"HOOK_TOKEN": SECRET},
        log=log.append,
    )


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    # Generous: it only bounds a hung test; on a loaded 2-core machine a tick can take seconds.
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_the_scheduler_sends_exactly_one_summary_per_real_change(
    receiver: HTTPTestServer, tmp_path: Path
) -> None:
    pages = [
        page(BASE),
        page(BASE),
        page(JOINED),
        page(JOINED, restyle="<p>改版</p>"),
        page(DEPARTED),
        page(DEPARTED),
    ]
    serve_in_turn(receiver, "/structure", pages)
    watchers = [
        {"name": "hook", "kind": "webhook", "url": receiver.url("/hook")},
        {
            "name": "chat",
            "kind": "apprise",
            "url": receiver.url("/apprise").replace("http", "json", 1),
        },
        {"name": "log", "kind": "file", "path": str(tmp_path / "changes.jsonl")},
    ]
    path = toml_config(tmp_path / "config.toml", receiver.url("/structure"), watchers)
    config = fast(load_config(path), 0.1)
    log: list[str] = []
    service = Service(
        build_scheduler(
            config, ticker(config, tmp_path / "t.db", lambda: datetime.now(UTC), log).job
        )
    )

    def stop_after_every_page() -> None:
        wait_for(lambda: len(log) >= len(pages))
        service.stop()

    stopper = threading.Thread(target=stop_after_every_page)
    stopper.start()
    service.serve()
    stopper.join()
    # A tick may start before the stop lands; it reads the last page again, unchanged.
    assert len(log) >= len(pages)
    assert all("unchanged" in line for line in log[len(pages) :]), log
    hooks = posted(receiver, "/hook")
    assert [(h["summary"]["joined"], h["summary"]["departed"]) for h in hooks] == [(1, 0), (0, 2)]
    assert [h["new"]["members"] for h in hooks] == [18, 16]
    chats = posted(receiver, "/apprise")
    assert [c["title"] for c in chats] == [
        "aiia membership: 1 joined",
        "aiia membership: 2 departed",
    ]
    lines = (tmp_path / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["summary"] for line in lines] == [h["summary"] for h in hooks]


def test_a_receiver_down_for_two_ticks_gets_every_summary_once_it_is_up(
    receiver: HTTPTestServer, tmp_path: Path
) -> None:
    serve_in_turn(receiver, "/structure", [page(BASE), page(JOINED), page(DEPARTED)])
    up = threading.Event()
    receiver.add("/hook", handler=lambda _: Response(204 if up.is_set() else 503))
    watchers = [
        {"name": "hook", "kind": "webhook", "url": receiver.url("/hook")},
        {"name": "log", "kind": "file", "path": str(tmp_path / "changes.jsonl")},
    ]
    config = load_config(toml_config(tmp_path / "c.toml", receiver.url("/structure"), watchers))
    clock, log = Clock(), []
    tick = ticker(config, tmp_path / "t.db", clock, log)
    for _ in range(3):
        run_once(config, tick)
        clock.advance(days=1)
    assert len((tmp_path / "changes.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert log[-2].endswith("delivered 1, 1 failed (will retry), 1 waiting")
    assert log[-1].endswith("aiia: delivery failed: watcher hook: webhook answered HTTP 503")
    up.set()
    run_once(config, tick)
    delivered = posted(receiver, "/hook", lambda r: up.is_set())
    assert [(d["old"]["id"], d["new"]["id"]) for d in delivered[-2:]] == [(1, 2), (2, 3)]
    assert log[-1].endswith("delivered 2")
    assert len(posted(receiver, "/hook")) == 2 + 2


def test_three_failed_ticks_alert_once_and_recover_once_without_membership_news(
    receiver: HTTPTestServer, tmp_path: Path
) -> None:
    failing = [Response(500, "down")] * 4
    serve_in_turn(receiver, "/structure", [page(BASE), *failing, page(DEPARTED), page(DEPARTED)])
    watchers = [{"name": "hook", "kind": "webhook", "url": receiver.url("/hook")}]
    config = load_config(toml_config(tmp_path / "c.toml", receiver.url("/structure"), watchers))
    clock, log = Clock(), []
    tick = ticker(config, tmp_path / "t.db", clock, log)
    for _ in range(7):
        run_once(config, tick)
        clock.advance(hours=6)
    events = [r.headers["x-tracker-event"] for r in receiver.requests_for("/hook", "POST")]
    assert events == ["error", "recovered", "changes"]
    error = posted(receiver, "/hook")[0]
    assert error["failures"] == 3
    assert error["cause"].endswith("HTTP 500 Internal Server Error")
    assert error["last_good"] == {"id": 1, "captured_at": "2024-05-01T06:00:00Z"}


def test_a_database_failure_in_a_scheduled_tick_is_logged_not_raised(tmp_path: Path) -> None:
    config = load_config(toml_config(tmp_path / "c.toml", "http://127.0.0.1:9/", []))
    log: list[str] = []

    def broken_store() -> Store:
        raise sqlite3.OperationalError("database or disk is full")

    tick = ticker(config, tmp_path / "t.db", Clock(), log)
    tick.open_store = broken_store
    tick.job(config.sources[0])
    assert log == ["2024-05-01T06:00:00Z  aiia: error: database or disk is full"]


def test_run_once_stopped_by_a_signal_says_which_sources_it_skipped(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    def interrupted(_: Request) -> Response:
        # Ctrl-C arrives while the first source's page stalls: the wait ends at once.
        os.kill(os.getpid(), signal.SIGINT)
        return Response(200, render_page(BASE), delay=30)

    http_server.add("/structure", handler=interrupted)
    path = toml_config(tmp_path / "c.toml", http_server.url("/structure"), [])
    second = "[[sources]]\nid = 'other'\nname = 'Other'\nurl = 'http://127.0.0.1:9/'\n"
    path.write_text(path.read_text(encoding="utf-8") + second, encoding="utf-8")
    args = ["--config", str(path), "--db", str(tmp_path / "t.db"), "run", "--once"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "/structure: interrupted: a stop was requested before the page was read" in result.stdout
    assert result.stderr == "Error: stopped by a signal before other\n"


def test_run_once_reports_each_tick_and_exits_with_the_worst_code(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    serve_in_turn(http_server, "/structure", [page(BASE), Response(503, "down")])
    path = toml_config(tmp_path / "c.toml", http_server.url("/structure"), [])
    args = ["--config", str(path), "--db", str(tmp_path / "t.db"), "run", "--once"]
    first, second = CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)
    assert first.exit_code == 0
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  aiia: snapshot 1  \S+  vice_chair 2 · board 3 · "
        r"ordinary 12  \(17 listings, 17 members\); delivered 0\n",
        first.output,
    )
    assert second.exit_code == 1
    assert second.output.endswith(
        f"aiia: {http_server.url('/structure')}: HTTP 503 Service Unavailable; {OFFLINE_SNAPSHOT}; "
        "delivered 0\n"
    )


def test_a_second_run_on_one_database_exits_at_once_naming_the_first(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    http_server.add("/structure", page(BASE))
    path = toml_config(tmp_path / "c.toml", http_server.url("/structure"), [], interval_seconds=600)
    db = tmp_path / "t.db"
    args = [sys.executable, "-m", "tracker", "--config", str(path), "--db", str(db), "run"]
    first = subprocess.Popen(
        args, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: lock_path(db).exists() and lock_path(db).stat().st_size > 0)
        second = subprocess.run(
            args, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=20
        )
        assert second.returncode == 1
        assert second.stderr.startswith(
            f"Error: database {db} is locked by tracker run pid {first.pid} since "
        )
        assert second.stderr.count("\n") == 1
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=20)
    assert first.returncode == 0, err
    assert out.splitlines()[-1] == "tracker run: stopped"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HOOK_TOKEN": SECRET}


def test_kill_9_mid_tick_leaves_a_clean_database_and_every_outbox_row(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    serve_in_turn(http_server, "/structure", [page(BASE), page(JOINED)])
    http_server.add("/hook", Response(503))
    watchers = [{"name": "hook", "kind": "webhook", "url": http_server.url("/hook")}]
    path = toml_config(tmp_path / "c.toml", http_server.url("/structure"), watchers)
    db = tmp_path / "t.db"
    config = load_config(path)
    tick = ticker(config, db, Clock(), [])
    run_once(config, tick)
    run_once(config, tick)
    # The next page trickles in: the tick is mid-fetch, the database open, when it dies.
    body = render_page(DEPARTED)
    http_server.add("/structure", Response(200, body, chunk_size=64, delay_per_chunk=0.5))
    args = [
        sys.executable,
        "-m",
        "tracker",
        "--config",
        str(path),
        "--db",
        str(db),
        "run",
        "--once",
    ]
    victim = subprocess.Popen(args, cwd=ROOT, env=_env())
    wait_for(lambda: len(http_server.requests_for("/structure")) == 3)
    time.sleep(0.3)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)
        assert conn.execute(
            "SELECT count(*) FROM snapshots WHERE id NOT IN (SELECT snapshot_id FROM listings)"
        ).fetchone() == (0,)
        assert conn.execute("SELECT watcher, status FROM outbox").fetchall() == [
            ("hook", "pending")
        ]
    # The kernel dropped the dead process's lock with it.
    DatabaseLock(db, command="test", now=datetime.now(UTC)).acquire().release()


def test_a_secret_from_the_environment_never_reaches_output_or_tables(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    serve_in_turn(http_server, "/structure", [page(BASE), Response(500), page(JOINED)])
    http_server.add(f"/hook/{SECRET}", Response(500, f"bad token {SECRET}"))
    http_server.add(f"/apprise/{SECRET}", Response(500, f"bad token {SECRET}"))
    watchers = [
        {
            "name": "hook",
            "kind": "webhook",
            "url": http_server.url("/hook/${HOOK_TOKEN}"),
            "secret_env": "HOOK_TOKEN",
        },
        {
            "name": "chat",
            "kind": "apprise",
            "url": http_server.url("/apprise/${HOOK_TOKEN}").replace("http", "json", 1),
        },
    ]
    path = toml_config(
        tmp_path / "c.toml", http_server.url("/structure"), watchers, alert_after_failures=1
    )
    db = tmp_path / "t.db"
    runner = CliRunner()
    outputs = []
    for args in (["run", "--once"],) * 3 + (
        ["notify", "--retry"],
        ["watchers", "list"],
        ["watchers", "list", "--format", "json"],
        ["watchers", "test", "hook"],
        ["watchers", "test", "chat"],
    ):
        result = runner.invoke(
            cli, ["--config", str(path), "--db", str(db), *args], env={"HOOK_TOKEN": SECRET}
        )
        assert result.exception is None or isinstance(result.exception, SystemExit)
        outputs.append(result.output + result.stderr)
    # The secret was used: the receiver saw it in every request's path.
    assert len(http_server.requests_for(f"/hook/{SECRET}", "POST")) >= 3
    assert "watcher hook: webhook answered HTTP 500" in "".join(outputs)
    with sqlite3.connect(db) as conn:
        dump = "\n".join(conn.iterdump())
    assert "webhook answered HTTP 500" in dump
    assert SECRET not in dump
    for output in outputs:
        assert SECRET not in output


def test_watchers_list_shows_state_without_targets_secrets(tmp_path: Path) -> None:
    watchers = [
        {"name": "team", "kind": "apprise", "url": "tgram://${BOT_TOKEN}/123", "events": ["error"]},
        {"name": "hook", "kind": "webhook", "url": "https://hooks.example/x/${T}"},
    ]
    path = toml_config(tmp_path / "c.toml", "http://127.0.0.1:9/", watchers)
    Store.open(tmp_path / "t.db").close()
    result = CliRunner().invoke(
        cli, ["--config", str(path), "--db", str(tmp_path / "t.db"), "watchers", "list"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "name  kind     target                   events"
        "                                                last_delivery  pending  failing  last_error",
        "----  -------  -----------------------  ----------------------------------------------------"
        "  -------------  -------  -------  ----------",
        "team  apprise  tgram://…                error"
        "                                                                0        0",
        "hook  webhook  https://hooks.example/…  joined,departed,tier_changed,renamed,error,recovered"
        "                 0        0",
    ]


def test_one_lock_holder_at_a_time_and_the_message_names_it(tmp_path: Path) -> None:
    at = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
    with DatabaseLock(tmp_path / "t.db", command="tracker run", now=at):
        with pytest.raises(LockError) as caught:
            DatabaseLock(
                tmp_path / "t.db", command="tracker run", now=at + timedelta(hours=1)
            ).acquire()
    assert str(caught.value) == (
        f"database {tmp_path / 't.db'} is locked by tracker run pid {os.getpid()} "
        "since 2024-05-01T06:00:00Z"
    )
    DatabaseLock(tmp_path / "t.db", command="tracker run", now=at).acquire().release()


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0,6", "sun,sat"),
        ("7", "sun"),
        ("mon", "mon"),
        # APScheduler's own ranges and steps run Monday to Sunday: these must be expanded.
        ("0-4", "sun,mon,tue,wed,thu"),
        ("0-6", "*"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("fri-sun", "sun,fri,sat"),
    ],
)
def test_cron_weekdays_count_from_sunday_as_cron_does(field: str, expected: str) -> None:
    assert cron_weekdays(field) == expected


def test_a_cron_weekday_range_from_sunday_fires_on_those_days() -> None:
    when = trigger(Schedule(cron="0 6 * * 0-4", timezone="UTC", jitter=0), "c.toml")
    fired, at = [], datetime(2024, 5, 4, 7, tzinfo=UTC)  # a Saturday, after 06:00
    for _ in range(6):
        at = when.get_next_fire_time(None, at)
        fired.append(f"{at:%a}")
        at += timedelta(minutes=1)
    assert fired == ["Sun", "Mon", "Tue", "Wed", "Thu", "Sun"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"cron": "0 6 * *"},
            "c.toml: schedule: bad cron '0 6 * *' or timezone 'Asia/Shanghai': need 5 fields",
        ),
        ({"cron": "0 25 * * *"}, "c.toml: schedule: bad cron '0 25 * * *'"),
        (
            {"cron": "0 6 1 * 1"},
            "c.toml: schedule: bad cron '0 6 1 * 1' or timezone 'Asia/Shanghai': cron runs when the day OR the weekday matches",
        ),
        (
            {"cron": "0 6 * * 8"},
            "c.toml: schedule: bad cron '0 6 * * 8' or timezone 'Asia/Shanghai': bad weekday '8'",
        ),
        (
            {"cron": "0 6 * * *", "timezone": "Mars/Base"},
            "c.toml: schedule: bad cron '0 6 * * *' or timezone 'Mars/Base'",
        ),
    ],
)
def test_a_bad_schedule_is_a_config_error_naming_it(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        trigger(validated(Schedule, settings), "c.toml")
    assert str(caught.value).startswith(message)


@pytest.fixture(autouse=True)
def _no_stray_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    wait_for(
        lambda: (
            not [t for t in threading.enumerate() if t not in before and t.name == "tracker-stop"]
        )
    )


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["run", "--once"], "no folder {folder} for the database {db}; create it first"),
        (["notify"], "no database at {db} (wrong folder? give --db PATH)"),
    ],
)
def test_a_database_under_a_file_is_one_line_naming_it(
    tmp_path: Path, command: list[str], message: str
) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    db = tmp_path / "not-a-folder" / "t.db"
    config = toml_config(tmp_path / "c.toml", "http://127.0.0.1:9/", [])
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(db), *command])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message.format(folder=db.parent, db=db)}")
    assert result.output.count("\n") == 1

"""Summaries, filters, confirmed departures, health alerts and outbox delivery, in process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlite_utils

from tests.pages import render_page
from tracker.app.capture import Page, capture_page, record_fetch_error
from tracker.app.deliver import Outlet, deliver
from tracker.core.config import Config, validated
from tracker.core.errors import FetchError, NotifyError
from tracker.core.message import Message
from tracker.store import Store

URL = "http://127.0.0.1:9/structure"
START = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
BASE = {
    "vice_chair": ["星河智能科技有限公司", "青岚数据（北京）有限公司"],
    "board": ["东方启明大学", "云岫机器人股份有限公司", "远帆信息技术有限公司"],
    "ordinary": [f"测试样例{i}号科技有限公司" for i in range(1, 13)],
}


def tiers(**changes: list[str]) -> dict[str, list[str]]:
    return {**BASE, **changes}


JOINED = tiers(ordinary=[*BASE["ordinary"], "澄川智能装备有限公司"])
DEPARTED = tiers(board=BASE["board"][:2])
PROMOTED = tiers(vice_chair=[*BASE["vice_chair"], "东方启明大学"], board=BASE["board"][1:])


class Clock:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class Ticks:
    """A source's ticks through the capture stage (settled), on a fake clock."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = Store(sqlite_utils.Database(memory=True))
        self.clock = Clock()

    def page(self, page_tiers: dict[str, list[str]], *, restyle: str = "") -> str:
        source = self.config.sources[0]
        html = render_page(page_tiers).replace("<body>", f"<body>{restyle}")
        page = Page(URL, html.encode(), {}, self.clock(), "live")
        outcome = capture_page(self.store, self.config, source, page, now=self.clock)
        self.clock.advance(days=1)
        return outcome.outcome

    def fail(self, reason: str = "HTTP 503 Service Unavailable") -> str:
        source = self.config.sources[0]
        error = FetchError(f"{URL}: {reason}", url=URL, status_code=503)
        outcome = record_fetch_error(
            self.store, self.config, source, error, url=URL, started=self.clock(), now=self.clock
        )
        self.clock.advance(days=1)
        return outcome.outcome

    def outbox(self) -> list[dict[str, Any]]:
        return list(self.store.db.query("SELECT * FROM outbox ORDER BY id"))

    def messages(self, watcher: str | None = None) -> list[Message]:
        return [
            Message.from_json(row["payload"])
            for row in self.outbox()
            if watcher in (None, row["watcher"])
        ]


def config(*watchers: dict[str, Any], **source: Any) -> Config:
    return validated(
        Config,
        {
            "sources": [{"id": "aiia", "name": "Test alliance", "url": URL, **source}],
            "watchers": list(watchers) or [{"name": "log", "kind": "file", "path": "x.jsonl"}],
        },
    )


def test_one_digest_per_watcher_per_change_and_none_for_restyles() -> None:
    ticks = Ticks(config())
    assert ticks.page(BASE) == "new"
    assert ticks.page(BASE, restyle="<p>新版网站</p>") == "new"
    assert ticks.page(tiers(ordinary=list(reversed(BASE["ordinary"])))) == "new"
    assert ticks.messages() == []
    ticks.page(JOINED)
    ticks.page(JOINED)
    (message,) = ticks.messages()
    assert message.title == "aiia membership: 1 joined"
    assert message.lines == ["+ joined: 澄川智能装备有限公司 · ordinary"]
    assert message.data["summary"]["joined"] == 1
    assert message.data["old"]["id"] == 3 and message.data["new"]["id"] == 4
    assert message.footer == ["Full report: tracker diff --source aiia 3 4"]


def test_summary_lines_name_tier_and_english_name_where_known() -> None:
    ticks = Ticks(config())
    ticks.page(BASE)
    ticks.store.db.table("annotations").insert(
        {
            "key": "东方启明大学",
            "origin": "test",
            "name": "东方启明大学",
            "common_name_en": "Qiming University",
        }
    )
    ticks.page({**PROMOTED, "ordinary": JOINED["ordinary"]})
    (message,) = ticks.messages()
    assert message.headline[0] == "aiia membership: 1 joined, 1 tier changed"
    assert message.lines == [
        "+ joined: 澄川智能装备有限公司 · ordinary",
        "↑ promotion: 东方启明大学 (Qiming University) · board → vice-chair",
    ]
    assert message.data["tier_changed"][0]["common_name_en"] == "Qiming University"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["+", "-", "↑"]),
        ({"events": ["departed"]}, ["-"]),
        ({"events": ["error"]}, None),
        ({"tiers": ["vice-chair"]}, ["↑"]),
        ({"tiers": ["副理事长单位"]}, ["↑"]),
        ({"tiers": ["ordinary"]}, ["+"]),
        ({"names": ["远帆"]}, ["-"]),
        ({"names": ["澄川智能装备有限公司", "东方启明"]}, ["+", "↑"]),
        ({"names": ["无关单位"]}, None),
        ({"min_changes": 3}, ["+", "-", "↑"]),
        ({"min_changes": 4}, None),
    ],
    ids=lambda value: str(value),
)
def test_filters_pick_changes_and_a_watcher_matching_nothing_gets_nothing(
    filters: dict[str, Any], expected: list[str] | None
) -> None:
    ticks = Ticks(config({"name": "w", "kind": "file", "path": "w.jsonl", **filters}))
    ticks.page(BASE)
    ticks.page(
        tiers(
            vice_chair=PROMOTED["vice_chair"],
            board=["云岫机器人股份有限公司"],
            ordinary=[*BASE["ordinary"], "澄川智能装备有限公司"],
        )
    )
    found = ticks.messages("w")
    if expected is None:
        assert found == []
    else:
        assert [line[0] for line in found[0].lines] == expected


def test_departures_wait_for_confirmation_and_a_quick_return_is_no_join() -> None:
    ticks = Ticks(config(confirm_departures=2))
    ticks.page(BASE)
    ticks.page(DEPARTED)
    ticks.page(BASE)
    ticks.page(DEPARTED)
    ticks.page(DEPARTED)
    first, second, third = ticks.messages()
    assert first.lines == ["? missing (unconfirmed): 远帆信息技术有限公司 · board"]
    assert first.data["departed"] == []
    assert first.data["missing_unconfirmed"][0]["name"] == "远帆信息技术有限公司"
    # The return after one absence sent nothing: `second` is the next absence.
    assert second.lines == first.lines
    assert third.lines == ["- departed: 远帆信息技术有限公司 · board"]
    assert third.data["summary"]["departed"] == 1


def test_three_failures_alert_once_then_recover_once_and_never_look_like_changes() -> None:
    ticks = Ticks(config())
    ticks.page(BASE)
    assert [ticks.fail() for _ in range(5)] == ["error"] * 5
    ticks.page(BASE)
    ticks.page(BASE)
    error, recovered = ticks.messages()
    assert error.event == "error"
    assert error.headline == [
        "aiia: tracker failing: 3 ticks in a row failed",
        f"latest cause: {URL}: HTTP 503 Service Unavailable",
        "last good snapshot: 1, captured 2024-05-01T06:00:00Z (3 days ago)",
    ]
    assert recovered.event == "recovered"
    assert recovered.headline[0] == "aiia: tracker recovered after 5 failed ticks"
    assert recovered.headline[1].startswith("unchanged: same page as snapshot 1")


def test_a_quarantined_page_counts_as_a_failure_not_as_departures() -> None:
    ticks = Ticks(config())
    ticks.config.schedule.alert_after_failures = 1
    ticks.page(BASE)
    assert ticks.page(tiers(ordinary=BASE["ordinary"][:3])) == "quarantined"
    (message,) = ticks.messages()
    assert message.event == "error"
    assert "members are missing" in message.data["cause"]


def test_a_watcher_not_asking_for_recovered_still_gets_the_next_outage() -> None:
    ticks = Ticks(config({"name": "w", "kind": "file", "path": "w", "events": ["error"]}))
    ticks.config.schedule.alert_after_failures = 1
    ticks.page(BASE)
    ticks.fail()
    ticks.page(BASE)
    ticks.fail()
    assert [(r["event"], r["status"]) for r in ticks.outbox()] == [
        ("error", "pending"),
        ("recovered", "skipped"),
        ("error", "pending"),
    ]


class Recorder:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.got: list[Message] = []

    def send(self, message: Message) -> None:
        if self.failures:
            self.failures -= 1
            raise NotifyError("watcher down: HTTP 500 from https://hooks.example/TOKEN123")
        self.got.append(message)


def test_a_failing_watcher_retries_with_backoff_in_order_and_blocks_nobody() -> None:
    ticks = Ticks(
        config(
            {"name": "down", "kind": "file", "path": "a"},
            {"name": "up", "kind": "file", "path": "b"},
        )
    )
    ticks.page(BASE)
    ticks.page(JOINED)
    ticks.page(BASE)
    down, up = Recorder(failures=2), Recorder()
    targets = {
        "down": Outlet(ticks.config.watchers[0], down, ["TOKEN123"]),
        "up": Outlet(ticks.config.watchers[1], up, []),
    }

    def run(**options: Any) -> tuple[int, int, int]:
        done = deliver(ticks.store, targets, now=ticks.clock, backoff=60, **options)
        return len(done.sent), len(done.failed), done.waiting

    assert run() == (2, 1, 1)
    assert run() == (0, 0, 2)
    ticks.clock.advance(seconds=61)
    assert run() == (0, 1, 1)
    assert run(force=True) == (2, 0, 0)
    assert [m.title for m in down.got] == [m.title for m in up.got]
    assert [m.delivery_id for m in down.got] == [1, 3]
    rows = ticks.outbox()
    assert [(r["watcher"], r["status"], r["attempts"]) for r in rows] == [
        ("down", "sent", 3),
        ("up", "sent", 1),
        ("down", "sent", 1),
        ("up", "sent", 1),
    ]
    assert rows[0]["last_error"] is None
    assert "TOKEN123" not in str(rows)


def test_a_backfill_between_ticks_never_confirms_a_departure_of_the_past() -> None:
    # Wayback captures are readings of the past: a member who left in 2022 is no news today.
    ticks = Ticks(config(confirm_departures=2))
    ticks.page(BASE)
    ticks.page(BASE)
    source = ticks.config.sources[0]
    for year, page_tiers in ((2022, JOINED), (2023, BASE)):
        html = render_page(page_tiers).encode()
        page = Page(URL, html, {}, datetime(year, 1, 1, tzinfo=UTC), "wayback")
        assert (
            capture_page(ticks.store, ticks.config, source, page, now=ticks.clock).outcome == "new"
        )
    assert ticks.page(BASE) == "unchanged"
    assert ticks.messages() == []


def test_a_saved_copy_read_during_an_outage_is_no_recovery() -> None:
    # Only fetches of the source's URL say whether the site is up (see failures_before).
    ticks = Ticks(config())
    ticks.page(BASE)
    for _ in range(3):
        ticks.fail()
    saved = Page("file:///saved.html", render_page(BASE).encode(), {}, ticks.clock(), "file")
    capture_page(ticks.store, ticks.config, ticks.config.sources[0], saved, now=ticks.clock)
    ticks.fail()
    assert [message.event for message in ticks.messages()] == ["error"]

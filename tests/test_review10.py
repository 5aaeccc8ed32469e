"""review10: what the changes since 0a0cccc (members' JSON and table rows, display widths,
live readings that repeat a stored page) were checked against; each test a defect found."""

from __future__ import annotations

from datetime import timedelta

from tests.pages import render_page
from tests.test_notify import BASE, JOINED, URL, Ticks, config
from tracker.app.capture import Page, capture_page


def _wayback(ticks: Ticks, page_tiers: dict[str, list[str]], back: timedelta) -> str:
    source = ticks.config.sources[0]
    html = render_page(page_tiers).encode()
    page = Page(URL, html, {}, ticks.clock() - back, "wayback")
    return capture_page(ticks.store, ticks.config, source, page, now=ticks.clock).outcome


def test_a_live_reading_never_repeats_a_wayback_capture_dated_after_the_last_tick() -> None:
    # An archive's capture of the page made after the last tick, backfilled: a reading of the
    # past, no news. The next tick reads the same bytes live: that is the present's first
    # reading of the join, news to watchers, not "the same page" as the archive's capture.
    ticks = Ticks(config())
    assert ticks.page(BASE) == "new"
    assert _wayback(ticks, JOINED, timedelta(hours=1)) == "new"
    assert ticks.messages() == []
    assert ticks.page(JOINED) == "new"
    assert [m.event for m in ticks.messages()] == ["changes"]


def test_an_undated_saved_page_read_a_moment_before_another_stored_it_repeats_it() -> None:
    # Two `snapshot --file same.html` racing, neither given --captured-at: each is dated
    # when it began reading (now), a reading of the present as a live one is. The one begun
    # half a second earlier but storing second repeats the other's snapshot, as racing live
    # ticks do since c05a9a7; only a date a person gave makes a page one of the past.
    ticks = Ticks(config())
    source = ticks.config.sources[0]
    html = render_page(BASE).encode()
    late = Page("file:///same.html", html, {}, ticks.clock(), "file", "file:///same.html")
    assert capture_page(ticks.store, ticks.config, source, late, now=ticks.clock).outcome == "new"
    early = Page(
        "file:///same.html",
        html,
        {},
        ticks.clock() - timedelta(milliseconds=500),
        "file",
        "file:///same.html",
    )
    assert capture_page(ticks.store, ticks.config, source, early, now=ticks.clock).outcome == (
        "unchanged"
    )

"""Every committed fixture page, served over (mocked) HTTP, captured into a store."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx
import sqlite_utils

from tracker.app.capture import CaptureOutcome, capture_live
from tracker.app.saved import capture_file
from tracker.core.config import Config, Source
from tracker.core.stamps import sha256_hex
from tracker.store import Store

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "pages").glob("*.html"))
URL = "http://alliance.test/index.php?m=alliance&c=index&a=structure"
SOURCE = Source(id="aiia", name="Test alliance", url=URL, retries=0)
CONFIG = Config(sources=[SOURCE])


def _now() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_fixture_page_captured_over_http(page: Path) -> None:
    content = page.read_bytes()
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    store = Store(sqlite_utils.Database(memory=True))
    with respx.mock(assert_all_called=True) as mock, httpx.Client() as client:
        # No charset in the header: the page's own bytes must be enough (the GBK one too).
        mock.get(URL).respond(200, content=content, headers={"Content-Type": "text/html"})
        outcome = capture_live(store, CONFIG, SOURCE, client=client, now=_now)
    assert outcome.snapshot is not None
    stored = [
        (x.tier, x.tier_label, x.position, x.name) for x in store.listings(outcome.snapshot.id)
    ]
    want = [(x["tier"], x["tier_label"], x["position"], x["name"]) for x in expected["listings"]]
    assert stored == want
    # A page the parser has doubts about (a tier heading with no names) is quarantined.
    believed = bool(want) and not expected["problems"]
    assert outcome.outcome == ("new" if believed else "quarantined")
    if expected["problems"]:
        assert all(problem in outcome.message for problem in expected["problems"])
    assert store.page_bytes(outcome.snapshot.page_sha256) == content
    assert outcome.snapshot.page_sha256 == sha256_hex(content)
    assert outcome.snapshot.captured_at == _now()


GARBAGE = random.Random(7).randbytes(3000)


def _assert_error_with_evidence(store: Store, outcome: CaptureOutcome) -> None:
    assert outcome.outcome == "error" and outcome.snapshot is None
    assert "cannot decode bytes honestly" in outcome.message
    row = store.db.execute("SELECT outcome, sha256 FROM fetches").fetchone()
    assert row == ("error", sha256_hex(GARBAGE))
    assert store.page_bytes(row[1]) == GARBAGE
    assert store.db.table("snapshots").count == 0


def test_undecodable_bytes_fetched_are_an_error_but_still_archived() -> None:
    store = Store(sqlite_utils.Database(memory=True))
    with respx.mock() as mock, httpx.Client() as client:
        mock.get(URL).respond(200, content=GARBAGE, headers={"Content-Type": "text/html"})
        outcome = capture_live(store, CONFIG, SOURCE, client=client, now=_now)
    _assert_error_with_evidence(store, outcome)


def test_undecodable_file_is_an_error_but_still_archived(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_bytes(GARBAGE)
    store = Store(sqlite_utils.Database(memory=True))
    _assert_error_with_evidence(store, capture_file(store, CONFIG, SOURCE, page, now=_now))

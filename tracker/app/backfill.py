"""History from the Internet Archive: list a page's Wayback captures and capture each one.

The CDX API lists captures (timestamp, original URL, status, digest); the ``id_`` form of a
capture URL returns the archived bytes unmodified. Every capture goes through the same
capture stage as a live fetch, so its bytes are archived, its parse is guarded (judged
against the ok snapshot captured just before it) and a page with no members is quarantined
with the reason, never read as "everyone left".

Resuming: a capture URL already recorded in ``fetches`` with any outcome but ``error`` is
not fetched again, so a rerun after an interruption only fetches what is missing, and a
capture that failed is retried. Changing ``[wayback] capture_url`` (a mirror) gives new
capture URLs, hence a fresh backfill from that archive.

Politeness: CDX requests and capture fetches each go through a rate limiter (clock and
sleep injected, so tests never sleep); 429 and 5xx answers wait ``retry_wait`` seconds,
doubled on each further retry, because the Wayback Machine sends no Retry-After.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from tracker.app.capture import CaptureOutcome, Page, capture_page, record_fetch_error
from tracker.app.changes import rebuild_changes
from tracker.core.config import FetchSettings, Source, Wayback
from tracker.core.errors import FetchError
from tracker.core.models import FetchResult
from tracker.core.parse import next_page
from tracker.core.stamps import utc_text
from tracker.net.fetch import fetch
from tracker.net.pages import Following
from tracker.store.database import Store

CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
REVISIT_MIMETYPE = "warc/revisit"
_TIMESTAMP = re.compile(r"^\d{14}$")
_BOUND_FORMATS = {4: "%Y", 6: "%Y%m", 8: "%Y%m%d"}


class CdxCapture(BaseModel):
    """One row of a CDX answer: a capture of ``original`` at ``timestamp`` (UTC)."""

    model_config = ConfigDict(frozen=True)

    timestamp: str
    original: str
    statuscode: str
    digest: str
    mimetype: str
    # Only present when the answer has a length column; "-" (unknown) reads as None.
    length: int | None = None

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)

    @property
    def revisit(self) -> bool:
        # A revisit record says "same payload as an earlier capture" and has no status.
        return self.mimetype == REVISIT_MIMETYPE or self.statuscode == "-"


# Pure: CDX answers, bounds, capture URLs ------------------------------------------------


def parse_cdx(text: str, *, source: str) -> list[CdxCapture]:
    """Rows of a CDX ``output=json`` answer; empty and header-only answers give none."""
    if not text.strip():
        return []
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FetchError(f"{source}: CDX answer is not JSON: {exc}", url=source) from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise FetchError(f"{source}: CDX answer is not a list of rows", url=source)
    if not rows:
        return []
    header = [str(name) for name in rows[0]]
    missing = [name for name in CDX_FIELDS if name not in header]
    if missing:
        raise FetchError(f"{source}: CDX header lacks {', '.join(missing)}: {header}", url=source)
    return [_cdx_row(header, row, number, source) for number, row in enumerate(rows[1:], 2)]


def _cdx_row(header: list[str], row: list[object], number: int, source: str) -> CdxCapture:
    if len(row) != len(header):
        raise FetchError(
            f"{source}: CDX row {number} has {len(row)} fields, the header {len(header)}",
            url=source,
        )
    values = dict(zip(header, (str(value) for value in row), strict=True))
    if not _TIMESTAMP.match(values["timestamp"]):
        raise FetchError(
            f"{source}: CDX row {number}: bad timestamp {values['timestamp']!r}", url=source
        )
    length = values.get("length", "-")
    return CdxCapture(
        **{name: values[name] for name in CDX_FIELDS},
        length=int(length) if length.isdigit() else None,
    )


def select_captures(
    rows: Iterable[CdxCapture], *, since: str | None = None, until: str | None = None
) -> list[CdxCapture]:
    """Captures worth fetching, oldest first.

    Rows from several URL aliases are merged (the CDX index folds http/https and www, so
    the same capture can come back for each alias); only 200s and revisits are kept; and,
    as ``collapse=digest`` does, a capture with the same digest as the one before it is
    dropped: it adds no new content. A digest that comes back later (A, B, A) is kept,
    because a page reverting is history. The window is applied here too, for mirrors that
    ignore ``from``/``to``.
    """
    unique = {(row.timestamp, row.original): row for row in rows if _wanted(row, since, until)}
    chosen: list[CdxCapture] = []
    for row in sorted(unique.values(), key=lambda r: (r.timestamp, r.original)):
        if not chosen or chosen[-1].digest != row.digest:
            chosen.append(row)
    return chosen


def _wanted(row: CdxCapture, since: str | None, until: str | None) -> bool:
    if row.statuscode != "200" and not row.revisit:
        return False
    # CDX bounds are timestamp prefixes: from=2021 is 20210101000000, to=2021 is 20211231235959.
    if since is not None and row.timestamp[: len(since)] < since:
        return False
    return until is None or row.timestamp[: len(until)] <= until


def parse_bound(text: str) -> str:
    """A ``--from``/``--to`` value (YYYY, YYYYMM or YYYYMMDD, dashes allowed) as CDX digits."""
    digits = text.strip().replace("-", "")
    layout = _BOUND_FORMATS.get(len(digits))
    if layout is None or not digits.isdigit():
        raise ValueError(f"{text!r} is not YYYY, YYYYMM or YYYYMMDD")
    try:
        datetime.strptime(digits, layout)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None
    return digits


def capture_url(template: str, capture: CdxCapture) -> str:
    return template.format(timestamp=capture.timestamp, url=capture.original)


def memento_time(headers: dict[str, str]) -> datetime | None:
    """The archive's own statement of when the bytes were captured (RFC 7089)."""
    try:
        moment = parsedate_to_datetime(headers["memento-datetime"])
    except (KeyError, TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


# I/O: rate-limited requests ------------------------------------------------------------


class RateLimiter:
    """At most one call per ``interval`` seconds, measured on the injected clock."""

    def __init__(
        self, interval: float, *, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            remaining = self._last + self.interval - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


def archive_settings(source: Source, wayback: Wayback) -> FetchSettings:
    """The source's fetch settings with Wayback's retry policy.

    ``fetch`` waits ``backoff`` seconds, doubled each retry, when no Retry-After is sent;
    its deadline must leave room for those waits or it would give up before the first.
    """
    waits = sum(wayback.retry_wait * 2**attempt for attempt in range(wayback.retries))
    return FetchSettings.model_validate(
        {
            **source.model_dump(include=set(FetchSettings.model_fields)),
            "retries": wayback.retries,
            "backoff": wayback.retry_wait,
            "max_retry_after": max(source.max_retry_after, wayback.retry_wait),
            "deadline": source.deadline + waits,
        }
    )


class WaybackArchive:
    """The CDX API and the capture endpoint, behind their rate limiters."""

    def __init__(
        self,
        wayback: Wayback,
        settings: FetchSettings,
        *,
        client: httpx.Client,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.wayback = wayback
        self.settings = settings
        self.client = client
        self.clock = clock
        self.sleep = sleep
        self.cdx_limit = RateLimiter(60 / wayback.cdx_per_minute, clock=clock, sleep=sleep)
        self.capture_limit = RateLimiter(1 / wayback.captures_per_second, clock=clock, sleep=sleep)

    def list_captures(
        self, urls: Sequence[str], *, since: str | None = None, until: str | None = None
    ) -> list[CdxCapture]:
        rows = [row for url in urls for row in self._cdx(url, since, until)]
        return select_captures(rows, since=since, until=until)

    def _cdx(self, url: str, since: str | None, until: str | None) -> list[CdxCapture]:
        params = {
            "url": url,
            "output": "json",
            "fl": ",".join(CDX_FIELDS),
            # Revisits carry status "-": a page that reverts (A, B, A) comes back as one,
            # so filtering on 200 alone would lose the revert.
            "filter": "statuscode:(200|-)",
            "collapse": "digest",
        }
        params |= {key: value for key, value in (("from", since), ("to", until)) if value}
        query = str(httpx.URL(self.wayback.cdx_url, params=params))
        self.cdx_limit.wait()
        return parse_cdx(self._get(query).text or "", source=query)

    def fetch_capture(self, url: str) -> FetchResult:
        self.capture_limit.wait()
        return self._get(url)

    def _get(self, url: str) -> FetchResult:
        return fetch(
            url, client=self.client, settings=self.settings, sleep=self.sleep, clock=self.clock
        )


# Backfill: captures into snapshots -----------------------------------------------------


@dataclass
class Plan:
    """The captures a backfill found, those stored already, and those to fetch now."""

    listed: list[CdxCapture]
    stored: set[CdxCapture]
    todo: list[CdxCapture]

    @property
    def deferred(self) -> int:
        """Captures left for a later run by ``--limit``."""
        return len(self.listed) - len(self.stored) - len(self.todo)

    def describe(self) -> str:
        later = f", {self.deferred} left for a later run" if self.deferred else ""
        return f"{len(self.listed)} captures listed, {len(self.stored)} already stored{later}"

    def rows(self) -> list[dict[str, Any]]:
        """One row per listed capture, for `--dry-run`."""
        todo = set(self.todo)
        return [
            {
                "captured_at": utc_text(c.captured_at),
                "state": "stored" if c in self.stored else "fetch" if c in todo else "later",
                "digest": c.digest,
                "url": c.original,
            }
            for c in self.listed
        ]


def plan_backfill(
    store: Store,
    source: Source,
    archive: WaybackArchive,
    *,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> Plan:
    """List the source's captures under all its URLs; keep those not fetched yet."""
    listed = archive.list_captures([source.url, *source.aliases], since=since, until=until)
    done = store.fetched_urls(source.id)
    template = archive.wayback.capture_url
    stored = {c for c in listed if capture_url(template, c) in done}
    missing = [c for c in listed if c not in stored]
    return Plan(
        listed=listed, stored=stored, todo=missing[:limit] if limit is not None else missing
    )


def summary(plan: Plan, outcomes: Sequence[CaptureOutcome]) -> str:
    """One line: what was listed, skipped, fetched and what became of it."""

    def count(kind: str) -> int:
        return sum(1 for outcome in outcomes if outcome.outcome == kind)

    return (
        f"{plan.describe()}; fetched {len(outcomes)}: {count('new')} new, "
        f"{count('quarantined')} quarantined, {count('error')} failed"
    )


def backfill_capture(
    store: Store,
    source: Source,
    archive: WaybackArchive,
    capture: CdxCapture,
    *,
    now: Callable[[], datetime],
) -> CaptureOutcome:
    """Fetch one capture's bytes and store them as a wayback snapshot (or a failed fetch)."""
    url = capture_url(archive.wayback.capture_url, capture)
    started = now()
    try:
        result = archive.fetch_capture(url)
    except FetchError as exc:
        return record_fetch_error(store, source, exc, url=url, started=started)
    page = Page(
        url=url,
        content=result.content,
        headers=result.headers,
        captured_at=memento_time(result.headers) or capture.captured_at,
        origin="wayback",
        provenance=result.final_url,
        text=result.text,
        fetch_fields={
            "final_url": result.final_url,
            "status_code": result.status_code,
            "elapsed": round(result.elapsed, 3),
            "attempts": result.attempts,
        },
        more=_pages_not_archived(result.text or "", capture.original),
    )
    # No hooks: notifying watchers of years-old changes would be noise; the change events
    # are rebuilt once the backfill is done.
    return capture_page(store, source, page, now=now)


def _pages_not_archived(text: str, original: str) -> Following:
    """A capture is one page: a list it says goes on over more pages is read short, and
    the later pages' members would read as joins on the first live capture."""
    step = next_page(text, original)
    return Following(unread=step.url or step.refused)


def run_backfill(
    store: Store,
    source: Source,
    archive: WaybackArchive,
    captures: Iterable[CdxCapture],
    *,
    now: Callable[[], datetime],
) -> list[CaptureOutcome]:
    """Capture each capture in turn (oldest first, so each is judged against its past)."""
    outcomes: list[CaptureOutcome] = []
    try:
        for capture in captures:
            outcomes.append(backfill_capture(store, source, archive, capture, now=now))
    finally:
        # Even after Ctrl-C: the snapshots stored so far must have their change events.
        if any(outcome.outcome == "new" for outcome in outcomes):
            rebuild_changes(store, source.id)
    return outcomes

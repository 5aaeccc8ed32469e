"""History from the Internet Archive: each Wayback capture of the page becomes a snapshot.

Every capture goes through the same capture stage as a live fetch, so its bytes are
archived, its parse is guarded (judged against the ok snapshot captured just before it), a
page with no members is quarantined with the reason, never read as "everyone left", and
`settle` logs its changes where it falls in time (watchers never hear of the past).

Resuming: a capture URL already recorded in ``fetches`` with any outcome but ``error`` is
not fetched again, so a rerun after an interruption only fetches what is missing, and a
capture that failed is retried. Changing ``[wayback] capture_url`` (a mirror) gives new
capture URLs, hence a fresh backfill from that archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from tracker.app.capture import (
    Page,
    capture_page,
    record_fetch_error,
    record_unexpected,
    with_hint,
)
from tracker.core.cdx import CdxCapture, capture_url, memento_time
from tracker.core.config import Config, Source
from tracker.core.errors import FetchError
from tracker.core.models import CaptureOutcome, FetchResult, Transfer
from tracker.core.parse import next_page
from tracker.core.stamps import utc_text
from tracker.net.fetch import OnWait
from tracker.net.pages import Following
from tracker.net.wayback import WaybackArchive, archive_settings
from tracker.store import Store

# An archive's clock may run a little ahead of ours; a capture dated later than this is a
# wrong date, and stored it would be `latest` for ever.
CLOCK_SKEW = timedelta(hours=1)

# What to do when the Internet Archive cannot be reached (or refuses us for a while).
OFFLINE_WAYBACK = "or set [wayback] cdx_url and capture_url in config.toml to a mirror"


@dataclass
class Plan:
    """The captures a backfill found, those stored already, and those to fetch now."""

    listed: list[CdxCapture]
    stored: set[CdxCapture]
    todo: list[CdxCapture]
    # Listing rows with an impossible timestamp, skipped (one line each).
    refused: list[str] = field(default_factory=list)

    @property
    def deferred(self) -> int:
        """Captures left for a later run by ``--limit``."""
        return len(self.listed) - len(self.stored) - len(self.todo)

    def describe(self) -> str:
        later = f", {self.deferred} left for a later run" if self.deferred else ""
        refused = (
            f", {len(self.refused)} listing rows skipped ({self.refused[0]})"
            if self.refused
            else ""
        )
        return (
            f"{len(self.listed)} captures listed, {len(self.stored)} already stored{later}{refused}"
        )

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


def open_archive(
    config: Config, source: Source, *, client: httpx.Client, on_wait: OnWait | None = None
) -> WaybackArchive:
    """The archive named in [wayback], asked with the source's settings and its retry policy."""
    settings = archive_settings(source, config.wayback)
    return WaybackArchive(config.wayback, settings, client=client, on_wait=on_wait)


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
    try:
        listing = archive.list_captures([source.url, *source.aliases], since=since, until=until)
    except FetchError as exc:
        raise with_hint(exc, f"try again later, {OFFLINE_WAYBACK}") from None
    listed = listing.captures
    done = store.fetched_urls(source.id)
    template = archive.wayback.capture_url
    stored = {c for c in listed if capture_url(template, c) in done}
    missing = [c for c in listed if c not in stored]
    todo = missing[:limit] if limit is not None else missing
    return Plan(listed=listed, stored=stored, todo=todo, refused=listing.refused)


def summary(plan: Plan, outcomes: Sequence[CaptureOutcome]) -> str:
    """One line: what was listed, skipped, fetched and what became of it."""

    def count(kind: str) -> int:
        return sum(1 for outcome in outcomes if outcome.outcome == kind)

    return (
        f"{plan.describe()}; fetched {len(outcomes)}: {count('new')} new, "
        f"{count('quarantined')} quarantined, {count('error')} failed"
    )


def unfetched(outcomes: Sequence[CaptureOutcome]) -> str | None:
    """The error of a backfill that could not fetch every capture (exit 1), or None."""
    failed = sum(1 for outcome in outcomes if outcome.outcome == "error")
    return (
        f"{failed} captures could not be fetched; rerun to retry them, {OFFLINE_WAYBACK}"
        if failed
        else None
    )


def backfill_capture(
    store: Store,
    config: Config,
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
        captured_at = _archived_at(result, capture, url, now=started)
    except FetchError as exc:
        return record_fetch_error(store, config, source, exc, url=url, started=started, now=now)
    except Exception as exc:
        wire = Transfer(url=url)
        return record_unexpected(store, config, source, exc, wire=wire, started=started, now=now)
    page = Page(
        url=url,
        content=result.content,
        headers=result.headers,
        captured_at=captured_at,
        origin="wayback",
        provenance=result.final_url,
        text=result.text,
        transfer=Transfer.of(url, result),
        more=_pages_not_archived(result.text or "", capture.original),
    )
    return capture_page(store, config, source, page, now=now)


def _archived_at(result: FetchResult, capture: CdxCapture, url: str, *, now: datetime) -> datetime:
    """When the archive says the bytes were captured; FetchError when that is in the future."""
    when = memento_time(result.headers) or capture.captured_at
    if when > now + CLOCK_SKEW:
        raise FetchError(
            f"{url}: the archive dates this capture {utc_text(when)}, after now "
            f"({utc_text(now)}): a wrong date, not stored as a snapshot",
            url=url,
            final_url=result.final_url,
            status_code=result.status_code,
            content=result.content,
            headers=result.headers,
        )
    return when


def _pages_not_archived(text: str, original: str) -> Following:
    """A capture is one page: a list it says goes on over more pages is read short, and
    the later pages' members would read as joins on the first live capture."""
    step = next_page(text, original)
    return Following(unread=step.url or step.refused)


def run_backfill(
    store: Store,
    config: Config,
    source: Source,
    archive: WaybackArchive,
    captures: Iterable[CdxCapture],
    *,
    now: Callable[[], datetime],
) -> list[CaptureOutcome]:
    """Capture each capture in turn (oldest first, so each is judged against its past)."""
    return [backfill_capture(store, config, source, archive, c, now=now) for c in captures]

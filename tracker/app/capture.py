"""One capture: bytes in (live fetch, file or archive), a stored, guarded snapshot out.

This is the stage every entry point shares (`tracker snapshot`, `tracker run`, Wayback
backfill). Each call writes one transaction: the fetch row, the archived bytes, the
snapshot and its listings, and what `settle` adds (change events, outbox messages) commit
together or not at all.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from tracker.app.settle import settle
from tracker.core.config import Config, Source
from tracker.core.decode import decode_page
from tracker.core.errors import DEBUG_HINT, FetchError, ParseError, TrackerError, unexpected
from tracker.core.guard import anomalies
from tracker.core.models import (
    CaptureOutcome,
    Origin,
    ParseResult,
    Snapshot,
    Transfer,
    is_present,
)
from tracker.core.parse import PARSER_VERSION, read_pages
from tracker.core.stamps import sha256_hex, utc_text
from tracker.net.pages import Following, follow_http
from tracker.render.snapshots import describe
from tracker.store import Store
from tracker.store.fetches import FetchRow

if TYPE_CHECKING:
    import httpx

    from tracker.net.fetch import FetchResult, OnWait

log = logging.getLogger(__name__)

# Raw bytes and response headers of a body that arrived, if one did.
Evidence = tuple[bytes | None, dict[str, str]]

# What to do when the page cannot be fetched: the one-line error of `tracker snapshot`
# and `tracker run` ends with it.
OFFLINE_SNAPSHOT = (
    "a copy saved from a browser can be captured instead: `tracker snapshot --file saved.html`"
)


# Ends the provenance of a saved page a person dated (--captured-at): not observed, and
# possibly of the past.
DATE_GIVEN = "#captured-at-given"


@dataclass
class Page:
    """Bytes to capture and where they came from."""

    url: str
    content: bytes
    headers: dict[str, str]
    captured_at: datetime
    origin: Origin
    provenance: str | None = None
    text: str | None = None
    # What the wire said, when the bytes were fetched (else only the URL is recorded).
    transfer: Transfer | None = None
    # The pages after this one, when the list is split over pages.
    more: Following = field(default_factory=Following)


def capture_live(
    store: Store,
    config: Config,
    source: Source,
    *,
    client: httpx.Client,
    now: Callable[[], datetime],
    url: str | None = None,
    on_wait: OnWait | None = None,
) -> CaptureOutcome:
    """Fetch the source's page (conditionally) and capture it."""
    target = url or source.url
    started = now()
    etag, last_modified, read_as = _validators(store, source.id, target)
    try:
        result, more = _fetched(target, source, client, (etag, last_modified), on_wait)
    except FetchError as exc:
        failed = record_fetch_error(
            store, config, source, exc, url=exc.url or target, started=started, now=now
        )
        # The fetch row keeps the error as it was; the advice is for whoever reads it now.
        return msgspec.structs.replace(failed, message=f"{failed.message}; {OFFLINE_SNAPSHOT}")
    except Exception as exc:
        return record_unexpected(
            store, config, source, exc, wire=Transfer(url=target), started=started, now=now
        )
    wire = Transfer.of(target, result)
    # A 304 need not repeat the validators it answered: keep those we sent.
    wire = msgspec.structs.replace(
        wire, etag=wire.etag or etag, last_modified=wire.last_modified or last_modified
    )
    if result.not_modified:
        matched = store.snapshot(read_as) if read_as is not None else None
        attempt = _Attempt(store, config, source, started, now, wire)
        return attempt.commit(_not_modified(source.id, started, matched))
    page = Page(
        url=target,
        content=result.content,
        headers=result.headers,
        captured_at=started,
        origin="live",
        provenance=result.final_url,
        text=result.text,
        transfer=wire,
        more=more,
    )
    return capture_page(store, config, source, page, now=now)


def _fetched(
    url: str,
    source: Source,
    client: httpx.Client,
    validators: tuple[str | None, str | None],
    on_wait: OnWait | None,
) -> tuple[FetchResult, Following]:
    """The page (conditionally) and, unless it is unchanged, the pages it goes on to."""
    # Imported here: httpx costs `tracker stats` and `tracker diff`, which only read, ~70 ms.
    from tracker.net.fetch import fetch

    etag, last_modified = validators
    result = fetch(
        url,
        client=client,
        settings=source,
        etag=etag,
        last_modified=last_modified,
        on_wait=on_wait,
    )
    if result.not_modified:
        return result, Following()
    more = follow_http(
        result, client=client, settings=source, max_pages=source.max_pages, on_wait=on_wait
    )
    return result, more


def _validators(
    store: Store, source_id: str, url: str
) -> tuple[str | None, str | None, int | None]:
    """The ETag and Last-Modified to send, and the snapshot a 304 would confirm."""
    etag, last_modified, read_as = store.last_validators(source_id, url)
    if read_as is not None and len(store.page_digests(read_as)) > 1:
        # A 304 for the first page says nothing of the pages after it.
        return None, None, read_as
    return etag, last_modified, read_as


def capture_page(
    store: Store, config: Config, source: Source, page: Page, *, now: Callable[[], datetime]
) -> CaptureOutcome:
    """Archive, parse, guard and store one page's bytes as a snapshot.

    Whatever goes wrong with the page ends as a recorded outcome, never a crash: a page that
    breaks the parser on every tick must count towards the health alert like any failure.
    Only the database's own errors escape (recording them would fail the same way).
    """
    started = now()
    try:
        return _capture_page(store, config, source, page, started=started, now=now)
    except Exception as exc:
        wire = page.transfer or Transfer(url=page.url)
        evidence = (page.content, page.headers)
        return record_unexpected(
            store, config, source, exc, wire=wire, started=started, now=now, evidence=evidence
        )


def _capture_page(
    store: Store,
    config: Config,
    source: Source,
    page: Page,
    *,
    started: datetime,
    now: Callable[[], datetime],
) -> CaptureOutcome:
    digest = sha256_hex(page.content)
    wire = page.transfer or Transfer(url=page.url)
    attempt = _Attempt(store, config, source, started, now, wire, digest)
    # A list split over pages is the same reading only when every page is the same.
    digests = [digest, *(sha256_hex(part.content) for part in page.more.parts)]
    if (same := _repeated(store, source.id, page, digests)) is not None:
        return attempt.commit(_same_page(source.id, started, page.captured_at, same))
    try:
        parsed = _read(page, source)
    except (FetchError, ParseError) as exc:
        return attempt.commit(_failure(source.id, started, str(exc)), (page.content, page.headers))
    with store.atomic():
        # Again inside the write lock: another process may have stored this page, or another
        # reading to guard against, since the check above.
        if (same := _repeated(store, source.id, page, digests)) is not None:
            return attempt.commit(_same_page(source.id, started, page.captured_at, same))
        reasons = _judged(store, source, page.captured_at, parsed)
        snapshot = _stored(store, source, page, parsed, digests, reasons, started)
        outcome = CaptureOutcome(
            source_id=source.id,
            outcome="quarantined" if reasons else "new",
            at=started,
            snapshot=snapshot,
            reasons=reasons,
            message=_quarantine_message(snapshot, reasons) if reasons else describe(snapshot),
        )
        return attempt.commit(outcome)


def _read(page: Page, source: Source) -> ParseResult:
    """The listings of the page (every page of a list split over pages); FetchError when
    its bytes cannot be decoded, ParseError when they cannot be read."""
    text = (
        page.text if page.text is not None else decode_page(page.content, None, source=page.url)[0]
    )
    texts = [text, *(part.text for part in page.more.parts)]
    parsed = read_pages(texts, selectors=source.selectors).result
    if (cut := page.more.problem()) is not None:
        parsed.problems.append(cut)
    return parsed


def _judged(store: Store, source: Source, at: datetime, parsed: ParseResult) -> list[str]:
    """Why the reading is not believed, against the ok snapshot before it; empty if it is."""
    previous = store.snapshots(source.id, status="ok", until=at)
    before = store.listings(previous[-1].id) if previous else None
    return anomalies(
        parsed,
        before,
        max_loss_share=source.max_loss_share,
        max_growth_share=source.max_growth_share,
    )


def _stored(
    store: Store,
    source: Source,
    page: Page,
    parsed: ParseResult,
    digests: list[str],
    reasons: list[str],
    started: datetime,
) -> Snapshot:
    """The page's bytes archived and its reading stored, ok or quarantined with `reasons`."""
    store.ensure_source(source.id, source.name, source.url)
    store.put_page(page.content, headers=page.headers, seen_at=started)
    for part in page.more.parts:
        store.put_page(part.content, headers=part.headers, seen_at=started)
    return store.add_snapshot(
        source_id=source.id,
        captured_at=page.captured_at,
        origin=page.origin,
        page_sha256=digests[0],
        provenance=page.provenance,
        parsed=parsed,
        parser_version=PARSER_VERSION,
        status="quarantined" if reasons else "ok",
        reason="; ".join(reasons) or None,
        created_at=started,
        more_pages=[
            (part.url, sha) for part, sha in zip(page.more.parts, digests[1:], strict=True)
        ],
    )


def with_hint(error: FetchError, hint: str) -> FetchError:
    """The same error, its one line ending with what to do instead."""
    return FetchError(
        f"{error}; {hint}",
        url=error.url,
        final_url=error.final_url,
        status_code=error.status_code,
        content=error.content,
        headers=error.headers,
    )


def record_fetch_error(
    store: Store,
    config: Config,
    source: Source,
    error: FetchError,
    *,
    url: str,
    started: datetime,
    now: Callable[[], datetime],
) -> CaptureOutcome:
    """Record a fetch of ``url`` that failed, for every entry point that fetches."""
    wire = Transfer(url=url, final_url=error.final_url, status_code=error.status_code)
    digest = sha256_hex(error.content) if error.content is not None else None
    attempt = _Attempt(store, config, source, started, now, wire, digest)
    return attempt.commit(_failure(source.id, started, str(error)), (error.content, error.headers))


def record_unexpected(
    store: Store,
    config: Config,
    source: Source,
    error: Exception,
    *,
    wire: Transfer,
    started: datetime,
    now: Callable[[], datetime],
    evidence: Evidence = (None, {}),
) -> CaptureOutcome:
    """Record a capture that raised what no stage expected, as an error with a one-line reason.

    The traceback goes to the debug log (`tracker --debug`), never to the user. A database
    that is locked, full or failing is re-raised: recording would fail the same way, and
    the CLI and the scheduler report it as the database's error.
    """
    if isinstance(error, sqlite3.OperationalError):
        raise error
    log.debug("capture of %s failed", wire.url, exc_info=error)
    digest = sha256_hex(evidence[0]) if evidence[0] is not None else None
    attempt = _Attempt(store, config, source, started, now, wire, digest)
    outcome = attempt.commit(_failure(source.id, started, unexpected(error)), evidence)
    if isinstance(error, TrackerError):
        return outcome
    return msgspec.structs.replace(outcome, message=f"{outcome.message}; {DEBUG_HINT}")


@dataclass(frozen=True)
class _Attempt:
    """One capture attempt, from its start to its fetch row and settle."""

    store: Store
    config: Config
    source: Source
    started: datetime
    now: Callable[[], datetime]
    transfer: Transfer
    sha256: str | None = None

    def commit(self, outcome: CaptureOutcome, evidence: Evidence = (None, {})) -> CaptureOutcome:
        """Record the attempt and settle it, in one transaction (the capture's own, if open)."""
        content, headers = evidence
        store = self.store
        with store.atomic():
            store.ensure_source(self.source.id, self.source.name, self.source.url)
            # Bytes that arrived but could not be read stay evidence of what was served.
            if content is not None:
                store.put_page(content, headers=headers, seen_at=self.started)
            outcome.fetch_id = store.record_fetch(
                FetchRow(
                    source_id=self.source.id,
                    started_at=self.started,
                    transfer=self.transfer,
                    outcome=outcome.outcome,
                    error=outcome.message if outcome.outcome == "error" else None,
                    sha256=self.sha256,
                    snapshot_id=outcome.snapshot.id if outcome.snapshot else None,
                )
            )
            settle(store, self.config, self.source.id, at=self.now(), capture=outcome)
        return outcome


def _quarantine_message(snapshot: Snapshot, reasons: list[str]) -> str:
    return (
        f"snapshot {snapshot.id} quarantined: {'; '.join(reasons)}. It is kept as evidence "
        f"and left out of diffs; inspect it with `tracker members --at {snapshot.id}` and, "
        f"if it is right, accept it with `tracker accept {snapshot.id}`"
    )


def _repeated(store: Store, source_id: str, page: Page, digests: list[str]) -> Snapshot | None:
    """The latest snapshot, when this reading of the present only repeats it: an unchanged
    tick adds no snapshot.

    Only a reading as late as the latest snapshot or later repeats it. A page a person dated
    earlier (a saved page with --captured-at) is a reading of the past: new evidence however
    alike (it moves "first seen" back), judged as a Wayback capture is, against the ok
    snapshots before it. A page dated when it was read (live, or a saved page without a date)
    is of the present whenever it began: one begun a moment before another process stored
    the same page (racing ticks) repeats that snapshot.
    """
    latest = store.latest(source_id, status=None)
    # A reading of the past (a Wayback capture backfilled after the last tick) is never "the
    # same page" as the present's: the present's first reading of it is news (digest_for).
    if latest is None or not is_present(page.origin) or not is_present(latest.origin):
        return None
    dated = (page.provenance or "").endswith(DATE_GIVEN)
    if dated and page.captured_at.replace(microsecond=0) < latest.captured_at:
        return None
    return latest if store.page_digests(latest.id) == digests else None


def _same_page(
    source_id: str, started: datetime, read_at: datetime, latest: Snapshot
) -> CaptureOutcome:
    if latest.status == "ok":
        return CaptureOutcome(
            source_id=source_id,
            outcome="unchanged",
            at=started,
            snapshot=latest,
            message=f"unchanged: same page as snapshot {latest.id}  {utc_text(read_at)}",
        )
    return CaptureOutcome(
        source_id=source_id,
        outcome="quarantined",
        at=started,
        snapshot=latest,
        reasons=[latest.reason or "quarantined"],
        message=f"unchanged page, still {_quarantine_message(latest, [latest.reason or ''])}",
    )


def _not_modified(source_id: str, started: datetime, matched: Snapshot | None) -> CaptureOutcome:
    return CaptureOutcome(
        source_id=source_id,
        outcome="not_modified",
        at=started,
        snapshot=matched,
        message=f"unchanged: server answered 304 Not Modified  {utc_text(started)}",
    )


def _failure(source_id: str, started: datetime, error: str) -> CaptureOutcome:
    return CaptureOutcome(
        source_id=source_id, outcome="error", at=started, message=error, reasons=[error]
    )

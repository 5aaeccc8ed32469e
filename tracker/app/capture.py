"""One capture: bytes in (live fetch, file or archive), a stored, guarded snapshot out.

This is the stage every entry point shares (`tracker snapshot`, `tracker run`, Wayback
backfill). Each call writes one transaction: the fetch row, the archived bytes, the
snapshot and its listings, and whatever the hooks add (change events, outbox messages)
commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.core.config import Source
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError, ParseError
from tracker.core.guard import anomalies
from tracker.core.models import FetchOutcome, Snapshot
from tracker.core.parse import PARSER_VERSION, read_pages
from tracker.core.stamps import sha256_hex, utc_text
from tracker.net.pages import Following, follow_files, follow_http, read_file
from tracker.render.report import describe
from tracker.store.database import Store

if TYPE_CHECKING:
    import httpx


@dataclass
class CaptureOutcome:
    """What one capture did. `snapshot` is the new snapshot, or the one the page matched."""

    source_id: str
    outcome: FetchOutcome
    at: datetime
    fetch_id: int = 0
    snapshot: Snapshot | None = None
    message: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome in ("error", "quarantined")

    @property
    def exit_code(self) -> int:
        return {"error": 1, "quarantined": 3}.get(self.outcome, 0)


# Runs inside the capture's transaction, so what it writes commits with the snapshot.
Hook = Callable[[Store, CaptureOutcome], None]
# Raw bytes and response headers of a body that arrived, if one did.
Evidence = tuple[bytes | None, dict[str, str]]


@dataclass
class Page:
    """Bytes to capture and where they came from."""

    url: str
    content: bytes
    headers: dict[str, str]
    captured_at: datetime
    origin: str
    provenance: str | None = None
    text: str | None = None
    fetch_fields: dict[str, Any] = field(default_factory=dict)
    # The pages after this one, when the list is split over pages.
    more: Following = field(default_factory=Following)


def capture_live(
    store: Store,
    source: Source,
    *,
    client: httpx.Client,
    now: Callable[[], datetime],
    url: str | None = None,
    hooks: Sequence[Hook] = (),
) -> CaptureOutcome:
    """Fetch the source's page (conditionally) and capture it."""
    # Imported here: httpx costs `tracker stats` and `tracker diff`, which only read, ~70 ms.
    from tracker.net.fetch import fetch

    target = url or source.url
    started = now()
    etag, last_modified, read_as = store.last_validators(source.id, target)
    if read_as is not None and len(store.page_digests(read_as)) > 1:
        # A 304 for the first page says nothing of the pages after it.
        etag = last_modified = None
    try:
        result = fetch(
            target, client=client, settings=source, etag=etag, last_modified=last_modified
        )
        more = Following()
        if not result.not_modified:
            more = follow_http(result, client=client, settings=source, max_pages=source.max_pages)
    except FetchError as exc:
        return record_fetch_error(
            store, source, exc, url=exc.url or target, started=started, hooks=hooks
        )
    row: dict[str, Any] = {
        "url": target,
        "final_url": result.final_url,
        "status_code": result.status_code,
        "etag": result.etag or etag,
        "last_modified": result.last_modified or last_modified,
        "elapsed": round(result.elapsed, 3),
        "attempts": result.attempts,
    }
    if result.not_modified:
        matched = store.snapshot(read_as) if read_as is not None else None
        return _record_not_modified(store, source, started, row, matched, hooks)
    page = Page(
        url=target,
        content=result.content,
        headers=result.headers,
        captured_at=started,
        origin="live",
        provenance=result.final_url,
        text=result.text,
        fetch_fields=row,
        more=more,
    )
    return capture_page(store, source, page, now=now, hooks=hooks)


def capture_file(
    store: Store,
    source: Source,
    path: Path,
    *,
    now: Callable[[], datetime],
    hooks: Sequence[Hook] = (),
) -> CaptureOutcome:
    """Capture a saved copy of the page (for instance one a colleague downloaded)."""
    started = now()
    url = path.resolve().as_uri()
    try:
        first = read_file(path)
        more = follow_files(first, max_pages=source.max_pages)
    except FetchError as exc:
        return record_fetch_error(
            store, source, exc, url=exc.url or url, started=started, hooks=hooks
        )
    page = Page(
        url=url,
        content=first.content,
        headers={},
        captured_at=started,
        origin="file",
        provenance=url,
        text=first.text,
        more=more,
    )
    return capture_page(store, source, page, now=now, hooks=hooks)


def capture_page(
    store: Store,
    source: Source,
    page: Page,
    *,
    now: Callable[[], datetime],
    hooks: Sequence[Hook] = (),
) -> CaptureOutcome:
    """Archive, parse, guard and store one page's bytes as a snapshot."""
    started = now()
    digest = sha256_hex(page.content)
    fields = {"url": page.url, **page.fetch_fields, "sha256": digest}
    # A list split over pages is the same reading only when every page is the same.
    digests = [digest, *(sha256_hex(part.content) for part in page.more.parts)]
    latest = store.latest(source.id, status=None)
    if (
        latest is not None
        and page.origin in ("live", "file")
        and store.page_digests(latest.id) == digests
    ):
        return _record_same_page(store, source, started, fields, latest, hooks)
    try:
        text = (
            page.text
            if page.text is not None
            else decode_page(page.content, None, source=page.url)[0]
        )
        texts = [text, *(part.text for part in page.more.parts)]
        parsed = read_pages(texts, selectors=source.selectors).result
    except (FetchError, ParseError) as exc:
        evidence = (page.content, page.headers)
        return _record_failure(store, source, started, fields, str(exc), hooks, evidence=evidence)
    if (cut := page.more.problem()) is not None:
        parsed.problems.append(cut)
    previous = store.snapshots(source.id, status="ok", until=page.captured_at)
    before = store.listings(previous[-1].id) if previous else None
    reasons = anomalies(parsed, before, max_loss_share=source.max_loss_share)
    status = "quarantined" if reasons else "ok"
    with store.atomic():
        store.ensure_source(source.id, source.name, source.url)
        store.put_page(page.content, headers=page.headers, seen_at=started)
        for part in page.more.parts:
            store.put_page(part.content, headers=part.headers, seen_at=started)
        snapshot = store.add_snapshot(
            source_id=source.id,
            captured_at=page.captured_at,
            origin=page.origin,
            page_sha256=digest,
            provenance=page.provenance,
            parsed=parsed,
            parser_version=PARSER_VERSION,
            status=status,
            reason="; ".join(reasons) or None,
            created_at=started,
            more_pages=[
                (part.url, sha) for part, sha in zip(page.more.parts, digests[1:], strict=True)
            ],
        )
        outcome = CaptureOutcome(
            source_id=source.id,
            outcome="quarantined" if reasons else "new",
            at=started,
            snapshot=snapshot,
            reasons=reasons,
            message=_quarantine_message(snapshot, reasons) if reasons else describe(snapshot),
        )
        outcome.fetch_id = _fetch_row(store, source, started, fields, outcome, None)
        _run_hooks(store, outcome, hooks)
    return outcome


def _quarantine_message(snapshot: Snapshot, reasons: list[str]) -> str:
    return (
        f"snapshot {snapshot.id} quarantined: {'; '.join(reasons)}. It is kept as evidence "
        f"and left out of diffs; inspect it with `tracker members --at {snapshot.id}` and, "
        f"if it is right, accept it with `tracker accept {snapshot.id}`"
    )


def _record_same_page(
    store: Store,
    source: Source,
    started: datetime,
    fields: dict[str, Any],
    latest: Snapshot,
    hooks: Sequence[Hook],
) -> CaptureOutcome:
    if latest.status == "ok":
        outcome = CaptureOutcome(
            source_id=source.id,
            outcome="unchanged",
            at=started,
            snapshot=latest,
            message=f"unchanged: same page as snapshot {latest.id}  {utc_text(started)}",
        )
    else:
        outcome = CaptureOutcome(
            source_id=source.id,
            outcome="quarantined",
            at=started,
            snapshot=latest,
            reasons=[latest.reason or "quarantined"],
            message=f"unchanged page, still {_quarantine_message(latest, [latest.reason or ''])}",
        )
    return _commit_fetch(store, source, started, fields, outcome, None, hooks)


def _record_not_modified(
    store: Store,
    source: Source,
    started: datetime,
    fields: dict[str, Any],
    matched: Snapshot | None,
    hooks: Sequence[Hook],
) -> CaptureOutcome:
    outcome = CaptureOutcome(
        source_id=source.id,
        outcome="not_modified",
        at=started,
        snapshot=matched,
        message=f"unchanged: server answered 304 Not Modified  {utc_text(started)}",
    )
    return _commit_fetch(store, source, started, fields, outcome, None, hooks)


def record_fetch_error(
    store: Store,
    source: Source,
    error: FetchError,
    *,
    url: str,
    started: datetime,
    hooks: Sequence[Hook] = (),
) -> CaptureOutcome:
    """Record a fetch of ``url`` that failed, for every entry point that fetches."""
    row = {"url": url, "final_url": error.final_url, "status_code": error.status_code}
    if error.content is not None:
        row["sha256"] = sha256_hex(error.content)
    return _record_failure(
        store, source, started, row, str(error), hooks, evidence=(error.content, error.headers)
    )


def _record_failure(
    store: Store,
    source: Source,
    started: datetime,
    fields: dict[str, Any],
    error: str,
    hooks: Sequence[Hook],
    *,
    evidence: Evidence = (None, {}),
) -> CaptureOutcome:
    outcome = CaptureOutcome(
        source_id=source.id, outcome="error", at=started, message=error, reasons=[error]
    )
    return _commit_fetch(store, source, started, fields, outcome, error, hooks, evidence=evidence)


def _commit_fetch(
    store: Store,
    source: Source,
    started: datetime,
    fields: dict[str, Any],
    outcome: CaptureOutcome,
    error: str | None,
    hooks: Sequence[Hook],
    *,
    evidence: Evidence = (None, {}),
) -> CaptureOutcome:
    content, headers = evidence
    with store.atomic():
        store.ensure_source(source.id, source.name, source.url)
        # Bytes that arrived but could not be read stay evidence of what was served.
        if content is not None:
            store.put_page(content, headers=headers, seen_at=started)
        outcome.fetch_id = _fetch_row(store, source, started, fields, outcome, error)
        _run_hooks(store, outcome, hooks)
    return outcome


def _fetch_row(
    store: Store,
    source: Source,
    started: datetime,
    fields: dict[str, Any],
    outcome: CaptureOutcome,
    error: str | None,
) -> int:
    return store.record_fetch(
        {
            "source_id": source.id,
            "started_at": utc_text(started),
            **fields,
            "outcome": outcome.outcome,
            "error": error,
            "snapshot_id": outcome.snapshot.id if outcome.snapshot else None,
        }
    )


def _run_hooks(store: Store, outcome: CaptureOutcome, hooks: Sequence[Hook]) -> None:
    for hook in hooks:
        hook(store, outcome)

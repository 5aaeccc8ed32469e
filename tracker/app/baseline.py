"""CSET's annotated March 2020 member list, imported as the baseline snapshot.

`tracker.core.cset` reads the CSV; here its result, the file's bytes as evidence and a
fetch row are written in one transaction, which ends in `settle`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from tracker.app.capture import with_hint
from tracker.app.settle import settle
from tracker.core.config import Config, FetchSettings, Source
from tracker.core.cset import ANNOTATION_ORIGIN, PARSER_VERSION, BaselineFile, read_baseline
from tracker.core.errors import BaselineError, FetchError
from tracker.core.models import FetchOutcome, ParseResult, Snapshot, Transfer
from tracker.core.stamps import sha256_hex
from tracker.net.fetch import OnWait, fetch
from tracker.render.snapshots import describe
from tracker.store import Store
from tracker.store.fetches import FetchRow

# Importing (I/O) ---------------------------------------------------------------------

# What to do when the CSV cannot be downloaded: a copy fetched elsewhere imports the same.
OFFLINE_BASELINE = (
    "a copy downloaded elsewhere can be imported instead: `tracker baseline import PATH`"
)


@dataclass(frozen=True)
class Evidence:
    """The CSV's bytes and where they came from."""

    location: str
    content: bytes
    headers: dict[str, str]
    transfer: Transfer


@dataclass(frozen=True)
class Publisher:
    """Whose list a baseline CSV is: its annotations' origin, and the provenance's word for it."""

    origin: str
    label: str


CSET = Publisher(ANNOTATION_ORIGIN, "CSET")


@dataclass(frozen=True)
class ImportOutcome:
    snapshot: Snapshot
    created: bool
    replaced: Snapshot | None
    message: str


def read_local(path: Path) -> Evidence:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    url = path.resolve().as_uri()
    return Evidence(location=str(path), content=content, headers={}, transfer=Transfer(url=url))


def download(
    url: str, *, client: httpx.Client, settings: FetchSettings, on_wait: OnWait | None = None
) -> Evidence:
    """GET the CSV with the tracker's polite fetcher; its raw bytes are what we keep."""
    result = fetch(url, client=client, settings=settings, on_wait=on_wait)
    return Evidence(
        location=url,
        content=result.content,
        headers=result.headers,
        transfer=Transfer.of(url, result),
    )


def evidence_at(
    location: str, source: Source, *, client: httpx.Client, on_wait: OnWait | None = None
) -> Evidence:
    """The CSV's bytes at a URL or in a local file, before anything is stored."""
    if location.startswith(("http://", "https://")):
        try:
            return download(location, client=client, settings=source, on_wait=on_wait)
        except FetchError as exc:
            raise with_hint(exc, OFFLINE_BASELINE) from None
    return read_local(Path(location))


def import_baseline(
    store: Store,
    config: Config,
    source: Source,
    evidence: Evidence,
    *,
    now: Callable[[], datetime],
    replace: bool = False,
    publisher: Publisher = CSET,
) -> ImportOutcome:
    """Store CSET's list (or `publisher`'s, in its shape) as the source's baseline snapshot,
    in one transaction."""
    parsed = read_baseline(evidence.content, evidence.location, origin=publisher.origin)
    digest = sha256_hex(evidence.content)
    started = now()
    with store.atomic():
        store.ensure_source(source.id, source.name, source.url)
        same_day = [
            s
            for s in store.snapshots(source.id, status="ok", origin="baseline")
            if s.captured_at == parsed.captured_at
        ]
        done = next((s for s in same_day if s.page_sha256 == digest), None)
        if done is not None:
            _record(store, source, started, evidence, digest, "unchanged", done)
            return ImportOutcome(done, False, None, _already(done))
        if same_day and not replace:
            raise BaselineError(_conflict(evidence.location, same_day[-1], digest))
        superseded = [
            store.set_status(old.id, "replaced", reason=f"replaced by {digest[:12]}", at=started)
            for old in same_day
        ]
        snapshot = _write(store, source, evidence, parsed, digest, started, publisher)
        # The change log is derived from the chain of ok snapshots, which the baseline starts.
        settle(store, config, source.id, at=started, changed=[snapshot, *superseded])
    replaced = same_day[-1] if same_day else None
    return ImportOutcome(snapshot, True, replaced, _imported(snapshot, replaced))


def _write(
    store: Store,
    source: Source,
    evidence: Evidence,
    parsed: BaselineFile,
    digest: str,
    started: datetime,
    publisher: Publisher,
) -> Snapshot:
    store.put_page(evidence.content, headers=evidence.headers, seen_at=started)
    snapshot = store.add_snapshot(
        source_id=source.id,
        captured_at=parsed.captured_at,
        origin="baseline",
        page_sha256=digest,
        provenance=f"{evidence.location} ({publisher.label}, extracted from {parsed.page_url})",
        parsed=ParseResult(listings=parsed.listings, method="cset-csv"),
        parser_version=PARSER_VERSION,
        status="ok",
        reason=None,
        created_at=started,
    )
    store.replace_annotations(publisher.origin, parsed.annotations)
    _record(store, source, started, evidence, digest, "new", snapshot)
    return snapshot


def _record(
    store: Store,
    source: Source,
    started: datetime,
    evidence: Evidence,
    digest: str,
    outcome: FetchOutcome,
    snapshot: Snapshot,
) -> None:
    store.record_fetch(
        FetchRow(
            source_id=source.id,
            started_at=started,
            transfer=evidence.transfer,
            outcome=outcome,
            sha256=digest,
            snapshot_id=snapshot.id,
        )
    )


def _already(snapshot: Snapshot) -> str:
    return (
        f"already imported as snapshot {snapshot.id} "
        f"({snapshot.captured_at:%Y-%m-%d}, sha256 {snapshot.page_sha256[:12]}): nothing changed"
    )


def _conflict(location: str, existing: Snapshot, digest: str) -> str:
    return (
        f"{location}: a different baseline for {existing.captured_at:%Y-%m-%d} is already "
        f"snapshot {existing.id} (sha256 {existing.page_sha256[:12]}, this file "
        f"{digest[:12]}); pass --replace to supersede it"
    )


def _imported(snapshot: Snapshot, replaced: Snapshot | None) -> str:
    note = f"; snapshot {replaced.id} marked replaced" if replaced else ""
    return f"baseline {describe(snapshot)}{note}"

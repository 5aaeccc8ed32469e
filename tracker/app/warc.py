"""The archive as WARC: snapshots exported as records a web archive can replay, and pages
in a WARC (ours, Webrecorder's, Browsertrix's) imported as snapshots.

Export, per snapshot: the page as a request and a response record (only a response for a
Wayback copy: the tracker sent no request to the original site; a saved file or CSET's CSV
as a resource record: there was no HTTP exchange), and a metadata record with its
reading, linked to the page by WARC-Concurrent-To. Import: each HTML response for the
source's URL (or an alias) goes through `capture_page`, the guard and settle, as origin
``warc``: a reading of the past, like a Wayback capture, never news for watchers.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tracker.app.backfill import CLOCK_SKEW
from tracker.app.capture import Page, capture_page, record_fetch_error
from tracker.core.config import Config, Source
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError, StoreError
from tracker.core.models import CaptureOutcome, Snapshot, Transfer
from tracker.core.stamps import sha256_hex, utc_text
from tracker.net.pages import Following, PagePart, follow
from tracker.net.warc import ArchivedResponse, Exchange, WarcOut, WarcReading, read_warc
from tracker.store import Store

# A Wayback capture URL: .../web/20200320121500id_/http://original/...
_WAYBACK = re.compile(r"/\d{14}[a-z_]*/(?P<original>[a-z]+://.+)$")

# How far from a list's first page its later pages may have been captured and still be
# read with it: page 1 of 2024 and page 2 of 2019 are not one list, and stitched together
# they would read as joins and departures that never happened.
SAME_READING = timedelta(hours=1)

# A page read without a Content-Type was decoded from its bytes alone (BOM, <meta>, UTF-8,
# GB18030): said to be HTML with no charset, an import decodes it the same way.
_UNDECLARED = "text/html"

# Statuses of a snapshot kept as evidence of an older reading, not a reading to export.
_NOT_EXPORTED = ("superseded",)


@dataclass(frozen=True)
class Exported:
    snapshots: int
    pages: int

    def describe(self, path: Path) -> str:
        return f"wrote {path}: {self.snapshots} snapshots, {self.pages} pages"


def export_warc(
    store: Store, source: Source, out: Path, *, since: datetime | None = None
) -> Exported:
    """Write the source's snapshots (from ``since``) to ``out`` as a gzipped WARC.

    Never over an existing file (``tracker --db t.db export warc t.db`` would wipe the
    database), and written to a temporary file renamed at the end: a failed export leaves
    no partial WARC another tool would take as whole.
    """
    if out.exists():
        raise StoreError(f"{out}: already exists; an export writes a new file, name another")
    snapshots = [
        s
        for s in store.snapshots(source.id)
        if s.status not in _NOT_EXPORTED and (since is None or s.captured_at >= since)
    ]
    part: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=out.parent, prefix=f".{out.name}.", suffix=".part", delete=False
        ) as stream:
            part = Path(stream.name)
            pages = _write_warc(store, source, snapshots, WarcOut(stream), out.name)
        part.replace(out)
        part = None
    except OSError as exc:
        raise StoreError(f"{out}: cannot write the WARC: {exc.strerror or exc}") from None
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    return Exported(len(snapshots), pages)


def _write_warc(
    store: Store, source: Source, snapshots: list[Snapshot], warc: WarcOut, name: str
) -> int:
    """The warcinfo record, then each snapshot's pages and reading; how many pages."""
    warc.warcinfo(
        name,
        {
            "software": f"aiia-tracker {version('aiia-tracker')}",
            "format": "WARC File Format 1.0",
            "description": f"snapshots of {source.name} ({source.url})",
        },
    )
    pages = 0
    for snapshot in snapshots:
        url, first, count = _write_pages(store, warc, source, snapshot)
        warc.metadata(url, snapshot.captured_at, _reading(store, snapshot), first)
        pages += count
    return pages


def _write_pages(
    store: Store, warc: WarcOut, source: Source, snapshot: Snapshot
) -> tuple[str, str, int]:
    """The records of a snapshot's pages: the first page's URL and record id, and how many."""
    url, status = _first_url(store, source, snapshot)
    pages = [(url, snapshot.page_sha256), *store.more_pages(snapshot.id)]
    ids = []
    for n, (page_url, digest) in enumerate(pages):
        content = store.page_bytes(digest)
        if snapshot.origin in ("file", "baseline"):
            kind = "text/csv" if snapshot.origin == "baseline" else "text/html"
            ids.append(warc.resource(page_url, snapshot.captured_at, content, kind))
            continue
        original, archived = _original(snapshot, page_url)
        page = Exchange(
            url=original,
            at=snapshot.captured_at,
            # Later pages were followed only when they answered 200.
            status=status if n == 0 and status is not None else 200,
            headers=_page_headers(store, digest),
            content=content,
            source_uri=archived,
        )
        ids.append(warc.exchange(page))
    return _original(snapshot, url)[0], ids[0], len(pages)


def _page_headers(store: Store, digest: str) -> dict[str, str]:
    """The headers a page read over HTTP arrived with, a Content-Type always among them: a
    response without one is skipped on import as not HTML, and the round trip loses it."""
    headers = store.page_headers(digest)
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = store.content_type(digest) or _UNDECLARED
    return headers


def _first_url(store: Store, source: Source, snapshot: Snapshot) -> tuple[str, int | None]:
    """The URL that answered the snapshot's first page, and its status."""
    transfer = store.snapshot_transfer(snapshot.id)
    return transfer if transfer is not None else (snapshot.provenance or source.url, None)


def _original(snapshot: Snapshot, url: str) -> tuple[str, str | None]:
    """The URL a page is of, and the archive copy it was fetched from: a Wayback capture
    keeps its original URL and capture time."""
    if snapshot.origin == "wayback" and (found := _WAYBACK.search(url)) is not None:
        return found["original"], url
    return url, None


def _reading(store: Store, snapshot: Snapshot) -> dict[str, Any]:
    """What the snapshot read, as the metadata record's JSON."""
    return {
        "snapshot": snapshot.id,
        "source": snapshot.source_id,
        "captured_at": utc_text(snapshot.captured_at),
        "origin": snapshot.origin,
        "provenance": snapshot.provenance,
        "page_sha256": store.page_digests(snapshot.id),
        "parser_version": snapshot.parser_version,
        "status": snapshot.status,
        "reason": snapshot.reason,
        "counts": snapshot.counts,
        "members": snapshot.member_count,
        "listings": [listing.model_dump() for listing in store.listings(snapshot.id)],
    }


# Importing ----------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import did: each capture's outcome, pages already stored, records skipped."""

    outcomes: list[CaptureOutcome] = field(default_factory=list)
    already: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        def count(kind: str) -> int:
            return sum(1 for outcome in self.outcomes if outcome.outcome == kind)

        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return (
            f"{len(self.outcomes) + self.already} pages of the source: {count('new')} new, "
            f"{count('quarantined')} quarantined, {count('error')} failed, "
            f"{self.already} already stored; skipped {sum(self.skipped.values())} records"
            + (f" ({skipped})" if skipped else "")
        )


def import_warc(
    store: Store, config: Config, source: Source, path: Path, *, now: Callable[[], datetime]
) -> Imported:
    """Capture each HTML response for the source's URLs, oldest first (each judged against
    its past), as a snapshot of origin warc."""
    reading = read_warc(path)
    done = Imported(skipped=Counter(reading.skipped))
    urls = {source.url, *source.aliases}
    latest = now() + CLOCK_SKEW
    wanted = []
    for response in reading.responses:
        why = _unwanted(response, urls)
        if why is None and response.at > latest:
            # Stored, it would be the latest snapshot for ever.
            why = "dated after now"
        if why is None:
            wanted.append(response)
        else:
            done.skipped[why] += 1
    for response in sorted(wanted, key=lambda r: r.at):
        outcome = _capture(store, config, source, path, reading, response, now=now)
        if outcome is None:
            done.already += 1
        else:
            done.outcomes.append(outcome)
    return done


def _unwanted(response: ArchivedResponse, urls: set[str]) -> str | None:
    if response.url not in urls:
        return "for other URLs"
    if not response.is_html:
        return "not HTML"
    if not 200 <= response.status < 300:
        return f"HTTP {response.status}"
    return None


def _capture(
    store: Store,
    config: Config,
    source: Source,
    path: Path,
    reading: WarcReading,
    response: ArchivedResponse,
    *,
    now: Callable[[], datetime],
) -> CaptureOutcome | None:
    """One response captured; None when the same pages at the same time are stored."""
    wire = Transfer(url=response.url, status_code=response.status)
    try:
        first = _part(response)
    except FetchError as exc:
        return record_fetch_error(
            store, config, source, exc, url=response.url, started=now(), now=now
        )
    more = _following(first, reading, response.at, max_pages=source.max_pages)
    digests = [sha256_hex(part.content) for part in (first, *more.parts)]
    if _stored(store, source, response.at, digests):
        return None
    page = Page(
        url=response.url,
        content=response.content,
        headers=response.headers,
        captured_at=response.at,
        origin="warc",
        provenance=f"{path.resolve().as_uri()}#{response.record_id}",
        text=first.text,
        transfer=wire,
        more=more,
    )
    return capture_page(store, config, source, page, now=now)


def _part(response: ArchivedResponse) -> PagePart:
    """The response as a page, decoded as a fetch would have (its Content-Type charset)."""
    text = decode_page(response.content, response.headers.get("content-type"), source=response.url)
    return PagePart(response.url, response.content, text[0], response.headers)


def _following(first: PagePart, reading: WarcReading, at: datetime, *, max_pages: int) -> Following:
    """The later pages of a list split over pages, as the WARC holds them (the capture of
    each URL nearest in time, within SAME_READING of the first page); a page the WARC lacks
    leaves the list unread past it, and the snapshot doubted."""

    def get(url: str) -> PagePart:
        found = [
            r
            for r in reading.responses
            if r.url == url and 200 <= r.status < 300 and abs(r.at - at) <= SAME_READING
        ]
        if not found:
            raise FetchError(f"{url}: not in the WARC file near {utc_text(at)}", url=url)
        return _part(min(found, key=lambda r: abs(r.at - at)))

    try:
        return follow(first, get, max_pages=max_pages)
    except FetchError as exc:
        return Following(unread=exc.url)


def _stored(store: Store, source: Source, at: datetime, digests: list[str]) -> bool:
    """Whether a snapshot of these pages at this time exists (an import run twice)."""
    return any(store.page_digests(s.id) == digests for s in store.snapshots_at(source.id, at))

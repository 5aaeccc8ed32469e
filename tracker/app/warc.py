"""The archive as WARC: snapshots exported as records a web archive can replay, and pages
in a WARC (ours, Webrecorder's, Browsertrix's) imported as snapshots.

Export, per snapshot: the page as a request and a response record (only a response for a
Wayback copy: the tracker sent no request to the original site; a saved file or CSET's CSV
as a resource record: there was no HTTP exchange), and a metadata record with its
reading, linked to the page by WARC-Concurrent-To. Import: each HTML response for the
source's URL (or an alias), or reached from it by redirects the crawler recorded, goes
through `capture_page`, the guard and settle, as origin ``warc``: a reading of the past,
like a Wayback capture, never news for watchers.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from tracker import __version__
from tracker.app.backfill import CLOCK_SKEW
from tracker.app.capture import Page, capture_page, record_fetch_error
from tracker.core.config import Config, Source
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError, StoreError
from tracker.core.models import CaptureOutcome, Snapshot, Transfer
from tracker.core.records import as_dict
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

# A crawler follows a redirect and records both: the 3xx at the source's URL, the page at
# the URL it moved to. Followed as far as a browser would want to, but not far: a source
# page at the end of a long chain is not one to cite as the source's.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_HOPS = 5

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
            "software": f"aiia-tracker {__version__}",
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
        "listings": [as_dict(listing) for listing in store.listings(snapshot.id)],
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


@dataclass(frozen=True)
class _Wanted:
    """A page to import, and the source URL whose redirect led to it, when one did."""

    page: ArchivedResponse
    asked: str | None = None


def import_warc(
    store: Store, config: Config, source: Source, path: Path, *, now: Callable[[], datetime]
) -> Imported:
    """Capture each HTML response for the source's URLs (or reached from one by redirects),
    oldest first (each judged against its past), as a snapshot of origin warc."""
    reading = read_warc(path)
    done = Imported(skipped=Counter(reading.skipped))
    wanted = _wanted(reading, {source.url, *source.aliases}, now() + CLOCK_SKEW, done.skipped)
    for item in sorted(wanted, key=lambda w: w.page.at):
        outcome = _capture(store, config, source, path, reading, item, now=now)
        if outcome is None:
            done.already += 1
        else:
            done.outcomes.append(outcome)
    return done


def _wanted(
    reading: WarcReading, urls: set[str], latest: datetime, skipped: Counter[str]
) -> list[_Wanted]:
    """Each page to import once: the records a followed redirect went through are its
    page, not pages of their own (nor "for other URLs"); the others counted in skipped."""
    chains, on_chain = _redirected(reading, urls, skipped)
    wanted = []
    for response in reading.responses:
        if response.record_id in chains:
            item = _Wanted(chains[response.record_id], asked=response.url)
        elif response.record_id in on_chain:
            continue
        elif (why := _unwanted(response, urls)) is not None:
            skipped[why] += 1
            continue
        else:
            item = _Wanted(response)
        if item.page.at > latest:
            # Stored, it would be the latest snapshot for ever.
            skipped["dated after now"] += 1
        else:
            wanted.append(item)
    return wanted


def _redirected(
    reading: WarcReading, urls: set[str], skipped: Counter[str]
) -> tuple[dict[str, ArchivedResponse], set[str]]:
    """The page each redirect at a source URL leads to in the file (by the redirect's
    record id), and the ids of every record on those chains; a redirect that leads to no
    page, or to one another redirect already reached, is counted in skipped (and its id
    among those returned, not to be counted again)."""
    chains: dict[str, ArchivedResponse] = {}
    on_chain: set[str] = set()
    for response in reading.responses:
        if response.url not in urls or not _is_redirect(response):
            continue
        if response.record_id in on_chain:
            continue  # a hop of a chain already followed from another source URL
        chain, why = _chase(reading, response)
        if why is None and chain[-1].record_id in on_chain:
            why = f"redirect to {chain[-1].url} already followed"
        if why is not None:
            skipped[why] += 1
            on_chain.add(response.record_id)  # counted once, with the reason
            continue
        chains[response.record_id] = chain[-1]
        on_chain.update(r.record_id for r in chain)
    return chains, on_chain


def _chase(
    reading: WarcReading, start: ArchivedResponse
) -> tuple[list[ArchivedResponse], str | None]:
    """The records a redirect leads through, the page last (each hop the capture of its URL
    nearest in time, within SAME_READING of the redirect), or why it leads to no page."""
    chain = [start]
    while _is_redirect(chain[-1]):
        if len(chain) > _MAX_HOPS:
            return chain, f"more than {_MAX_HOPS} redirects from {start.url}"
        target = urljoin(chain[-1].url, chain[-1].headers["location"].strip())
        if any(r.url == target for r in chain):
            return chain, f"redirect loop at {target}"
        near = [
            r for r in reading.responses if r.url == target and abs(r.at - start.at) <= SAME_READING
        ]
        if not near:
            return chain, f"redirect to {target} not in the file"
        chain.append(min(near, key=lambda r: abs(r.at - start.at)))
    why = _not_a_page(chain[-1])
    return chain, None if why is None else f"redirect to {chain[-1].url}: {why}"


def _is_redirect(response: ArchivedResponse) -> bool:
    return response.status in _REDIRECTS and bool(response.headers.get("location", "").strip())


def _unwanted(response: ArchivedResponse, urls: set[str]) -> str | None:
    if response.url not in urls:
        return "for other URLs"
    return _not_a_page(response)


def _not_a_page(response: ArchivedResponse) -> str | None:
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
    item: _Wanted,
    *,
    now: Callable[[], datetime],
) -> CaptureOutcome | None:
    """One page captured; None when the same pages at the same time are stored.

    A page reached by redirect is dated by its own WARC-Date, not the redirect's: that is
    when the bytes kept as evidence were received (and what a second import finds again).
    """
    response = item.page
    wire = Transfer(
        url=item.asked or response.url, final_url=response.url, status_code=response.status
    )
    provenance = f"{path.resolve().as_uri()}#{response.record_id}"
    if item.asked is not None:
        provenance += f" ({response.url}, redirected from {item.asked})"
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
        provenance=provenance,
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

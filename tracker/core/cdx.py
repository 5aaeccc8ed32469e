"""The Wayback Machine's CDX answers, read: which captures of a page exist, and which to fetch.

The CDX API lists captures (timestamp, original URL, status, digest); the ``id_`` form of a
capture URL returns the archived bytes unmodified. Pure: `tracker.net.wayback` asks, and
`tracker.app.backfill` turns captures into snapshots.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from pydantic import BaseModel, ConfigDict

from tracker.core.errors import FetchError
from tracker.core.stamps import ascii_digits

CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
REVISIT_MIMETYPE = "warc/revisit"
_TIMESTAMP = re.compile(r"[0-9]{14}")
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
        return cdx_time(self.timestamp)

    @property
    def revisit(self) -> bool:
        # A revisit record says "same payload as an earlier capture" and has no status.
        return self.mimetype == REVISIT_MIMETYPE or self.statuscode == "-"


@dataclass(frozen=True)
class CdxListing:
    """The captures a CDX answer lists, and its rows that were refused, one line each."""

    captures: list[CdxCapture] = field(default_factory=list)
    # A row whose timestamp is no moment (20211399000000) would be dated nowhere: it is
    # skipped, and counted so that a listing that lost rows says so.
    refused: list[str] = field(default_factory=list)


def parse_cdx(text: str, *, source: str) -> CdxListing:
    """Rows of a CDX ``output=json`` answer; empty and header-only answers give none.

    A malformed answer is a FetchError; a row with an impossible timestamp is refused.
    """
    if not text.strip():
        return CdxListing()
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FetchError(f"{source}: CDX answer is not JSON: {exc}", url=source) from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise FetchError(f"{source}: CDX answer is not a list of rows", url=source)
    if not rows:
        return CdxListing()
    header = [str(name) for name in rows[0]]
    missing = [name for name in CDX_FIELDS if name not in header]
    if missing:
        raise FetchError(f"{source}: CDX header lacks {', '.join(missing)}: {header}", url=source)
    listing = CdxListing()
    for number, row in enumerate(rows[1:], 2):
        values = _cdx_values(header, row, number, source)
        try:
            cdx_time(values["timestamp"])
        except ValueError:
            listing.refused.append(f"row {number}: bad timestamp {values['timestamp']!r}")
        else:
            listing.captures.append(_cdx_row(values))
    return listing


def cdx_time(timestamp: str) -> datetime:
    """A CDX timestamp (14 ASCII digits, UTC) as a moment; ValueError when it names none."""
    if not _TIMESTAMP.fullmatch(timestamp):
        raise ValueError(f"bad timestamp {timestamp!r}")
    return datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _cdx_values(header: list[str], row: list[object], number: int, source: str) -> dict[str, str]:
    if len(row) != len(header):
        raise FetchError(
            f"{source}: CDX row {number} has {len(row)} fields, the header {len(header)}",
            url=source,
        )
    return dict(zip(header, (str(value) for value in row), strict=True))


def _cdx_row(values: dict[str, str]) -> CdxCapture:
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
    if layout is None or not ascii_digits(digits):
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
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)

"""Saved copies of the page: dated by a person, checked to be a page, then captured.

A page a colleague downloaded goes through the same capture as a live one
(`tracker.app.capture.capture_page`); what differs is what comes before it: when the copy
was saved is said, not observed, and a CSV is not a page at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tracker.app.capture import (
    DATE_GIVEN,
    Page,
    capture_page,
    record_fetch_error,
    record_unexpected,
)
from tracker.core.config import Config, Source
from tracker.core.cset import NAME as CSET_NAME
from tracker.core.cset import TIER as CSET_TIER
from tracker.core.errors import FetchError, ParseError
from tracker.core.models import CaptureOutcome, Transfer
from tracker.core.stamps import utc_text
from tracker.net.pages import follow_files, read_file
from tracker.store import Store


def capture_file(
    store: Store,
    config: Config,
    source: Source,
    path: Path,
    *,
    now: Callable[[], datetime],
    captured_at: datetime | None = None,
) -> CaptureOutcome:
    """Capture a saved copy of the page (for instance one a colleague downloaded).

    It is dated now unless ``captured_at`` says when it was saved; a date given by a person,
    not observed, is marked as such in the provenance.
    """
    started = now()
    url = path.resolve().as_uri()
    try:
        first = read_file(path)
        more = follow_files(first, max_pages=source.max_pages)
    except FetchError as exc:
        return record_fetch_error(
            store, config, source, exc, url=exc.url or url, started=started, now=now
        )
    except Exception as exc:
        wire = Transfer(url=url)
        return record_unexpected(store, config, source, exc, wire=wire, started=started, now=now)
    page = Page(
        url=url,
        content=first.content,
        headers={},
        captured_at=captured_at or started,
        origin="file",
        provenance=url if captured_at is None else f"{url}{DATE_GIVEN}",
        text=first.text,
        more=more,
    )
    return capture_page(store, config, source, page, now=now)


def given_time(text: str, *, now: datetime) -> datetime:
    """When a person says a page was saved: YYYY-MM-DD (midnight UTC) or an ISO datetime
    (UTC unless it names an offset). Raises ValueError, one line, for anything else."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date YYYY-MM-DD or an ISO datetime like 2023-05-01T08:30:00Z"
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if moment > now:
        raise ValueError(f"{text!r} is in the future (it is now {utc_text(now)})")
    return moment


# Any element, comment or doctype: a saved page has some, however old its markup.
_MARKUP = re.compile(rb"<[!/?]?[A-Za-z]")


def refuse_table(path: Path) -> None:
    """A CSV (CSET's list above all) is not a saved page: say what reads it, before anything
    is stored. Read as a page it would be quarantined, and its `accept` refused: a dead end.
    """
    try:
        with path.open("rb") as file:
            head = file.read(65536)
    except OSError:
        return  # the capture reports what cannot be read, naming the file
    first_line = head.lstrip(b"\xef\xbb\xbf \r\n\t").split(b"\n", 1)[0]
    is_cset = CSET_NAME.encode() in head and CSET_TIER.encode() in head
    if is_cset or (_MARKUP.search(head) is None and re.search(rb"[,\t]", first_line)):
        what = "CSET's member list" if is_cset else "a table (CSV), not a saved page"
        raise ParseError(
            f"{path} is {what}: import it with `tracker baseline import {path}`; nothing stored"
        )

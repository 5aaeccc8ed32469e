"""`tracker parse`: a page read as a capture would read it, judged, and stored nowhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.app.capture import with_hint
from tracker.app.saved import refuse_table
from tracker.core.config import Source
from tracker.core.errors import FetchError
from tracker.core.guard import anomalies
from tracker.core.parse import Reading, read_pages
from tracker.net.pages import read_location

if TYPE_CHECKING:
    import httpx

    from tracker.net.fetch import OnWait

# What to do when `tracker parse URL` cannot fetch the page: its one-line error ends with it.
OFFLINE_PARSE = "a copy saved from a browser can be read instead: `tracker parse saved.html`"


@dataclass(frozen=True)
class Inspection:
    """`tracker parse`: a page read as a capture would read it, stored nowhere."""

    reading: Reading
    pages: int
    # Why `tracker snapshot` would quarantine it (judged as a first snapshot).
    reasons: list[str]


def inspect_location(
    location: str, source: Source, *, client: httpx.Client, on_wait: OnWait | None = None
) -> Inspection:
    """Read a saved page or a URL (and the pages it goes on to) with the source's settings."""
    fetched = location.startswith(("http://", "https://"))
    if not fetched:
        refuse_table(Path(location))
    try:
        pages, cut = read_location(
            location, source, client=client, max_pages=source.max_pages, on_wait=on_wait
        )
    except FetchError as exc:
        if not fetched:
            raise
        raise with_hint(exc, OFFLINE_PARSE) from None
    reading = read_pages([page.text for page in pages], selectors=source.selectors)
    if cut is not None:
        reading.result.problems.append(cut)
    reasons = anomalies(reading.result, None, max_loss_share=source.max_loss_share)
    return Inspection(reading, len(pages), reasons)

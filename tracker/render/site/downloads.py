"""The site's downloads: members per snapshot, the change log, the Atom feed.

Members files have the columns of `tracker members --format csv/json` (the same renderer)
and are named by the sha256 of their bytes: snapshots listing the same members share one,
and ten years of daily snapshots hold a few hundred distinct lists, not 3,650.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from tracker.core import atom
from tracker.core.jsontext import render_json
from tracker.core.stamps import utc_text
from tracker.core.tenure import Line, records
from tracker.render.rows import members_text
from tracker.render.site.layout import page
from tracker.render.site.model import Site
from tracker.render.table import render_csv

CHANGE_COLUMNS = (
    "at", "kind", "name", "key", "tier", "old_name", "old_key", "old_tier", "direction",
    "score", "listed", "old_listed", "old_snapshot_id", "new_snapshot_id",
)  # fmt: skip
FEED_ENTRIES = 50
# Excel reads a CSV without a byte order mark as the local code page (as `--output` writes).
BOM = "\ufeff"


def _named(text: str, ext: str) -> tuple[str, str]:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"downloads/members/{digest}.{ext}", text


def member_files(site: Site, lines: Sequence[Line]) -> tuple[tuple[str, str], tuple[str, str]]:
    """One member list as (CSV path, text) and (JSON path, text)."""
    listings = records(lines)
    return (
        _named(BOM + members_text(listings, site.notes, "csv"), "csv"),
        _named(members_text(listings, site.notes, "json"), "json"),
    )


def download_files(
    site: Site, named: dict[int, tuple[str, str]], logged: Sequence[dict[str, Any]]
) -> Iterator[tuple[str, str | bytes]]:
    rows = [{c: row[c] for c in CHANGE_COLUMNS} for row in site.changes]
    yield "downloads/changes.csv", BOM + render_csv(rows, CHANGE_COLUMNS)
    yield "downloads/changes.json", render_json(rows)
    yield "feed.atom", feed(site, logged)
    listed = [
        {
            "id": r.snapshot.id,
            "at": utc_text(r.snapshot.captured_at),
            "status": r.snapshot.status,
            "csv": named[r.list_id][0],
            "json": named[r.list_id][1],
        }
        for r in site.readings
    ]
    yield page(site, "downloads/index.html", "downloads.html", "Downloads", rows=listed)


def feed(site: Site, logged: Sequence[dict[str, Any]]) -> bytes:
    """One entry per pair of snapshots that changed, newest first; links relative to the feed."""
    entries = []
    for pair, found in groupby(logged, key=lambda event: event["pair"]):
        events = list(found)
        lines = [f"{e['kind']}: {e['name']} {e['detail']}".rstrip() for e in events]
        title = f"{site.source_name}: {len(events)} change{'s' * (len(events) != 1)}, snapshots {pair.replace('-', ' → ')}"
        entries.append(
            atom.entry(
                f"urn:aiia-tracker:site:{site.source_id}:{pair}",
                title,
                events[0]["at"],
                "\n".join(lines),
                link=f"changes/{pair}.html",
            )
        )
        if len(entries) == FEED_ENTRIES:
            break
    updated = logged[0]["at"] if logged else utc_text(site.ok[-1].captured_at)
    return atom.feed(
        f"urn:aiia-tracker:site:{site.source_id}",
        f"Membership changes: {site.source_name}",
        updated,
        entries,
        author="aiia-tracker",
    )

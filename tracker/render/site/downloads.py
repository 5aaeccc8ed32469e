"""The site's downloads: members per snapshot, the change log, the Atom feed.

Members files have the columns of `tracker members --format csv/json` (the same renderer)
and are named by the sha256 of their bytes: snapshots listing the same members share one,
and ten years of daily snapshots hold a few hundred distinct lists, not 3,650. A list's
*fingerprint* (its lines, their annotations, the tracker's version) names what its files
were rendered from: a rebuild finds it in the previous build's index (`INDEX`) and keeps
the files without rendering them again.
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

# A change happened between `old_at` (the older snapshot's capture time) and `at` (the
# newer one's, as in the `changes` table).
CHANGE_COLUMNS = (
    "old_at", "at", "kind", "name", "key", "tier", "old_name", "old_key", "old_tier", "direction",
    "score", "listed", "old_listed", "old_snapshot_id", "new_snapshot_id",
)  # fmt: skip
FEED_ENTRIES = 50
# Excel reads a CSV without a byte order mark as the local code page (as `--output` writes).
BOM = "\ufeff"
# Fingerprint -> [CSV path, JSON path] of every members download of the last build.
INDEX = "downloads/members/index.json"
# Bumped when the members files' layout changes within one tracker version.
LAYOUT = "members-1"


def _named(text: str, ext: str) -> tuple[str, str]:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"downloads/members/{digest}.{ext}", text


def fingerprint(site: Site, lines: Sequence[Line], notes: dict[str, str]) -> str:
    """What a list's files are rendered from; `notes`: key -> its annotation as JSON."""
    digest = hashlib.sha256(f"{site.version}\n{LAYOUT}\n{lines!r}".encode())
    for line in lines:
        digest.update(notes.get(line[4], "-").encode())
    return digest.hexdigest()


def index_text(found: dict[str, tuple[str, str]]) -> str:
    return render_json({key: list(paths) for key, paths in sorted(found.items())})


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
    rows = [
        {c: event["old_at"] if c == "old_at" else row[c] for c in CHANGE_COLUMNS}
        for row, event in zip(site.changes, logged, strict=True)
    ]
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
        first = events[0]
        lines = [
            f"Between {first['old_at']} (snapshot {first['old_id']}) and {first['at']} "
            f"(snapshot {first['new_id']}):",
            *(f"{e['kind']}: {e['name']} {e['detail']}".rstrip() for e in events),
        ]
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

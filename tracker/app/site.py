"""`tracker site build OUT/`: the whole record as a static site, read from the store once.

The store is read in a few bulk queries (every listing of every ok snapshot in one); each
member's names and tier runs are derived in one pass (`tracker.core.tenure`); the pages are
rendered by `tracker.render.site`; `tracker.app.sitefiles` writes them, each file only when
its bytes differ, so a rebuild of an unchanged record writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from sys import intern
from typing import Any

from tracker import __version__
from tracker.app.annotations import annotations_of
from tracker.app.diffs import build_report
from tracker.app.sitefiles import Output, Written, whole
from tracker.app.timeline import ok_snapshots
from tracker.core.config import Source
from tracker.core.credit import credit_for
from tracker.core.models import Snapshot
from tracker.core.stats import cross_tab
from tracker.core.tenure import Line, records, stretches, tenures
from tracker.render.site.model import Archived, Reading, Site
from tracker.store import Store

# (snapshot id, tier, tier label, position, name, key): a listing as the store reads it.
Row = tuple[int, str, str, int, str, str]
_FIRST, _LINE = itemgetter(0), itemgetter(1, 2, 3, 4, 5)


def build_site(store: Store, source: Source, out: Path) -> Written:
    """Build (or bring up to date) the site of `source` in `out`, file by file as rendered."""
    from tracker.render.site.pages import render_site

    output = Output.open(out)  # refused before the record is read
    site = gather(store, source)
    with output:
        for path, text in render_site(site, _known(output)):
            output.write(path, text)
        for reading in site.readings:
            for page in reading.pages:
                output.archive(page.path, page.sha256, partial(store.page_bytes, page.sha256))
        return output.finish()


def _known(output: Output) -> dict[str, tuple[str, str]]:
    """The previous build's members downloads by fingerprint, those still whole on disk."""
    from tracker.render.site.downloads import INDEX

    try:
        index = json.loads(output.read(INDEX) or "{}")
        found = {str(k): (str(v[0]), str(v[1])) for k, v in index.items()}
    except (ValueError, TypeError, IndexError, AttributeError):
        return {}  # unreadable: everything is rendered anew
    return {
        key: paths
        for key, paths in found.items()
        if all(
            path in output.previous and whole(output.out / path, Path(path).stem) is not None
            for path in paths
        )
    }


def _renames(changes: Sequence[dict[str, Any]]) -> dict[int, list[tuple[str, str]]]:
    """(old key, new key) of the logged renames by the snapshot each was seen at."""
    found: dict[int, list[tuple[str, str]]] = {}
    for row in changes:
        if row["kind"] == "renamed":
            found.setdefault(row["new_snapshot_id"], []).append((row["old_key"], row["key"]))
    return found


def gather(store: Store, source: Source) -> Site:
    """Everything the pages show, in a few queries."""
    every = store.snapshots(source.id)
    ok = [snapshot for snapshot in every if snapshot.status == "ok"] or ok_snapshots(
        store, source.id
    )
    lines, list_ids = _member_lists(store, every, store.ok_listing_rows(source.id))
    by_snapshot = {snapshot_id: lines[index] for snapshot_id, index in list_ids.items()}
    changes = store.change_rows(source.id)
    members, holders = tenures(stretches(ok, by_snapshot), _renames(changes))
    latest = records(lines[list_ids[ok[-1].id]])
    notes = annotations_of(store, source.id, {key for m in members for key in m.keys})
    return Site(
        source_id=source.id,
        source_name=source.name,
        source_url=source.url,
        version=__version__,
        readings=_readings(store, source.id, every, list_ids),
        ok=ok,
        members=members,
        holders=holders,
        latest=latest,
        notes=notes,
        credit=credit_for(o for note in notes.values() for o in note.origins()),
        changes=changes,
        composition=cross_tab(latest, notes, "type"),
        overall=build_report(store, ok[0], ok[-1]) if len(ok) > 1 else None,
        lists=lines,
    )


def _member_lists(
    store: Store, every: Sequence[Snapshot], rows: Iterable[Row]
) -> tuple[list[tuple[Line, ...]], dict[int, int]]:
    """Each distinct member list once, and snapshot id -> its list's index.

    `rows` are streamed: ten years of daily snapshots hold two million listings but a few
    hundred distinct lists, and only those are kept (and later rendered) once each.
    """
    by_content: dict[tuple[Line, ...], int] = {}
    ids: dict[int, int] = {}
    for snapshot_id, group in groupby(rows, key=_FIRST):
        lines = tuple(map(_LINE, group))
        found = by_content.get(lines)
        if found is None:
            # Kept: its strings shared with the lists before it, not held once per list.
            found = by_content[_interned(lines)] = len(by_content)
        ids[snapshot_id] = found
    for snapshot in every:
        if snapshot.id not in ids:  # not ok, or ok and empty
            lines = tuple(
                (x.tier, x.tier_label, x.position, x.name, x.key)
                for x in store.listings(snapshot.id)
            )
            ids[snapshot.id] = by_content.setdefault(lines, len(by_content))
    return list(by_content), ids


def _interned(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    return tuple((intern(t), intern(lb), p, intern(n), intern(k)) for t, lb, p, n, k in lines)


def _readings(
    store: Store, source_id: str, every: Sequence[Snapshot], list_ids: dict[int, int]
) -> list[Reading]:
    details = store.reading_details(source_id)
    digests = {d for s in every for d in (s.page_sha256, *details[s.id][1])}
    facts = store.page_facts(digests)
    return [
        Reading(
            snapshot=snapshot,
            method=details[snapshot.id][0],
            pages=[
                _archived(digest, facts, snapshot.origin)
                for digest in (snapshot.page_sha256, *details[snapshot.id][1])
                if digest in facts
            ],
            list_id=list_ids[snapshot.id],
        )
        for snapshot in every
    ]


def _archived(digest: str, facts: dict[str, tuple[int, str | None]], origin: str) -> Archived:
    """The page as the site serves it, named by its kind: CSET's list is a CSV; anything
    unknown is taken for HTML (served as text, see `Archived`)."""
    size, kind = facts[digest]
    kind = (kind or "").lower()
    if "csv" in kind or (origin == "baseline" and "html" not in kind):
        return Archived(digest, "csv", size)
    found = next((k for k in ("json", "xhtml", "html", "svg", "xml") if k in kind), "html")
    return Archived(digest, found, size)

"""The change pages: every logged event, one page per consecutive pair, and first → latest.

Events come from the `changes` table as it is (the log watchers and `tracker history` read);
the first → latest page is `tracker diff`'s report (`tracker.render.report`), its rows built
by the same functions as every other format.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

from tracker.core.diff import ListingChange, Rename, TierChange
from tracker.core.kinds import CHANGE_KINDS
from tracker.core.models import tier_name
from tracker.core.stamps import utc_text
from tracker.core.tenure import Holders
from tracker.render.cells import SHOWN_COLUMNS, Entry, change_text, people_cells
from tracker.render.report import (
    TITLES,
    DiffReport,
    Endpoint,
    footnotes,
    sections,
    summary_line,
)
from tracker.render.site.layout import page, public_source
from tracker.render.site.model import Site

SECTIONS = {kind.event: kind.section for kind in CHANGE_KINDS}
KIND_NAMES = {kind.event: kind.counted for kind in CHANGE_KINDS}


def event_view(row: dict[str, Any], slugs: Holders, dates: dict[int, str]) -> dict[str, Any]:
    """One logged event as a table row: when, what, whom (linked), and its pair page.

    When is an interval: the change happened after the pair's older snapshot was read and
    by the time the newer one was (readings not believed may lie between); `dates`:
    snapshot id -> capture time. Dating it by the newer snapshot alone would be miscited.
    """
    section = SECTIONS.get(row["kind"], row["kind"])
    return {
        "at": row["at"],
        "old_at": dates[row["old_snapshot_id"]],
        "old_id": row["old_snapshot_id"],
        "new_id": row["new_snapshot_id"],
        "kind": KIND_NAMES.get(row["kind"], row["kind"]),
        "name": row["name"],
        "slug": slugs.slug(row["key"], row["at"]) or slugs.slug(row["old_key"], row["at"]),
        "detail": _detail(section, row),
        "pair": f"{row['old_snapshot_id']}-{row['new_snapshot_id']}",
    }


def _detail(section: str, row: dict[str, Any]) -> str:
    """What changed; for a join or a departure, the tier (the kind column says the rest)."""
    if section == "joined":
        return f"as {tier_name(row['tier'] or '')}"
    if section == "departed":
        return f"was {tier_name(row['old_tier'] or '')}"
    logged = _logged(section, row)
    return row["kind"] if logged is None else change_text(logged)


def _logged(section: str, row: dict[str, Any]) -> TierChange | Rename | ListingChange | None:
    """A logged tier change, rename or listing change as the diff's record of it."""
    key, name, tier, old_tier = row["key"], row["name"], row["tier"], row["old_tier"]
    if section == "tier_changed":
        return TierChange(
            key=key, name=name, old_tier=old_tier, new_tier=tier, direction=row["direction"]
        )
    if section == "renamed":
        return Rename(
            old_key=row["old_key"],
            old_name=row["old_name"],
            new_key=key,
            new_name=name,
            old_tier=old_tier,
            new_tier=tier,
            direction=row["direction"],
            score=row["score"] or 0.0,
        )
    if section == "listing_changes":
        listed = [(row[field] or "").split("+") for field in ("old_listed", "listed")]
        return ListingChange(
            key=key, name=name, tier=tier, old_listed=listed[0], new_listed=listed[1]
        )
    return None


def change_pages(
    site: Site, logged: Sequence[dict[str, Any]], slugs: Holders
) -> Iterator[tuple[str, str]]:
    yield page(site, "changes/index.html", "changes.html", "Changes", events=logged)
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for event in logged:
        by_pair.setdefault(event["pair"], []).append(event)
    names = [f"{old.id}-{new.id}" for old, new in pairwise(site.ok)]
    at = {reading.snapshot.id: index for index, reading in enumerate(site.readings)}
    for index, (old, new) in enumerate(pairwise(site.ok)):
        name = names[index]
        yield page(
            site,
            f"changes/{name}.html",
            "pair.html",
            f"Changes: snapshot {old.id} → {new.id}",
            old=old,
            new=new,
            old_at=utc_text(old.captured_at),
            new_at=utc_text(new.captured_at),
            events=by_pair.get(name, []),
            # Read between the two and not believed: the pair spans them.
            doubted=[
                r.snapshot
                for r in site.readings[at[old.id] + 1 : at[new.id]]
                if r.snapshot.status != "ok"
            ],
            prev=names[index - 1] if index else None,
            next=names[index + 1] if index + 1 < len(names) else None,
        )
    yield overall_page(site, slugs)


def overall_page(site: Site, slugs: Holders) -> tuple[str, str]:
    """`changes/baseline-latest.html`: the oldest ok snapshot against the latest."""
    report = site.overall
    title = f"{'Baseline' if site.ok[0].origin == 'baseline' else 'First snapshot'} → latest"
    if report is None:
        return page(
            site, "changes/baseline-latest.html", "overall.html", title,
            ends=[], summary="Only one ok snapshot: nothing to compare yet.", sections=[],
            columns=SHOWN_COLUMNS, notes=[],
        )  # fmt: skip
    latest = utc_text(site.ok[-1].captured_at)
    found = [
        {"title": TITLES[kind], "rows": _rows(report, kind, entries, slugs, latest)}
        for kind, entries in sections(report).items()
        if entries
    ]
    notes = footnotes(report)
    return page(
        site,
        "changes/baseline-latest.html",
        "overall.html",
        title,
        ends=_ends(report),
        summary=summary_line(report.diff),
        sections=found,
        columns=SHOWN_COLUMNS,
        notes=notes,
        credit=None,  # in the report's notes already
    )


def _rows(
    report: DiffReport, kind: str, entries: Sequence[Entry], slugs: Holders, at: str
) -> list[dict[str, Any]]:
    """Each row's cells by column, and the page of the member it names."""
    cells = zip(*people_cells(kind, entries, report.annotations), strict=True)
    return [
        {
            "cells": dict(zip(SHOWN_COLUMNS, row, strict=True)),
            "slug": slugs.slug(entry.keys()[0], at),
        }
        for entry, row in zip(entries, cells, strict=True)
    ]


def _ends(report: DiffReport) -> list[tuple[str, Any, Any]]:
    facts: list[tuple[str, Any]] = [
        ("snapshot", lambda e: e.id),
        ("captured (UTC)", lambda e: e.captured_at),
        ("origin", lambda e: e.origin),
        ("page", lambda e: public_source(e.provenance)),
        ("page sha256", lambda e: e.page_sha256),
        ("parser version", lambda e: e.parser_version),
        ("members", lambda e: e.members),
    ]
    ends: tuple[Endpoint, Endpoint] = (report.old, report.new)
    return [(label, fact(ends[0]), fact(ends[1])) for label, fact in facts]

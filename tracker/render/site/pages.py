"""The site's pages: a `Site` in, (relative path, text) pairs out.

Jinja2 templates (package data under `templates/`, see `layout.py`) with autoescaping on
and undefined names an error; every link is relative, so the site works from `file://` and
from a sub-path. Pure: `tracker.app.site` writes what this yields.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from functools import cache
from itertools import pairwise
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.credit import credit_for
from tracker.core.diff import members as members_of
from tracker.core.fields import FIELD_LABELS, FLAG_FIELDS, INFERRED_ORIGIN
from tracker.core.models import Snapshot, tier_name, tier_rank
from tracker.core.records import json_text
from tracker.core.stamps import utc_text
from tracker.core.tenure import Tenure
from tracker.render.rows import INFERRED_MARK
from tracker.render.site import charts, downloads, events
from tracker.render.site.layout import page, public_source
from tracker.render.site.model import Site

LATEST_CHANGES = 20


def render_site(
    site: Site, known: Mapping[str, tuple[str, str]] | None = None
) -> Iterator[tuple[str, str | bytes | None]]:
    """Every file of the site but the archived pages (which `tracker.app.site` copies).

    `known`: the previous build's members downloads by fingerprint; a file yielded with
    None for its content is one of those, unchanged, kept as it is.
    """
    named = yield from _member_downloads(site, known or {})
    slugs = site.holders
    dates = {r.snapshot.id: utc_text(r.snapshot.captured_at) for r in site.readings}
    logged = [events.event_view(row, slugs, dates) for row in site.changes]
    yield home(site, logged)
    yield from member_pages(site, logged)
    yield from events.change_pages(site, logged, slugs)
    yield from snapshot_pages(site, named)
    yield from downloads.download_files(site, named, logged)
    yield from static_files()


def _member_downloads(
    site: Site, known: Mapping[str, tuple[str, str]]
) -> Generator[tuple[str, str | None], None, dict[int, tuple[str, str]]]:
    """Each list's CSV and JSON, yielded as soon as rendered (ten years of distinct lists are
    too much to hold), or as None when the previous build made them from the same input;
    then the index of fingerprints. Returns list index -> (CSV path, JSON path)."""
    notes = {key: json_text(note) for key, note in site.notes.items()}
    named: dict[int, tuple[str, str]] = {}
    found: dict[str, tuple[str, str]] = {}
    for index, lines in enumerate(site.lists):
        print_ = downloads.fingerprint(site, lines, notes)
        if print_ in known:
            named[index] = found[print_] = known[print_]
            yield named[index][0], None
            yield named[index][1], None
            continue
        csv, json = downloads.member_files(site, lines)
        named[index] = found[print_] = (csv[0], json[0])
        yield csv
        yield json
    yield downloads.INDEX, downloads.index_text(found)
    return named


def home(site: Site, logged: Sequence[dict[str, Any]]) -> tuple[str, str]:
    last = site.ok[-1]
    reading = next(r for r in site.readings if r.snapshot.id == last.id)
    stats = site.composition
    tiers = [
        {"name": tier_name(t), "members": c.members, "listings": c.listings}
        for t, c in (stats.total.tiers.items() if stats else [])
    ]
    shown = [site.notes[k] for k in {x.key for x in site.latest} if k in site.notes]
    return page(
        site,
        "index.html",
        "index.html",
        site.source_name,
        last=last,
        last_at=utc_text(last.captured_at),
        latest_count=last.member_count,
        tiers=tiers,
        read_url=public_source(last.provenance or site.source_url),
        page_path=reading.pages[0].path if reading.pages else "snapshots/index.html",
        composition_svg=charts.composition_svg(stats) if stats else "",
        composition_table=charts.composition_table(stats) if stats else "",
        unannotated=charts.unannotated_line(stats) if stats else "",
        timeline_svg=charts.timeline_svg(site.ok),
        timeline_table=charts.timeline_table(site.ok),
        events=logged[:LATEST_CHANGES],
        credit=credit_for(origin for note in shown for origin in note.origins()),
    )


GUESSED_NOTE = f"a type or city marked {INFERRED_MARK} is inferred from the name"


def _places(note: Annotation | None) -> dict[str, str]:
    """A member's type and city for the members table, a guessed one marked."""
    if note is None:
        return {"type": "", "city": ""}
    guessed = note.inferred(("type", "city"))
    return {
        f: f"{getattr(note, f) or ''}{INFERRED_MARK if f in guessed else ''}"
        for f in ("type", "city")
    }


def member_pages(site: Site, logged: Sequence[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    last = site.ok[-1]
    current = members_of(site.latest)
    latest_at = utc_text(last.captured_at)
    rows = []
    for key, found in sorted(current.items(), key=lambda kv: tier_rank(kv[1].tier)):
        note = site.notes.get(key)
        rows.append(
            {
                "key": key,
                "slug": site.holders.slug(key, latest_at),
                "name": found.name,
                "english": (note.common_name_en or note.name_en_mt or "") if note else "",
                "tier": tier_name(found.tier),
                "rank": tier_rank(found.tier),
                **_places(note),
            }
        )
    former = [
        {
            "slug": m.slug,
            "name": m.name,
            "tier": tier_name(m.runs[-1].value),
            "last": m.last_seen.at[:10],
        }
        for m in sorted(site.members, key=lambda m: m.last_seen.at, reverse=True)
        if not m.current
    ]
    shown = [site.notes[k] for k in current if k in site.notes]
    yield page(
        site,
        "members/index.html",
        "members.html",
        "Members",
        rows=rows,
        former=former,
        last=last,
        last_at=utc_text(last.captured_at),
        guessed=GUESSED_NOTE if any(note.inferred(("type", "city")) for note in shown) else "",
        credit=credit_for(origin for note in shown for origin in note.origins()),
    )
    changed: dict[str, list[dict[str, Any]]] = {}
    for event in logged:
        changed.setdefault(event["slug"], []).append(event)
    for member in site.members:
        yield member_page(site, member, changed.get(member.slug, []))


def member_page(site: Site, member: Tenure, logged: Sequence[dict[str, Any]]) -> tuple[str, str]:
    note = site.notes.get(member.key)
    runs = [
        {"tier": tier_name(r.value), "first": r.first, "last": r.last, "count": r.count}
        for r in member.runs
    ]
    return page(
        site,
        f"members/{member.slug}.html",
        "member.html",
        member.name,
        m=member,
        runs=runs,
        events=logged,
        note=_annotation_rows(note) if note else [],
        credit=credit_for(note.origins()) if note else None,
    )


def _annotation_rows(note: Annotation) -> list[tuple[str, str]]:
    """Every fact of an annotation, labelled for a reader; a flag as yes, no or CSET's own
    wording; cells of columns the importer does not map under their header as written; a
    value another origin than the annotation's gave, or a guess, says so."""
    facts = {k: v for k, v in note.facts().items() if not k.endswith("_source")}
    extra = facts.pop("extra", {})
    flags = {field: note.flag_text(field) for field in FLAG_FIELDS}
    facts |= {field: text for field, text in flags.items() if text is not None}
    facts |= {header: text for header, text in extra.items() if header not in FLAG_FIELDS}
    facts["annotation_origin"] = _origin_text(note.origin)
    order = {field: index for index, field in enumerate(FIELD_LABELS)}
    return [
        (FIELD_LABELS.get(field, field), f"{value}{_given_by(note, field)}")
        for field, value in sorted(facts.items(), key=lambda fact: order.get(fact[0], len(order)))
        if value not in (None, "")
    ]


def _origin_text(origin: str) -> str:
    return "inferred from the name" if origin == INFERRED_ORIGIN else origin


def _given_by(note: Annotation, field: str) -> str:
    """` (inferred from the name)` or ` (from ORIGIN)` where a merged value is not the
    annotation's own origin's."""
    source = note.sources.get(field)
    return "" if source in (None, note.origin) else f" ({_origin_text(source)})"


def snapshot_pages(site: Site, named: dict[int, tuple[str, str]]) -> Iterator[tuple[str, str]]:
    rows = [
        {
            "id": r.snapshot.id,
            "at": utc_text(r.snapshot.captured_at),
            "origin": r.snapshot.origin,
            "status": r.snapshot.status,
            "members": r.snapshot.member_count,
            "listings": r.snapshot.listing_count,
            "parser": r.snapshot.parser_version,
            "sha": r.snapshot.page_sha256,
        }
        for r in site.readings
    ]
    yield page(site, "snapshots/index.html", "snapshots.html", "Snapshots", rows=rows)
    pairs = _pairs_of(site.ok)
    for index, reading in enumerate(site.readings):
        s = reading.snapshot
        csv, json = named[reading.list_id]
        yield page(
            site,
            f"snapshots/{s.id}.html",
            "snapshot.html",
            f"Snapshot {s.id}",
            s=s,
            facts=_facts(s, reading.method),
            pages=reading.pages,
            csv=csv,
            json=json,
            pairs=pairs.get(s.id, []),
            prev=site.readings[index - 1].snapshot.id if index else None,
            next=site.readings[index + 1].snapshot.id if index + 1 < len(site.readings) else None,
        )


def _pairs_of(ok: Sequence[Snapshot]) -> dict[int, list[tuple[str, str]]]:
    """Snapshot id -> the pair pages it belongs to (changes since the one before, then to the
    one after)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for old, new in pairwise(ok):
        href = f"{old.id}-{new.id}"
        found.setdefault(old.id, []).append((href, f"to snapshot {new.id}"))
        found.setdefault(new.id, []).insert(0, (href, f"from snapshot {old.id}"))
    return found


def _facts(s: Snapshot, method: str | None) -> list[tuple[str, Any]]:
    counts = ", ".join(f"{tier_name(t)} {n}" for t, n in s.counts.items()) or "none"
    facts: list[tuple[str, Any]] = [
        ("Status", s.status),
        ("Reason", s.reason or "—"),
        ("Captured (UTC)", utc_text(s.captured_at)),
        ("Origin", s.origin),
        ("Read from", public_source(s.provenance)),
        ("Page sha256", s.page_sha256),
        ("Parser version", s.parser_version),
        ("Method", method or "—"),
        ("Members", s.member_count),
        ("Listings", s.listing_count),
        ("Listings per tier", counts),
    ]
    if s.superseded_by is not None:
        facts.append(("Superseded by", f"snapshot {s.superseded_by}"))
    return facts


@cache
def _static() -> tuple[tuple[str, bytes], ...]:
    from importlib.resources import files

    folder = files("tracker.render.site").joinpath("static")
    return tuple(
        (f"assets/{name}", folder.joinpath(name).read_bytes()) for name in ("site.css", "site.js")
    )


def static_files() -> Iterator[tuple[str, bytes]]:
    yield from _static()

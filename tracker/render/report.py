"""A diff as people cite it: text, Markdown, JSON, CSV or one self-contained HTML file.

Pure: a DiffReport (both endpoints, the Diff, annotations) and who made it when in, a string
out. Every format names both snapshots (id, capture time, origin, page URL, full page sha256,
parser version) and the tool, version and time that made it, so each line traces back to
archived bytes and a reader can cite it; every format that shows CSET's annotations credits
them; every format that a name can break is escaped: HTML entities (and no character HTML
forbids), Markdown table syntax, spreadsheet formulas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import msgspec

from tracker import __version__
from tracker.core.annotations import (
    SOURCE_COLUMNS,
    Annotation,
    annotated,
    beyond_lists,
    shown_sources,
)
from tracker.core.credit import credit_for
from tracker.core.diff import Diff, Transient
from tracker.core.fields import CARRIED_FIELD, SHOWN_FIELDS
from tracker.core.jsontext import render_json
from tracker.core.kinds import CHANGE_KINDS, ChangeKind
from tracker.core.models import Snapshot
from tracker.core.normalize import markup_text
from tracker.core.records import as_dict, as_dicts, as_json
from tracker.core.renames import REGION_PENALTY, RENAME_THRESHOLD
from tracker.core.stamps import utc_text
from tracker.render.cells import SHOWN_COLUMNS, Entry, notes_of, people_cells
from tracker.render.rows import INFERRED_FOOTNOTE
from tracker.render.style import REPORT_CSS
from tracker.render.table import escaped_once, render_columns, render_csv

FORMATS = ("text", "markdown", "json", "csv", "html")
CSV_COLUMNS = (
    "change",
    "tier",
    "name",
    "key",
    "old_tier",
    "old_name",
    "old_key",
    "direction",
    "score",
    "old_listed",
    "new_listed",
    "first_id",
    "last_id",
    *SHOWN_FIELDS,
    CARRIED_FIELD,
    "old_snapshot_id",
    "new_snapshot_id",
)
TRANSIENT = "transient"
TITLES = {kind.section: kind.title for kind in CHANGE_KINDS} | {
    TRANSIENT: "Transient (between the two snapshots)"
}
# Event names (CSV `change` column) by section.
EVENTS = {kind.section: kind.event for kind in CHANGE_KINDS}
TOOL = "aiia-tracker"
# What `score 100.0` means, in every format that shows a likely rename (tracker.core.renames).
SCORE_NOTE = (
    "Rename score: similarity 0–100 (rapidfuzz Indel) of the two names without region "
    "prefixes, bracketed regions and legal forms such as 有限公司, minus "
    f"{REGION_PENALTY:g} if a bracketed region changed; only names sharing their brand (first "
    f"two characters) and numbers are compared, {RENAME_THRESHOLD:g}+ listed. A likely rename "
    "is an inference, not the alliance's word: check it."
)


class Generated(msgspec.Struct, frozen=True):
    """Who made a report and when. The caller passes the clock in: golden files stay stable."""

    at: datetime
    version: str
    tool: str = TOOL

    @classmethod
    def now(cls, at: datetime) -> Generated:
        return cls(at=at, version=__version__)

    def line(self) -> str:
        return f"generated {utc_text(self.at)} by {self.tool} {self.version}"


class Endpoint(msgspec.Struct, frozen=True):
    """One side of a diff, as evidence: which snapshot of which archived page."""

    id: int
    source_id: str
    captured_at: str
    origin: str
    page_sha256: str
    # Where the page came from: its URL (live, wayback), file, or CSET's CSV (baseline).
    provenance: str | None
    parser_version: str
    members: int
    listings: int
    counts: dict[str, int]
    # A quarantined snapshot can be diffed by its id: the report must say what it is.
    status: str
    reason: str | None

    @classmethod
    def of(cls, snapshot: Snapshot) -> Endpoint:
        return cls(
            id=snapshot.id,
            source_id=snapshot.source_id,
            captured_at=utc_text(snapshot.captured_at),
            origin=snapshot.origin,
            page_sha256=snapshot.page_sha256,
            provenance=snapshot.provenance,
            parser_version=snapshot.parser_version,
            members=snapshot.member_count,
            listings=snapshot.listing_count,
            counts=snapshot.counts,
            status=snapshot.status,
            reason=snapshot.reason,
        )


class DiffReport(msgspec.Struct, frozen=True):
    old: Endpoint
    new: Endpoint
    diff: Diff
    annotations: dict[str, Annotation] = msgspec.field(default_factory=dict)
    # None: not asked for (`--with-transient` absent); [] means asked and none found.
    transient: list[Transient] | None = None
    # NEW captured before OLD (`tracker diff --reverse`): every change reads backwards in time.
    reversed: bool = False
    # The source's configured name, for the title (never a fixed "AIIA": a demo's report
    # must not pass for the alliance's); None names it by its id.
    source_name: str | None = None


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _counted(diff: Diff, kind: ChangeKind) -> str | None:
    """One kind's part of the summary line; None for a kind only worth naming when present."""
    count = len(diff.changes(kind))
    if kind.section == "joined":
        return f"+{count} joined"
    if kind.section == "departed":
        return f"-{count} departed"
    if kind.section == "tier_changed":
        up = _promotions(diff)
        return f"{_plural(count, 'tier change')} ({up} up, {count - up} down)"
    if kind.section == "renamed":
        return _plural(count, "likely rename")
    if not count:
        return None
    if kind.section == "listing_changes":
        return _plural(count, "listing change")
    return f"{count} {kind.counted}"


def summary_line(diff: Diff) -> str:
    """ "+12 joined, -7 departed, 5 tier changes (4 up, 1 down), 2 likely renames; 561 → 566 members"."""
    parts = [part for kind in CHANGE_KINDS if (part := _counted(diff, kind)) is not None]
    return f"{', '.join(parts)}; {diff.old_members} → {diff.new_members} members"


def _promotions(diff: Diff) -> int:
    return sum(1 for c in diff.tier_changed if c.direction == "promotion")


def summary(diff: Diff) -> dict[str, int]:
    """Every kind's count (tier changes split up and down), and the members on each side."""
    counts: dict[str, int] = {}
    for kind in CHANGE_KINDS:
        counts[kind.section] = len(diff.changes(kind))
        if kind.section == "tier_changed":
            up = _promotions(diff)
            counts |= {"promotions": up, "demotions": len(diff.tier_changed) - up}
    return counts | {"old_members": diff.old_members, "new_members": diff.new_members}


# Sections: each kind's changes; as records, the JSON body and the CSV rows -------------


def sections(report: DiffReport) -> dict[str, Sequence[Entry]]:
    """Each section's changes in report order; the transients last, when asked for."""
    found: dict[str, Sequence[Entry]] = {k.section: report.diff.changes(k) for k in CHANGE_KINDS}
    if report.transient is not None:
        found[TRANSIENT] = report.transient
    return found


def records(report: DiffReport) -> dict[str, list[dict[str, Any]]]:
    """Each section's changes as plain dicts: the JSON body and the CSV rows; where a value
    is the user's or guessed, each row names its values' origins."""
    sourced = beyond_lists(report.annotations.values())
    found = {}
    for kind, entries in sections(report).items():
        notes = notes_of(report.annotations, entries)
        rows = annotated(
            [as_json(t) for t in entries] if kind == TRANSIENT else as_dicts(entries), notes
        )
        if sourced:
            for row, note in zip(rows, notes, strict=True):
                row.update(shown_sources(note))
        found[kind] = rows
    return found


def _status(end: Endpoint) -> str:
    if end.status == "ok":
        return "ok"
    return f"{end.status.upper()}, not a believed reading: {end.reason}"


def _endpoint_line(label: str, end: Endpoint) -> str:
    line = f"{label}: snapshot {end.id}  {end.captured_at}  {end.origin}  {end.members} members"
    return line if end.status == "ok" else f"{line}  {_status(end)}"


def _evidence(end: Endpoint) -> list[str]:
    """Where a snapshot's bytes came from and how they were read: what a citation needs."""
    return [
        f"page {end.provenance or 'unknown'}",
        f"sha256 {end.page_sha256}  parser {end.parser_version}",
    ]


def _direction(report: DiffReport) -> list[str]:
    """The line that keeps a reversed diff from reading as forward history; none otherwise."""
    if not report.reversed:
        return []
    return [
        "reversed: NEW is older than OLD, so every change reads backwards in time "
        "(a join here is a member that left, a departure one that arrived)"
    ]


def _title(report: DiffReport) -> str:
    source = report.source_name or report.old.source_id
    return f"Membership changes: {source}, snapshot {report.old.id} → {report.new.id}"


def credit(report: DiffReport) -> str | None:
    """CSET's credit line when the report shows any of CSET's annotations (CC BY-NC 4.0)."""
    return credit_for(o for note in report.annotations.values() for o in note.origins())


def footnotes(report: DiffReport) -> list[str]:
    """The footnotes a reader needs: what a rename score means, whose annotations these are."""
    notes = [SCORE_NOTE] if report.diff.renamed else []
    if any(note.inferred(("type", "city")) for note in report.annotations.values()):
        notes.append(INFERRED_FOOTNOTE)
    return notes + [line for line in [credit(report)] if line]


# Formats --------------------------------------------------------------------------------


def render_text(report: DiffReport, made: Generated) -> str:
    lines = [_title(report)]
    for label, end in _ends(report):
        lines += [_endpoint_line(label, end), *(f"     {line}" for line in _evidence(end))]
    lines += [*_direction(report), made.line(), "", summary_line(report.diff)]
    for kind, entries in sections(report).items():
        if entries:
            cells = people_cells(kind, entries, report.annotations)
            table = render_columns(cells, SHOWN_COLUMNS).rstrip("\n")
            lines += ["", f"{TITLES[kind]} ({len(entries)})", table]
    if report.diff.empty and not report.transient:
        lines += ["", "No changes."]
    notes = footnotes(report)
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_MD_LEADING = re.compile(r"^([=+\-@>!])")


def md_escape(value: Any) -> str:
    """A cell that cannot break a Markdown table, inject HTML or start a formula."""
    # html (with its 2,000 named entities) is imported by the formats that escape: text,
    # JSON and CSV never do (8 M instructions). A plain import: once it is loaded, cheaper
    # per cell than `from html import escape`.
    import html

    text = "" if value is None else " ".join(str(value).split())
    text = html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)
    return _MD_LEADING.sub(r"\\\1", text)


def _md_table(cells: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(SHOWN_COLUMNS) + " |", "|" + "---|" * len(SHOWN_COLUMNS)]
    escaped = escaped_once(md_escape)
    lines += ["| " + " | ".join(map(escaped, row)) + " |" for row in zip(*cells, strict=True)]
    return lines


def render_markdown(report: DiffReport, made: Generated) -> str:
    lines = [f"# {md_escape(_title(report))}", ""]
    for label, end in _ends(report):
        lines.append(f"- {md_escape(_endpoint_line(label, end))}")
        lines += [f"  - {md_escape(line)}" for line in _evidence(end)]
    lines += [f"- **{md_escape(line)}**" for line in _direction(report)]
    lines += [f"- {md_escape(made.line())}", "", f"**{md_escape(summary_line(report.diff))}**"]
    for kind, entries in sections(report).items():
        if entries:
            lines += ["", f"## {TITLES[kind]} ({len(entries)})", ""]
            lines += _md_table(people_cells(kind, entries, report.annotations))
    for note in footnotes(report):
        lines += ["", f"*{md_escape(note)}*"]
    return "\n".join(lines) + "\n"


def _ends(report: DiffReport) -> list[tuple[str, Endpoint]]:
    return [("old", report.old), ("new", report.new)]


def render_json_report(report: DiffReport, made: Generated) -> str:
    return render_json(
        {
            "tool": made.tool,
            "version": made.version,
            "generated_at": utc_text(made.at),
            # CSET's attribution when its annotations are in the document, else null.
            "credit": credit(report),
            "rename_score": SCORE_NOTE,
            "old": as_dict(report.old),
            "new": as_dict(report.new),
            **({"reversed": True} if report.reversed else {}),
            "summary": summary(report.diff),
            **records(report),
        }
    )


def csv_rows(report: DiffReport) -> list[dict[str, Any]]:
    """One row per change; renames carry the new name in `name` and the old in `old_name`."""
    rows = []
    for kind, section in records(report).items():
        for row in section:
            flat = {**row, "change": row.get("kind", EVENTS.get(kind, kind))}
            flat["name"] = row.get("new_name") or row["name"]
            flat["key"] = row.get("new_key") or row["key"]
            flat["tier"] = row.get("new_tier") or row.get("tier")
            for listed in ("old_listed", "new_listed"):
                flat[listed] = "+".join(row[listed]) if listed in row else None
            rows.append(
                {**flat, "old_snapshot_id": report.old.id, "new_snapshot_id": report.new.id}
            )
    return rows


def render_csv_report(report: DiffReport, made: Generated) -> str:
    """Rows only, so that every line is data: provenance and credit live in the other formats."""
    sourced = beyond_lists(report.annotations.values())
    return render_csv(csv_rows(report), CSV_COLUMNS + (SOURCE_COLUMNS if sourced else ()))


def _e(value: Any) -> str:
    # Escaped, and without the characters HTML forbids (controls, noncharacters). Imported
    # here, as in `md_escape`.
    import html

    return "" if value is None else html.escape(markup_text(str(value)), quote=True)


def _html_table(cells: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in SHOWN_COLUMNS)
    escaped = escaped_once(_e)
    body = "".join(
        "<tr>" + "".join(f"<td>{escaped(cell)}</td>" for cell in row) + "</tr>"
        for row in zip(*cells, strict=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_evidence(report: DiffReport) -> str:
    """Both snapshots side by side: what a citation of this report points at."""
    facts: list[tuple[str, Callable[[Endpoint], Any]]] = [
        ("snapshot", lambda e: e.id),
        ("captured (UTC)", lambda e: e.captured_at),
        ("origin", lambda e: e.origin),
        ("status", _status),
        ("page", lambda e: e.provenance or "unknown"),
        ("page sha256", lambda e: e.page_sha256),
        ("parser version", lambda e: e.parser_version),
        ("members", lambda e: e.members),
    ]
    rows = "".join(
        f"<tr><th>{_e(name)}</th>"
        + "".join(f"<td><code>{_e(fact(end))}</code></td>" for _, end in _ends(report))
        + "</tr>"
        for name, fact in facts
    )
    return f"<table><thead><tr><th></th><th>old</th><th>new</th></tr></thead><tbody>{rows}</tbody></table>"


def render_html(report: DiffReport, made: Generated) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(_title(report))}</title><style>{REPORT_CSS}</style></head><body>",
        f"<h1>{_e(_title(report))}</h1>",
        _html_evidence(report),
        *(f"<p><strong>{_e(line)}</strong></p>" for line in _direction(report)),
        f'<p class="note">{_e(made.line())}</p>',
        f"<p><strong>{_e(summary_line(report.diff))}</strong></p>",
    ]
    for kind, entries in sections(report).items():
        if entries:
            parts.append(f"<h2>{_e(TITLES[kind])} ({len(entries)})</h2>")
            parts.append(_html_table(people_cells(kind, entries, report.annotations)))
    parts += [f'<p class="note">{_e(note)}</p>' for note in footnotes(report)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[DiffReport, Generated], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json_report,
    "csv": render_csv_report,
    "html": render_html,
}


def render(report: DiffReport, fmt: str, made: Generated) -> str:
    return RENDERERS[fmt](report, made)

"""`tracker parse` output: what a page yields, where each tier was found, and what was not read.

Pure rendering of a `Reading`: one summary per tier (its heading as written, a CSS path to
it, the count, the first and last names), the reasons `tracker snapshot` would quarantine
the page, and with ``explain`` every block and line that was not read as a member, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborNode

from tracker.core.jsontext import render_json
from tracker.core.parse import Reading
from tracker.core.parse.markup import css_path
from tracker.core.parse.sections import Section

# Shown text of a skipped block or a rejected line, in the text format.
_SHOWN = 60


@dataclass
class TierSummary:
    tier: str
    label: str
    heading: str
    where: str
    count: int
    first: str
    last: str


def tier_summaries(reading: Reading) -> list[TierSummary]:
    """One summary per tier label, in page order, with the heading that opened it."""
    headings: dict[str, Section] = {}
    for section in reading.sections:
        if section.kept:
            headings.setdefault(section.heading.label, section)
    names: dict[tuple[str, str], list[str]] = {}
    for listing in reading.result.listings:
        names.setdefault((listing.tier, listing.tier_label), []).append(listing.name)
    out = []
    for (tier, label), listed in names.items():
        opened = headings.get(label)
        out.append(
            TierSummary(
                tier=tier,
                label=label,
                heading="" if opened is None else opened.line.text,
                where="" if opened is None else css_path(opened.line.node),
                count=len(listed),
                first=listed[0],
                last=listed[-1],
            )
        )
    return out


def render_reading(
    reading: Reading, *, source: str, pages: int, reasons: list[str], explain: bool, fmt: str
) -> str:
    """``pages``: how many pages of a list split over pages were read."""
    where = source if pages == 1 else f"{source} and the {_count(pages - 1, 'page')} after it"
    if fmt == "json":
        data = _as_json(reading, source=source, reasons=reasons, explain=explain)
        return render_json({**data, "pages": pages})
    return _as_text(reading, source=where, reasons=reasons, explain=explain)


def _as_json(reading: Reading, *, source: str, reasons: list[str], explain: bool) -> dict[str, Any]:
    result = reading.result
    out: dict[str, Any] = {
        "source": source,
        "method": result.method,
        "members": len({listing.key for listing in result.listings}),
        "listings": len(result.listings),
        "tiers": [vars(summary) for summary in tier_summaries(reading)],
        "declared_counts": result.declared_counts,
        "quarantine": reasons,
    }
    if explain:
        out["skipped"] = [
            {"kind": kind, "where": css_path(node), "text": _text_of(node)}
            for node, kind in reading.skipped
        ]
        out["rejected"] = [
            {"text": item.text, "reason": item.reason, "where": item.where()}
            for item in reading.rejected
        ]
        out["lines_outside_tiers"] = reading.outside
    return out


def _as_text(reading: Reading, *, source: str, reasons: list[str], explain: bool) -> str:
    result = reading.result
    summaries = tier_summaries(reading)
    members = len({listing.key for listing in result.listings})
    lines = [
        f"{source}: {_count(len(summaries), 'tier')}, {_count(members, 'member')}, "
        f"{_count(len(result.listings), 'listing')} (read from {result.method})"
    ]
    for summary in summaries:
        found = f" at {summary.where}" if summary.where else ""
        lines.append(f"  {summary.label} ({summary.tier}): {summary.count}{found}")
        lines.append(f"      first {summary.first}  ·  last {summary.last}")
    if reasons:
        lines.append("tracker snapshot would quarantine this page:")
        lines += [f"  - {reason}" for reason in reasons]
    if explain:
        lines += _explained(reading)
    elif reading.rejected or reading.skipped:
        lines.append(
            f"{_count(len(reading.skipped), 'block')} and {_count(len(reading.rejected), 'line')}"
            " not read as members: see --explain"
        )
    return "\n".join(lines) + "\n"


def _explained(reading: Reading) -> list[str]:
    lines = []
    if reading.skipped:
        lines.append("Blocks never read:")
        lines += [
            f"  {kind:<11} {css_path(node)}  {_short(_text_of(node))}"
            for node, kind in reading.skipped
        ]
    if reading.rejected:
        lines.append("Lines and names not read as members:")
        lines += [
            f"  {item.reason}: {_short(item.text)!r} at {item.where()}" for item in reading.rejected
        ]
    lines.append(
        f"{_count(reading.outside, 'line')} outside any tier (before, between or after them)."
    )
    return lines


def _text_of(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 1]}…"

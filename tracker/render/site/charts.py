"""The home page's two charts as small inline SVG, each with its numbers beside it as a table.

Hand-written rather than drawn by matplotlib (`tracker.render.charts`): a site of ten years
needs two small images with their text as text, in milliseconds. Each chart is `role="img"`
with a `<title>` and a `<desc>`; the table next to it carries every number it draws, so a
screen reader (or a reader who prints the page) loses nothing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from tracker.core.models import Snapshot, tier_name
from tracker.core.stats import UNANNOTATED, Stats
from tracker.core.timeline import timeline_series

# Colour-blind-safe (Okabe–Ito), in order of use.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
GREY = "#999"
WIDTH, BAR, GAP, LABEL = 640, 22, 8, 120


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _colour(index: int, value: str) -> str:
    return GREY if value == UNANNOTATED else COLOURS[index % len(COLOURS)]


def composition_svg(stats: Stats) -> str:
    """One bar per tier, its members split by type, longest bar the full width."""
    widest = max((stats.total.tiers[t].members for t in stats.tiers), default=0) or 1
    scale = (WIDTH - LABEL - 50) / widest
    height = len(stats.tiers) * (BAR + GAP) + GAP
    parts = []
    for row_index, tier in enumerate(stats.tiers):
        y = GAP + row_index * (BAR + GAP)
        parts.append(f'<text x="0" y="{y + BAR * 0.7:.0f}">{_e(tier_name(tier))}</text>')
        x = float(LABEL)
        for index, row in enumerate(stats.rows):
            count = row.tiers[tier].members if tier in row.tiers else 0
            if count:
                width = count * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                    f'fill="{_colour(index, row.value)}"><title>{_e(tier_name(tier))}, '
                    f"{_e(row.value)}: {count}</title></rect>"
                )
                x += width
        total = stats.total.tiers[tier].members
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR * 0.7:.0f}">{total}</text>')
    legend = " · ".join(
        f'<tspan fill="{_colour(i, row.value)}">■</tspan> {_e(row.value)}'
        for i, row in enumerate(stats.rows)
    )
    parts.append(f'<text x="0" y="{height + 14}">{legend}</text>')
    return _svg(
        "composition",
        "Members by tier and type",
        "Each bar is a tier; its parts are the members of each type; the table below gives "
        "the numbers.",
        height + 22,
        parts,
    )


def composition_table(stats: Stats) -> str:
    head = "".join(f'<th scope="col">{_e(tier_name(t))}</th>' for t in stats.tiers)
    body = "".join(
        f'<tr><th scope="row">{_e(row.value)}</th>'
        + "".join(
            f'<td class="n">{row.tiers[t].members if t in row.tiers else 0}</td>'
            for t in stats.tiers
        )
        + f'<td class="n">{row.members}</td></tr>'
        for row in [*stats.rows, stats.total]
    )
    return (
        '<div class="scroll"><table class="composition"><caption>Members by type (rows) and '
        f'tier (columns)</caption><thead><tr><th scope="col">type</th>{head}'
        f'<th scope="col">all tiers</th></tr></thead><tbody>{body}</tbody></table></div>'
    )


def unannotated_line(stats: Stats) -> str:
    """What the chart does not know: members no annotation describes are counted, and said."""
    missing = next((row.members for row in stats.rows if row.value == UNANNOTATED), 0)
    if not missing:
        return f"Every one of the {stats.total.members} members has an annotation giving its type."
    return (
        f"{missing} of {stats.total.members} members have no annotation (joined since the "
        "annotated list, or never matched): counted as “unannotated”, not left out."
    )


def _steps(points: Sequence[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """The points where the value changes (and the last): a decade of days in a few points."""
    kept = [p for i, p in enumerate(points) if i == 0 or p[1] != points[i - 1][1]]
    return kept if kept[-1] == points[-1] else [*kept, points[-1]]


def timeline_svg(ok: Sequence[Snapshot]) -> str:
    series = timeline_series(ok)
    height, top, left = 240, 10, 44
    start, end = ok[0].captured_at, ok[-1].captured_at
    span = (end - start).total_seconds() or 1.0
    peak = max((v for points in series.values() for _, v in points), default=0) or 1
    plot_w, plot_h = WIDTH - left - 10, height - top - 30

    def xy(at: datetime, value: int) -> str:
        x = left + (at - start).total_seconds() / span * plot_w
        return f"{x:.1f},{top + plot_h - value / peak * plot_h:.1f}"

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#666"/>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<text x="{left}" y="{height - 6}">{start:%Y-%m-%d}</text>',
        f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">{end:%Y-%m-%d}</text>',
    ]
    for index, (name, points) in enumerate(series.items()):
        steps = _steps(points)
        coords = []
        for i, (at, value) in enumerate(steps):
            if i:
                coords.append(xy(at, steps[i - 1][1]))
            coords.append(xy(at, value))
        dash = ' stroke-dasharray="4 3"' if index == len(series) - 1 else ""
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS[index % len(COLOURS)]}" stroke-width="2"'
            f'{dash} points="{" ".join(coords)}"><title>{_e(name)}</title></polyline>'
        )
    return _svg(
        "timeline",
        "Listings per tier and members over time",
        f"One line per tier from {start:%Y-%m-%d} to {end:%Y-%m-%d}; the dashed line counts "
        "distinct members; the table below gives the numbers.",
        height,
        parts,
    )


def timeline_table(ok: Sequence[Snapshot]) -> str:
    rows = []
    for index, (name, points) in enumerate(timeline_series(ok).items()):
        values = [v for _, v in points]
        swatch = f'<span style="color:{COLOURS[index % len(COLOURS)]}">■</span>'
        rows.append(
            f'<tr><th scope="row">{swatch} {_e(name)}</th><td class="n">{values[0]}</td>'
            f'<td class="n">{min(values)}</td><td class="n">{max(values)}</td>'
            f'<td class="n">{values[-1]}</td></tr>'
        )
    return (
        f'<div class="scroll"><table class="timeline"><caption>Over {len(ok)} ok snapshots, '
        f"{ok[0].captured_at:%Y-%m-%d} to {ok[-1].captured_at:%Y-%m-%d}; every snapshot's "
        'counts are on the <a href="snapshots/index.html">snapshots</a> page</caption><thead><tr>'
        '<th scope="col">series</th><th scope="col">first</th><th scope="col">lowest</th>'
        '<th scope="col">highest</th><th scope="col">latest</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _svg(name: str, title: str, desc: str, height: int, parts: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" aria-labelledby="{name}-title {name}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{name}-title">{_e(title)}</title><desc id="{name}-desc">{_e(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )

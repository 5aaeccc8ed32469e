"""Charts a reader can paste into a report: PNG or SVG, drawn off-screen.

matplotlib is imported inside the drawing functions (it takes a second to load), with the
Agg backend so that no display is needed. Two charts: the composition of each tier by a
category (the CSET brief's Figure 1, members by type per tier) and a generic time series
(`tracker timeline --plot`: members per tier over time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.errors import ConfigError
from tracker.core.models import TIER_NAMES_EN, Snapshot
from tracker.core.stats import Stats, StatsRow, sum_rows
from tracker.core.timeline import timeline_series

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
# Dates and software versions in the file would make every run's bytes differ.
_LABEL_MIN_SHARE = 6.0
# More colours than this cannot be told apart; the smallest categories are drawn as one.
_MAX_CATEGORIES = 10
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def plot_format(path: Path) -> str:
    """The image format a path asks for, or ConfigError naming the path.

    Commands call it before printing anything, so a bad path fails before any output.
    """
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ConfigError(f"{path}: cannot draw a .{suffix or '(none)'} file; use .png or .svg")
    if not path.parent.is_dir():
        raise ConfigError(f"{path}: no such folder {path.parent}")
    return suffix


def plot_snapshot(stats: Stats, snapshot: Snapshot, path: Path) -> None:
    """`tracker stats --plot`: one snapshot's composition, titled with where it comes from."""
    title = (
        f"AIIA members by tier and {stats.by}, {snapshot.captured_at:%Y-%m-%d} "
        f"(snapshot {snapshot.id}, {snapshot.origin})"
    )
    plot_composition(stats, path, title=title)


def plot_timeline(snapshots: Sequence[Snapshot], path: Path) -> None:
    """`tracker timeline --plot`: listings per tier over the snapshots."""
    title = (
        f"AIIA listings per tier, {snapshots[0].captured_at:%Y-%m-%d} to "
        f"{snapshots[-1].captured_at:%Y-%m-%d} ({len(snapshots)} snapshots)"
    )
    plot_series(timeline_series(snapshots), path, title=title, ylabel="listings")


def plot_composition(stats: Stats, path: Path, *, title: str) -> None:
    """One 100% bar per tier, split by category: the share of the tier's distinct members."""
    fmt = plot_format(path)
    if not stats.tiers:
        # An empty chart (and matplotlib's warning about its legend) would say nothing.
        raise ConfigError(f"{path}: nothing to draw: the snapshot lists no members")
    figure = _figure(width=9, height=1.4 + 0.6 * len(stats.tiers))
    axes = figure.subplots()
    sizes = [max(stats.total.tiers[tier].members, 1) for tier in stats.tiers]
    labels = [
        f"{TIER_NAMES_EN.get(tier, tier)} ({stats.total.tiers[tier].members})"
        for tier in stats.tiers
    ]
    left = [0.0] * len(stats.tiers)
    for row in _legible(stats):
        counts = [row.tiers[tier].members for tier in stats.tiers]
        shares = [100 * n / size for n, size in zip(counts, sizes, strict=True)]
        bars = axes.barh(labels, shares, left=left, label=f"{row.value} ({row.members})")
        # Numbers only where they fit: a sliver's count would overprint its neighbours'.
        texts = [
            str(n) if share >= _LABEL_MIN_SHARE else ""
            for n, share in zip(counts, shares, strict=True)
        ]
        axes.bar_label(bars, labels=texts, label_type="center")
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.set_xlabel("% of the tier's members (distinct organisations, by highest tier listed)")
    axes.set_title(title)
    axes.legend(title=stats.by, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    _save(figure, path, fmt)


def _legible(stats: Stats) -> list[StatsRow]:
    if len(stats.rows) <= _MAX_CATEGORIES:
        return stats.rows
    kept, rest = stats.rows[: _MAX_CATEGORIES - 1], stats.rows[_MAX_CATEGORIES - 1 :]
    return [*kept, sum_rows(rest, stats.tiers, f"{len(rest)} others")]


def plot_series(
    series: Mapping[str, Sequence[tuple[datetime, int]]],
    path: Path,
    *,
    title: str,
    ylabel: str,
) -> None:
    """One stepped line per named series of (time, count) points, e.g. members per tier."""
    from matplotlib.dates import date2num

    fmt = plot_format(path)
    figure = _figure(width=9, height=4.5)
    axes = figure.subplots()
    axes.xaxis_date()
    for name, points in series.items():
        times = date2num([moment for moment, _ in points])
        counts = [count for _, count in points]
        axes.step(times, counts, where="post", marker="o", markersize=3, label=name)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)
    figure.autofmt_xdate()
    _save(figure, path, fmt)


def _figure(*, width: float, height: float) -> Figure:
    # The object-oriented API with no pyplot: no global state, no GUI backend, no leaks.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(figure: Figure, path: Path, fmt: str) -> None:
    try:
        figure.savefig(path, format=fmt, dpi=150, metadata=_METADATA[fmt])
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None

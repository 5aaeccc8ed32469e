"""Charts a reader can paste into a report: PNG or SVG, drawn off-screen.

matplotlib is imported inside the drawing functions (it takes a second to load), with no
pyplot and no change to its global settings: every chart is drawn inside one
`rc_context`. Three charts: the composition of each tier by a category (the CSET brief's
Figure 1, members by type per tier), a time series (`tracker timeline --plot`: listings
per tier and distinct members over time, with quarantined captures marked), and the
composition over time (`tracker stats --over-time --plot`: each category's share, stacked,
with how much of it is inferred).

Every chart is titled with its source's configured name (never a fixed "AIIA": a demo's
chart must not pass for the alliance's) and carries a source line (the page, the snapshots,
the tool, and CSET's credit when its annotations are drawn), keeps its legend outside the data, and writes SVG text
as text, so that a designer can edit it and a browser renders Chinese names with its own
fonts.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import __version__
from tracker.core.annotations import Annotation
from tracker.core.composition import EVERY_TEXT, Composition, percent, rows_of
from tracker.core.credit import CSET_CREDIT, credit_for
from tracker.core.errors import ConfigError
from tracker.core.models import Listing, Snapshot, tier_name
from tracker.core.stamps import utc_text
from tracker.core.stats import NOT_GIVEN, UNANNOTATED, Stats, StatsRow, sum_rows
from tracker.core.timeline import MEMBERS_SERIES, timeline_series

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("png", "svg")
# Dates and software versions in the file would make every run's bytes differ.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
_LABEL_MIN_SHARE = 6.0
# More colours than this cannot be told apart; the smallest categories are drawn as one.
_MAX_CATEGORIES = 10
# More points than this are drawn as areas over time, not as bars one could label.
_MAX_BARS = 24
# Chinese names must not be boxes. DejaVu Sans (shipped with matplotlib) draws Latin text
# and punctuation (a CJK font's quotes are full-width); each glyph it lacks comes from the
# first of these installed. In an SVG the list is the text's CSS font-family, so the
# viewer's machine falls back the same way to whichever it has.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
)
_LATIN_FAMILY = "DejaVu Sans"
# Files of those families, for fonts installed after matplotlib built its font cache.
_CJK_FILES = re.compile(r"NotoSansCJK|SourceHanSans|wqy-zenhei|msyh|PingFang", re.IGNORECASE)
_MISSING_GLYPH = re.compile(r"Glyph \d+ .* missing from font")
# Element ids in the SVG, so that a designer (and a test) can find these marks.
QUARANTINED_GID = "quarantined-captures"
SOURCE_GID = "source-line"
TIMELINE_YLABEL = "listings (per tier) / members (distinct)"


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


def plot_snapshot(
    stats: Stats,
    snapshot: Snapshot,
    path: Path,
    *,
    url: str,
    name: str,
    listings: Sequence[Listing],
    notes: Mapping[str, Annotation],
    inferred: int = 0,
) -> list[str]:
    """`tracker stats --plot`: one snapshot's composition, titled and sourced; `inferred`:
    how many members are drawn by a value guessed from their name, said under the chart.

    Returns notes for the reader (a PNG whose Chinese text no installed font could draw).
    """
    if not stats.tiers:
        # An empty chart (and matplotlib's warning about its legend) would say nothing.
        raise ConfigError(f"{path}: nothing to draw: the snapshot lists no members")
    title = (
        f"{name}\nMembers by tier and {stats.by}, {snapshot.captured_at:%Y-%m-%d} "
        f"(snapshot {snapshot.id}, {snapshot.origin})"
    )
    cset = credit_for(o for note in notes.values() for o in note.origins()) is not None
    source = source_line(
        url,
        f"snapshot {snapshot.id} ({snapshot.origin}) captured {utc_text(snapshot.captured_at)}",
        credit=cset,
    )
    if inferred:
        guessed = f"{inferred} of {stats.total.members} members' {stats.by} inferred from names"
        source = f"{guessed}, not annotated.\n{source}"
    labels = labels_as_written(listings)
    return draw(path, lambda: composition_figure(stats, title=title, source=source, labels=labels))


def plot_timeline(
    snapshots: Sequence[Snapshot],
    quarantined: Sequence[datetime],
    path: Path,
    *,
    url: str,
    name: str,
) -> list[str]:
    """`tracker timeline --plot`: listings per tier and members over the ok snapshots, with
    the quarantined captures marked (never counted)."""
    first, last = snapshots[0].captured_at, snapshots[-1].captured_at
    span = (
        f"{first:%Y-%m-%d}"
        if first.date() == last.date()
        else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    )
    counted = plural(len(snapshots), "snapshot")
    title = f"{name}\nListings per tier and members, {span} ({counted})"
    times = utc_text(first) if first == last else f"{utc_text(first)} to {utc_text(last)}"
    read = f"{plural(len(snapshots), 'ok snapshot')} captured {times}"
    if quarantined:
        read += f"; {plural(len(quarantined), 'quarantined capture')} marked, not counted"
    source = source_line(url, read, credit=False)
    series = timeline_series(snapshots)
    return draw(
        path,
        lambda: series_figure(
            series,
            title=title,
            ylabel=TIMELINE_YLABEL,
            source=source,
            marks=quarantined,
            apart=[MEMBERS_SERIES],
        ),
    )


def plot_over_time(
    found: Composition, path: Path, *, url: str, name: str, credit: bool
) -> list[str]:
    """`tracker stats --over-time --plot`: each value's share of the members at each point,
    stacked to 100%, with how many of the values drawn are inferred and the source line."""
    first, last = found.points[0], found.points[-1]
    title = (
        f"{name}\nMembers by {found.by}, % of all members, "
        f"{first.captured_at:%Y-%m-%d} to {last.captured_at:%Y-%m-%d}"
    )
    read = f"snapshots {first.snapshot_id} to {last.snapshot_id} "
    read += f"({plural(len(found.points), 'point')}: {EVERY_TEXT[found.every]}) captured "
    read += f"{utc_text(first.captured_at)} to {utc_text(last.captured_at)}"
    source = f"{inferred_note(found)}\n{source_line(url, read, credit=credit)}"
    return draw(path, lambda: shares_figure(found, title=title, source=source))


def inferred_note(found: Composition) -> str:
    """How much of the chart is guessed from names: at the first and last point, and at
    most."""
    if found.by == "tier":
        return "Tiers as the page lists them: no value inferred."
    shares = [
        (percent(each.inferred_members, each.stats.total.members) or 0.0, each.captured_at)
        for each in found.points
    ]
    (first, since), (last, until), (most, when) = shares[0], shares[-1], max(shares)
    text = f"Values of {found.by} inferred from names, not annotated: {first:.1f}% of members "
    text += f"on {since:%Y-%m-%d}, {last:.1f}% on {until:%Y-%m-%d}"
    return text + (f" (at most {most:.1f}%, on {when:%Y-%m-%d})." if most > last else ".")


def shares_figure(found: Composition, *, title: str, source: str) -> Figure:
    """Stacked 100% bars, one per point (few points), or stacked areas over time (many)."""
    figure = _figure(width=9, height=4.8, source=source)
    axes = figure.subplots()
    series = _share_series(found)
    labels = [f"{value} ({count})" for value, count, _ in series]
    if len(found.points) <= _MAX_BARS:
        names = [f"{p.label}\n{p.captured_at:%Y-%m-%d}" for p in found.points]
        bottom = [0.0] * len(names)
        for label, (_, _, shares) in zip(labels, series, strict=True):
            bars = axes.bar(names, shares, bottom=bottom, label=label, width=0.7)
            texts = [f"{s:.0f}%" if s >= _LABEL_MIN_SHARE else "" for s in shares]
            axes.bar_label(bars, labels=texts, label_type="center", fontsize=7)
            bottom = [a + b for a, b in zip(bottom, shares, strict=True)]
    else:
        from matplotlib.dates import date2num

        times = date2num([p.captured_at for p in found.points])
        axes.stackplot(times, *[s for _, _, s in series], labels=labels, step="post")
        axes.xaxis_date()
        figure.autofmt_xdate()
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of members (distinct organisations)")
    axes.set_title(title)
    _legend_outside(axes, title=f"{found.by} (members, latest)")
    return figure


def _share_series(found: Composition) -> list[tuple[str, int, list[float]]]:
    """(value, members at the latest point, % at each point), largest first; beyond the
    colours that can be told apart, the smallest named values drawn as one."""
    named = [v for v in found.values if v not in (NOT_GIVEN, UNANNOTATED)]
    rest = [v for v in found.values if v in (NOT_GIVEN, UNANNOTATED)]
    if len(named) + len(rest) > _MAX_CATEGORIES:
        keep = _MAX_CATEGORIES - 1 - len(rest)
        groups = [[v] for v in named[:keep]] + [named[keep:]] + [[v] for v in rest]
    else:
        groups = [[v] for v in [*named, *rest]]
    tables = [rows_of(each) for each in found.points]
    series = []
    for group in groups:
        label = group[0] if len(group) == 1 else f"{len(group)} others"
        counts = [sum(t[v].members for v in group if v in t) for t in tables]
        shares = [
            percent(n, each.stats.total.members) or 0.0
            for n, each in zip(counts, found.points, strict=True)
        ]
        series.append((label, counts[-1], shares))
    return series


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def source_line(url: str, read: str, *, credit: bool) -> str:
    """Where a chart's numbers come from, on lines short enough to fit under it."""
    lines = [f"Source: {url}", f"{read}; made with aiia-tracker {__version__}"]
    return "\n".join([*lines, CSET_CREDIT] if credit else lines)


def labels_as_written(listings: Sequence[Listing]) -> dict[str, str]:
    """Each tier's headings as the page writes them, in page order."""
    found: dict[str, dict[str, None]] = {}
    for listing in listings:
        found.setdefault(listing.tier, {})[listing.tier_label] = None
    return {tier: " / ".join(labels) for tier, labels in found.items()}


def draw(path: Path, build: Callable[[], Figure]) -> list[str]:
    """Build a figure and write it in the format the path asks for; notes for the reader."""
    fmt = plot_format(path)
    with chart_style():
        return _save(build(), path, fmt)


@contextmanager
def chart_style() -> Iterator[None]:
    """Editable SVG text and a CJK-capable font, for this chart only."""
    import matplotlib

    _register_cjk_fonts()
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            # A generic family resolves to the first installed font of its list, silently;
            # a missing family named in font.family would log a warning per chart.
            "font.family": [_LATIN_FAMILY, "sans-serif"],
            "font.sans-serif": [*CJK_FAMILIES, _LATIN_FAMILY],
        }
    ):
        yield


@cache
def _register_cjk_fonts() -> None:
    """Make known a CJK font installed after matplotlib cached its list of fonts (it never
    looks again by itself); a scan of the font folders, once, only when none is known."""
    from matplotlib import font_manager

    if {font.name for font in font_manager.fontManager.ttflist} & set(CJK_FAMILIES):
        return
    for found in font_manager.findSystemFonts():
        if _CJK_FILES.search(Path(found).name):
            # A damaged font file leaves the chart to the fallback font, not to a traceback.
            with suppress(OSError, RuntimeError, ValueError):
                font_manager.fontManager.addfont(found)


def composition_figure(
    stats: Stats, *, title: str, source: str, labels: Mapping[str, str] | None = None
) -> Figure:
    """One 100% bar per tier (at least one), split by category: the share of the tier's
    distinct members. `labels`: each tier's heading as written, shown beside its English name.
    """
    figure = _figure(width=9, height=1.4 + 0.6 * len(stats.tiers), source=source)
    axes = figure.subplots()
    sizes = [max(stats.total.tiers[tier].members, 1) for tier in stats.tiers]
    names = [
        " ".join(filter(None, [tier_name(tier), (labels or {}).get(tier)]))
        + f" ({stats.total.tiers[tier].members})"
        for tier in stats.tiers
    ]
    left = [0.0] * len(stats.tiers)
    for row in _legible(stats):
        counts = [row.tiers[tier].members for tier in stats.tiers]
        shares = [100 * n / size for n, size in zip(counts, sizes, strict=True)]
        bars = axes.barh(names, shares, left=left, label=f"{row.value} ({row.members})")
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
    _legend_outside(axes, title=stats.by)
    return figure


def _legible(stats: Stats) -> list[StatsRow]:
    if len(stats.rows) <= _MAX_CATEGORIES:
        return stats.rows
    kept, rest = stats.rows[: _MAX_CATEGORIES - 1], stats.rows[_MAX_CATEGORIES - 1 :]
    return [*kept, sum_rows(rest, stats.tiers, f"{len(rest)} others")]


def series_figure(
    series: Mapping[str, Sequence[tuple[datetime, int]]],
    *,
    title: str,
    ylabel: str,
    source: str,
    marks: Sequence[datetime] = (),
    apart: Collection[str] = (),
) -> Figure:
    """One stepped line per named series of (time, count) points, from zero up.

    `marks`: times of quarantined captures, drawn as dotted lines. `apart`: series that
    count something else than the rest, drawn dashed in black.
    """
    from matplotlib.dates import date2num

    figure = _figure(width=9, height=4.5, source=source)
    axes = figure.subplots()
    axes.xaxis_date()
    for name, points in series.items():
        times = date2num([moment for moment, _ in points])
        counts = [count for _, count in points]
        other = name in apart
        axes.step(
            times,
            counts,
            where="post",
            marker="o",
            markersize=3,
            label=name,
            color="black" if other else None,
            linestyle="--" if other else None,
        )
    if marks:
        axes.vlines(
            date2num(list(marks)),
            0,
            1,
            transform=axes.get_xaxis_transform(),
            colors="0.4",
            linestyles="dotted",
            label="quarantined capture (not counted)",
            gid=QUARANTINED_GID,
        )
    axes.set_ylim(bottom=0)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    _legend_outside(axes)
    figure.autofmt_xdate()
    return figure


def _legend_outside(axes: Axes, *, title: str | None = None) -> None:
    # Right of the axes, so that no line or bar is ever hidden behind a legend entry.
    axes.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


def _figure(*, width: float, height: float, source: str) -> Figure:
    # The object-oriented API with no pyplot: no global state, no GUI backend, no leaks.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    # Under the chart, left-aligned; constrained layout keeps room for it.
    figure.supxlabel(
        source, x=0.01, ha="left", fontsize=7, color="0.3", linespacing=1.4, gid=SOURCE_GID
    )
    return figure


def _save(figure: Figure, path: Path, fmt: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            figure.savefig(path, format=fmt, dpi=150, metadata=_METADATA[fmt], bbox_inches="tight")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None
    missing = [w for w in caught if _MISSING_GLYPH.search(str(w.message))]
    for other in caught:
        if other not in missing:
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    # An SVG's text is drawn by its viewer's fonts; a PNG's boxes are final.
    if missing and fmt == "png":
        return [
            f"{path}: no installed font draws some of its characters (Chinese names?), "
            "so they show as boxes; install one (Debian: fonts-noto-cjk) or draw a .svg"
        ]
    return []

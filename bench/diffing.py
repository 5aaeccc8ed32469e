"""Diff: two large snapshots with 5% churn, and how rename matching grows with churn."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench import synth
from bench.measure import Figure, median_seconds
from tracker.core.diff import diff
from tracker.core.renames import match_renames

DIFF_LIMIT_SECONDS = 1.0
DIFF_LIMIT_MEMBERS = 60_000


def measure(sizes: Sequence[int], churns: Sequence[float], repeat: int) -> list[Figure]:
    figures = [_diff_figure(size, repeat) for size in sizes]
    return figures + _rename_growth(sizes[-1], churns, repeat)


def _diff_figure(size: int, repeat: int) -> Figure:
    maker = synth.NameMaker(seed=size)
    old_tiers = synth.tiered(maker.names(size))
    new_tiers, planted = synth.churned(old_tiers, maker, share=0.05)
    old, new = synth.listings(old_tiers), synth.listings(new_tiers)
    result = diff(old, new)
    seconds = median_seconds(diff, old, new, repeat=repeat)
    limited = size >= DIFF_LIMIT_MEMBERS
    return Figure(
        group="diff",
        name=f"diff {size:,} vs {size:,} members, 5% churn",
        value=seconds * 1000,
        unit="ms",
        detail=(
            f"planted {planted.departed}-/{planted.joined}+/{planted.renamed} renames; found "
            f"{len(result.departed)}-/{len(result.joined)}+/{len(result.renamed)} renames/"
            f"{len(result.tier_changed)} moves"
        ),
        target="< 1 s" if limited else "",
        met=seconds < DIFF_LIMIT_SECONDS if limited else None,
    )


def _rename_growth(size: int, churns: Sequence[float], repeat: int) -> list[Figure]:
    """match_renames alone over the departed and joined keys of ever larger churns."""
    points: list[tuple[int, float]] = []
    figures = []
    for share in churns:
        gone, came = _churned_keys(size, share)
        seconds = median_seconds(match_renames, gone, came, repeat=repeat)
        points.append((len(gone) + len(came), seconds))
        figures.append(
            Figure(
                group="diff",
                name=f"  rename matching, {share:.0%} churn of {size:,}",
                value=seconds * 1000,
                unit="ms",
                detail=f"{len(gone):,} departed × {len(came):,} joined",
            )
        )
    figures.append(_exponent(points))
    return figures


def _churned_keys(size: int, share: float) -> tuple[list[str], list[str]]:
    maker = synth.NameMaker(seed=size)
    old_tiers = synth.tiered(maker.names(size))
    new_tiers, _ = synth.churned(old_tiers, maker, share=share)
    old = {x.key for x in synth.listings(old_tiers)}
    new = {x.key for x in synth.listings(new_tiers)}
    return sorted(old - new), sorted(new - old)


def _exponent(points: Sequence[tuple[int, float]]) -> Figure:
    """Slope of log(time) over log(changed members): 1 is linear, 2 is all-pairs."""
    (n0, t0), (n1, t1) = points[0], points[-1]
    slope = math.log(t1 / t0) / math.log(n1 / n0)
    return Figure(
        group="diff",
        name="  rename matching growth exponent",
        value=slope,
        unit="",
        detail=f"time ∝ (joins+departures)^k, {n0:,} → {n1:,}",
    )

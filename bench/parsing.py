"""Parse: our parse against BeautifulSoup+lxml tree building and lexbor's own tree.

Each size is timed pair by pair in one process: a round calls our parse, the per-line
rules alone (the fast paths off, as where they decline), lexbor's tree build and
BeautifulSoup's, one after the other, and each figure is the median over the rounds, so
the machine's load moves all of them alike and their ratios hold.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from selectolax.lexbor import LexborHTMLParser

from bench import synth
from bench.measure import MIN_SAMPLE_SECONDS, Figure
from tracker.core.parse import parse_page, read_pages

INSTALL_HINT = "pip install -e '.[bench]'"


def beautifulsoup() -> Callable[[str], object] | None:
    """BeautifulSoup with lxml, or None when the [bench] extra is not installed."""
    try:
        import lxml  # noqa: F401
        from bs4 import BeautifulSoup
    except ImportError:
        return None
    return lambda page: BeautifulSoup(page, "lxml")


def measure(sizes: Sequence[int], repeat: int) -> tuple[list[Figure], list[str]]:
    """Figures per page size, and notes (a skipped comparison) for the reader."""
    soup = beautifulsoup()
    notes = []
    if soup is None:
        notes.append(
            f"BeautifulSoup comparison skipped: bs4 and lxml are not installed ({INSTALL_HINT})"
        )
    figures: list[Figure] = []
    ours_per_member: list[float] = []
    for size in sizes:
        page = _checked_page(size)
        contenders: dict[str, Callable[[str], object]] = {
            "ours": parse_page,
            "rules": _per_line_rules,
            "lexbor": LexborHTMLParser,
        }
        if soup is not None:
            contenders["soup"] = soup
        seconds = paired_medians(contenders, page, repeat=repeat)
        ours_per_member.append(seconds["ours"] / size)
        figures += _size_figures(size, len(page.encode()), seconds)
    figures.append(_growth(sizes, ours_per_member))
    return figures, notes


def paired_medians(
    funcs: dict[str, Callable[[str], object]], arg: str, *, repeat: int
) -> dict[str, float]:
    """Median seconds per call of each function, timed in rounds that call each in turn
    (each a loop for fast calls, as `median_seconds` does)."""
    loops = {}
    for name, func in funcs.items():
        started = time.perf_counter()
        func(arg)
        first = time.perf_counter() - started
        loops[name] = max(1, min(1000, int(MIN_SAMPLE_SECONDS / max(first, 1e-9))))
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            started = time.perf_counter()
            for _ in range(loops[name]):
                func(arg)
            samples[name].append((time.perf_counter() - started) / loops[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def _per_line_rules(page: str) -> object:
    return read_pages([page], fast=False).result


def _checked_page(size: int) -> str:
    """The synthetic page of `size` members, once checked: both paths read every name."""
    tiers = synth.page_of(size)
    page = synth.member_page(tiers)
    expected = len(synth.listings(tiers))
    fast, full = parse_page(page), _per_line_rules(page)
    found = len(fast.listings)
    if found != expected:
        raise AssertionError(f"parse of the {size}-member page found {found} of {expected}")
    if fast != full:
        raise AssertionError(f"the fast paths read the {size}-member page otherwise")
    return page


def _size_figures(size: int, page_bytes: int, seconds: dict[str, float]) -> list[Figure]:
    label = f"{size:,} members"
    ours, rules, lexbor = seconds["ours"], seconds["rules"], seconds["lexbor"]
    figures = [
        Figure(
            group="parse",
            name=f"parse_page, {label}",
            value=ours * 1000,
            unit="ms",
            detail=f"{page_bytes / 1e6:.2f} MB page, {ours / size * 1e6:.1f} µs/member",
        ),
        Figure(
            group="parse",
            name=f"  per-line rules only (where the fast paths decline), {label}",
            value=rules * 1000,
            unit="ms",
            detail=f"{rules / size * 1e6:.1f} µs/member, {rules / ours:.1f}x ours",
        ),
        Figure(
            group="parse",
            name=f"  lexbor tree only, {label}",
            value=lexbor * 1000,
            unit="ms",
            detail=f"{lexbor / size * 1e6:.2f} µs/member",
        ),
        Figure(
            group="parse",
            name=f"  ours / lexbor tree, {label}",
            value=ours / lexbor,
            unit="x",
            detail="how far from the HTML parser's own cost",
        ),
    ]
    if "soup" in seconds:
        soup = seconds["soup"]
        figures[3:3] = [
            Figure(
                group="parse",
                name=f"  bs4+lxml tree only, {label}",
                value=soup * 1000,
                unit="ms",
                detail=f"{soup / size * 1e6:.1f} µs/member",
            ),
            Figure(
                group="parse",
                name=f"  bs4+lxml / ours, {label}",
                value=soup / ours,
                unit="x",
                detail="how much faster we are",
                target="≥ 10x",
                met=soup / ours >= 10,
            ),
        ]
    return figures


def _growth(sizes: Sequence[int], per_member: Sequence[float]) -> Figure:
    """Linear cost means a flat cost per member from the smallest page to the largest."""
    ratio = per_member[-1] / per_member[0]
    return Figure(
        group="parse",
        name=f"parse cost per member, {sizes[-1]:,} vs {sizes[0]:,}",
        value=ratio,
        unit="x",
        detail="1.0 = linear",
        target="≤ 1.5x (linear)",
        met=ratio <= 1.5,
    )

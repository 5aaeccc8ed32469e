"""Parse: our full parse against BeautifulSoup+lxml tree building and selectolax's own tree."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from selectolax.lexbor import LexborHTMLParser

from bench import synth
from bench.measure import Figure, median_seconds
from tracker.core.parse import parse_page

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
        tiers = synth.page_of(size)
        page = synth.member_page(tiers)
        expected = len(synth.listings(tiers))
        found = len(parse_page(page).listings)
        if found != expected:
            raise AssertionError(f"parse of the {size}-member page found {found} of {expected}")
        ours = median_seconds(parse_page, page, repeat=repeat)
        floor = median_seconds(LexborHTMLParser, page, repeat=repeat)
        ours_per_member.append(ours / size)
        figures += _size_figures(size, len(page.encode()), ours, floor, soup, page, repeat)
    figures.append(_growth(sizes, ours_per_member))
    return figures, notes


def _size_figures(
    size: int,
    page_bytes: int,
    ours: float,
    floor: float,
    soup: Callable[[str], object] | None,
    page: str,
    repeat: int,
) -> list[Figure]:
    label = f"{size:,} members"
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
            name=f"  selectolax tree only, {label}",
            value=floor * 1000,
            unit="ms",
        ),
        Figure(
            group="parse",
            name=f"  ours / selectolax tree, {label}",
            value=ours / floor,
            unit="x",
            target="≤ 2x",
            met=ours / floor <= 2,
        ),
    ]
    if soup is not None:
        soup_seconds = median_seconds(soup, page, repeat=repeat)
        figures[2:2] = [
            Figure(
                group="parse",
                name=f"  bs4+lxml tree only, {label}",
                value=soup_seconds * 1000,
                unit="ms",
            ),
            Figure(
                group="parse",
                name=f"  bs4+lxml / ours, {label}",
                value=soup_seconds / ours,
                unit="x",
                detail="how much faster we are",
                target="≥ 10x",
                met=soup_seconds / ours >= 10,
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

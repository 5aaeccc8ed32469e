"""Parse: our full parse against BeautifulSoup+lxml tree building and selectolax's own tree.

Each comparison times ours and the peer in turn (A, B, A, B...) in this one process, so a
burst of load on the machine slows both sides of a pair alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from bench import synth
from bench.measure import Figure, interleaved
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
        detail = f"{len(page.encode()) / 1e6:.2f} MB page"
        if soup is not None:
            figures.append(_versus(size, page, detail, SOUP, soup, repeat))
        lexbor = _versus(size, page, detail, LEXBOR, LexborHTMLParser, repeat)
        figures.append(lexbor)
        ours_per_member.append(lexbor.value / 1000 / size)
    figures.append(_growth(sizes, ours_per_member))
    return figures, notes


def _checked_page(size: int) -> str:
    """The synthetic page of `size` members, once checked: both paths read every name."""
    tiers = synth.page_of(size)
    page = synth.member_page(tiers)
    expected = len(synth.listings(tiers))
    fast, full = parse_page(page), read_pages([page], fast=False).result
    if len(fast.listings) != expected:
        raise AssertionError(
            f"parse of the {size}-member page found {len(fast.listings)} of {expected}"
        )
    if fast != full:
        raise AssertionError(f"the fast paths read the {size}-member page otherwise")
    return page


@dataclass(frozen=True)
class Peer:
    name: str
    target: str = ""
    # The highest ours / the peer's that meets the target; None: no target, only a distance.
    limit: float | None = None


# Issue 17: our whole parse at least 10x faster than BeautifulSoup+lxml building its tree,
# and how far it stays from building selectolax's lexbor tree alone (the issue sets no target).
SOUP = Peer("BeautifulSoup+lxml tree", "≥ 10x faster", 0.1)
LEXBOR = Peer("lexbor tree")


def _versus(
    size: int, page: str, detail: str, peer: Peer, build: Callable[[str], object], repeat: int
) -> Figure:
    pair = interleaved(lambda: parse_page(page), lambda: build(page), repeat=repeat)
    return Figure(
        group="parse",
        name=f"parse_page, {size:,} members",
        value=pair.ours * 1000,
        unit="ms",
        detail=f"{detail}, {pair.ours / size * 1e6:.1f} µs/member",
        target=peer.target,
        met=None if peer.limit is None else pair.ratio <= peer.limit,
        peer=peer.name,
        peer_value=pair.peer * 1000,
        ratio=pair.ratio,
    )


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

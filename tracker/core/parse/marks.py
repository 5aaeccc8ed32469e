"""What the structural passes decided about a page's elements, as the walk (``walk.py``)
acts on it: chrome and strips end the content, titles are heading markup, renderings and
cells of no name are skipped, tab panels open a tier, tier tables arrive as members."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from tracker.core.parse.items import Run
from tracker.core.parse.strips import Strips
from tracker.core.parse.tables import Tables

# No simple list (where none begins, or before the first): never changed.
NO_RUN: Run = ([], [], "")
# What the walk does at a marked element: the first four read nothing inside it.
SKIP, CHROME, CRUMB, TABLE, TITLE, PANEL = range(1, 7)


@dataclass
class Marks:
    """What the structural passes decided, by element id; ``runs``: what the walk did."""

    chrome: dict[int, tuple[LexborNode, str]]
    strips: Strips
    tables: Tables
    titles: dict[int, LexborNode]
    # English renderings of the names beside them: skipped.
    renderings: dict[int, LexborNode] = field(default_factory=dict)
    # Simple lists' lines: the index of the first → the nodes and texts of all (see
    # `walk.read_lines` and `items.Run`).
    runs: dict[int, Run] = field(default_factory=dict)


def actions(marks: Marks) -> dict[int, int]:
    """What the walk does at each marked element, by id."""
    found = dict.fromkeys(marks.titles, TITLE)
    found |= dict.fromkeys(marks.renderings, SKIP)
    found |= dict.fromkeys(marks.tables.unread, SKIP)
    kinds = {"breadcrumb": CRUMB, "control": SKIP, "chrome": CHROME}
    for chrome_id, (_, kind) in marks.chrome.items():
        found[chrome_id] = kinds[kind]
    for strip_id, (_, role) in marks.strips.strips.items():
        found[strip_id] = SKIP if role == "tabs" else CHROME
    found |= dict.fromkeys(marks.strips.panels, PANEL)
    found |= dict.fromkeys(marks.tables.tiered, TABLE)
    return found


def holding(marks: Marks) -> set[int]:
    """The elements holding a marked one that could be a simple list's item (li, p, dd):
    chrome, a title, a rendering. (tables.py marks cells and tables only; strips and
    panels turn the read in one step off.) The walk asks it once a list, not once an item.
    """
    marked = [node for node, _ in marks.chrome.values()]
    marked += [*marks.titles.values(), *marks.renderings.values()]
    return {parent.mem_id for node in marked if (parent := node.parent) is not None}

"""A tier as the reader reads it (see `sections.py`), and the lines and names it did not
read as members."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from tracker.core.parse.markup import css_path
from tracker.core.parse.names import Name
from tracker.core.parse.text import Heading
from tracker.core.parse.walk import Line


@dataclass(slots=True)
class Rejected:
    """A line or name that was not read as a member, and why."""

    text: str
    reason: str
    node: LexborNode | None

    def where(self) -> str:
        return css_path(self.node)


@dataclass
class Section:
    """One heading and the names after it, until something ends it."""

    heading: Heading
    line: Line
    names: list[Name] = field(default_factory=list)
    kept: list[Name] = field(default_factory=list)
    # The shapes of the names so far.
    shapes: set[int] = field(default_factory=set)
    # A tier table's rows: their tier is given, so no run is judged.
    tabled: bool = False
    # Whether the next tier began right after this heading: an unknown label heading
    # nothing but tiers ("联盟成员单位", "第一届理事会成员名单") is their title.
    titles_tiers: bool = False
    # A tier going on from the page before, without its heading (CMS pagination): only
    # lines shaped like its names there are names, until its first name.
    continues: frozenset[int] | None = None
    # The index of the line that gave the last name, and every flag its names carry.
    last_line: int = -1
    flags: int = 0
    # Whether a date alone followed the last name, as a notice's sign-off does.
    signed: bool = False
    # Whether the heading that came right after this one was of a deeper level: this one
    # is then a page's title over its tiers ("<h1>会员单位</h1><h3>副理事长单位</h3>").
    over_deeper: bool = False

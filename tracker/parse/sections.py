"""Lines into tiers: where a tier begins, where it ends, and which of its lines are names.

- **A tier begins** at a line shaped like a tier heading (``一、副理事长单位``,
  ``理事单位（189家）``), at a tab panel whose label is one, or at a tier table's row.
- **A tier ends** at any heading, not only the next tier's: site chrome or navigation, a
  line of furniture (breadcrumb, copyright, ``主办单位：``), a closing word (``友情链接``,
  ``联系我们``, ``会员登录`` …), heading markup (h1–h6, ``dt``, ``th``, a title block; a
  deeper ``h`` level is a subgroup and goes on), or, once names have been read, a short bold
  or colon-ended line standing alone. A heading line shaped like the names around it is
  one of them (a card whose name is its title).
- **A tier is a run**: its names share one shape. A line outside the run that does not look
  like an organisation is dropped; one that does is kept, as is any line in the run,
  brand-only names included.
- A label heading no names, where the same label heads names elsewhere (a menu entry, a
  tab and its panel), is passed over; otherwise it is a problem the guard quarantines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from tracker.models import OTHER_TIER
from tracker.parse.collect import Collector
from tracker.parse.markup import css_path
from tracker.parse.text import (
    COUNT_LINE,
    HEADING_HINT,
    MAX_CLOSER_WORD,
    MAX_HEADING,
    Heading,
    furniture,
    heading,
    inline_heading,
    is_closer,
    is_order_note,
    looks_like_org,
    not_a_name,
    split_names,
    without_person,
)
from tracker.parse.walk import (
    ALL_EMPHASISED,
    EMPHASISED,
    END,
    HEADED,
    LOGO,
    MEMBER,
    OPEN,
    SOFT,
    TEXT,
    Line,
)

# Lead-ins that announce more members rather than a new block: "以下为2024年新入会单位：".
_MEMBER_LEAD = re.compile(r"单位|会员|成员|企业|名单|排名")
# Every tier heading and every line of furniture holds one of these characters (see
# text.HEADING_HINT and text.furniture).
_SPECIAL = re.compile("[位员版©IoO:：>安]")
# "您的位置：首页>会员组织>会长单位", under the page's title: it ends no tier not yet begun.
_BREADCRUMB = re.compile(r"(?:您的|你的|当前|所在)?位置\s*[:：>]")
# Longer lines are sentences or names, never a heading that ends a tier.
_MAX_CLOSER = 30
_MAX_BOLD_CLOSER = 16
# Lines looked at past a lone heading-like line, for the next text line.
_LOOKAHEAD = 4
# As in walk.py: one name per member, so the tuple is built directly.
_new_name = tuple.__new__
# A run is judged only among this many names or more.
_MIN_RUN = 3


class Name(NamedTuple):
    text: str
    logo: bool
    shape: int
    node: LexborNode | None


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


@dataclass
class Reader:
    """Reads lines into sections and the sections into a Collector."""

    out: Collector = field(default_factory=Collector)
    sections: list[Section] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    current: Section | None = None
    # Text lines read outside any tier (page furniture, news, prose): counted, not listed.
    outside: int = 0

    def read(self, lines: Sequence[Line]) -> None:
        for index, line in enumerate(lines):
            kind = line.kind
            if kind == TEXT:
                self._text(line, lines, index)
            elif kind == LOGO:
                if self.current is not None:
                    self._add(line.text, line, logo=True)
            elif kind == END:
                if not self._begun(soft=bool(line.flags & SOFT)):
                    continue
                self._close()
            elif kind == OPEN and line.heading is not None:
                self._open(line.heading, line)
            elif kind == MEMBER and line.heading is not None:
                self._member(line)

    def next_page(self) -> None:
        """The next page of the list: the last tier read goes on until a heading says not."""
        self._close()
        self.out.new_page()
        last = next((section for section in reversed(self.sections) if section.kept), None)
        if last is not None:
            shapes = frozenset(name.shape for name in last.kept)
            self.current = Section(last.heading, last.line, continues=shapes)

    def finish(self) -> None:
        """Close the last section; report labels that headed nothing anywhere."""
        self._close()
        named = {section.heading.section for section in self.sections if section.kept}
        for section in self.sections:
            if section.kept or section.heading.section in named:
                continue
            if section.titles_tiers and section.heading.tier == OTHER_TIER:
                continue
            self.out.problems.append(
                f"{section.line.text}: heading at {css_path(section.line.node)}, 0 names read"
            )

    # --- Lines --------------------------------------------------------------------------

    def _text(self, line: Line, lines: Sequence[Line], index: int) -> None:
        text = line.text
        # One search tells most lines (plain names) from headings and furniture.
        if _SPECIAL.search(text) is not None:
            if HEADING_HINT.search(text, 0, MAX_HEADING):
                found = heading(text, evidence=bool(line.flags & EMPHASISED))
                if found is not None:
                    self._open(found, line)
                    return
                inline = inline_heading(text)
                if inline is not None:
                    self._open(inline[0], line)
                    text = inline[1]
            if furniture(text):
                if self._begun(soft=_BREADCRUMB.match(text) is not None):
                    self._close()
                self.rejected.append(Rejected(text, "furniture", line.node))
                return
        current = self.current
        if current is None or (
            current.continues is not None
            and not current.names
            and line.shape not in current.continues
        ):
            self.outside += 1
            return
        short = len(text) <= MAX_CLOSER_WORD
        if (short or line.shape not in current.shapes) and self._ends(
            current, line, text, lines, index
        ):
            self._close()
            self.rejected.append(Rejected(text, f"ends {current.heading.label}", line.node))
            return
        self._names(current, line, text)

    def _ends(
        self, current: Section, line: Line, text: str, lines: Sequence[Line], index: int
    ) -> bool:
        """Whether a line heads something else, so the tier before it is over."""
        if len(text) <= MAX_CLOSER_WORD and is_closer(text):
            return True
        # Most lines are names in the run so far, or plain text: no heading either way.
        if line.shape in current.shapes or len(text) > _MAX_CLOSER:
            return False
        lone = line.flags & (HEADED | ALL_EMPHASISED) or text.endswith((":", "："))
        if not lone or looks_like_org(text) or not_a_name(text.rstrip(":：")) is not None:
            return False
        if is_order_note(text) or _runs_on(line, lines, index):
            return False
        if line.flags & HEADED:
            # An h4 under an h3 tier heading is a subgroup ("北京"), not the tier's end.
            level, tier_level = line.level, current.line.level
            return not (level <= 6 and tier_level and level > tier_level)
        return bool(current.names and len(text) <= _MAX_BOLD_CLOSER) and not (
            _MEMBER_LEAD.search(text)
        )

    def _names(self, current: Section, line: Line, text: str) -> None:
        count = COUNT_LINE.fullmatch(text) if "共" in text or "计" in text else None
        if count is not None:
            self.out.declare_once(current.heading, int(count[1]))
            return
        if line.aside:
            self.rejected.append(Rejected(line.aside, "beside the link that names", line.node))
        names, shape, node = current.names, line.shape, line.node
        for piece, problem in split_names(text):
            if problem is not None:
                self.rejected.append(Rejected(piece, problem, node))
                continue
            name, person = without_person(piece)
            if person is not None:
                self.rejected.append(Rejected(person, "a person, not a member", node))
            names.append(_new_name(Name, (name, False, shape, node)))
        current.shapes.add(shape)

    def _member(self, line: Line) -> None:
        assert line.heading is not None
        current = self.current
        if current is None or not current.tabled or current.heading != line.heading:
            self._open(line.heading, line)
            assert self.current is not None
            self.current.tabled = True
        self._add(line.text, line, logo=False)

    # --- Sections -----------------------------------------------------------------------

    def _begun(self, *, soft: bool) -> bool:
        """Whether chrome ends the current tier: a breadcrumb under the title (soft) ends
        none that has not begun, nor does the next page's chrome end a tier going on."""
        current = self.current
        if current is None or current.names:
            return True
        return not (soft or current.continues is not None)

    def _add(self, text: str, line: Line, *, logo: bool) -> None:
        current = self.current
        assert current is not None
        current.names.append(_new_name(Name, (text, logo, line.shape, line.node)))
        current.shapes.add(line.shape)

    def _open(self, found: Heading, line: Line) -> None:
        if self.current is not None and not self.current.names:
            self.current.titles_tiers = True
        self._close()
        self.current = Section(found, line)
        self.sections.append(self.current)
        if found.count is not None:
            self.out.declare(found, found.count)

    def _close(self) -> None:
        current = self.current
        if current is None:
            return
        self.current = None
        run = None if current.tabled or len(current.shapes) < 2 else _run(current.names)
        for name in current.names:
            if run is None or name.shape in run or looks_like_org(name.text):
                current.kept.append(name)
                self.out.add(current.heading, name.text, logo=name.logo)
            else:
                self.rejected.append(Rejected(name.text, "outside the run", name.node))


def _runs_on(line: Line, lines: Sequence[Line], index: int) -> bool:
    """Whether the next text line has this line's shape: then both are items of one run.

    Logos between them (a card's image before its caption) are passed over.
    """
    for following in lines[index + 1 : index + 1 + _LOOKAHEAD]:
        if following.kind == TEXT:
            return following.shape == line.shape
        if following.kind != LOGO:
            return False
    return False


def _run(names: list[Name]) -> set[int] | None:
    """The shapes of a tier's names: those mostly holding organisations, else the commonest.

    None when there are too few names to tell (then every name is kept).
    """
    if len(names) < _MIN_RUN:
        return None
    every = Counter(name.shape for name in names)
    orgs = Counter(name.shape for name in names if looks_like_org(name.text))
    run = {shape for shape, n in orgs.items() if n >= 2 and 2 * n >= every[shape]}
    if run:
        return run
    shape, n = every.most_common(1)[0]
    return {shape} if 2 * n > len(names) else None

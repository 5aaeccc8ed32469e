"""Lines into tiers: where a tier begins, where it ends, and which of its lines are names.

- **A tier begins** at a line shaped like a tier heading (``一、副理事长单位``,
  ``理事单位（189家）``), at a tab panel whose label is one, or at a tier table's row.
- **A tier ends** at any heading, not only the next tier's: site chrome or navigation, a
  line of furniture (breadcrumb, copyright, ``主办单位：``), a closing word (``友情链接``,
  ``联系我们``, ``会员登录`` …), heading markup (h1–h6, ``dt``, ``th``, a title block; a
  deeper ``h`` level is a subgroup and goes on), or, once names have been read, a short bold
  or colon-ended line standing alone. A heading line shaped like the names around it is
  one of them (a card whose name is its title).
- **What a tier's lines say together** (its run, counters, groups, people, copies) is
  judged once it has ended: see ``runs.py``.
- A label heading no names, where the same label heads names elsewhere (a menu entry, a
  tab and its panel), or over deeper tier headings (a page's title), is passed over;
  otherwise it is a problem the guard quarantines.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat

from selectolax.lexbor import LexborNode

from tracker.core.models import OTHER_TIER
from tracker.core.parse.classes import name_note
from tracker.core.parse.collect import Collector
from tracker.core.parse.marks import NO_RUN, Run
from tracker.core.parse.markup import css_path, inside
from tracker.core.parse.names import (
    BOLD,
    LATIN,
    LINE_START,
    LOGO_NAME,
    N_LOGO,
    N_NODE,
    N_SHAPE,
    N_TEXT,
    SPACED,
)
from tracker.core.parse.people import without_person
from tracker.core.parse.plain import PlainRun, is_plain
from tracker.core.parse.runs import pairs_a_person, settle
from tracker.core.parse.text import (
    COUNT_LINE,
    FURNITURE_CHARS,
    HEADING_CHARS,
    HEADING_HINT,
    MAX_CLOSER_WORD,
    MAX_HEADING,
    Heading,
    feature_heading,
    furniture,
    heading,
    inline_heading,
    is_bare_form,
    is_closer,
    is_order_note,
    looks_like_org,
    not_a_name,
    split_names,
)
from tracker.core.parse.tier import Rejected, Section
from tracker.core.parse.walk import (
    ALL_EMPHASISED,
    EMPHASISED,
    END,
    HEADED,
    ITEM,
    LOGO,
    MEMBER,
    OPEN,
    SOFT,
    TEXT,
    Line,
    run_line,
)

# Lead-ins that announce more members rather than a new block: "以下为2024年新入会单位：".
_MEMBER_LEAD = re.compile(r"单位|会员|成员|企业|名单|排名")
# Every tier heading and every line of furniture holds one of these characters.
_SPECIAL = re.compile(f"[{HEADING_CHARS}{FURNITURE_CHARS}]")
_MAX_H_LEVEL = 6
# "2024年3月1日", "2024-03-01": a line that is only a date.
_DATE_ONLY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
# "您的位置：首页>会员组织>会长单位", under the page's title: it ends no tier not yet begun.
_BREADCRUMB = re.compile(r"位置\s*[:：>]")
# How a remark after a name ends, when it is in brackets (甲公司（已退会）).
_REMARK_ENDS = frozenset(")）】]］〕")
# Longer lines are sentences or names, never a heading that ends a tier.
_MAX_CLOSER = 30
_MAX_BOLD_CLOSER = 16
# What a name may set a person apart with (see SPACED).
_SPACE = re.compile("[ \u00a0\u3000]")
# Lines looked at past a lone heading-like line, for the next text line.
_LOOKAHEAD = 4


@dataclass
class Reader:
    """Reads lines into sections and the sections into a Collector."""

    out: Collector = field(default_factory=Collector)
    sections: list[Section] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    current: Section | None = None
    # Text lines read outside any tier (page furniture, news, prose): counted, not listed.
    outside: int = 0
    # The site's own names (from its pages' titles): never its own members.
    hosts: set[str] = field(default_factory=set)
    # Whether plain names in a tier's run skip the per-line rules (see `plain.py`); off
    # only to check that they give the same reading.
    fast: bool = True
    # How many lines were taken so.
    plain: int = 0
    # The h levels at which the page being read heads tiers (see `_beside_tiers`).
    levels: tuple[Sequence[Line] | None, frozenset[int]] = (None, frozenset())

    def read(self, lines: Sequence[Line], runs: Mapping[int, Run] | None = None) -> None:
        """Read lines in order; ``runs`` are those of simple lists (see `read_lines`)."""
        fast = self.fast
        runs = runs or {}
        # The simple list around the current line: its lines' nodes, texts and texts joined
        # (see items.Run), where it begins and ends, and its plain lines (see `_plain_run`).
        nodes, texts, joined = NO_RUN
        run_start = run_end = 0
        run = None
        # The lines taken in bulk are passed over on the lines' own iterator (no index and
        # pair made for each), and counted in `skipped`.
        items, skipped = iter(lines), 0
        for index, line in enumerate(items):
            index += skipped
            kind = line.kind
            if kind == ITEM:
                # A line of the simple list the bulk path did not take: made now.
                line, kind = run_line(runs[run_start], index - run_start, line.shape), TEXT
            if kind == TEXT:
                if index in runs:
                    (nodes, texts, joined), run = runs[index], None
                    run_start, run_end = index, index + len(texts)
                # Most lines of a long list are plain names in the run (see `_plain`).
                if not (fast and self._plain(line, index)):
                    self._text(line, lines, index)
                elif index + 1 < run_end:
                    run = run or PlainRun(texts, joined)
                    taken = self._plain_run(run, nodes, index + 1 - run_start, line.shape)
                    # Past the lines taken, in C.
                    deque(islice(items, taken), maxlen=0)
                    skipped += taken
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
            shapes = frozenset(name[N_SHAPE] for name in last.kept)
            self.current = Section(last.heading, last.line, continues=shapes)
            self.sections.append(self.current)

    def finish(self) -> None:
        """Close the last section; report labels that headed nothing anywhere."""
        self._close()
        named = {section.heading.section for section in self.sections if section.kept}
        for section, then in zip(self.sections, [*self.sections[1:], None], strict=False):
            if section.kept or section.heading.section in named:
                continue
            titled = section.over_deeper or section.heading.tier == OTHER_TIER
            # A heading right above a table giving each row its tier is the table's title.
            if section.titles_tiers and (titled or (then is not None and then.tabled)):
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
                if self.current is not None and feature_heading(text):
                    if self._begun(soft=False):
                        self._end(line, text)
                    return
                inline = inline_heading(text)
                if inline is not None:
                    self._open(inline[0], line)
                    text = inline[1]
            if furniture(text):
                current = self.current
                # A line of the run that reads like furniture ("北辰科技有限公司 电话：…")
                # is dropped; it does not end the tier around it.
                in_run = current is not None and line.shape == _usual_shape(current)
                if not in_run and self._begun(soft=_BREADCRUMB.search(text) is not None):
                    self._drop_footer(line)
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
            self._end(line, text)
            return
        if text[:1].isdigit() and current.names and current.last_line == index - 1:
            # A notice signs off with its issuer, then the date, in a paragraph of its own
            # (a date in a table's cell is a column): if the tier ends there, the issuer
            # is no member.
            cell = line.node is not None and line.node.tag in ("td", "th")
            if not cell and _DATE_ONLY.fullmatch(text):
                current.signed = True
        self._names(current, line, text, index)

    def _plain(self, line: Line, index: int) -> bool:
        """Take a plain name in the tier's run as `_names` would, without the checks that
        cannot apply to it (see `plain.py`); False for any other line."""
        current = self.current
        if (
            current is None
            or line.flags
            or line.shape not in current.shapes
            or line.aside
            or (current.continues is not None and not current.names)
            # "乙禾数据<br>股份有限公司": a second line of the name's block may join it.
            or (current.names and current.names[-1][N_NODE] is line.node)
            or not is_plain(line.text)
        ):
            return False
        current.names.append((line.text, False, line.shape, line.node, LINE_START))
        self.out.plain.add(line.text)
        current.last_line = index
        current.flags |= LINE_START
        current.signed = False
        self.plain += 1
        return True

    def _plain_run(self, run: PlainRun, nodes: list[LexborNode], at: int, shape: int) -> int:
        """After a plain name, the plain lines that follow it in its simple list (one shape,
        no flags, an item each), as `_plain` takes each; how many.

        ``run`` holds the list's lines, ``nodes`` their nodes, ``at`` is the line after the
        plain name `_plain` has just taken: asked again after a line that is not plain, it
        goes on from there."""
        taken = run.plain_from(at)
        if not taken:
            return 0
        texts = run.texts[at : at + taken]
        current = self.current
        assert current is not None
        current.names += zip(
            texts, repeat(False), repeat(shape), nodes[at : at + taken], repeat(LINE_START)
        )
        self.out.plain.update(texts)
        current.last_line += taken
        self.plain += taken
        return taken

    def _end(self, line: Line, text: str) -> None:
        assert self.current is not None
        self.rejected.append(Rejected(text, f"ends {self.current.heading.label}", line.node))
        self._close()

    def _drop_footer(self, furniture: Line) -> None:
        """Names just before a footer line, in the footer's block and outside the tier's
        usual shape ("某产业联盟" over "地址：…"), belong to the footer."""
        current = self.current
        if current is None or not current.names or furniture.node is None:
            return
        block = furniture.node.parent
        if block is None:
            return
        usual = _usual_shape(current)
        names = current.names
        while names and names[-1][N_SHAPE] != usual and _within(names[-1][N_NODE], block):
            footer = names.pop()
            self.rejected.append(Rejected(footer[N_TEXT], "part of the footer", footer[N_NODE]))

    def _ends(
        self, current: Section, line: Line, text: str, lines: Sequence[Line], index: int
    ) -> bool:
        """Whether a line heads something else, so the tier before it is over."""
        if len(text) <= MAX_CLOSER_WORD and is_closer(text):
            return True
        # Most lines are names in the run so far, or plain text: no heading either way.
        if line.shape in current.shapes or len(text) > _MAX_CLOSER:
            return False
        if self._beside_tiers(current, line, text, lines):
            return not looks_like_org(text, strict=True)
        lone = line.flags & (HEADED | ALL_EMPHASISED) or text.endswith((":", "："))
        if not lone or looks_like_org(text) or not_a_name(text.rstrip(":：")) is not None:
            return False
        if is_order_note(text) or _runs_on(line, lines, index):
            return False
        if line.flags & HEADED:
            # An h4 under an h3 tier heading is a subgroup ("北京"), not the tier's end.
            level, tier_level = line.level, current.line.level
            return not (level <= _MAX_H_LEVEL and tier_level and level > tier_level)
        short = bool(current.names) and len(text) <= _MAX_BOLD_CLOSER
        return short and not _MEMBER_LEAD.search(text)

    def _beside_tiers(self, current: Section, line: Line, text: str, lines: Sequence[Line]) -> bool:
        """Whether a heading under the tier's, speaking of membership (a card's title does not)
        at a level the page heads tiers at too, is a section beside them (会员服务中心)."""
        if not (line.flags & HEADED and _MEMBER_LEAD.search(text)):
            return False
        if not 0 < current.line.level < line.level <= _MAX_H_LEVEL:
            return False
        if self.levels[0] is not lines:  # worked out once a page
            found = (x.level for x in lines if x.flags & HEADED and heading(x.text, evidence=True))
            self.levels = (lines, frozenset(found))
        return line.level in self.levels[1]

    def _names(self, current: Section, line: Line, text: str, index: int) -> None:
        count = COUNT_LINE.fullmatch(text) if "共" in text or "计" in text else None
        if count is not None:
            self.out.declare_once(current.heading, int(count[1]))
            return
        if line.aside:
            self.rejected.append(Rejected(line.aside, "beside the link that names", line.node))
        names, shape, node = current.names, line.shape, line.node
        pieces = split_names(text)
        flags = BOLD if line.flags & ALL_EMPHASISED else 0
        paired = pairs_a_person(pieces) if len(pieces) > 1 else 0
        added = False
        latins = 0
        for piece, problem in pieces:
            if problem is None and (piece[-1] in _REMARK_ENDS or " " in piece):
                problem = self._ended(piece)
            if problem is not None:
                self.rejected.append(Rejected(piece, problem, node))
                continue
            name = piece
            if " " in piece or "\u00a0" in piece or "\u3000" in piece:
                current.flags |= SPACED  # its name, or a name it is joined to below
                name, person = without_person(piece)
                if person is not None:
                    self.rejected.append(Rejected(person, "a person, not a member", node))
            if names and names[-1][N_NODE] is node and not names[-1][N_LOGO] and is_bare_form(name):
                # "乙禾数据<br>股份有限公司": one name broken over two lines of its block.
                before, logo, shape_of, same, flags_of = names[-1]
                names[-1] = (before + name, logo, shape_of, same, flags_of)
                continue
            flags |= paired if added else LINE_START
            latin = LATIN if name.isascii() else 0
            names.append((name, False, shape, node, flags | latin))
            if self.fast and is_plain(name):
                # Its key is known without cleaning (see Collector.result).
                self.out.plain.add(name)
            latins |= latin
            flags &= ~LINE_START
            added = True
        if added:
            current.shapes.add(shape)
            current.last_line = index
            current.flags |= flags | paired | latins
            current.signed = False

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
        flags = LOGO_NAME if logo else 0
        current.names.append((text, logo, line.shape, line.node, flags))
        current.shapes.add(line.shape)
        current.flags |= flags | (SPACED if _SPACE.search(text) else 0)

    def _ended(self, piece: str) -> str | None:
        """Why a name marked after it as no longer a member (甲公司（已退会）, 甲公司 已注销) is
        none, as a register's row is (`classes.name_note`); a mark the tracker cannot place
        (甲公司（退出理事会）: the board, or the association?) holds the list back too."""
        said = name_note(piece)
        if said is None or said.why is None:
            return None
        why = f"{said.why} ({piece!r})"
        if said.held:
            self.out.problems.append(why)
        return why

    def _open(self, found: Heading, line: Line) -> None:
        previous = self.current
        if previous is not None and not previous.names:
            previous.titles_tiers = True
            level, above = line.level, previous.line.level
            previous.over_deeper = 0 < above < level <= _MAX_H_LEVEL
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
        if current.signed and current.names:
            signer = current.names.pop()
            self.rejected.append(Rejected(signer[N_TEXT], "a notice's signature", signer[N_NODE]))
        kept, texts, dropped = settle(
            current.names,
            tabled=current.tabled,
            hosts=self.hosts,
            flags=current.flags,
            shapes=len(current.shapes),
        )
        current.kept = kept
        if current.flags & LOGO_NAME:
            for name in kept:
                self.out.add(current.heading, name[N_TEXT], logo=name[N_LOGO])
        else:
            self.out.extend(current.heading, texts)
        self.rejected += [Rejected(name[N_TEXT], why, name[N_NODE]) for name, why in dropped]


def _usual_shape(section: Section) -> int | None:
    """The shape most of a tier's names have so far (None before its first)."""
    if not section.names:
        return None
    return Counter(name[N_SHAPE] for name in section.names).most_common(1)[0][0]


def _within(node: LexborNode | None, block: LexborNode) -> bool:
    return node is not None and inside(node, {block.mem_id})


def _runs_on(line: Line, lines: Sequence[Line], index: int) -> bool:
    """Whether the next text line has this line's shape: then both are items of one run.

    Logos between them (a card's image before its caption) are passed over.
    """
    for following in lines[index + 1 : index + 1 + _LOOKAHEAD]:
        # A simple list's ITEM line has the list's shape (see walk.py).
        if following.kind in (TEXT, ITEM):
            return following.shape == line.shape
        if following.kind != LOGO:
            return False
    return False

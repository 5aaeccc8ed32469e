"""Member lists out of a member page, whatever its markup; or an honest account of why not.

The page is read as visual lines (``walk.py``) after structural passes have marked what is
never a member (``markup.py``: chrome, title blocks; ``strips.py``: tabs and navigation;
``tables.py``: name and tier columns). ``sections.py`` turns the lines into tiers; the
wording rules live in ``text.py``. Lists embedded as JSON (``embedded.py``) win only when
they are a strict superset of what the HTML shows; configured selectors
(``configured.py``) take precedence over everything. A page nested too deep to read is
refused before its tree is built (``depth.py``); one that stops mid-document is marked so
(``complete.py``) for the guard.

Two fast paths read the bulk of a long list without changing what is read: a simple list
block is read in one step (``items.py``), and a plain name skips the per-line rules
(``plain.py``). Each takes only what the rules provably read the same way and leaves the
rest to them; ``read_pages(..., fast=False)`` turns both off, and the tests compare the two
readings over every page they have.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.core.config import Selectors
from tracker.core.errors import ParseError
from tracker.core.models import ParseResult
from tracker.core.parse.columns import doubted
from tracker.core.parse.complete import cut_off
from tracker.core.parse.configured import by_selectors
from tracker.core.parse.depth import markup_only, may_nest_too_deep, too_deep
from tracker.core.parse.embedded import by_json
from tracker.core.parse.firsts import PERSON_FIRST, page_people, puts_people_first
from tracker.core.parse.inline import names_run_together, read_apart
from tracker.core.parse.marks import NO_RUN, Marks, Run
from tracker.core.parse.markup import css_path, inside, site_names, structure
from tracker.core.parse.names import N_NODE
from tracker.core.parse.paging import NextPage, next_page
from tracker.core.parse.people import is_field
from tracker.core.parse.sections import Reader, Rejected, Section
from tracker.core.parse.strips import Strips, label_strips
from tracker.core.parse.tables import read_tables
from tracker.core.parse.text import HEADING_CHARS, heading, is_cut_short, looks_like_org
from tracker.core.parse.walk import TEXT, Line, read_lines, run_line

__all__ = [
    "PARSER_VERSION",
    "Reading",
    "is_cut_short",
    "is_field",
    "looks_like_org",
    "NextPage",
    "next_page",
    "parse_page",
    "read_page",
    "read_pages",
]

# Bumped whenever the same bytes can give a different list: 4 ends tiers at any heading,
# reads tabs, tier columns and runs, and never reads furniture; 5 drops invisible and
# bidi characters from names and keeps a hyphen that begins a Latin name; 6 reads a tier
# heading whose "more" link comes first, drops quoted headlines, ends a tier at a section
# heading beside the tiers and reads names in sibling inline tags apart; 7 ends a row of
# links at a bold tier label in the middle of its line, keeps a spaced-out person whole and
# reads a government, a representative office or a fund as an organisation, and drops a
# person written before each member on most lines of a tier ("李文 星河科技有限公司"); 8
# drops that person with a role after it, when a separator sets it apart (on any number of
# lines) and from the tiers that cannot tell alone on such a page, and keeps places, brands
# and spaced-out brands before a member whole; reads only a table's member columns (not a
# field, kind, city or department beside each member), gives a grid of names one shape,
# keeps a lone "…中心" cell in a members' table, gives each row of a register its class
# column's tier, and reads 企业 as an ending only where no title is given; 9 reads no
# register row marked withdrawn (已退会, 注销, 暂停: in its class, a status column or after
# its name) as a member, holds back a class qualified otherwise, drops a class's footnote
# mark, reads 会员, 普通会员 as ordinary, and believes a column of 星河证券, 北辰出版社;
# reads no role in an event (指导单位, 承办单位, 支持单位) as a rank of members, and reads
# apart names in sibling inline tags with white space between (a tag cloud: three or more
# when half are named like organisations, and an English name before another), doubts
# names in tags read as one, reads no 简介 or 服务内容 as a member and ends a tier at
# 入会须知 and at a closer with its "more" link run in (新闻动态more>>), holds back a
# register row whose class has a term after it (会员单位 2024-2026) or that a status of
# something else (缴费状态 已到期) marks ended, and reads no name in a list marked withdrawn
# after it (甲公司（已退会）) as a member.
PARSER_VERSION = "9"

_WAYBACK_BEGIN = "<!-- BEGIN WAYBACK TOOLBAR INSERT -->"
_WAYBACK_END = "<!-- END WAYBACK TOOLBAR INSERT -->"


@dataclass
class Reading:
    """A parse and how it was reached: the tiers' headings, and what was not read."""

    result: ParseResult
    sections: list[Section] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    # Blocks never read (chrome, navigation): (element, why).
    skipped: list[tuple[LexborNode, str]] = field(default_factory=list)
    outside: int = 0
    # Names taken in bulk, past the per-line rules (see plain.py): 0 where the fast paths
    # declined the whole page.
    plain: int = 0


def parse_page(html: str, *, selectors: Selectors | None = None) -> ParseResult:
    """The tiered member list a page shows; empty listings when it shows none.

    Raises ParseError when configured selectors are invalid or match nothing, or when the
    page nests too deeply to be read.
    """
    return read_page(html, selectors=selectors).result


def read_page(html: str, *, selectors: Selectors | None = None) -> Reading:
    """`parse_page` with its working shown, for ``tracker parse --explain``."""
    return read_pages([html], selectors=selectors)


def read_pages(
    pages: Sequence[str], *, selectors: Selectors | None = None, fast: bool = True
) -> Reading:
    """The pages of one list split over pages, in order, read as one list.

    A page that goes on with a tier without repeating its heading (CMS article
    pagination) goes on with it; positions continue across pages. ``fast=False`` reads
    every line by the per-line rules (for the tests that check the bulk paths agree).
    """
    # A long list is hundreds of thousands of small objects (lines, names, listings), none
    # in a cycle: the collector's passes over them would cost a sixth of the parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(pages, selectors=selectors, fast=fast)
    finally:
        if collecting:
            gc.enable()


def _read(pages: Sequence[str], *, selectors: Selectors | None, fast: bool) -> Reading:
    texts = [_without_wayback_insert(html) for html in pages]
    # Comments, scripts and styles set aside once where the depth must be scanned; the end
    # of the page uses them too, and is proved without them elsewhere (`cut_off`).
    markups = [markup_only(html) if may_nest_too_deep(html) else None for html in texts]
    # Before any tree is built: building one is itself super-linear in the depth.
    for page, (html, markup) in enumerate(zip(texts, markups, strict=True)):
        if markup is not None and (why := too_deep(html, markup=markup)) is not None:
            raise ParseError(_on_page(why, page, len(texts)))
    trees = [LexborHTMLParser(html) for html in texts]
    try:
        if selectors is not None:
            return Reading(by_selectors(trees, selectors))
        reading = _by_headings(trees, fast=fast)
        data = [by_json(tree) for tree in trees]
    except RecursionError:
        # Data nested thousands deep is an attack or a broken page, never a member list.
        raise ParseError("the page nests too deeply to be read") from None
    embedded = max((found for found, _ in data), key=lambda found: len(found.listings))
    chosen = Reading(embedded) if _prefer_json(reading.result, embedded) else reading
    # Data too deep to read may have held the list: whichever reading wins is in doubt.
    chosen.result.problems += [why for _, unread in data for why in unread]
    cut = [
        _on_page(why, page, len(texts))
        for page, (html, markup) in enumerate(zip(texts, markups, strict=True))
        if (why := cut_off(html, markup=markup))
    ]
    chosen.result.cut_off = cut[0] if cut else None
    return chosen


def _on_page(why: str, page: int, pages: int) -> str:
    """A reason about one page, naming the page when the list has several."""
    return why if pages == 1 else f"page {page + 1} of the list: {why}"


def _by_headings(trees: list[LexborHTMLParser], *, fast: bool) -> Reading:
    reader = Reader(fast=fast)
    skipped: list[tuple[LexborNode, str]] = []
    navigation: list[tuple[str, LexborNode]] = []
    shapes: dict[tuple[str, ...], int] = {}
    doubtful: dict[int, str] = {}  # cells that may or may not hold names (columns.py)
    abutting: list[str] = []  # lines of abutting tags that may hold names (inline.py)
    # How many names the pages before each page gave.
    given = [0]
    for page, tree in enumerate(trees):
        if page:
            reader.next_page()
            given.append(len(reader.out.names))
        reader.hosts |= site_names(tree)
        if tree.body is None:
            continue
        chrome, titles, renderings = structure(tree)
        marks = Marks(chrome, Strips(), read_tables(tree), titles, renderings)
        doubtful |= marks.tables.doubtful
        lines = read_lines(tree.body, marks, shapes, bulk=fast)
        # Strips of tier labels can only be where a line reads as a tier heading: the page
        # is read again with them only when it has some (a menu, tabs).
        strips = label_strips(tree, near=_heading_blocks(lines, marks.runs, chrome))
        # A menu inside chrome changes nothing: chrome is never read.
        if any(role == "tabs" or not inside(node, chrome) for node, role in strips.strips.values()):
            marks.strips = strips
            marks.runs.clear()
            lines = read_lines(tree.body, marks, shapes, bulk=fast)
        reader.read(*read_apart(lines, marks.runs, abutting))
        reader.rejected += [Rejected(*row) for row in marks.tables.classless]
        reader.out.problems += marks.tables.unknown
        skipped += chrome.values()
        # A menu inside a sidebar is said once, as the sidebar.
        skipped += [
            (node, role) for node, role in strips.strips.values() if not inside(node, chrome)
        ]
        navigation += strips.navigation
    if not reader.sections and trees:
        # Where nothing was read, say whether tier words stood in menus anywhere.
        navigation += [link for tree in trees for link in label_strips(tree).navigation]
    if not reader.sections and navigation:
        label, where = navigation[0]
        reader.out.problems.append(
            f"tier words appear only in navigation ({label} at {css_path(where)})"
        )
    _finish(reader, doubtful, abutting)
    given.append(len(reader.out.names))
    reader.out.problems += _adding_none(given)
    return Reading(
        reader.out.result("headings"),
        reader.sections,
        reader.rejected,
        skipped,
        reader.outside,
        reader.plain,
    )


def _adding_none(given: list[int]) -> list[str]:
    """A later page that adds nobody was not read as the list it should go on with."""
    return [
        f"page {page + 1} of the list adds no names"
        for page in range(1, len(given) - 1)
        if given[page + 1] == given[page]
    ]


def _finish(reader: Reader, doubtful: dict[int, str], abutting: list[str]) -> None:
    """What only the whole list decides, once every page is read."""
    reader.finish()
    if puts_people_first(rejected.reason for rejected in reader.rejected):
        # A tier found to put a person before each member speaks for the page's short ones.
        found = {
            (section.heading, name): change
            for section in reader.sections
            for name, change in page_people(section.kept).items()
        }
        dropped = reader.out.without_people_first(found)
        reader.rejected += [Rejected(person, PERSON_FIRST, None) for person in dropped]
    reader.out.problems += _doubted(doubtful, reader.sections)
    reader.out.problems += names_run_together(abutting, reader.out.names)


def _doubted(doubtful: dict[int, str], sections: list[Section]) -> list[str]:
    """What to say of the table columns that may or may not hold names, if read."""
    if not doubtful:
        return []
    return doubted(doubtful, (name[N_NODE] for section in sections for name in section.kept))


def _heading_blocks(
    lines: list[Line], runs: dict[int, Run], chrome: dict[int, tuple[LexborNode, str]]
) -> list[LexborNode]:
    """The blocks of lines that read as tier headings, and chrome holding tier words (a
    strip of tabs classed "nav nav-tabs" is chrome that heads panels)."""
    blocks = [
        line.node
        for line in _hinted(lines, runs)
        if line.kind == TEXT
        and line.node is not None
        and heading(line.text, evidence=True) is not None
    ]
    return blocks + [node for node, _ in chrome.values() if _holds_heading_char(node.text())]


def _hinted(lines: list[Line], runs: dict[int, Run]) -> Iterator[Line]:
    """The lines holding a character every tier heading holds: a simple list's lines (see
    `read_lines`), most often names with none, are searched joined, in one step."""
    index = 0
    while index < len(lines):
        line = lines[index]
        _, texts, joined = runs.get(index, NO_RUN)
        if len(texts) > 1:
            if _holds_heading_char(joined):
                # Its lines after the first are made only here (see walk.ITEM).
                found = [i for i, text in enumerate(texts) if _holds_heading_char(text)]
                yield from (run_line(runs[index], i, line.shape) for i in found)
            index += len(texts)
            continue
        if _holds_heading_char(line.text):
            yield line
        index += 1


def _holds_heading_char(text: str) -> bool:
    """Whether `text` holds a character every tier heading holds (`HEADING_CHARS`): three
    scans in C, thirty times faster than an expression's over a long text (a simple list's
    lines joined)."""
    return any(map(text.__contains__, HEADING_CHARS))


def _prefer_json(html: ParseResult, embedded: ParseResult) -> bool:
    """HTML is what readers see; JSON replaces it only when it holds all of it and more.

    That covers a page that renders the first screenful and ships the full list as data,
    without letting an unrelated data blob displace a good HTML parse.
    """
    if not embedded.listings:
        return False
    if not html.listings:
        return True
    shown = {(item.tier, item.key) for item in html.listings}
    data = {(item.tier, item.key) for item in embedded.listings}
    return shown < data


def _without_wayback_insert(html: str) -> str:
    start = html.find(_WAYBACK_BEGIN)
    end = html.find(_WAYBACK_END, start)
    if start < 0 or end < 0:
        return html
    return html[:start] + html[end + len(_WAYBACK_END) :]

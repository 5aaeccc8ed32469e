"""Tables that say which cells are names, and tables that give each row its tier.

- **Member columns** (``序号 | 单位名称 | 所在地 | 入会时间``, with a header row or without):
  only they are read; a city or a member type in the next cell would be one more
  "member" (see ``columns.py``).
- A header row naming a **unit column and a tier column** (``单位 | 姓名 | 职务 | 分会职务``,
  ``会员名称 | 会员类别``, ``机构名称 | 成立时间 | 网址 | 协会会员``): one member per row, with
  that row's tier; person names, titles and every other column are never members. The
  tier column is the one whose values name tiers (副理事长单位, a class of members: 普通会员,
  联席会员, 会员; or a representative's office: 副理事长, 常务理事). A row whose tier cell
  is empty or names none (非会员) is no member: a register of institutions says so of
  those that are not members; the reading lists each such row (`Tables.classless`). A
  class the tier words lack (观察员单位, 战略合作单位: a word ending in 单位) may be
  members' or not (指导单位): its rows are none, and the reading says so (`Tables.unknown`)
  for the guard to hold the snapshot back.
- With no header, a table whose first rows each hold one organisation's name and its
  class (``甲公司 | 理事单位``) is read the same way: read by heading, each class would head
  the rows after it, and each member get the class of the row above.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.core.normalize import normalize_key
from tracker.core.parse.classes import (
    OTHER_STATUS_WHY,
    QUALIFIED_WHY,
    UNPLACED_WHY,
    name_note,
    names_class,
    names_tier,
    read_class,
    read_note,
)
from tracker.core.parse.columns import Cells, names_header, read_columns
from tracker.core.parse.grid import cell_text, enclosing_table, grid, grid_row, header
from tracker.core.parse.orgs import looks_like_org
from tracker.core.parse.text import LETTER, NEGATIONS, Heading, clean_name

# 会员 may head the members' names too: the tier column is told by its cells.
_TIER_HEADERS = frozenset(
    "职务 理事会职务 分会职务 联盟职务 协会职务 担任职务 会内职务 本会职务 会员类别 会员级别 "
    "会员类型 会员等级 单位类别 级别 类别 等级 职位 会员 协会会员 本会会员 会员身份".split()
)
# A tier column names tiers in at least this share of its filled cells.
_TIER_SHARE = 0.6
# Headers of such columns (状态, 会员状态, 会籍, 备注; a status of something else, 缴费状态,
# is told apart by `read_note`): what they say beside a withdrawal is not read (a remark is
# free text: a founding date, a contact).
_NOTE_HEADERS = ("状态", "会籍", "备注")
# The rows after a header that tell a class column headed by no tier word.
_PEEK = 8


# A tier table's members: (tier, name, cell); its rows naming no tier: (name, why, cell).
Members = list[tuple[Heading, str, LexborNode]]
Classless = list[tuple[str, str, LexborNode]]
# A register's columns beside the class that may say a row is withdrawn: (column, header).
Notes = Sequence[tuple[int, str]]


@dataclass
class Tables(Cells):
    """What the column rules say of cells (see `Cells`), and tier tables read row by row."""

    # Table element id → its members.
    tiered: dict[int, Members] = field(default_factory=dict)
    # The rows of those tables that name no tier, so no member.
    classless: Classless = field(default_factory=list)
    # What to say of the classes among them the tracker does not know.
    unknown: list[str] = field(default_factory=list)


def read_tables(tree: LexborHTMLParser) -> Tables:
    found = Tables()
    # By tag name: lexbor's own lookup, twice as fast as a CSS query (both answer in
    # document order).
    elements: dict[int, LexborNode] = {}
    for element in tree.tags("table"):
        members, classless = _tier_table(element)
        if members:
            found.tiered[element.mem_id] = members
            found.classless += classless
            found.unknown += _unknown(classless)
        else:
            elements[element.mem_id] = element
    rows: dict[int, list[LexborNode]] = {}
    # Each lookup walks the whole page: none for the rows of no table.
    for row in tree.tags("tr") if elements else ():
        table = enclosing_table(row)
        if table in elements:
            rows.setdefault(table, []).append(row)
    for table, own in rows.items():
        read_columns(elements[table], own, found)
    return found


# --- Tier columns -------------------------------------------------------------------------


def _tier_table(table: LexborNode) -> tuple[Members, Classless]:
    """Members of a table with a unit column and a tier column, and the rows naming no
    tier; nothing for any other table."""
    own = (row for row in table.css("tr") if enclosing_table(row) == table.mem_id)
    # The header is one of the first rows (after a caption row, say); a table of thousands
    # of names is not read twice.
    first = list(islice(own, 3 + _PEEK))
    for index, row in enumerate(first[:3]):
        headers = [header(cell) for cell in grid_row(row, {})]
        units = [i for i, text in enumerate(headers) if names_header(text)]
        if not units:
            continue
        rows = first[index + 1 :]
        tiers = [i for i, text in enumerate(headers) if text in _TIER_HEADERS]
        classes = [] if tiers else _classes(headers, list(grid(rows)))
        if not tiers and not classes:
            continue
        body = list(grid([*rows, *own]))
        tiers = tiers or _classes(headers, body)
        column = _tier_column(body, tiers)
        units = [i for i in units if i != column]
        if column is None or not units:
            return [], []
        notes = [(i, text) for i, text in enumerate(headers) if text.endswith(_NOTE_HEADERS)]
        return _members(body, units[0], column, headers[column], notes)
    return _unheaded(first, own)


# A cell holding one name: no separator, no space (a cell listing several is no unit's).
_ONE_NAME = re.compile(r"[^\s、，,；;|｜/]{2,40}")


def _unheaded(rows: list[LexborNode], own: Iterator[LexborNode]) -> tuple[Members, Classless]:
    """A table with no header whose every first row is a member's name and its class
    (甲公司 | 理事单位): read by heading, each class would head the rows after it, so each
    member would get the class of the row above. Nothing for any other table."""
    first = [grid_row(row, {}) for row in rows[:3]]
    width = len(first[0]) if first else 0
    if width < 2 or any(len(row) != width for row in first):
        return [], []
    tiers = [i for i in range(width) if all(names_tier(cell_text(row[i])) for row in first)]
    units = [
        i
        for i in range(width)
        if i not in tiers and all(_one_org(cell_text(row[i])) for row in first)
    ]
    if len(tiers) != 1 or not units:
        return [], []
    body = list(grid([*rows, *own]))
    unit = units[0]
    texts = (cell_text(row[unit]) for row in body if unit < len(row))
    if not _mostly_tiers(body, tiers[0]) or any(
        text and _ONE_NAME.fullmatch(text) is None for text in texts
    ):
        return [], []
    return _members(body, unit, tiers[0], "a column of classes")


def _one_org(text: str) -> bool:
    return _ONE_NAME.fullmatch(text) is not None and looks_like_org(text, strict=True)


def _classes(headers: list[str], rows: list[list[LexborNode]]) -> list[int]:
    """Columns headed otherwise (类型, 身份, 会员性质) that name a tier in most rows: a
    class column all the same, its header no tier word (a 备注 naming one member's tier,
    the others blank, is none)."""
    return [
        i
        for i, text in enumerate(headers)
        if text and not names_header(text) and _mostly_tiers(rows, i)
    ]


def _mostly_tiers(rows: list[list[LexborNode]], column: int) -> bool:
    # A tier row spanning the table (<td colspan=3>理事单位) heads the rows below it: it
    # is no column's cell.
    own = [row for row in rows if len({cell.mem_id for cell in row}) == len(row)]
    named = sum(1 for row in own if column < len(row) and names_tier(cell_text(row[column])))
    return bool(own) and named >= _TIER_SHARE * len(own)


def _tier_column(body: list[list[LexborNode]], candidates: list[int]) -> int | None:
    """The candidate column whose filled cells most often name a tier. A dash or "/" says
    no more than an empty cell, and 非会员 says what a blank does: no tier. A class the
    tier words lack (战略合作单位) counts beside a known one: else one more member of a
    known class would make the column one, and move every member to its own row's tier."""
    best, best_share = None, 0.0
    for column in candidates:
        values = [cell_text(row[column]) for row in body if column < len(row)]
        filled = [v for v in values if LETTER.search(v) and not v.startswith(NEGATIONS)]
        known = sum(1 for value in filled if names_tier(value))
        named = known + sum(1 for value in filled if names_class(value) and not names_tier(value))
        share = named / len(filled) if known and filled else 0.0
        if share >= _TIER_SHARE and share > best_share:
            best, best_share = column, share
    return best


# The reason given a row whose class cell names a class the tier words lack.
_UNKNOWN = "a membership class the tracker does not know"
# A blank in a column of offices (职务) is not a register's blank (no member): it may be a
# member holding no office, or no member. Which, the page does not say.
_NO_OFFICE = "a blank office"


def _unknown(classless: Classless) -> list[str]:
    """One problem for each class a table names that the tracker does not know, and for
    a blank office."""
    first: dict[str, str] = {}
    for name, why, _ in classless:
        if why.startswith((_UNKNOWN, _NO_OFFICE, QUALIFIED_WHY, UNPLACED_WHY, OTHER_STATUS_WHY)):
            first.setdefault(why, name)
    return [f"{why}, first in the row of {name}" for why, name in first.items()]


def _members(
    body: list[list[LexborNode]], unit: int, tier: int, headed: str, notes: Notes = ()
) -> tuple[Members, Classless]:
    members: Members = []
    classless: Classless = []
    seen: set[tuple[str, str]] = set()
    for row in body:
        if unit >= len(row):
            continue
        cell = row[unit]
        text = cell_text(cell)
        name, problem = clean_name(text)
        if problem is not None:
            continue
        value = cell_text(row[tier]) if tier < len(row) else ""
        role, why = _row_class(row, value, headed, notes)
        if role is not None and (said := name_note(text)) is not None:
            role, why = None, f"{said.why} ({text!r})"
        if role is None:
            classless.append((name, why, cell))
        # One row per representative: a unit with two people in one tier is listed once.
        elif (role.section, normalize_key(name)) not in seen:
            seen.add((role.section, normalize_key(name)))
            members.append((role, name, cell))
    return members, classless


def _row_class(
    row: list[LexborNode], value: str, headed: str, notes: Notes
) -> tuple[Heading | None, str]:
    """A row's tier, or why it is no member."""
    for column, note in notes:
        text = cell_text(row[column]) if column < len(row) else ""
        said = read_note(text, note)
        if said is not None:
            return None, f"{said.why} ({text!r} under {note})"
    read = read_class(value)
    if read.role is not None:
        return read.role, ""
    # A row of staff (秘书长, 主任) in a table of representatives names no member, nor
    # does an institution of no class (an empty cell, 非会员) in a register.
    if read.why is not None:
        return None, f"{read.why} ({value!r} under {headed})"
    if names_class(value):
        return None, f"{_UNKNOWN} ({value!r} under {headed})"
    if not value.strip() and headed.endswith(("职务", "职位")):
        return None, f"{_NO_OFFICE} under {headed} (a member holding none, or no member)"
    return None, f"no membership class in its row ({headed})"

"""Which columns of a table hold the members, and which say something about each member.

- A **header row** (``序号 | 单位名称 | 类别 | 地区``, ``单位 | 领域``, in ``th`` or ``td``)
  names the member column: 单位名称, 会员单位, 名称, 单位 …; every other column it heads
  (类别, 领域, 地区, 联系人, 电话, 序号, 备注 …) is not read. Only rows as wide as the
  header row are cut: a tier heading spanning the table stays.
- **Without a header**, a column holding organisations' names (公司, 大学 …) holds members.
  Beside it, a column repeating a few values (企业, 金融科技, 北京), or of kinds,
  departments (市场部, 办公室, 研发中心), places, years or people, says something about each
  member and is not read (one row says too little: there it is doubted, below).
- A **grid of names** (several to a row: two columns or more of organisations' names)
  loses no column: its cells (but a describing column's) share one shape (see
  ``walk.py``), so that a column of brand names ("星河", "北辰") is one with the columns
  beside it, not a run of its own to drop.
- A column of short words that are none of these (金融科技, 互联网, 高等院校, once each)
  could be fields or members' short names (or people, in a grid): it is read as before,
  and if any of its cells is read as a member the parse says so (`doubted`), for the
  guard to hold back.

Without a header, a column whose cells read as tier headings is never cut: the tiers are
the page's own. A totals row (合计 | 12家) is never read, header or not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from tracker.core.parse.grid import cell_text, cells, grid, header
from tracker.core.parse.markup import css_path
from tracker.core.parse.orgs import looks_like_org
from tracker.core.parse.people import is_person, is_place
from tracker.core.parse.text import LETTER, heading

# Column headers of the members' names (the strict ones alone mark a header row, whatever
# the other columns are headed).
NAME_HEADERS = frozenset("名称 单位名称 企业名称 公司名称 机构名称 会员名称 会员单位名称".split())
UNIT_HEADERS = NAME_HEADERS | frozenset(
    "单位 会员单位 成员单位 工作单位 所在单位 单位全称 企业 公司 机构 会员 会员企业 成员企业 "
    "会员机构 成员机构 会员名单 成员名单 单位名单".split()
)
# Headers of columns that describe each member.
_OTHER_HEADER = re.compile(
    "序号|编号|排名|排序|类别|类型|性质|领域|行业|方向|专业|地区|区域|所在地|属地|省份|省市|城市|"
    "地址|职务|职位|职称|联系|代表|姓名|负责人|法人|电话|手机|传真|邮箱|邮编|网址|网站|官网|主页|"
    "备注|时间|日期|年份|年度|部门|级别|等级|简介|说明|业务|产品|规模|标志|图片|操作"
)
_MAX_HEADER = 10
_TOTALS = re.compile("[合总共小]计")
# A column's values describe the members when at most half of them are distinct.
_FEW = 0.5
# Values that name what a member is, not which: a kind, a department (a club, 俱乐部, is a
# member), a place, a year.
_DESCRIBES = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:企业|院所|院校|高校|机构|单位|组织|团体)"
    r"|[\u4e00-\u9fff]{1,4}(?<!俱乐)部|办公室|[\u4e00-\u9fff]{2}中心"
    r"|[\u4e00-\u9fff]{1,5}[省市区县]"
    r"|\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?"
)
# A securities firm or a press goes by its name and its trade (星河证券, 北辰出版社): a field
# is 证券, a kind 出版社, never with a name before it. A column of them, every one so named,
# holds names. Not …中心: a department is so named too (信息技术中心), so such a column stays
# doubted.
_TRADE_NAME = re.compile(r"[\u4e00-\u9fff]{2,}(?:证券|出版社|杂志社|报社)")
# Longer cells are a page's layout, not a table of members; a doubted word is short.
_MAX_CELL = 60
_MAX_SHORT = 8
_MAX_ALONE = 4
_SAMPLE = 40
# What makes a cell a block of the page's layout.
_BLOCKS = "table, ul, ol"

Grid = list[list[LexborNode]]


@dataclass
class Cells:
    """What the column rules decided about tables' cells, by cell id."""

    unread: set[int] = field(default_factory=set)
    # Cells of columns that may or may not hold names: what to say if one is read.
    doubtful: dict[int, str] = field(default_factory=dict)
    # Cells of grids of names: one shape, whatever their column.
    grid: set[int] = field(default_factory=set)


def read_columns(table: LexborNode, rows: list[LexborNode], found: Cells) -> None:
    """What the column rules say about the cells of a table's own rows."""
    headerless: Grid = []
    kept: list[bool] | None = None
    # Most tables span no cell: their rows' cells are their columns already.
    spanned = table.css_first("[rowspan], [colspan]") is not None
    for row in grid(rows) if spanned else map(cells, rows):
        texts = [header(cell) for cell in row]
        if texts and _TOTALS.fullmatch(texts[0]):
            # A totals row (合计 | 12家) counts the members; its count is none.
            found.unread.update(cell.mem_id for cell in row)
        elif (kinds := _header_row(row, texts)) is not None:
            kept = kinds
            found.unread.update(cell.mem_id for cell in row)
        elif kept is None:
            headerless.append(row)
        elif len(row) <= len(kept):
            _cut(row, kept, found)
    if headerless:
        _read_unheaded(headerless, found, spanned=spanned)


def doubted(doubtful: dict[int, str], nodes: Iterable[LexborNode | None]) -> list[str]:
    """What to say about the doubted columns (see `read_columns`) whose cells were read."""
    found: dict[str, None] = {}
    for node in nodes:
        cell = node
        while cell is not None and cell.tag not in ("td", "th", "tr", "table", "body"):
            cell = cell.parent
        if cell is not None and cell.mem_id in doubtful:
            found.setdefault(doubtful[cell.mem_id])
    return list(found)


def _header_row(row: list[LexborNode], texts: list[str]) -> list[bool] | None:
    """Which columns a header row heads names in (`texts`: its cells' headers), or None
    when the row is no header."""
    # Most rows are names: told in C, by the headers of a names column.
    if UNIT_HEADERS.isdisjoint(texts) and "名称\n" not in "\n".join(texts) + "\n":
        return None
    if len({cell.mem_id for cell in row}) < 2:
        return None
    if not NAME_HEADERS.isdisjoint(texts):
        return [text in NAME_HEADERS for text in texts]
    names = [names_header(text) for text in texts]
    others = all(
        name or not text or (len(text) <= _MAX_HEADER and _OTHER_HEADER.search(text))
        for name, text in zip(names, texts, strict=True)
    )
    return names if any(names) and others else None


def names_header(text: str) -> bool:
    """单位, 会员单位, 会员企业名称; not 产品名称."""
    return text in UNIT_HEADERS or (text.endswith("名称") and not _OTHER_HEADER.search(text))


def _cut(row: list[LexborNode], kept: list[bool], found: Cells) -> None:
    """Cut a row's cells in no kept column, where the row is as wide as the header row (a
    tier heading spanning the table, or across a kept column, stays); the cells of several
    kept columns are a grid's, its last row shorter."""
    keep = {cell.mem_id for cell, name in zip(row, kept, strict=False) if name}
    if len(row) == len(kept):
        found.unread.update(cell.mem_id for cell in row if cell.mem_id not in keep)
    if sum(kept) > 1:
        found.grid |= keep


def _read_unheaded(rows: Grid, found: Cells, *, spanned: bool) -> None:
    width = Counter(map(len, rows)).most_common(1)[0][0]
    # Rows of the table's width whose cells are one to a column (no tier heading across).
    data = [row for row in rows if len(row) == width]
    if spanned:
        data = [row for row in data if len({cell.mem_id for cell in row}) == width]
    if width < 2 or not data:
        return
    # What a long table's columns hold is told from rows spread over it.
    sample = data[:: -(-len(data) // _SAMPLE)]
    columns = [[cell_text(row[i]) for row in sample] for i in range(width)]
    if any(len(text) > _MAX_CELL for column in columns for text in column):
        return
    filled = [[text for text in column if LETTER.search(text)] for column in columns]
    names = [bool(values) and _names(values) for values in filled]
    if not any(names):
        return
    described = [False] * width
    for index, values in enumerate(filled):
        if names[index] or not values or any(heading(text) for text in values):
            continue
        described[index] = _describes(values)
        # One row says too little to cut a column by: it may be doubted still.
        if (len(data) == 1 or not described[index]) and _doubtful(values, rows=len(data)):
            why = _doubt(values, data[0][index])
            found.doubtful.update((row[index].mem_id, why) for row in data)
    if len(data) > 1:
        # A cell holding a list or a table of its own is layout: never cut.
        found.unread.update(
            cell.mem_id
            for row in data
            for cell, cutting in zip(row, described, strict=True)
            if cutting and cell.css_first(_BLOCKS) is None
        )
    if sum(names) > 1:
        # Names several to a row, but for the columns describing them: its last row may
        # be shorter; a row wider (a link after the names) is no grid's.
        found.grid.update(
            cell.mem_id
            for row in rows
            if len(row) <= width
            for cell, describing in zip(row, described, strict=False)
            if not describing
        )


def _doubtful(values: list[str], *, rows: int) -> bool:
    """Whether a column of short words, none an organisation's name, may hold fields.

    One row says too little to cut a column by (a grid's one row, or a member and its
    field): there a word as short as a field or a person is doubted ("…信息中心" is a name).
    """
    if rows == 1:
        return len(values[0]) <= _MAX_ALONE
    return len(values) >= 2 and all(len(text) <= _MAX_SHORT for text in values)


def _names(values: list[str]) -> bool:
    """Whether a column holds an organisation's name and says nothing of each member: the
    members' column, or a column of a grid among brand names."""
    named = any(map(_strict, values)) or all(map(_TRADE_NAME.fullmatch, values))
    return named and not _describes(values)


def _describes(values: list[str]) -> bool:
    """Whether a column's values say what each member is: a few values repeated, or each a
    kind, a department, a place, a year or a person (the member's contact)."""
    few = len(values) >= 3 and len(set(values)) <= _FEW * len(values)
    return few or all(map(_describes_one, values))


def _describes_one(text: str) -> bool:
    # A person is the member's contact; a place is where it is ("沈阳", "杭州").
    return (
        _DESCRIBES.fullmatch(text) is not None
        or is_place(text)
        or (is_person(text) and not looks_like_org(text))
    )


def _strict(text: str) -> bool:
    return looks_like_org(text, strict=True)


def _doubt(values: list[str], cell: LexborNode) -> str:
    shown = ", ".join(repr(text) for text in values[:3])
    return (
        f"a table column of short words beside the members' ({shown} … at {css_path(cell)}):"
        " a field or a kind of each member, or members' short names"
    )

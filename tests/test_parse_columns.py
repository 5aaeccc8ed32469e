"""Tables of members: which columns hold the members, and which describe them (invented names).

A column beside the names that says something about each member (its field, its kind, its
city, its department, its year of joining, its contact person) is no member, with or
without a header row saying so; a grid of names, several to a row, loses no column. Where
the parser cannot tell a column of short names from a column of fields, it says so and the
guard holds the snapshot back.
"""

from __future__ import annotations

import pytest

from tests.pages import INVENTED
from tracker.core.guard import anomalies
from tracker.core.parse import parse_page

A, B, C, D, E, F = INVENTED
NAMES = [A, B, C, D, E, F]


def _table(rows: list[list[str]], *, head: list[str] | None = None, th: bool = False) -> str:
    out = ["<table>"]
    if head is not None:
        tag = "th" if th else "td"
        out.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in head) + "</tr>")
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</table>"


def _read(body: str) -> list[str]:
    result = parse_page(f"<html><body><h3>会员单位</h3>{body}</body></html>")
    assert result.problems == []
    return [x.name for x in result.listings]


FIELDS = ["金融科技", "智能制造", "金融科技", "智能制造", "金融科技", "智能制造"]
KINDS = ["企业", "企业", "科研院所", "企业", "企业", "科研院所"]
CITIES = ["北京", "上海", "北京", "深圳", "北京", "上海"]

# Each table read wrong before, exit 0: its describing column was read as members.
DESCRIBED: dict[str, str] = {
    "a unit header beside a field header": _table(
        [[n, f] for n, f in zip(NAMES[:3], ["金融科技", "智能制造", "高等院校"], strict=True)],
        head=["单位", "领域"],
    ),
    "a member unit header beside a field header, in th": _table(
        [[n, f] for n, f in zip(NAMES[:4], FIELDS, strict=False)],
        head=["会员单位", "所属领域"],
        th=True,
    ),
    "no header: a name and its kind": _table(
        [[n, k] for n, k in zip(NAMES[:5], KINDS, strict=False)]
    ),
    "no header: a number, a name, its field and its city": _table(
        [
            [str(i + 1), n, f, c]
            for i, (n, f, c) in enumerate(zip(NAMES, FIELDS, CITIES, strict=True))
        ]
    ),
    "no header: a name, its department and a person": _table(
        [[n, "市场部", p] for n, p in zip(NAMES[:4], ["李文", "王华", "张强", "赵敏"], strict=True)]
    ),
    "no header: a kind spanning rows before the names": (
        f"<table><tr><td rowspan=2>企业</td><td>{A}</td></tr><tr><td>{B}</td></tr>"
        f"<tr><td rowspan=2>科研院所</td><td>{C}</td></tr><tr><td>{F}</td></tr></table>"
    ),
    "no header: two members to a row, a person between them": _table(
        [[A, "李文", B], [C, "王华", D], [E, "张强", F]]
    ),
    "a header with a contact column": _table(
        [[n, "研发中心", "李文"] for n in NAMES[:3]], head=["单位", "部门", "联系人"]
    ),
}


@pytest.mark.parametrize("case", list(DESCRIBED), ids=list(DESCRIBED))
def test_a_column_describing_each_member_is_no_member(case: str) -> None:
    names = _read(DESCRIBED[case])
    assert names == [n for n in NAMES if n in names] and len(names) >= 3, names
    assert not set(names) - set(NAMES), names


def test_a_tier_row_spanning_a_headed_table_still_heads_its_names() -> None:
    table = (
        "<table><tr><td>序号</td><td>单位</td><td>领域</td></tr>"
        f"<tr><td colspan=3>理事单位</td></tr><tr><td>1</td><td>{A}</td><td>金融科技</td></tr>"
        f"<tr><td>2</td><td>{B}</td><td>智能制造</td></tr>"
        f"<tr><td colspan=3>会员单位</td></tr><tr><td>3</td><td>{C}</td><td>金融科技</td></tr>"
        "</table>"
    )
    result = parse_page(f"<html><body><h2>会员名单</h2>{table}</body></html>")
    assert [(x.tier, x.name) for x in result.listings] == [
        ("board", A),
        ("board", B),
        ("ordinary", C),
    ]


# Grids of names, several to a row: every column holds members and all are kept.
GRIDS: dict[str, str] = {
    "three to a row": _table([NAMES[:3], NAMES[3:]]),
    "six to a row": _table([NAMES, [f"庚{n}" for n in NAMES]]),
    "three to a row, the last row short": _table([NAMES[:3], NAMES[3:5]]),
    "three to a row under a header": _table(
        [NAMES[:3], NAMES[3:]], head=["会员单位", "会员单位", "会员单位"], th=True
    ),
    # Brand names kept only in the columns with two organisations' names: a column's
    # cells had a shape of their own, and two columns of three were dropped as outside the
    # run, exit 0.
    "short names three to a row": _table([["星河科技", "青岚数据", "赤霄智能"], NAMES[:3]]),
    "a brand name in the short last row of a headed grid": _table(
        [NAMES[:3], NAMES[3:], ["青云"]], head=["会员单位", "会员单位", "会员单位"], th=True
    ),
    "a column of brand names in a grid": _table(
        [["星河科技", "青岚数据", "赤霄智能"], [A, "北辰", "云杉"], [D, E, F]]
    ),
}


@pytest.mark.parametrize("case", list(GRIDS), ids=list(GRIDS))
def test_a_grid_of_names_loses_no_column(case: str) -> None:
    body = GRIDS[case]
    result = parse_page(f"<html><body><h3>会员单位</h3>{body}</body></html>")
    cells = [cell.split("<")[0] for cell in body.split("<td>")[1:]]
    assert [x.name for x in result.listings] == [c for c in cells if c]


# Columns that could be fields or members' short names: read right, or held back.
UNTOLD: dict[str, tuple[list[list[str]], list[str]]] = {
    # Three fields, none repeated, beside three members: as short as brand names would be.
    "three fields once each": (
        [[n, f] for n, f in zip(NAMES[:3], ["金融科技", "互联网", "高等院校"], strict=True)],
        NAMES[:3],
    ),
    # One row: a member and its contact, or two members.
    "one row, a member and a person": ([[A, "李文"]], [A]),
}


@pytest.mark.parametrize("case", list(UNTOLD), ids=list(UNTOLD))
def test_a_column_that_cannot_be_told_from_names_is_held_back(case: str) -> None:
    rows, expected = UNTOLD[case]
    result = parse_page(f"<html><body><h3>会员单位</h3>{_table(rows)}</body></html>")
    names = [x.name for x in result.listings]
    assert names == expected or anomalies(result, None, max_loss_share=0.2) != [], names


def test_a_lone_cell_ending_like_an_organisation_is_a_member() -> None:
    # A one-column table whose cells hold paragraphs, the last row typed in bare: its cell
    # has a shape of its own, and "…信息中心" (no legal form) was dropped as outside the run.
    rows = "".join(f"<tr><td><p>{n}</p></td></tr>" for n in NAMES[:3])
    table = f"<table>{rows}<tr><td>庚川信息中心</td></tr></table>"
    assert _read(table) == [*NAMES[:3], "庚川信息中心"]

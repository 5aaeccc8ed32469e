"""review9: the `columns` and `tiercol` merges read against invented member tables.

`columns` reads a table by its member columns only (a column describing each member is
never read; a grid keeps every column; a doubted column of short words quarantines);
`tiercol` gives each row of a register its class column's tier. The cases below are
tables a member page could plausibly show that they still read wrong. Invented names.
"""

from __future__ import annotations

import pytest

from tracker.core.guard import anomalies
from tracker.core.models import ParseResult
from tracker.core.parse import parse_page

A, B, C, D = "甲星科技有限公司", "乙禾数据有限公司", "丙岳大学", "丁岫视觉有限公司"
NAMES = [A, B, C, D]


def _table(rows: list[list[str]], *, head: list[str] | None = None) -> str:
    out = ["<table>"]
    if head is not None:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in head) + "</tr>")
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</table>"


def _parse(body: str, heading: str = "会员单位") -> ParseResult:
    return parse_page(
        f"<html><head><title>t</title></head><body><h3>{heading}</h3>{body}</body></html>"
    )


def _believed(body: str, heading: str = "会员单位") -> list[str]:
    result = _parse(body, heading)
    assert not anomalies(result, None, max_loss_share=0.2)
    return [x.name for x in result.listings]


def _flat(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


# --- (a) a member lost --------------------------------------------------------------------


@pytest.mark.parametrize(
    "club", [["乙禾俱乐部", "丙岫俱乐部", "丁溟俱乐部"], ["青岚俱乐部", "墨石俱乐部", "远山俱乐部"]]
)
def test_a_column_of_clubs_beside_the_names_is_no_department(club: list[str]) -> None:
    # "…俱乐部" fully matched the department pattern ("市场部"): the column of clubs was cut
    # as describing each member, every club lost, exit 0. Now read (doubted, so held back,
    # where it is short).
    rows = [[n, c] for n, c in zip(NAMES, club, strict=False)]
    result = _parse(_table(rows))
    assert [x.name for x in result.listings] == _flat(rows)


# --- (b) furniture read as a member -------------------------------------------------------


@pytest.mark.parametrize("head", [["序号", "单位名称"], None])
@pytest.mark.parametrize(
    "totals", [["合计", "4家"], ["合 计", "共4家单位"], ["共计", "4家会员单位"]]
)
def test_a_totals_row_is_no_member(totals: list[str], head: list[str] | None) -> None:
    # The count in a table's totals row ("4家", "共4家单位") was read as a member: a false
    # join, exit 0, whenever the count changed a false departure and join.
    rows = [[str(i), n] for i, n in enumerate(NAMES, 1)]
    assert _believed(_table([*rows, totals], head=head)) == NAMES

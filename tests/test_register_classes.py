"""A register's class cell says more than its class at times (invented names).

A row marked withdrawn, expelled or suspended (会员单位（已退会）, 已注销, 暂停) was listed as a
member of its class: a false member, believed. A class qualified otherwise (理事单位（待定）,
原会员单位) picked its class's tier in silence. A footnote mark (理事单位①) stayed in the label,
and an unknown class with one (观察员单位*) was passed over unremarked. In a class column, 会员
and 普通会员 were an unknown tier beside 会员单位's ordinary one.
"""

from __future__ import annotations

import pytest

from tests.pages import INVENTED
from tracker.core.diff import diff
from tracker.core.guard import anomalies
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.core.parse import parse_page, read_page, read_pages

A, B, C, D = INVENTED[:4]
NAMES = [A, B, C, D]
HEAD = ["单位名称", "会员类别"]


def _html(rows: list[list[str]], head: list[str] = HEAD) -> str:
    cells = [head, *rows]
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
    return (
        "<html><head><title>t</title></head><body><h3>会员名录</h3>"
        f"<table>{table}</table></body></html>"
    )


def _first_is(klass: str) -> str:
    classes = [klass, "理事单位", "会员单位", "会员单位"]
    return _html([[n, k] for n, k in zip(NAMES, classes, strict=True)])


def _listed(result: ParseResult) -> list[tuple[str, str, str]]:
    return [(x.tier, x.tier_label, x.name) for x in result.listings]


def _rest() -> list[tuple[str, str, str]]:
    return [("board", "理事单位", B), ("ordinary", "会员单位", C), ("ordinary", "会员单位", D)]


@pytest.mark.parametrize(
    "klass",
    [
        "会员单位（已退会）",
        "会员单位(已退会)",
        "理事单位【已注销】",
        "会员单位 已退出",
        "会员单位-退会",
        "已退会会员单位",
        "会员单位（暂停会员资格）",
        "理事单位（已除名）",
        "会员单位（资格终止）",
        "会籍已注销",
        "理事单位（2022年退会）",
        "已退会",
    ],
)
def test_a_row_marked_withdrawn_is_no_member_and_the_reading_says_why(klass: str) -> None:
    html = _first_is(klass)
    result = parse_page(html)
    assert _listed(result) == _rest()
    assert not anomalies(result, None, max_loss_share=0.2)
    why = f"withdrawn, expelled or suspended ({klass!r} under 会员类别)"
    assert (A, why) in {(x.text, x.reason) for x in read_page(html).rejected}


@pytest.mark.parametrize("note", ["状态", "会员状态", "会籍状态", "当前状态", "备注"])
def test_a_withdrawal_in_a_status_column_beside_the_class_is_no_member(note: str) -> None:
    rows = [
        [A, "会员单位", "已退会"],
        [B, "理事单位", ""],
        [C, "会员单位", "正常"],
        [D, "会员单位", ""],
    ]
    html = _html(rows, [*HEAD, note])
    assert _listed(parse_page(html)) == _rest()
    why = f"withdrawn, expelled or suspended ('已退会' under {note})"
    assert (A, why) in {(x.text, x.reason) for x in read_page(html).rejected}


UNPLACED = "an end the tracker cannot place (of the membership, or of an office?)"


@pytest.mark.parametrize(("note", "said"), [("缴费状态", "已到期"), ("单位状态", "已注销")])
def test_an_end_under_a_status_of_something_else_holds_the_snapshot_back(
    note: str, said: str
) -> None:
    # A fee lapsed ends no membership; a company's own status may. Not guessed either way.
    rows = [
        [A, "会员单位", said],
        [B, "理事单位", ""],
        [C, "会员单位", "正常"],
        [D, "会员单位", ""],
    ]
    result = parse_page(_html(rows, [*HEAD, note]))
    assert _listed(result) == _rest()
    assert result.problems == [
        "an end under a status of something else (a fee's, a certificate's?) "
        f"({said!r} under {note}), first in the row of {A}"
    ]
    assert anomalies(result, None, max_loss_share=0.2)


@pytest.mark.parametrize(
    "klass",
    [
        "理事单位（2023年退出理事会）",
        "退出副会长单位",
        "暂停理事单位",
        "会员单位（2025年到期）",
        "未退会",
    ],
)
def test_an_end_that_may_be_an_office_s_or_a_term_holds_the_snapshot_back(klass: str) -> None:
    # Left the board, or the association? A term ending in 2025, or ended? Not guessed.
    result = parse_page(_first_is(klass))
    assert _listed(result) == _rest()
    assert result.problems == [f"{UNPLACED} ({klass!r} under 会员类别), first in the row of {A}"]
    assert anomalies(result, None, max_loss_share=0.2)


def test_a_remark_beside_the_class_that_may_not_end_the_membership_holds_it_back() -> None:
    # A remark is free text: 退出理事会 may leave the board only.
    rows = [
        [A, "理事单位", "退出理事会"],
        [B, "理事单位", ""],
        [C, "会员单位", ""],
        [D, "会员单位", ""],
    ]
    result = parse_page(_html(rows, [*HEAD, "备注"]))
    assert _listed(result) == _rest()
    assert result.problems == [f"{UNPLACED} ('退出理事会' under 备注), first in the row of {A}"]


@pytest.mark.parametrize(
    ("klass", "qualifier"),
    [
        ("理事单位（待定）", "待定"),
        ("会员单位(拟)", "拟"),
        ("原会员单位", "原"),
        ("理事（候选）", "候选"),
        # A term, bracketed or not, may be over (a register listing past terms).
        ("会员单位（2024-2026）", "2024-2026"),
        ("理事单位2023.6-2026.6", "2023.6-2026.6"),
        ("理事 2023-2026", "2023-2026"),
    ],
)
def test_a_class_qualified_otherwise_holds_the_snapshot_back(klass: str, qualifier: str) -> None:
    result = parse_page(_first_is(klass))
    assert _listed(result) == _rest()
    assert result.problems == [
        f"a class qualified beyond what the tracker reads by {qualifier!r}"
        f" ({klass!r} under 会员类别), first in the row of {A}"
    ]
    assert anomalies(result, None, max_loss_share=0.2)


@pytest.mark.parametrize(
    ("klass", "tier"),
    [
        ("理事单位（轮值）", "board"),
        ("副理事长单位（2023年入会）", "vice_chair"),
        ("副理事长（兼秘书长）", "vice_chair"),
        ("理事2023年入会", "board"),
    ],
)
def test_a_remark_that_leaves_the_class_keeps_its_tier(klass: str, tier: str) -> None:
    result = parse_page(_first_is(klass))
    assert _listed(result) == [(tier, klass, A), *_rest()]
    assert not anomalies(result, None, max_loss_share=0.2)


@pytest.mark.parametrize(
    ("klass", "tier"),
    [
        ("会员", "ordinary"),
        ("普通会员", "ordinary"),
        ("會員", "ordinary"),
        ("会员单位", "ordinary"),
        ("普通会员单位", "ordinary"),
        ("理事", "board"),
        ("理事单位", "board"),
        ("常务理事", "standing_board"),
        ("常务理事单位", "standing_board"),
        ("副理事长", "vice_chair"),
        ("副理事长单位", "vice_chair"),
        ("理事长", "chair"),
        ("理事长单位", "chair"),
    ],
)
def test_the_bare_words_of_a_class_name_its_tier(klass: str, tier: str) -> None:
    assert _listed(parse_page(_first_is(klass)))[0] == (tier, klass, A)


@pytest.mark.parametrize("mark", ["*", "＊", "①", "[1]", "（1）", "注", "注1", "※"])
def test_a_footnote_mark_is_no_part_of_the_label(mark: str) -> None:
    result = parse_page(_first_is(f"理事单位{mark}"))
    assert _listed(result) == [("board", "理事单位", A), *_rest()]


def test_an_unknown_class_with_a_footnote_mark_still_holds_the_snapshot_back() -> None:
    result = parse_page(_first_is("观察员单位*"))
    assert _listed(result) == _rest()
    assert anomalies(result, None, max_loss_share=0.2)


def test_a_label_differing_by_a_mark_alone_is_no_change_in_a_diff() -> None:
    # Why the mark is dropped for the reading's groups, not for the diff: a diff compares
    # tiers, never labels.
    def listing(label: str) -> Listing:
        return Listing(tier="board", tier_label=label, position=1, name=A, key=normalize_key(A))

    assert diff([listing("理事单位①")], [listing("理事单位")]).empty


@pytest.mark.parametrize("marked", [f"{A}（已退会）", f"{A}(已注销)", f"{A} 已退会"])
def test_a_register_row_whose_name_is_marked_withdrawn_is_no_member(marked: str) -> None:
    rows = [[marked, "会员单位"], [B, "理事单位"], [C, "会员单位"], [D, "会员单位"]]
    html = _html(rows)
    assert _listed(parse_page(html)) == _rest()
    why = f"withdrawn, expelled or suspended ({marked!r})"
    assert (marked, why) in {(x.text, x.reason) for x in read_page(html).rejected}


def test_a_name_holding_a_withdrawal_word_of_its_own_is_a_member() -> None:
    own = "星河注销代理有限公司"
    rows = [[own, "会员单位"], [B, "理事单位"], [C, "会员单位"], [D, "会员单位"]]
    assert _listed(parse_page(_html(rows)))[0] == ("ordinary", "会员单位", own)


def _list_page(items: list[str]) -> str:
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f"<html><body><h3>理事单位</h3><ul>{lis}</ul></body></html>"


@pytest.mark.parametrize(
    "marked",
    [f"{D}（已退会）", f"{D}(暂停会员资格)", f"{D} 已注销", f"{D}【已除名】"],
)
@pytest.mark.parametrize("fast", [True, False])
def test_a_name_in_a_list_marked_withdrawn_after_it_is_no_member(marked: str, fast: bool) -> None:
    # As in a register's row: listed, it was a member (a false member, or with the mark in
    # its key a false join beside a false departure), believed.
    reading = read_pages([_list_page([A, B, C, marked])], fast=fast)
    assert [x.name for x in reading.result.listings] == [A, B, C]
    assert any(x.text == marked and "withdrawn" in x.reason for x in reading.rejected)
    assert reading.result.problems == []


def test_a_name_in_a_list_with_an_end_the_tracker_cannot_place_holds_the_list_back() -> None:
    # 退出理事会: leaving the board, or the association? Neither guessed.
    result = parse_page(_list_page([A, B, C, f"{D}（退出理事会）"]))
    assert D not in [x.name for x in result.listings]
    assert any("cannot place" in problem for problem in result.problems)
    assert anomalies(result, None, max_loss_share=0.2)


@pytest.mark.parametrize("name", ["星河注销代理有限公司", f"{D}（新增）", f"{D} （北京）"])
def test_a_name_whose_words_or_remark_say_no_end_is_kept(name: str) -> None:
    result = parse_page(_list_page([A, B, C, name]))
    assert len(result.listings) == 4 and result.problems == []

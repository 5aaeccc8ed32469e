"""Tables whose last column gives each row's membership class (invented names).

An association's register of institutions (``序号 | 律师事务所名称 | 成立时间 | 网址 | 协会会员``)
says in one column which of them are members and of which class: 普通会员, 联席会员,
观察会员, or nothing for an institution that is no member. Each row is a member of its own
row's class; a row with no class is no member, and the reading says so. Before, a table of
one class was read under the column's header (协会会员) as its tier, and believed, so a
member changing class would never show; a table of mixed classes read nothing at all.
"""

from __future__ import annotations

import pytest

from tracker.core.guard import anomalies
from tracker.core.models import ParseResult
from tracker.core.parse import parse_page, read_page

A, B, C, D, E = (
    "甲岚律师事务所",
    "乙禾基金销售有限公司",
    "丙岳证券股份有限公司",
    "丁岫财富管理有限公司",
    "戊溟投资顾问有限公司",
)
HEAD = ["序号", "机构名称", "成立时间", "网址", "电话", "协会会员"]


def _row(number: int, name: str, klass: str, tag: str = "td") -> str:
    cells = [str(number), name, "2001年8月", f"www.x{number}.cn", "010-12345678", klass]
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def _table(classes: list[tuple[str, str]], *, head: list[str] = HEAD, th: bool = False) -> str:
    tag = "th" if th else "td"
    rows = "".join(_row(i, name, klass) for i, (name, klass) in enumerate(classes, 1))
    header = "<tr>" + "".join(f"<{tag}>{text}</{tag}>" for text in head) + "</tr>"
    return f"<html><head><title>从业机构公示</title></head><body><table>{header}{rows}</table></body></html>"


def _listed(result: ParseResult) -> list[tuple[str, str, int, str]]:
    return [(x.tier, x.tier_label, x.position, x.name) for x in result.listings]


def _believed(html: str) -> ParseResult:
    result = parse_page(html)
    assert anomalies(result, None, max_loss_share=0.2) == []
    return result


@pytest.mark.parametrize("th", [False, True], ids=["header in td", "header in th"])
def test_a_table_of_one_class_is_read_under_the_class_not_the_header(th: bool) -> None:
    result = _believed(_table([(name, "联席会员") for name in (A, B, C)], th=th))
    assert _listed(result) == [("other", "联席会员", i, n) for i, n in enumerate((A, B, C), 1)]


def test_mixed_classes_group_each_row_by_its_own_class_in_page_order() -> None:
    classes = [(A, "普通会员"), (B, "联席会员"), (C, "普通会员"), (D, "观察会员"), (E, "联席会员")]
    result = _believed(_table(classes))
    # 普通会员 is the ordinary class, as 会员单位 is; the classes the tier words lack are
    # each their own.
    assert _listed(result) == [
        ("ordinary", "普通会员", 1, A),
        ("other", "联席会员", 1, B),
        ("ordinary", "普通会员", 2, C),
        ("other", "观察会员", 1, D),
        ("other", "联席会员", 2, E),
    ]


def test_a_class_in_the_tracker_vocabulary_is_its_tier() -> None:
    classes = [(A, "副会长单位"), (B, "理事单位"), (C, "会员单位")]
    result = _believed(_table(classes))
    assert _listed(result) == [
        ("vice_chair", "副会长单位", 1, A),
        ("board", "理事单位", 1, B),
        ("ordinary", "会员单位", 1, C),
    ]


def test_a_row_with_no_class_is_no_member_and_the_reading_says_so() -> None:
    classes = [(A, "普通会员"), (B, ""), (C, "联席会员"), (D, "非会员"), (E, "普通会员")]
    html = _table(classes)
    result = _believed(html)
    assert _listed(result) == [
        ("ordinary", "普通会员", 1, A),
        ("other", "联席会员", 1, C),
        ("ordinary", "普通会员", 2, E),
    ]
    rejected = {(item.text, item.reason) for item in read_page(html).rejected}
    why = "no membership class in its row (协会会员)"
    assert {(B, why), (D, why)} <= rejected


def test_a_class_column_mostly_saying_no_class_is_still_the_class_column() -> None:
    """A dash or 非会员 says what a blank does: the one member is read, the rest are not."""
    classes = [(A, "非会员"), (B, "—"), (C, "普通会员"), (D, "非会员"), (E, "/")]
    result = _believed(_table(classes))
    assert _listed(result) == [("ordinary", "普通会员", 1, C)]


def test_a_nested_table_in_the_first_row_changes_nothing() -> None:
    nested = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    html = _table([(name, "会员") for name in (A, B, C)]).replace(
        "<td>1</td>", f"<td>{nested}</td>", 1
    )
    result = _believed(html)
    assert _listed(result) == [("ordinary", "会员", i, n) for i, n in enumerate((A, B, C), 1)]


def _word(text: str, *, bold: bool = False) -> str:
    """A cell as Word exports it: a paragraph of spans, an empty o:p."""
    span = f'<span style="font-family: 宋体; mso-font-kerning: 0pt;">{text}</span>'
    span = f"<b>{span}</b>" if bold else span
    return (
        '<td style="padding: 0cm; mso-border-alt: inset #8E8E8B .75pt;">'
        f'<p class="MsoNormal" style="margin: 0cm 0cm 0pt;">{span}'
        '<span lang="EN-US"><o:p></o:p></span></p></td>'
    )


def test_word_exported_cells_are_read_alike() -> None:
    header = "<tr>" + "".join(_word(text, bold=True) for text in HEAD) + "</tr>"
    rows = "".join(
        "<tr>"
        + "".join(_word(t) for t in (str(i), name, "2003 年 7 月", "www.x.cn", "/", "特别会员"))
        + "</tr>"
        for i, name in enumerate((A, B, D), 1)
    )
    html = (
        "<html><head><title>从业机构公示</title></head><body>"
        f'<table class="MsoNormalTable"><tbody>{header}{rows}</tbody></table></body></html>'
    )
    result = _believed(html)
    assert _listed(result) == [("other", "特别会员", i, n) for i, n in enumerate((A, B, D), 1)]


def test_a_members_column_headed_member_is_still_the_names() -> None:
    """会员 heads the names here, 类别 their tiers: the class is the column naming tiers."""
    head = ["会员", "类别"]
    rows = "".join(
        f"<tr><td>{n}</td><td>{t}</td></tr>" for n, t in ((A, "理事单位"), (B, "会员单位"))
    )
    header = "".join(f"<th>{text}</th>" for text in head)
    result = _believed(f"<html><body><table><tr>{header}</tr>{rows}</table></body></html>")
    assert _listed(result) == [("board", "理事单位", 1, A), ("ordinary", "会员单位", 1, B)]


def test_an_institution_table_with_no_class_column_is_no_member_list() -> None:
    head = ["序号", "托管人名称", "注册地", "取得托管业务资格时间", "官方网站", "客服电话"]
    result = parse_page(_table([(name, "北京") for name in (A, B, C)], head=head))
    assert result.listings == []


def test_securities_firms_by_their_short_names_are_believed() -> None:
    """A securities firm goes by its licence ("甲岚证券"), as a bank does: a class of them
    was held back as names that do not look like organisations."""
    firms = ["甲岚证券", "乙禾证券", "丙岳证券", "丁岫证券（浙江）"]
    result = _believed(_table([(name, "普通会员") for name in firms]))
    assert [x.name for x in result.listings] == firms


@pytest.mark.parametrize(
    "heading", ["<h2>会员单位</h2>", "<h3>会员名单</h3>", "<p><b>理事单位</b></p>"]
)
def test_a_heading_right_above_a_class_table_is_its_title(heading: str) -> None:
    # The heading headed no names of its own: it titles the table, whose rows give their
    # tiers. It was reported as "0 names read", and a page read right was held back.
    page = _table([(A, "普通会员"), (B, "联席会员"), (C, "普通会员")]).replace(
        "<body>", f"<body>{heading}"
    )
    result = parse_page(page)
    assert [(x.tier_label, x.name) for x in result.listings] == [
        ("普通会员", A),
        ("联席会员", B),
        ("普通会员", C),
    ]
    assert not anomalies(result, None, max_loss_share=0.2)


def test_a_heading_with_other_content_before_a_class_table_still_says_it_read_nothing() -> None:
    # Only a heading right above the table is its title: one over a paragraph of its own
    # headed something that was not read.
    page = _table([(A, "普通会员"), (B, "联席会员")]).replace(
        "<body>", "<body><h2>理事单位</h2><h2>关于本会</h2><p>本会成立于2001年。</p>"
    )
    assert any("0 names read" in why for why in parse_page(page).problems)

"""Pages version 5 of the parser read right that the first draft of version 6 read wrong.

A review found each in the new rules for real pages, most read wrong with exit 0 and no
problem recorded: a real member dropped (a false departure once stored pages are reparsed)
or a piece of a card read as a member (a false join). Version 6 reads them as 5 did. Names
are invented.
"""

from __future__ import annotations

import pytest

from tracker.core.parse import parse_page

A, B, C, D = "甲星科技有限公司", "乙禾数据有限公司", "丙岳大学", "丁岫视觉有限公司"

Expected = list[tuple[str, str, str]]

CASES: dict[str, tuple[str, Expected]] = {
    # `_QUOTED`: a brand in quotes inside a member's name that does not end as an
    # organisation's does is taken for a headline and dropped, exit 0.
    "members whose names quote a brand": (
        f'<h2>理事单位</h2><ul><li>{A}</li><li>“星河”智能</li><li>乙禾“数智”产业园</li>'
        f'<li>"Xinghe" AI</li><li>『甲星』联合体</li><li>乙禾数据（“专精特新”）</li><li>{B}</li></ul>',
        [("board", "理事单位", n) for n in
         (A, "“星河”智能", "乙禾“数智”产业园", '"Xinghe" AI', "『甲星』联合体", "乙禾数据（“专精特新”）", B)],
    ),
    # `inline_names`: a Chinese name and its English one in sibling spans, a space between,
    # read as two members (the English one a false join), exit 0.
    "a name and its English name in sibling spans": (
        f'<h2>会员单位</h2><ul><li><span>{A}</span> <span>Jiaxing Technology Co., Ltd.</span></li>'
        f'<li><span>{C}</span> <span>Bingyue University</span></li></ul>'
        f'<div class="m"><p><span>{B}</span><span>Yihe Data Co., Ltd.</span></p></div>',
        [("ordinary", "会员单位", n) for n in (
            f"{A} Jiaxing Technology Co., Ltd.", f"{C} Bingyue University",
            f"{B}Yihe Data Co., Ltd.")],
    ),
    # `inline_names`: one name styled in two parts, each ending as an organisation's name
    # does, split in two: "附属医院" and "计算机学院" read as members, the real one departs.
    "a name styled in two parts that each end as names do": (
        '<h2>会员单位</h2><ul><li><span>甲星大学</span><span>附属医院</span></li>'
        '<li><font color="red">丙岳大学</font><font>计算机学院</font></li>'
        f"<li>{D}</li></ul>",
        [("ordinary", "会员单位", n) for n in ("甲星大学附属医院", "丙岳大学计算机学院", D)],
    ),
    # `_beside_tiers`: member cards titled <h3> under an <h2> tier, on a page that heads a
    # tier with <h3> too. A card title that is a brand (not strictly a legal form) in a
    # shape the tier has not read yet ends the tier: the rest of the tier is lost, exit 0.
    "card titles under a tier, the first card styled apart": (
        f'<h2>理事单位</h2><div class="card"><h3 class="first">{A}</h3></div>'
        '<div class="card"><h3>乙禾智能</h3></div><div class="card"><h3>丙岳科技</h3></div>'
        f"<h3>会员单位</h3><ul><li>{D}</li></ul>",
        [("board", "理事单位", A), ("board", "理事单位", "乙禾智能"),
         ("board", "理事单位", "丙岳科技"), ("ordinary", "会员单位", D)],
    ),
    # The same with brand-only titles from the first card: every <h2> tier reads 0 names
    # (quarantined, where version 5 read the page right).
    "brand card titles under tiers": (
        '<h2>理事单位</h2><div class="c"><h4>甲星智能</h4></div><div class="c"><h4>乙禾智能</h4>'
        '</div><h2>会员单位</h2><div class="c"><h4>丁岫视觉</h4></div><div class="c"><h4>戊溟语音'
        f"</h4></div><h4>副理事长单位</h4><p>{C}</p>",
        [("board", "理事单位", "甲星智能"), ("board", "理事单位", "乙禾智能"),
         ("ordinary", "会员单位", "丁岫视觉"), ("ordinary", "会员单位", "戊溟语音"),
         ("vice_chair", "副理事长单位", C)],
    ),
    # `_MORE_FIRST` matches "More" at the start of a Latin word: "Morenet会员单位" is
    # labelled "net会员单位".
    "a label beginning with a Latin word that begins with more": (
        f"<h2>Morenet会员单位</h2><ul><li>{A}</li></ul>",
        [("ordinary", "Morenet会员单位", A)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_page_version_5_read_right_still_reads_right(case: str) -> None:
    body, expected = CASES[case]
    result = parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert [(x.tier, x.tier_label, x.name) for x in result.listings] == expected
    assert result.problems == []

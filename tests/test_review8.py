"""review8: the two merges of session 27 read against invented pages.

realpages4 made 企业 a strict ending (合伙企业, 独资企业) and a graded title ("省级…") no
organisation; review7 reworked the rule that drops a representative printed before each
member. The cases below are where they still read a plausible page wrong. Invented names
throughout.
"""

from __future__ import annotations

import pytest

from tracker.core.guard import anomalies
from tracker.core.parse import parse_page

A, B, C, D = "甲星科技有限公司", "乙禾数据有限公司", "丙岳大学", "丁岫视觉有限公司"
PEOPLE = (
    "周墨岩",
    "韦青禾",
    "邹一帆",
    "吴砚舟",
    "贺知远",
    "俞朗",
    "钟屿",
    "欧阳明",
    "司马青",
    "于云",
)
ORGS = tuple(f"{c}岚科技有限公司" for c in "甲乙丙丁戊己庚辛壬癸")


def _names(body: str) -> list[str]:
    result = parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert not anomalies(result, None, max_loss_share=0.2)
    return [x.name for x in result.listings]


# --- review7: the representative before each member ---------------------------------------


@pytest.mark.parametrize("gap", ["\u3000", "&emsp;", "&nbsp;&nbsp;&nbsp;"])
@pytest.mark.parametrize("brand", ["庚岚厨业", "辛川餐饮连锁"])
def test_a_person_set_apart_before_a_brand_on_a_people_first_tier_is_no_member(
    gap: str, brand: str
) -> None:
    # The person before a member in no legal form, set apart by a separator, was read as a
    # member of its own on a tier whose other lines put a person before each member: each new
    # representative a false join, exit 0 (parser 7 quarantined the page).
    members = (A, B, C, brand)
    body = "<h2>理事单位</h2>" + "".join(
        f"<p>{person}{gap}{member}</p>" for person, member in zip(PEOPLE, members, strict=False)
    )
    assert _names(body) == list(members)


def test_rows_of_two_members_keep_both() -> None:
    # A line of two names is a person and a member only on a tier whose other lines put a
    # person first: a tier of rows of members keeps both.
    body = f"<h2>理事单位</h2><p>{A}　{B}</p><p>{C}　庚岚厨业</p><p>{D}　辛川餐饮</p>"
    assert _names(body) == [A, B, C, "庚岚厨业", D, "辛川餐饮"]


@pytest.mark.parametrize("lines", [3, 1])
def test_a_person_spaced_out_in_ideographic_spaces_is_no_part_of_the_name(lines: int) -> None:
    # "钟　屿　甲岚科技有限公司" (U+3000 throughout): the spaced-out person was left in the
    # member's name, which changed with its representative, exit 0; with ordinary spaces or
    # &nbsp; it was dropped.
    people = ("刘　洋", "钟　屿", "韦　禾")[:lines]
    body = "<h2>理事单位</h2>" + "".join(
        f"<p>{person}　{org}</p>" for person, org in zip(people, ORGS, strict=False)
    )
    body += "".join(f"<p>{org}</p>" for org in ORGS[lines:4])
    assert _names(body) == list(ORGS[:4])


@pytest.mark.parametrize("gap", [" ", "&nbsp;", "\u3000"])
def test_a_three_character_person_spaced_out_at_every_character_is_dropped_whole(
    gap: str,
) -> None:
    # "周 墨 岩 甲星科技有限公司" was read as the person "周 墨" and the member "岩 甲星…":
    # part of the person in the member's name, a false departure and join at each new
    # representative, exit 0.
    people = ("周 墨 岩", "韦 青 禾", "邹 一 帆")
    body = "<h2>理事单位</h2>" + "".join(
        f"<p>{person.replace(' ', gap)}{gap}{org}</p>"
        for person, org in zip(people, (A, B, C), strict=True)
    )
    assert _names(body) == [A, B, C]


def test_a_brand_spaced_out_at_every_character_keeps_its_name() -> None:
    names = ["星 河 云 科技有限公司", B, C]
    assert _names("<h2>理事单位</h2>" + "".join(f"<p>{n}</p>" for n in names)) == names

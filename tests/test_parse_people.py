"""A person printed before each member ("周墨岩 星河科技有限公司"), read apart from the name.

Left in, the person makes the member's key change with its representative: a false
departure and a false join. Dropped wrongly, a place or a brand before a name changes keys
the same way. Invented names throughout.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages import INVENTED
from tracker.core.guard import anomalies
from tracker.core.parse import parse_page, read_page

A, B, C, D, E = INVENTED[:5]
PEOPLE = ("周墨岩", "韦青禾", "邹一帆", "吴砚舟")


def _names(body: str) -> list[tuple[str, str]]:
    result = parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert not anomalies(result, None, max_loss_share=0.2)
    return [(x.tier_label, x.name) for x in result.listings]


def _lines(pairs: list[tuple[str, str]], gap: str, tag: str = "p") -> str:
    return "".join(f"<{tag}>{first}{gap}{name}</{tag}>" for first, name in pairs)


# review7: a person set apart by a real separator was read as a member of its own, exit 0.
@pytest.mark.parametrize("gap", ["\u3000", "&emsp;", "&nbsp;&nbsp;", "\u3000\u3000", "  "])
@pytest.mark.parametrize("tag", ["p", "li"])
def test_a_representative_set_apart_before_each_member_is_no_member(gap: str, tag: str) -> None:
    body = "<h2>理事单位</h2>" + _lines(list(zip(PEOPLE, (A, B, C, D), strict=True)), gap, tag)
    assert _names(body) == [("理事单位", n) for n in (A, B, C, D)]


def _table(pairs: list[tuple[str, str]], gap: str) -> str:
    rows = "".join(
        f"<tr><td>{first}{gap}{name}</td><td>理事单位</td></tr>" for first, name in pairs
    )
    return f"<table><tr><th>单位名称</th><th>类别</th></tr>{rows}</table>"


# A tier is looked at for people only when a name of it holds a space: each way a name
# is read (a line's pieces, a table's rows) says so, a single nbsp as well as a space.
@pytest.mark.parametrize("gap", [" ", "&nbsp;"])
@pytest.mark.parametrize(
    "layout",
    [
        lambda pairs, gap: "<h2>理事单位</h2>" + _lines(pairs, gap),
        lambda pairs, gap: "<h2>理事单位</h2><ul>" + _lines(pairs, gap, "li") + "</ul>",
        _table,
    ],
    ids=["paragraphs", "list", "table"],
)
def test_a_person_and_one_space_before_each_member_is_no_member(gap: str, layout: Any) -> None:
    body = layout(list(zip(PEOPLE, (A, B, C, D), strict=True)), gap)
    assert _names(body) == [("理事单位", n) for n in (A, B, C, D)]


def test_the_people_dropped_are_said() -> None:
    body = "<h2>理事单位</h2>" + _lines(list(zip(PEOPLE, (A, B, C), strict=False)), "\u3000")
    reading = read_page(f"<html><body>{body}</body></html>")
    said = [(x.text, x.reason) for x in reading.rejected]
    assert said == [(person, "a person before the member") for person in PEOPLE[:3]]


# review7: a tier of one or two lines kept its representatives in the members' names, on a
# page whose longer tier shows the people for what they are.
@pytest.mark.parametrize("gap", [" ", "\u3000"])
def test_short_tiers_drop_the_people_the_page_shows(gap: str) -> None:
    body = (
        f"<h2>理事长单位</h2><p>吴砚舟{gap}{A}</p>"
        f"<h2>副理事长单位</h2><p>周墨岩{gap}{B}</p><p>{C}</p>"
        "<h2>理事单位</h2>" + _lines([("韦青禾", D), ("邹一帆", E), ("贺知远", "己川大学")], gap)
    )
    assert _names(body) == [
        ("理事长单位", A),
        ("副理事长单位", B),
        ("副理事长单位", C),
        *[("理事单位", n) for n in (D, E, "己川大学")],
    ]


def test_a_short_tier_alone_is_kept_as_written() -> None:
    body = f"<h2>理事长单位</h2><p>吴砚舟 {A}</p><h2>理事单位</h2><p>{B}</p><p>{C}</p><p>{D}</p>"
    assert _names(body)[0] == ("理事长单位", f"吴砚舟 {A}")


# review7: cities that open with a surname's character ("沈阳", "武汉") were read as people
# and dropped from the names (three or more distinct ones, none in 州 or 市).
@pytest.mark.parametrize(
    "places",
    [("沈阳", "武汉", "石家庄"), ("江苏", "江西", "黄冈"), ("唐山", "沈阳", "许昌", "江门")],
)
def test_places_before_the_members_stay_in_the_names(places: tuple[str, ...]) -> None:
    pairs = list(zip(places, (A, B, C, D), strict=False))
    body = "<h2>理事单位</h2>" + _lines(pairs, " ")
    assert _names(body) == [("理事单位", f"{place} {name}") for place, name in pairs]


# review7: a brand opening with a surname's character before its legal form ("金宝
# 科技有限公司") lost its brand: every member was left a bare "科技有限公司".
@pytest.mark.parametrize(
    "names",
    [
        ("金宝 科技有限公司", "王鼎 数据有限公司", "李记 食品有限公司"),
        ("王老壶 饮料有限公司", "周大盛 珠宝有限公司", "陈一品 餐饮有限公司"),
    ],
)
def test_brands_in_a_surname_keep_their_names(names: tuple[str, ...]) -> None:
    body = "<h2>理事单位</h2>" + "".join(f"<p>{n}</p>" for n in names)
    assert _names(body) == [("理事单位", n) for n in names]


# review7: a brand spaced out before its legal form ("星 河 科技有限公司") was read as a
# spaced-out person and dropped, even alone.
@pytest.mark.parametrize("brand", ["星 河 科技有限公司", "金 宝 智能科技有限公司"])
def test_a_spaced_out_brand_keeps_its_name(brand: str) -> None:
    body = f"<h2>理事单位</h2><p>{brand}</p><p>{B}</p><p>{C}</p>"
    assert _names(body) == [("理事单位", n) for n in (brand, B, C)]


def test_a_row_of_names_opening_with_a_short_one_is_no_person_pair() -> None:
    # Three names on a line: a row of members, the first a brand, not a representative.
    body = f"<h2>理事单位</h2><p>金宝　{A}　{B}</p><p>王鼎　{C}　{D}</p><p>李记　{E}</p>"
    assert [n for _, n in _names(body)] == ["金宝", A, B, "王鼎", C, D, "李记", E]


def test_a_short_tier_under_a_heading_of_the_same_section_drops_its_people() -> None:
    # review7: "常务副会长单位" and "副会长单位" are one section (vice_chair): counted
    # together, the short second list was not short, and kept its people.
    body = (
        "<h2>常务副会长单位</h2>"
        + _lines([("周墨岩", A), ("韦青禾", B), ("邹一帆", C)], " ")
        + f"<h2>副会长单位</h2><p>吴砚舟 {D}</p><p>{E}</p>"
    )
    assert [n for _, n in _names(body)] == [A, B, C, D, E]


def test_a_tier_of_people_first_drops_them_before_a_name_in_no_legal_form() -> None:
    # review7: on a tier that puts a person before each member, a person spaced out before a
    # name in no legal form ("韦 &nbsp; &nbsp;晓 庚岚厨业"), or written whole before one, stayed.
    body = "<h2>理事单位</h2>" + _lines(
        [
            ("周墨岩", A),
            ("韦 &nbsp; &nbsp;晓", "庚岚厨业"),
            ("邹一帆", B),
            ("贺知远", C),
            ("吴砚舟", "辛川餐饮"),
        ],
        " ",
    )
    assert [n for _, n in _names(body)] == [A, "庚岚厨业", B, C, "辛川餐饮"]


@pytest.mark.parametrize(
    "lines",
    [
        [f"周墨岩　{A}", f"韦青禾　{B}", C, D],  # two of four lines
        [f"周墨岩&emsp;{A}", B, C],  # one line
    ],
)
def test_a_person_set_apart_on_a_few_lines_is_no_member(lines: list[str]) -> None:
    # review7: too few lines for the tier rule, the person was read as a member of its own
    # (its replacement a false join, itself a false departure), exit 0. Set apart on its
    # line, it is no part of the member's name either way.
    body = "<h2>理事单位</h2>" + "".join(f"<p>{line}</p>" for line in lines)
    assert [n for _, n in _names(body)] == [A, B, C, D][: len(lines)]


def test_a_short_tier_of_a_person_set_apart_drops_it() -> None:
    body = f"<h2>理事长单位</h2><p>周墨岩　{A}</p><h2>理事单位</h2><p>{B}</p><p>{C}</p>"
    assert _names(body) == [("理事长单位", A), ("理事单位", B), ("理事单位", C)]


def test_a_representatives_role_goes_with_the_person() -> None:
    # review7: "周墨岩 理事长 甲…" kept the role in the member's name ("理事长 甲…"): a new
    # role made a false departure and a false join.
    pairs = [("周墨岩 理事长", A), ("韦青禾 副理事长", B), ("邹一帆 常务理事", C)]
    assert [n for _, n in _names("<h2>理事单位</h2>" + _lines(pairs, " "))] == [A, B, C]


def test_one_line_set_apart_says_nothing_of_the_other_tiers() -> None:
    # One line "周墨岩　甲…" is no evidence that "王鼎 乙…" in a short tier holds a person.
    body = (
        f"<h2>理事长单位</h2><p>王鼎 {B}</p><h2>理事单位</h2><p>周墨岩　{A}</p><p>{C}</p><p>{D}</p>"
    )
    assert [n for _, n in _names(body)] == [f"王鼎 {B}", A, C, D]


def test_a_name_that_would_be_left_bare_keeps_its_line_not_its_tier() -> None:
    # review7: one member named for its founder ("吴砚舟 科技有限公司") kept every
    # representative of its tier in the members' names.
    pairs = [("周墨岩", A), ("韦青禾", B), ("邹一帆", C), ("吴砚舟", "科技有限公司")]
    body = "<h2>理事单位</h2>" + _lines(pairs, " ")
    assert [n for _, n in _names(body)] == [A, B, C, "吴砚舟 科技有限公司"]

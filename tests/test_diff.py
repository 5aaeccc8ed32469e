"""The pure diff: member keys, effective tiers, likely renames, transients, speed."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tracker.core.diff import Reading, diff, members, transients
from tracker.core.models import Listing
from tracker.core.normalize import normalize_key
from tracker.core.renames import RENAME_THRESHOLD, match_renames, split_name

LABELS = {"vice_chair": "副理事长单位", "board": "理事单位", "ordinary": "普通会员单位"}


def page(**tiers: list[str]) -> list[Listing]:
    """Listings as a page in tier order would give them."""
    return [
        Listing(tier=tier, tier_label=LABELS[tier], position=i, name=name, key=normalize_key(name))
        for tier, names in tiers.items()
        for i, name in enumerate(names, start=1)
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("青岚数据（北京）有限公司", "青岚数据(北京)有限公司"),
        ("星河智能科技有限公司", " 星河智能科技有限公司\u200b"),
        ("松果视觉技术有限公司", "松果 视觉技术有限公司"),
        ("松果视觉技术有限公司", "松果\u3000视觉\u00a0技术有限公司"),
        ("ＡＢＣ智能有限公司", "abc智能有限公司"),
        ("白鹭物联网【上海】有限公司", "白鹭物联网[上海]有限公司"),
    ],
)
def test_spelling_noise_is_never_a_change(old: str, new: str) -> None:
    result = diff(page(board=[old]), page(board=[new]))
    assert result.empty
    assert (result.old_members, result.new_members) == (1, 1)


def test_joins_departures_and_tier_moves_by_highest_listed_tier() -> None:
    old = page(vice_chair=["甲科技有限公司"], board=["乙科技有限公司"], ordinary=["丙科技有限公司"])
    new = page(
        vice_chair=["乙科技有限公司"],
        board=["甲科技有限公司", "丁科技有限公司"],
        ordinary=["乙科技有限公司"],
    )
    result = diff(old, new)
    assert [(c.name, c.tier) for c in result.joined] == [("丁科技有限公司", "board")]
    assert [(c.name, c.tier) for c in result.departed] == [("丙科技有限公司", "ordinary")]
    moves = [(c.name, c.old_tier, c.new_tier, c.direction) for c in result.tier_changed]
    assert moves == [
        ("乙科技有限公司", "board", "vice_chair", "promotion"),
        ("甲科技有限公司", "vice_chair", "board", "demotion"),
    ]
    # 乙 gained a second listing, but its move is the tier change: not a listing change too.
    assert result.listing_changes == []


def test_a_member_in_two_tiers_is_one_member_at_its_highest_tier() -> None:
    listed = members(page(board=["海若语音科技有限公司"], ordinary=["海若语音科技有限公司"]))
    assert list(listed) == ["海若语音科技有限公司"]
    assert listed["海若语音科技有限公司"].tier == "board"
    assert listed["海若语音科技有限公司"].listed == ["board", "ordinary"]


def test_gaining_or_losing_a_listing_is_a_listing_change() -> None:
    old = page(
        board=["海若语音科技有限公司"], ordinary=["海若语音科技有限公司", "白鹭物联网有限公司"]
    )
    new = page(
        board=["海若语音科技有限公司"], ordinary=["白鹭物联网有限公司", "白鹭物联网有限公司"]
    )
    changes = [(c.name, c.old_listed, c.new_listed) for c in diff(old, new).listing_changes]
    assert changes == [
        ("海若语音科技有限公司", ["board", "ordinary"], ["board"]),
        ("白鹭物联网有限公司", ["ordinary"], ["ordinary", "ordinary"]),
    ]


@pytest.mark.parametrize(
    ("old", "new", "score"),
    [
        ("启明医疗信息有限公司", "启明医疗信息股份有限公司", 100.0),
        ("星河智能科技有限公司", "北京星河智能科技有限公司", 100.0),
        ("深圳蓝鲸数据科技有限公司", "蓝鲸数据科技（深圳）有限公司", 100.0),
        ("星河智能科技有限公司", "星河智能科技集团股份有限公司", 100.0),
        ("上海市白鹭物联网有限公司", "白鹭物联网有限责任公司", 100.0),
        ("上海星河智能科技研究院", "深圳上海星河智能科技研究院", 100.0),
        ("云杉机器人（北京）有限公司", "云杉机器人（上海）有限公司", 95.0),
        ("星河智能信息科技研究中心", "星河智能信息技术研究中心", 91.7),
        # A city moved from in front of the name to inside it is still that city.
        ("北京星河智能科技研究中心", "星河北京智能科技研究中心", 90.9),
    ],
)
def test_likely_renames_pair_with_a_score(old: str, new: str, score: float) -> None:
    result = diff(page(board=[old]), page(board=[new]))
    assert [(r.old_name, r.new_name, r.score) for r in result.renamed] == [(old, new, score)]
    assert result.joined == result.departed == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # One city, one trade, one legal form: the brand tells them apart.
        ("北京星海智能科技有限公司", "北京星河智能科技有限公司"),
        # Different cities registered under one brand are different companies.
        ("北京星河科技有限公司", "上海星河科技有限公司"),
        # Numbered institutes of one group.
        ("星河电子集团公司第三十二研究所", "星河电子集团公司第二十八研究所"),
        # One brand, different trades.
        ("星河智能科技有限公司", "星河医疗器械有限公司"),
        # A trade change in a short core scores below the threshold (83.3).
        ("云杉智能科技有限公司", "云杉智能技术有限公司"),
        # A company and its research institute.
        ("星河智能科技有限公司", "星河智能科技研究院"),
        # Nothing left once region and legal form are off.
        ("北京大学", "天津大学"),
        # A city inside a long core names another institute or branch (scored 92.9 each).
        ("星河智能研究院沈阳机器人研究所", "星河智能研究院机器人研究所"),
        ("星河电子集团智能装备研究院", "星河电子集团苏州智能装备研究院"),
    ],
)
def test_near_misses_stay_joined_and_departed(old: str, new: str) -> None:
    result = diff(page(ordinary=[old]), page(ordinary=[new]))
    assert result.renamed == []
    assert [c.name for c in result.departed] == [old]
    assert [c.name for c in result.joined] == [new]


def test_a_rename_can_change_tier() -> None:
    old = page(ordinary=["启明医疗信息有限公司"])
    new = page(board=["启明医疗信息股份有限公司"])
    (rename,) = diff(old, new).renamed
    assert (rename.old_tier, rename.new_tier, rename.direction) == (
        "ordinary",
        "board",
        "promotion",
    )


def test_renames_are_one_to_one_and_independent_of_input_order() -> None:
    old = ["星河科技有限公司", "北京星河科技有限公司", "云杉机器人有限公司"]
    new = ["星河科技股份有限公司", "云杉机器人股份有限公司"]
    first = diff(page(ordinary=old), page(ordinary=new))
    again = diff(page(ordinary=old[::-1]), page(ordinary=new[::-1]))
    assert first == again
    assert len(first.renamed) == 2
    assert [c.name for c in first.departed] == ["星河科技有限公司"]


def test_the_threshold_is_a_parameter() -> None:
    old, new = (
        page(board=["云杉机器人（北京）有限公司"]),
        page(board=["云杉机器人（上海）有限公司"]),
    )
    assert len(diff(old, new).renamed) == 1
    assert diff(old, new, rename_threshold=96).renamed == []
    assert RENAME_THRESHOLD == 90.0


@pytest.mark.parametrize("longer", ["departed", "joined"])
def test_renames_are_found_whichever_side_has_more_names(longer: str) -> None:
    # The shorter side is split whole, the longer only where it shares a brand with it:
    # a brand behind region prefixes or behind a bracketed region is read right on either side.
    pairs = [
        ("深圳蓝鲸数据科技有限公司", "蓝鲸数据科技（深圳）有限公司"),
        ("上海星河智能科技研究院", "深圳上海星河智能科技研究院"),
        ("云杉机器人（北京）有限公司", "云杉机器人（上海）有限公司"),
        ("（杭州）白云视觉科技有限公司", "白云视觉科技有限公司"),
    ]
    old, new = [o for o, _ in pairs], [n for _, n in pairs]
    others = [f"北京{brand}信息技术有限公司" for brand in ("青岚", "松果", "白鹭", "启明")]
    (old if longer == "departed" else new).extend(others)
    renamed = diff(page(ordinary=old), page(ordinary=new)).renamed
    assert sorted((r.old_name, r.new_name) for r in renamed) == sorted(pairs)


def test_a_key_with_a_line_break_is_matched_like_any_other() -> None:
    # Brands are read by one match over all the keys a line each; a key with a line break
    # of its own has them read one by one instead.
    joined = ["北京星河科技股份有限公司", "云杉\n机器人有限公司", "白鹭物联网有限公司"]
    matches = match_renames(["星河科技有限公司"], joined)
    assert [(m.old_key, m.new_key, m.score) for m in matches] == [
        ("星河科技有限公司", "北京星河科技股份有限公司", 100.0)
    ]


def test_a_score_shown_at_the_threshold_meets_it() -> None:
    # Ten-character cores one character apart: a similarity of exactly 0.9, which a 32-bit
    # float holds as 0.89999998; the docs promise such cores pair at 90.
    old, new = "星河智能视觉技术中心", "星河智能听觉技术中心"
    (rename,) = diff(page(board=[old]), page(board=[new])).renamed
    assert (rename.old_name, rename.new_name, rename.score) == (old, new, 90.0)
    # 91.666… is shown as 91.7, so a threshold of 91.7 lists it and one of 91.8 does not.
    old, new = "星河智能信息科技研究中心", "星河智能信息技术研究中心"
    assert [
        r.score for r in diff(page(board=[old]), page(board=[new]), rename_threshold=91.7).renamed
    ] == [91.7]
    assert diff(page(board=[old]), page(board=[new]), rename_threshold=91.8).renamed == []


def test_split_name_takes_off_region_brackets_and_legal_form() -> None:
    parts = split_name(normalize_key("北京市蓝鲸数据科技（深圳）集团股份有限公司"))
    assert (parts.prefixes, parts.core, parts.bracket) == (("北京",), "蓝鲸数据科技", "深圳")
    twice = split_name(normalize_key("深圳上海星河智能科技有限公司"))
    assert (twice.prefixes, twice.core) == (("深圳", "上海"), "星河智能科技")


def test_matching_with_nothing_to_match_is_empty() -> None:
    assert match_renames([], ["星河科技有限公司"]) == []


T = [datetime(2024, 1, d, tzinfo=UTC) for d in range(1, 6)]


def test_transients_come_from_the_snapshots_in_between() -> None:
    a, b, c = "甲科技有限公司", "乙科技有限公司", "丙科技有限公司"
    old = page(board=[a, b])
    between = [
        Reading(2, T[1], page(board=[a, b, c])),
        Reading(3, T[2], page(board=[a], ordinary=[c])),
        Reading(4, T[3], page(board=[a])),
    ]
    new = page(board=[a, b])
    found = [
        (t.kind, t.name, t.tier, t.first_id, t.last_id, t.snapshots)
        for t in transients(old, between, new)
    ]
    assert found == [
        ("came_and_went", c, "board", 2, 3, 2),
        ("went_and_came_back", b, "board", 3, 4, 2),
    ]
    assert diff(old, new).empty


def keys(listings: list[Listing]) -> set[str]:
    return {x.key for x in listings}


def _synthetic(n: int, seed: int) -> tuple[list[Listing], list[Listing]]:
    """n members, then 5% departed and 5% joined, a fifth of them renames, some moves."""
    rng = random.Random(seed)
    chars = "星河青岚云海智能数据科技信息网络创新安泰华康瑞德宏远明达天成博汇通中兴启航金石万象"
    names: set[str] = set()
    while len(names) < n * 1.05:
        brand = "".join(rng.choice(chars) for _ in range(rng.randint(3, 5)))
        names.add(
            rng.choice(["", "北京", "上海"]) + brand + rng.choice(["科技", "信息技术"]) + "有限公司"
        )
    ordered = sorted(names)
    old, extra = ordered[:n], ordered[n:]
    churn = n // 20
    gone = set(rng.sample(old, churn))
    renamed = sorted(gone)[: churn // 5]
    kept = [x for x in old if x not in gone]
    new = (
        kept
        + [x.replace("有限公司", "股份有限公司") for x in renamed]
        + extra[: churn - len(renamed)]
    )
    tiers = {x: rng.choice(["board", "ordinary", "ordinary"]) for x in old + new}
    moved = set(rng.sample(kept, churn // 2))

    def listings(found: list[str], promote: set[str]) -> list[Listing]:
        return [
            Listing(
                tier="vice_chair" if x in promote else tiers[x],
                tier_label="",
                position=i,
                name=x,
                key=normalize_key(x),
            )
            for i, x in enumerate(found, start=1)
        ]

    return listings(old, set()), listings(new, moved)


def test_five_percent_churn_with_renames_is_found_exactly() -> None:
    # Timing is measured by bench/, never asserted here; this checks the same shape of data.
    old, new = _synthetic(6_000, seed=4)
    result = diff(old, new)
    # 60 renames were made; random brands add a few more (one name with and one without
    # a city prefix), which are exactly what the matcher is for.
    assert {r.new_key for r in result.renamed} >= {k for k in keys(new) if "股份" in k}
    assert len(result.departed) == len(result.joined)
    assert len(result.departed) + len(result.renamed) == 300
    assert len(result.tier_changed) == 150

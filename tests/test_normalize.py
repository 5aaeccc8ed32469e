import pytest

from tracker.core.normalize import clean_display, normalize_key

SAME_KEY = [
    ("星河智能科技有限公司", "星河智能科技 有限公司"),
    ("青岚数据（北京）有限公司", "青岚数据(北京)有限公司"),
    ("青岚数据（北京）有限公司", "青岚数据【北京】有限公司"),
    ("青岚数据（北京）有限公司", "青岚数据\u200b（北京）有限公司\ufeff"),
    ("ＡＢＣ智能研究院", "abc智能研究院"),
    ("Deep-Blue 科技", "DEEP－BLUE\u3000科技"),
    ("启明·智能", "启明・智能"),
    ("甲乙\xa0丙", "甲乙丙"),
]


@pytest.mark.parametrize(("one", "two"), SAME_KEY)
def test_spelling_noise_gives_one_key(one: str, two: str) -> None:
    assert normalize_key(one) == normalize_key(two)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("星河智能科技有限公司", "星河智能科技股份有限公司"),
        ("青岚数据（北京）", "青岚数据（上海）"),
    ],
)
def test_different_names_keep_different_keys(one: str, two: str) -> None:
    assert normalize_key(one) != normalize_key(two)


def test_display_keeps_spelling_but_drops_padding() -> None:
    assert clean_display("\u3000 星河（北京） 科技\xa0\n") == "星河（北京） 科技"
    assert clean_display("星河\n   科技") == "星河 科技"


def test_control_characters_never_reach_names_or_keys() -> None:
    # An ESC from `&#27;` in a page must not become a terminal escape in a report.
    assert clean_display("星河\x1b[31m科技\x07") == "星河[31m科技"
    assert normalize_key("星河\x1b科技\x7f") == normalize_key("星河科技")

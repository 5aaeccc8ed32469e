import pytest

from tracker.core.normalize import clean_display, markup_text, normalize_key

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


# Bidi controls, zero-width and other invisible format characters (Unicode category Cf).
INVISIBLE = [
    ("ABC\u202eevil.exe\u202c公司", "ABCevil.exe公司"),
    ("澄川\u2066智能\u2069装备\u2067有限\u2068公司", "澄川智能装备有限公司"),
    ("\u200f东方\u200e启明\u061c大学\u202a\u202b\u202d", "东方启明大学"),
    ("启明\u00ad智能\u200b科技\u2060有限公司\ufeff", "启明智能科技有限公司"),
    ("星河\u200d科技\U000e0041有限公司", "星河科技有限公司"),
]


@pytest.mark.parametrize(("page", "shown"), INVISIBLE)
def test_display_names_lose_bidi_controls_and_invisible_characters(page: str, shown: str) -> None:
    assert clean_display(page) == shown
    # Keys never held them: a name read before this cleaning keeps its key.
    assert normalize_key(page) == normalize_key(shown) == normalize_key(clean_display(page))


def test_a_joiner_inside_an_emoji_stays_in_the_display_name_but_not_in_the_key() -> None:
    assert clean_display("极客👩\u200d💻工作室") == "极客👩\u200d💻工作室"
    assert clean_display("火焰❤\ufe0f\u200d🔥科技") == "火焰❤\ufe0f\u200d🔥科技"
    assert normalize_key("极客👩\u200d💻工作室") == normalize_key("极客👩💻工作室")


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("星河\x0b智能\x0c科技", "星河 智能 科技"),
        ("星河\u2028科技\u2029有限公司", "星河 科技 有限公司"),
        ("星河\ufffe科技\uffff\ufdd0有限\U0001fffe公司", "星河科技有限公司"),
        ("星河\ud800科技", "星河科技"),
        ("\x01星河\x7f\x85科技\x9f", "星河科技"),
    ],
)
def test_no_character_xml_or_html_forbids_stays_in_a_name_or_key(page: str, shown: str) -> None:
    assert clean_display(page) == shown
    assert normalize_key(page) == normalize_key(shown)


def test_markup_text_replaces_what_xml_and_html_forbid_and_keeps_the_rest() -> None:
    kept = "星河\t科技\n有限\r公司 \u202e\xa0é"
    assert markup_text(kept) == kept
    assert markup_text("a\x00b\x0bc\x0cd\x7fe\x80f\ud800g\ufffeh\U0010ffff") == (
        "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffd"
    )

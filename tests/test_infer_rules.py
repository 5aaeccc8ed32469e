"""Guesses are stored under the version of the rules that made them (`tracker.core.infer.RULES`)
and read back instead of guessing again: a change to what the rules say that keeps the
version would show the old rules' guesses as the new ones'. This fails until it is bumped."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from typing import TypeVar

import pytest

from tracker.core import gazetteer as gazetteer_rules
from tracker.core import infer
from tracker.core.gazetteer import gazetteer
from tracker.core.infer import _FORMS, RULES, guess

T = TypeVar("T")

# The digest of every guess over the corpus below, per version of the rules: a new version
# adds its line; the lines of earlier ones stay, so no two versions can share a digest.
DIGESTS = {
    "1": "187dcddba1c7b56e58715a8eb2248c9ee8280ae2331bdddabcedcffee4e36fcd",
}


# Words the rules read around places and forms, written out here (not read from the rules,
# so that a word dropped from a rule still shows in the corpus and moves the digest).
_WORDS = (
    "星河", "青岚", "科技", "智能", "数据", "分行", "分公司", "分院", "基地", "中心", "办事处",
    "路", "路桥", "大道", "广场", "街", "道", "巷", "藤", "围", "围棋", "（", "）", "(", ")",
    "（筹）", "附属", "医院", "第二", "第三十二", "研究所", "银行", "集团", "公司", "大学",
    "学院", "科学院", "研究院", "有限公司", "股份", "中国", "中华", "国家", "部", "省", "市",
)  # fmt: skip


def _corpus() -> list[str]:
    """Names exercising every form the rules know (each place and each institution form
    in the positions a name can state it), and 40,000 more made at random, always the same,
    from places, forms and the words around them."""
    places = sorted(gazetteer().forms)
    forms = sorted(_FORMS)
    fixed = [
        *(f"{place}星河科技有限公司" for place in places),
        *(f"星河数据（{place}）有限公司" for place in places),
        *(f"青岚大学{place}研究院" for place in places),
        *(f"星河{place}分公司" for place in places),
        *(f"星河{place}路科技中心" for place in places),
        *(f"青岚{form}" for form in forms),
        *(f"深圳青岚{form}（北京）" for form in forms),
        *(f"中国科学院青岚{form}" for form in forms),
        *(f"星河集团公司第二十八{form}" for form in forms),
        "青岚大学附属医院",
        "星河部第七研究所",
        "星河事业部光电第九研究所",
    ]
    rng = random.Random(17)

    def pick(items: Sequence[T]) -> T:
        # Only random() is promised the same sequence from a seed in every Python version;
        # choice() and randint() are not.
        return items[int(rng.random() * len(items))]

    pools = (_WORDS, _WORDS, _WORDS, places, places, forms)
    made = ["".join(pick(pick(pools)) for _ in range(pick(range(2, 7)))) for _ in range(40_000)]
    return [*fixed, *made]


def _digest() -> str:
    lines = (f"{name}\t{guess(name)!r}\n" for name in _corpus())
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def test_the_rules_version_names_what_the_rules_guess() -> None:
    digest = _digest()
    assert DIGESTS.get(RULES) == digest, (
        f"the inference rules now guess otherwise than version {RULES!r} did: bump RULES in "
        f"tracker/core/infer.py and add its digest here ({digest}); stored guesses of the "
        "old version are then read again, not shown as the new rules' guesses"
    )
    assert len(set(DIGESTS.values())) == len(DIGESTS)


def _without_base() -> re.Pattern[str]:
    return re.compile(gazetteer_rules._FOLLOWING_INSTITUTION.pattern.replace("基地|", ""))


# Changes a maintainer might make to the rules, each altering what some names state: the
# digest must move with each, or stored guesses of the old rules would pass for the new.
CHANGES = {
    "a branch after a bank is no branch": (
        gazetteer_rules, "_PRECEDING_INSTITUTION", ("大学", "学院", "科学院", "研究院", "集团", "公司")
    ),
    "a base is no institution": (gazetteer_rules, "_FOLLOWING_INSTITUTION", _without_base()),
    "a trailing bracket is kept": (infer, "_TRAILING_BRACKET", re.compile("(?!)")),
    "no university hospital": (infer, "_is_university_hospital", lambda head: False),
}  # fmt: skip


@pytest.mark.parametrize(("module", "name", "value"), CHANGES.values(), ids=list(CHANGES))
def test_a_change_to_the_rules_moves_the_digest(
    module: object, name: str, value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    guess.cache_clear()
    before = _digest()
    monkeypatch.setattr(module, name, value)
    guess.cache_clear()
    try:
        assert _digest() != before
    finally:
        guess.cache_clear()

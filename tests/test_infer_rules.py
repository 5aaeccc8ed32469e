"""Guesses are stored under the version of the rules that made them (`tracker.core.infer.RULES`)
and read back instead of guessing again: a change to what the rules say that keeps the
version would show the old rules' guesses as the new ones'. This fails until it is bumped."""

from __future__ import annotations

import hashlib

from tracker.core.gazetteer import gazetteer
from tracker.core.infer import _FORMS, RULES, guess

# The digest of every guess over the corpus below, per version of the rules: a new version
# adds its line; the lines of earlier ones stay, so no two versions can share a digest.
DIGESTS = {
    "1": "34c566ac98e7cf945c31e90af7d26dda9bdddbd1e26f845ab4d294430990999b",
}


def _corpus() -> list[str]:
    """Names exercising every form the rules know: each place in each position a name can
    state it, and each institution form ending a name, alone and after a place."""
    places = sorted(gazetteer().forms)
    forms = sorted(_FORMS)
    return [
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


def test_the_rules_version_names_what_the_rules_guess() -> None:
    lines = (f"{name}\t{guess(name)!r}\n" for name in _corpus())
    digest = hashlib.sha256("".join(lines).encode()).hexdigest()
    assert DIGESTS.get(RULES) == digest, (
        f"the inference rules now guess otherwise than version {RULES!r} did: bump RULES in "
        f"tracker/core/infer.py and add its digest here ({digest}); stored guesses of the "
        "old version are then read again, not shown as the new rules' guesses"
    )
    assert len(set(DIGESTS.values())) == len(DIGESTS)

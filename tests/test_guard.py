from tracker.guard import anomalies
from tracker.models import Listing, ParseResult
from tracker.normalize import normalize_key


def _parsed(names: list[str], declared: dict[str, int] | None = None) -> ParseResult:
    listings = [
        Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
        for i, n in enumerate(names, start=1)
    ]
    return ParseResult(listings=listings, declared_counts=declared or {})


NAMES = [f"测试机构{i}号有限公司" for i in range(10)]
KEYS = {normalize_key(n) for n in NAMES}


def test_empty_parse_is_an_anomaly() -> None:
    assert anomalies(_parsed([]), KEYS, max_loss_share=0.2) == [
        "no members found: the page has no tier heading or member list"
    ]


def test_losing_more_than_the_share_is_an_anomaly() -> None:
    reasons = anomalies(_parsed(NAMES[:7]), KEYS, max_loss_share=0.2)
    assert reasons == ["3 of the previous 10 members are missing (30%, limit 20%)"]


def test_losing_up_to_the_share_is_believed() -> None:
    assert anomalies(_parsed(NAMES[:8]), KEYS, max_loss_share=0.2) == []


def test_first_snapshot_has_nothing_to_lose() -> None:
    assert anomalies(_parsed(NAMES[:1]), None, max_loss_share=0.2) == []


def test_page_disagreeing_with_its_own_count_is_an_anomaly() -> None:
    reasons = anomalies(_parsed(NAMES, {"board": 12}), None, max_loss_share=0.2)
    assert reasons == ["the page says board has 12 members, parsed 10"]


def test_unknown_tiers_are_checked_by_their_own_label() -> None:
    listings = [
        Listing(tier="other", tier_label=label, position=1, name=n, key=normalize_key(n))
        for label, n in (("观察员单位", "甲研究院"), ("联络处成员单位", "乙研究院"))
    ]
    parsed = ParseResult(listings=listings, declared_counts={"联络处成员单位": 1})
    assert anomalies(parsed, None, max_loss_share=0.2) == []

import msgspec
import pytest

from tracker.core.guard import anomalies
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key


def _listings(names: list[str], tier: str = "board") -> list[Listing]:
    return [
        Listing(tier=tier, tier_label=tier, position=i, name=n, key=normalize_key(n))
        for i, n in enumerate(names, start=1)
    ]


def _parsed(names: list[str], declared: dict[str, int] | None = None) -> ParseResult:
    return ParseResult(listings=_listings(names), declared_counts=declared or {})


NAMES = [f"测试机构{i}号有限公司" for i in range(10)]
BEFORE = _listings(NAMES)


def test_empty_parse_is_an_anomaly() -> None:
    assert anomalies(_parsed([]), BEFORE, max_loss_share=0.2) == [
        "no members found: the page has no tier heading or member list"
    ]


def test_losing_more_than_the_share_is_an_anomaly() -> None:
    reasons = anomalies(_parsed(NAMES[:7]), BEFORE, max_loss_share=0.2)
    assert reasons == ["3 of the previous 10 members are missing (30%, limit 20%)"]


def test_losing_up_to_the_share_is_believed() -> None:
    assert anomalies(_parsed(NAMES[:8]), BEFORE, max_loss_share=0.2) == []


def test_first_snapshot_has_nothing_to_lose() -> None:
    assert anomalies(_parsed(NAMES[:1]), None, max_loss_share=0.2) == []


def test_a_vanished_tier_is_an_anomaly_even_when_the_total_barely_moves() -> None:
    ordinary = [f"普通样例{i}号有限公司" for i in range(60)]
    vice = [f"副样例{i}号有限公司" for i in range(6)]
    before = _listings(vice, "vice_chair") + _listings(ordinary, "ordinary")
    after = ParseResult(listings=_listings(ordinary, "ordinary"))
    assert anomalies(after, before, max_loss_share=0.2) == [
        "6 of the previous 6 vice-chair members are missing (100%, limit 50%)"
    ]


def test_members_moving_between_tiers_are_not_losses() -> None:
    vice = [f"副样例{i}号有限公司" for i in range(6)]
    after = ParseResult(listings=_listings(vice, "board"))
    assert anomalies(after, _listings(vice, "vice_chair"), max_loss_share=0.2) == []


def test_ordinary_churn_within_a_tier_is_believed() -> None:
    ordinary = [f"普通样例{i}号有限公司" for i in range(60)]
    before = _listings(ordinary[:10], "vice_chair") + _listings(ordinary[10:], "ordinary")
    after = ParseResult(listings=_listings(ordinary[4:], "ordinary"))
    assert anomalies(after, before, max_loss_share=0.2) == []


def test_small_tiers_may_change_wholesale() -> None:
    before = _listings(["理事长样例机构"], "chair") + BEFORE
    assert anomalies(_parsed(NAMES), before, max_loss_share=0.2) == []


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


def test_names_cut_short_are_an_anomaly() -> None:
    parsed = _parsed([*NAMES[:9], "测试机构9号有限...", "测试机构甲号有限。。。"])
    assert anomalies(parsed, BEFORE, max_loss_share=0.2) == [
        "2 names are cut short, such as '测试机构9号有限...': the full names are not shown"
    ]


def test_what_the_parser_doubts_quarantines_even_the_first_snapshot() -> None:
    parsed = ParseResult(
        listings=_listings(NAMES[:3]),
        problems=["理事单位: heading at div.link_tit > a, 0 names read"],
    )
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        "理事单位: heading at div.link_tit > a, 0 names read"
    ]


def test_an_empty_parse_says_why_when_the_parser_knows() -> None:
    parsed = ParseResult(listings=[], problems=["tier words appear only in navigation (x)"])
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        "no members found: tier words appear only in navigation (x)"
    ]


def test_a_tier_of_mostly_non_organisations_is_quarantined() -> None:
    furniture = ["首页", "联系我们", "在线咨询", "星河"]
    parsed = ParseResult(listings=_listings([*furniture, NAMES[0]]))
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        "board: 4 of 5 names do not look like organisations ('首页', '联系我们', '在线咨询' …)"
    ]


def test_brand_names_among_organisations_are_believed() -> None:
    parsed = ParseResult(listings=_listings(["星河", "青岚", *NAMES[:3]]))
    assert anomalies(parsed, None, max_loss_share=0.2) == []


def test_governments_offices_and_funds_are_organisations() -> None:
    # A city's government, a company's representative office and a fund are members too: a
    # tier of them was taken for page furniture (their endings were not an organisation's).
    public = ["庚川市人民政府", "辛岭科技有限公司北京代表处", "壬溪市人民政府驻京办事处"]
    funds = ["甲星产业投资基金（有限合伙）", "乙禾创新基金"]
    parsed = ParseResult(listings=_listings([*public, *funds]))
    assert anomalies(parsed, None, max_loss_share=0.2) == []


def test_titles_ending_in_enterprise_are_no_organisations() -> None:
    # realpages4: a company's honours ("县级示范企业", "优秀企业") read as a tier ended like
    # organisations' names, so it was believed. 企业 ends a name only as a legal form.
    titles = ["县级示范企业", "守信经营企业", "优秀企业"]
    assert anomalies(ParseResult(listings=_listings(titles)), None, max_loss_share=0.2) == [
        "board: 3 of 3 names do not look like organisations ('县级示范企业', '守信经营企业', "
        "'优秀企业' …)"
    ]
    firms = ["甲星创业投资合伙企业（有限合伙）", "乙禾商贸个人独资企业", "丙岳咨询合伙企业"]
    assert anomalies(ParseResult(listings=_listings(firms)), None, max_loss_share=0.2) == []


def test_brand_names_believed_before_are_not_judged_again() -> None:
    brands = _listings(["华星", "青岚", "云帆", "赤霄"])
    parsed = ParseResult(listings=brands + _listings(["紫陌"]))
    assert anomalies(parsed, brands, max_loss_share=0.2) == []
    assert anomalies(parsed, None, max_loss_share=0.2) != []


def test_growth_beyond_the_share_is_an_anomaly_and_up_to_it_is_believed() -> None:
    more = NAMES + [f"新增机构{i}号有限公司" for i in range(6)]
    assert anomalies(_parsed(more[:15]), BEFORE, max_loss_share=0.2, max_growth_share=0.5) == []
    assert anomalies(_parsed(more), BEFORE, max_loss_share=0.2, max_growth_share=0.5) == [
        "+6 members, more than 50% growth over the previous 10 (60%)"
    ]
    # Reading a page alone (`tracker parse`) has nothing to grow from.
    assert anomalies(_parsed(more), None, max_loss_share=0.2, max_growth_share=0.5) == []


def _cut(names: list[str]) -> ParseResult:
    return msgspec.structs.replace(_parsed(names), cut_off="the page ends mid-document")


def test_a_cut_off_page_is_believed_only_when_it_loses_no_one() -> None:
    assert anomalies(_cut(NAMES[:9]), BEFORE, max_loss_share=0.2) == [
        "the page ends mid-document; 1 member missing"
    ]
    assert anomalies(_cut(NAMES), BEFORE, max_loss_share=0.2) == []
    assert anomalies(_cut(NAMES), None, max_loss_share=0.2) == [
        "the page ends mid-document: its list may be incomplete"
    ]


def test_two_companies_run_together_in_one_name_are_an_anomaly() -> None:
    # Names in sibling <span>s with nothing between them read as one: "甲…有限公司乙…有限公司"
    # is two members, neither of which would be tracked.
    joined = "甲星科技有限公司乙禾数据有限公司"
    parsed = _parsed([*NAMES[:4], joined, "丙岳数据有限公司 丁岫视觉股份有限公司"])
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        f"names holding two companies' names with nothing or a mark between them (2, such "
        f"as {joined!r}): names set side by side in the page's markup, or joined by a mark, "
        "were read as one"
    ]


@pytest.mark.parametrize("field", ["人工智能", "大数据", "智能制造"])
def test_a_field_of_work_read_as_a_member_is_an_anomaly(field: str) -> None:
    # A member card's caption (<h4>name</h4><p>人工智能</p>): among a tier's real names it is
    # too few for the share of odd names to see, and no organisation is named so.
    parsed = _parsed([*NAMES[:4], field])
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        f"names that are a field of work alone (1, such as {field!r}): "
        "a member card's caption, not a member"
    ]


def test_a_name_holding_a_field_of_work_is_no_anomaly() -> None:
    assert (
        anomalies(_parsed([*NAMES[:4], "星河智能", "人工智能研究院"]), None, max_loss_share=0.2)
        == []
    )


def test_two_companies_run_together_before_a_third_name_are_an_anomaly() -> None:
    # The run of sibling <span>s goes on past the second company ("…有限公司…有限公司丙岳大学"):
    # the joined name ended in no legal form, so it was believed.
    joined = "甲星科技有限公司乙禾数据有限公司丙岳大学"
    parsed = _parsed([*NAMES[:4], joined])
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        f"names holding two companies' names with nothing or a mark between them (1, such "
        f"as {joined!r}): names set side by side in the page's markup, or joined by a mark, "
        "were read as one"
    ]


@pytest.mark.parametrize("mark", ["/", " / ", "／", "、", "·", "｜", "；", "&"])
def test_two_companies_joined_by_a_mark_are_an_anomaly(mark: str) -> None:
    joined = f"甲星科技有限公司{mark}乙禾数据有限公司"
    assert anomalies(_parsed([*NAMES[:4], joined]), None, max_loss_share=0.2) == [
        f"names holding two companies' names with nothing or a mark between them (1, such "
        f"as {joined!r}): names set side by side in the page's markup, or joined by a mark, "
        "were read as one"
    ]


def test_a_company_and_its_branch_or_former_name_after_a_mark_is_one_name() -> None:
    # A branch after a mark holds no second legal form; a former name is bracketed.
    names = [
        "甲星集团有限公司/北京分公司",
        "乙禾数据有限公司·研究院",
        "丙岳科技有限公司（原丁岫视觉有限公司）",
        "戊辰集团有限公司/全资子公司己亥智能有限公司",
    ]
    assert anomalies(_parsed([*NAMES[:4], *names]), None, max_loss_share=0.2) == []


def test_a_company_and_its_branch_or_institute_is_one_name() -> None:
    branch = ["甲星集团有限公司北京分公司", "乙禾股份有限公司研究院", "丙岳大学资产经营有限公司"]
    assert anomalies(_parsed([*NAMES[:4], *branch]), None, max_loss_share=0.2) == []


def test_names_ending_in_a_tier_word_are_an_anomaly() -> None:
    # A company's honours page: "…协会理事单位" read as a tier heading, the honours after it
    # ("…协会会员") as its members; a lender's feature card "会员单位: 甲协会 / 首批会员".
    honours = ["甲市物流协会会员", "乙省软件行业协会理事单位", "中国物流百强企业", "首批会员"]
    parsed = _parsed([*honours, *NAMES[:4]])
    assert anomalies(parsed, None, max_loss_share=0.2) == [
        "names ending in a tier word (3, such as '甲市物流协会会员'): a membership "
        "the page's owner holds or a caption, so honours or a feature card, not members"
    ]


def test_an_association_as_a_member_is_believed() -> None:
    bodies = ["甲市物流协会", "乙省软件行业协会", "丙岳会员服务中心有限公司"]
    assert anomalies(_parsed([*bodies, *NAMES[:3]]), None, max_loss_share=0.2) == []


def test_misread_names_believed_before_are_not_judged_again() -> None:
    # A snapshot accepted after checking is not quarantined again at every capture.
    accepted = _listings([*NAMES[:4], "甲星科技有限公司乙禾数据有限公司", "首批会员"])
    assert anomalies(ParseResult(listings=accepted), accepted, max_loss_share=0.2) == []

"""The parser on CMS furniture: where a tier ends, what is never a member, tabs and menus.

Each case reproduces, with invented names, a pattern seen on real member pages of other
associations (../shared/real-pages). Names are what a reader would copy off the page.
"""

from __future__ import annotations

import pytest

from tracker.core.models import ParseResult
from tracker.core.parse import parse_page

A, B, C = "星河智能科技有限公司", "青岚数据有限公司", "东方启明大学"
FRIEND = "某虚构行业协会"


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


def tiers(result: ParseResult) -> list[tuple[str, str]]:
    return [(listing.tier_label, listing.name) for listing in result.listings]


def names(result: ParseResult) -> list[str]:
    return [listing.name for listing in result.listings]


# --- Where a tier ends ---------------------------------------------------------------------

CLOSING = [
    "<h3>友情链接</h3>",
    '<div class="link_tit"><span>友情链接</span></div>',
    "<p><strong>相关链接</strong></p>",
    "<p>联系我们</p>",
    "<div>会员登录</div>",
    "<h4>最新动态</h4>",
    '<div class="intit"><a href="/more">更多</a><span>典型案例</span></div>',
    "<h2>合作伙伴</h2>",
    "<dl><dt>联盟动态</dt></dl>",
    '<table><tr><th colspan="2">新闻中心</th></tr></table>',
    '<div class="panel-heading">资料下载</div>',
    "<p><b>媒体报道：</b></p>",
]


@pytest.mark.parametrize("heading", CLOSING, ids=range(len(CLOSING)))
def test_any_heading_ends_the_tier(heading: str) -> None:
    html = page(
        f"<h3>理事单位</h3><ul><li>{A}</li><li>{B}</li></ul>{heading}"
        f"<ul><li>{FRIEND}</li><li>{C}</li></ul>"
    )
    assert names(parse_page(html)) == [A, B]


# An event's organisers, grouped by role as a member list is by tier: 指导单位 is the authority
# that guides it, 承办单位 the one that runs it. No role of the kind is a rank of members.
ORGANISER_ROLES = ["指导单位", "主办单位", "承办单位", "协办单位", "支持单位", "赞助单位"]


def test_an_events_organisers_grouped_by_role_are_not_members() -> None:
    groups = [("指导单位", [FRIEND]), ("支持单位", [A]), ("承办单位", [B]), ("协办单位", [C])]
    body = "".join(
        f'<div class="unit"><h2>{role}</h2><div><span>{" </span><span>".join(found)}</span></div></div>'
        for role, found in groups
    )
    result = parse_page(page(f'<div class="org-title">组织机构</div>{body}'))
    assert names(result) == []


@pytest.mark.parametrize("role", ORGANISER_ROLES)
def test_an_organisers_heading_after_the_members_ends_the_tier(role: str) -> None:
    html = page(
        f"<h3>理事单位</h3><ul><li>{A}</li><li>{B}</li></ul><h3>{role}</h3><ul><li>{C}</li></ul>"
    )
    assert tiers(parse_page(html)) == [("理事单位", A), ("理事单位", B)]


def test_friendly_links_in_the_tiers_own_markup_are_not_members() -> None:
    row = '<div class="link_a"><a href="#">{}</a><span>|</span><a href="#">{}</a></div>'
    html = page(
        '<div class="link_tit"><a href="/b"><span>理事单位</span></a></div>'
        + row.format(A, B)
        + '<div class="link_tit"><span>友情链接</span></div>'
        + row.format(FRIEND, C)
    )
    assert tiers(parse_page(html)) == [("理事单位", A), ("理事单位", B)]


def test_a_deeper_heading_is_a_subgroup_of_the_tier() -> None:
    html = page(
        f"<h2>会员单位</h2><h3>北京</h3><ul><li>{A}</li></ul><h3>上海</h3><ul><li>{B}</li></ul>"
        f"<h2>联系我们</h2><p>{C}</p>"
    )
    assert tiers(parse_page(html)) == [("会员单位", A), ("会员单位", B)]


def test_a_lone_bold_line_after_names_ends_the_tier_but_bold_names_do_not() -> None:
    html = page(
        f"<h3>理事单位</h3><p><b>{A}</b></p><p><b>星河</b></p><p><b>青岚</b></p>"
        f"<div><strong>媒体报道</strong></div><div>{C}</div>"
    )
    assert names(parse_page(html)) == [A, "星河", "青岚"]


def test_a_title_styled_caption_of_the_run_is_a_name() -> None:
    cards = "".join(
        f'<li><img src="/{i}.png" alt="{n}"><p class="card-title">{n}</p></li>'
        for i, n in enumerate(["星河", "青岚", A])
    )
    assert names(parse_page(page(f'<h3>理事单位</h3><ul class="cards">{cards}</ul>'))) == [
        "星河",
        "青岚",
        A,
    ]


def test_a_lead_in_that_announces_more_members_goes_on() -> None:
    html = page(f"<h3>会员单位</h3><p>{A}</p><p>以下为新入会单位：</p><p>{B}</p>")
    assert names(parse_page(html)) == [A, B]


def test_a_hidden_more_block_continues_the_tier() -> None:
    html = page(
        f'<div><b>理事单位</b>：<a href="#">{A}</a> | <a href="#">{B}</a></div>'
        f'<div class="more" style="display:none"> | <a href="#">{C}</a></div>'
    )
    assert names(parse_page(html)) == [A, B, C]


# --- Furniture ------------------------------------------------------------------------------

FURNITURE_AFTER = [
    "<div><p>CopyRight&nbsp;&nbsp;主办单位：某虚构协会</p><p>{}</p></div>",
    "<div><p>版权所有 © 2024 某产业联盟</p><p>{}</p></div>",
    "<div><p>京ICP备00000000号</p><p>{}</p></div>",
    "<div><p>技术支持：某虚构网络科技有限公司</p><p>{}</p></div>",
    "<div><p>您的位置：首页 &gt; 会员单位</p><p>{}</p></div>",
]


@pytest.mark.parametrize("furniture", FURNITURE_AFTER, ids=range(len(FURNITURE_AFTER)))
def test_footer_wording_ends_the_tier_without_footer_markup(furniture: str) -> None:
    html = page(f"<h3>会员单位</h3><p>{A}</p><p>{B}</p>" + furniture.format(C))
    assert names(parse_page(html)) == [A, B]


@pytest.mark.parametrize("caption", ["简介", "服务内容"])
def test_a_card_caption_is_not_a_member(caption: str) -> None:
    # One card: too few names for the guard to see furniture among them, so it was believed.
    html = page(f'<h3>理事单位</h3><div class="card"><h4>{A}</h4><p>{caption}</p></div>')
    assert names(parse_page(html)) == [A]


@pytest.mark.parametrize(
    "closer",
    [
        '<h4><span class="more"><a href="#">more&gt;&gt;</a></span>联系我们</h4>',
        '<div>新闻动态<span class="more"><a href="#">MORE+</a></span></div>',
        '<h2>合作伙伴<span class="more"><a href="#">查看更多</a></span></h2>',
    ],
)
def test_a_closer_with_its_more_link_ends_the_tier(closer: str) -> None:
    # The "more" link ran into the closer's words: no closer, so it and the block after it
    # were read as members.
    html = page(f"<h3>理事单位</h3><p>{A}</p><p>{B}</p>{closer}<p>{C}</p>")
    assert names(parse_page(html)) == [A, B]


def test_the_membership_notice_ends_the_tier() -> None:
    html = page(f"<h3>会员单位</h3><p>{A}</p><p>{B}</p><div>入会须知</div><p>服务流程</p>")
    assert names(parse_page(html)) == [A, B]


@pytest.mark.parametrize(
    "line", ["主营：智能硬件、数据服务", "电话：0571-00000000", "传真:0571-00000001",
             "联系人：王老师", "地址：杭州市某路1号", "QQ:00000000", "我要入会"],
)  # fmt: skip
def test_annotations_and_buttons_inside_a_tier_are_not_members(line: str) -> None:
    html = page(
        f'<h3>会员单位</h3><div class="m"><b>{A}</b><br>{line}</div>'
        f'<div class="m"><b>{B}</b><br>{line}</div><div class="m"><b>{C}</b><br>{line}</div>'
    )
    assert names(parse_page(html)) == [A, B, C]


def test_a_name_followed_by_what_it_does_keeps_the_name() -> None:
    assert names(parse_page(page(f"<h3>会员单位</h3><p>{A}：主营人工智能</p>"))) == [A]


CHROME = [
    '<div class="box" id="footer"><p>理事单位</p><p>{}</p></div>',
    '<div class="sub_nav"><h2>会员组织</h2><ul><li><a href="/b">理事单位</a></li></ul><p>{}</p></div>',
    '<div class="member_login"><p>会员登录</p><p>{}</p></div>',
    '<div role="navigation"><p>理事单位</p><p>{}</p></div>',
    '<div class="search-box"><p>理事单位</p><p>{}</p></div>',
    '<p class="tree">您的位置：首页 &gt; 理事单位 {}</p>',
]


@pytest.mark.parametrize("chrome", CHROME, ids=range(len(CHROME)))
def test_chrome_named_by_class_id_or_role_is_never_read(chrome: str) -> None:
    html = page(chrome.format(FRIEND) + f"<h3>会员单位</h3><ul><li>{A}</li></ul>")
    assert tiers(parse_page(html)) == [("会员单位", A)]


def test_a_component_header_is_not_site_chrome() -> None:
    html = page(f'<div class="box-header"><h2>理事单位</h2></div><ul><li>{A}</li></ul>')
    assert names(parse_page(html)) == [A]


def test_a_breadcrumb_under_the_title_ends_no_tier_that_has_not_begun() -> None:
    html = page(
        '<div class="box-header"><h2>会员单位</h2><p class="tree">您的位置：首页 &gt; 会员单位</p>'
        f"</div><ul><li>{A}</li><li>{B}</li></ul>"
    )
    assert names(parse_page(html)) == [A, B]


# --- Navigation and tabs -----------------------------------------------------------------

SIDEBAR = (
    '<div class="left"><ul><li><a href="/v">副理事长单位</a></li><li><a href="/b">理事单位</a>'
    '</li><li><a href="/join">我要入会</a></li></ul></div>'
)


def test_a_sidebar_of_tier_links_opens_no_tier() -> None:
    html = page(f"{SIDEBAR}<h2>理事单位</h2><ul><li>{A}</li><li>{B}</li></ul>")
    result = parse_page(html)
    assert tiers(result) == [("理事单位", A), ("理事单位", B)]
    assert result.problems == []


def test_tier_words_only_in_navigation_are_a_problem_not_members() -> None:
    result = parse_page(page(f"{SIDEBAR}<h2>联盟简介</h2><p>{A}</p>"))
    assert result.listings == []
    assert result.problems == [
        "tier words appear only in navigation (副理事长单位 at div.left > ul)"
    ]


def test_a_label_heading_nothing_is_passed_over_where_it_heads_names_elsewhere() -> None:
    html = page(
        f"<div><span>理事单位</span></div><h3>联系我们</h3><h2>理事单位</h2><ul><li>{A}</li></ul>"
    )
    result = parse_page(html)
    assert (names(result), result.problems) == ([A], [])


def test_a_tier_heading_with_no_names_is_a_problem() -> None:
    html = page(f"<h3>副理事长单位</h3><ul><li>{A}</li></ul><h3>理事单位</h3><h3>友情链接</h3>")
    assert parse_page(html).problems == ["理事单位: heading at h3, 0 names read"]


def test_a_title_over_the_tiers_is_no_empty_tier() -> None:
    html = page(f"<h2>联盟成员单位</h2><h3>理事单位</h3><ul><li>{A}</li></ul>")
    result = parse_page(html)
    assert (tiers(result), result.problems) == ([("理事单位", A)], [])


def _panels(attr: str) -> str:
    strip = "".join(
        f"<li><a {attr.format(i)}>{label}</a></li>"
        for i, label in enumerate(["理事单位", "会员单位"])
    )
    return (
        f'<ul class="tab-nav">{strip}</ul><div class="tab-content">'
        f'<div id="p0"><ul><li>{A}</li></ul></div>'
        f'<div id="p1" style="display:none"><ul><li>{B}</li><li>{C}</li></ul></div></div>'
    )


@pytest.mark.parametrize(
    "attr", ['href="#p{}"', 'data-target="#p{}" href="javascript:;"', 'aria-controls="p{}"',
             'href="javascript:void(0)" class="t{}"'],
)  # fmt: skip
def test_tabs_head_their_panels_hidden_or_not(attr: str) -> None:
    assert tiers(parse_page(page(_panels(attr)))) == [
        ("理事单位", A),
        ("会员单位", B),
        ("会员单位", C),
    ]


@pytest.mark.parametrize("tag", ["span", "strong", "b", "em"])
def test_a_tab_label_wrapped_inline_still_heads_its_panel(tag: str) -> None:
    # Only heading elements are passed over as labels (strips.py): inline wrappers are not.
    html = _panels('href="#p{}"').replace("理事单位", f"<{tag}>理事单位</{tag}>")
    html = html.replace("会员单位", f"<{tag}>会员单位</{tag}>")
    assert tiers(parse_page(page(html)))[0] == ("理事单位", A)


@pytest.mark.parametrize("tag", ["h3", "h4"])
def test_tab_labels_that_are_heading_elements_are_headings_not_tabs(tag: str) -> None:
    html = _panels('href="#p{}"').replace("理事单位", f"<{tag}>理事单位</{tag}>")
    html = html.replace("会员单位", f"<{tag}>会员单位</{tag}>")
    result = parse_page(page(html))
    assert [tier for tier, _ in tiers(result)] == ["会员单位"] * 3
    assert result.problems == [f"理事单位: heading at ul.tab-nav > li > a > {tag}, 0 names read"]


def test_bare_tab_labels_match_panels_by_position_and_other_tabs_are_not_tiers() -> None:
    strip = "".join(f"<li>{label}</li>" for label in ["相关网站", "平台会员单位", "下属平台"])
    panes = "".join(
        f'<div id="x{i}" style="display:none"><ul><li><a href="#">{n}</a></li></ul></div>'
        for i, n in enumerate([FRIEND, A, B])
    )
    html = page(f'<div class="title"><ul>{strip}</ul></div><div class="content">{panes}</div>')
    assert tiers(parse_page(html)) == [("平台会员单位", A)]


# --- Names are names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag", ["[<font color=blue>慈溪</font>]", "（北仑）", "<span>[镇海]</span>"]
)
def test_a_tag_beside_a_linked_name_is_not_part_of_it(tag: str) -> None:
    html = page(
        f'<h3>会员单位</h3><table><tr><td>1</td><td><a title="{A}" href="">{A}</a>{tag}</td></tr>'
        f'<tr><td>2</td><td><a href="">{B}</a>{tag}</td></tr></table>'
    )
    assert names(parse_page(html)) == [A, B]


@pytest.mark.parametrize("tag", ["span", "em", "font"])
@pytest.mark.parametrize("space", [" ", "\n", "\n    "])
def test_names_in_sibling_inline_tags_spaced_apart_are_read_apart(tag: str, space: str) -> None:
    # A tag cloud: each member in its own tag, white space between. Read as one line they
    # ran together into one member that exists nowhere, and it was believed.
    cloud = space.join(f"<{tag}>{name}</{tag}>" for name in (A, C, "庚辰数智"))
    html = page(f'<h3>理事单位</h3><div class="tags">{cloud}</div>')
    assert names(parse_page(html)) == [A, C, "庚辰数智"]


def test_an_english_name_before_a_chinese_one_in_a_tag_cloud_is_a_member_of_its_own() -> None:
    # Not the name after it translated (that comes after): kept whole, the two ran together.
    cloud = ["Xinghe AI", A]
    tags = " ".join(f"<span>{name}</span>" for name in cloud)
    html = page(f'<h3>理事单位</h3><div class="tags">{tags}</div><h3>会员单位</h3><p>{B}</p>')
    assert names(parse_page(html)) == [*cloud, B]


def test_a_tag_cloud_of_short_brands_is_held_back_not_believed_as_one() -> None:
    # Three short brands, one shaped like a person's name, look like one name styled word by
    # word ("Qinglan" "Data" "Technology") or a card's extras beside a name (review12): not
    # split into members who may exist nowhere, nor believed as one.
    tags = " ".join(f"<span>{name}</span>" for name in ["庚辰数智", "丁岫", "丙岳云"])
    html = page(f'<h3>理事单位</h3><div class="tags">{tags}</div><h3>会员单位</h3><p>{B}</p>')
    result = parse_page(html)
    assert "丁岫" not in names(result)
    assert any("names in sibling tags read as one" in problem for problem in result.problems)


@pytest.mark.parametrize(
    "cloud",
    [
        "<em>庚辰数智</em><em>丙岳云</em><em>甲星智能</em>",
        f"<span>{A}</span><span>{C}</span>",
        "<font>Xinghe AI</font><font>庚辰数智</font>",
        "<b>“星河”智能</b><b>甲星智能</b>",
    ],
)
def test_names_in_abutting_tags_read_as_one_are_doubted(cloud: str) -> None:
    # With no space between, tags may style one name or hold several: read as one member,
    # names run together were believed. The page is kept whole and said to be doubtful.
    result = parse_page(page(f'<h3>理事单位</h3><div class="tags">{cloud}</div><p>{B}</p>'))
    assert any("names in sibling tags read as one" in problem for problem in result.problems)


@pytest.mark.parametrize(
    "line",
    [
        "<font color='red'>东方启明大学</font><font>计算机学院</font>",
        "<span>星河智能科技有</span><span>限公司</span>",
        "<span>星河智能科技</span><span>有限公司</span>",
        "<b>星河</b><b>智能科技有限公司</b>",
        f"<span>{A}</span> <span>Xinghe AI Technology Co., Ltd.</span>",
        f"<span>王一</span> <span>{A}</span>",
    ],
)
def test_one_name_styled_in_abutting_tags_is_not_doubted(line: str) -> None:
    result = parse_page(page(f"<h3>理事单位</h3><ul><li>{line}</li><li>{B}</li></ul>"))
    assert len(names(result)) == 2 and result.problems == []


@pytest.mark.parametrize(
    "line",
    [
        "<font color='red'>东方启明大学</font><font>计算机学院</font>",
        "<b>星河</b> <b>智能科技有限公司</b>",
        "<span>星河智能科技有限公司</span> <em>东方启明大学</em>",
        "<span>王一</span> <span>星河智能科技有限公司</span>",
        "<span>北京</span> <span>星河智能科技有限公司</span>",
    ],
)
def test_inline_tags_styling_one_name_keep_it_whole(line: str) -> None:
    # No space between the tags, a name's tail, tags of two kinds, a person or a place
    # before the name: one member, styled (the person is dropped later, see `people`).
    html = page(f"<h3>理事单位</h3><ul><li>{line}</li><li>{B}</li></ul>")
    assert len(names(parse_page(html))) == 2


def test_separators_inside_and_outside_links_are_stripped() -> None:
    html = page(
        '<p><b>会员单位：</b><a href="#">星河网 | </a><a href="#"> | 青岚网</a>'
        '<a href="#"></a> | <a href="#">云帆网</a><a href="#">赤霄网</a></p>'
    )
    assert names(parse_page(html)) == ["星河网", "青岚网", "云帆网", "赤霄网"]


def test_a_person_spaced_out_before_the_organisation_is_dropped() -> None:
    html = page(f"<h3>理事单位</h3><p>俞 朗 {A}</p><p>松果 视觉技术有限公司</p>")
    assert names(parse_page(html)) == [A, "松果 视觉技术有限公司"]


@pytest.mark.parametrize("number", ["01 ", "1. ", "（1）", "[1]", "1、"])
def test_item_numbers_are_stripped(number: str) -> None:
    assert names(parse_page(page(f"<h3>理事单位</h3><p>{number}{A}</p>"))) == [A]


def test_a_line_outside_the_run_is_dropped_unless_it_is_an_organisation() -> None:
    html = page(
        f"<h3>理事单位</h3><ul><li>{A}</li><li>星河</li><li>{B}</li></ul><p>在线咨询</p><p>{C}</p>"
    )
    assert names(parse_page(html)) == [A, "星河", B, C]


# --- Tier columns -----------------------------------------------------------------------


def test_a_table_giving_the_tier_in_a_column_yields_one_member_per_row() -> None:
    html = page(
        "<table><tr><th>序号</th><th>单位</th><th>姓名</th><th>职务</th><th>分会职务</th></tr>"
        f"<tr><td>1</td><td>{A}</td><td>俞 朗</td><td>董事长</td><td>副理事长</td></tr>"
        f"<tr><td>2</td><td>{B}</td><td>李四</td><td>总经理</td><td rowspan=2>理事</td></tr>"
        f"<tr><td>3</td><td>{C}</td><td>王五</td><td>院长</td></tr>"
        f"<tr><td>4</td><td>{C}</td><td>赵六</td><td>副院长</td><td>理事</td></tr></table>"
    )
    result = parse_page(html)
    assert [(x.tier, x.tier_label, x.name) for x in result.listings] == [
        ("vice_chair", "副理事长", A),
        ("board", "理事", B),
        ("board", "理事", C),
    ]
    assert result.problems == []


def test_a_type_column_that_names_no_tiers_is_no_tier_column() -> None:
    html = page(
        "<h3>会员单位</h3><table><tr><th>单位名称</th><th>类型</th></tr>"
        f"<tr><td>{A}</td><td>企业</td></tr><tr><td>{C}</td><td>高校</td></tr></table>"
    )
    assert tiers(parse_page(html)) == [("会员单位", A), ("会员单位", C)]

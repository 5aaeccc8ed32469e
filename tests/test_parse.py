"""parse_page against committed fixture pages, and the rules that keep it honest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker.core.config import Selectors
from tracker.core.errors import ParseError
from tracker.core.models import ParseResult
from tracker.core.normalize import normalize_key
from tracker.core.parse import PARSER_VERSION, parse_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
PAGE_FILES = sorted(PAGES.glob("*.html"))
# Pages stored in a legacy encoding; a fetch without a charset header must honour the meta.
ENCODINGS = {"gbk_meta.html": "gb18030"}


def read_page(path: Path) -> str:
    return path.read_bytes().decode(ENCODINGS.get(path.name, "utf-8"))


def summary(result: ParseResult) -> dict[str, Any]:
    return {
        "listings": [
            {"tier": i.tier, "tier_label": i.tier_label, "position": i.position, "name": i.name}
            for i in result.listings
        ],
        "declared_counts": result.declared_counts,
        "method": result.method,
        "problems": result.problems,
    }


def names(result: ParseResult) -> list[str]:
    return [listing.name for listing in result.listings]


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


def test_fixture_set_is_complete() -> None:
    required = {
        "ul_li", "table", "br_text", "paragraphs", "gbk_meta", "wayback", "next_data",
        "next_f", "nuxt", "no_tiers", "declared_counts", "two_tiers", "unknown_tier", "logo_wall",
    }  # fmt: skip
    assert required <= {path.stem for path in PAGE_FILES}


@pytest.mark.parametrize("path", PAGE_FILES, ids=[path.name for path in PAGE_FILES])
def test_fixture_page(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = parse_page(read_page(path))
    assert summary(result) == expected
    assert all(listing.key == normalize_key(listing.name) for listing in result.listings)


def test_gbk_page_is_stored_as_gbk_bytes() -> None:
    raw = (PAGES / "gbk_meta.html").read_bytes()
    assert b'charset="gb2312"' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_parser_version_is_a_string() -> None:
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


def test_spelling_noise_gives_equal_keys() -> None:
    result = parse_page(read_page(PAGES / "two_tiers.html"))
    keys = {(listing.tier, listing.key) for listing in result.listings}
    assert ("board", normalize_key("青岚数据（北京）有限公司")) in keys
    assert ("ordinary", normalize_key("青岚数据（北京）有限公司")) in keys
    assert ("ordinary", normalize_key("东方启明大学")) in keys


# --- Chrome ---------------------------------------------------------------------------------

CHROME = [
    "<nav><ul><li>理事单位</li><li>星河导航公司</li></ul></nav>",
    "<header><h3>理事单位</h3><p>星河页眉公司</p></header>",
    "<footer><h3>理事单位</h3><p>星河页脚公司</p></footer>",
    '<div class="main-menu"><p>理事单位</p><p>星河菜单公司</p></div>',
    '<div id="breadcrumb"><span>理事单位</span><span>星河面包屑公司</span></div>',
    '<div class="left_sidebar"><p>理事单位</p><p>星河侧栏公司</p></div>',
    '<ul class="subNav"><li>理事单位</li><li>星河子导航公司</li></ul>',
    '<div id="pages"><a>上一页</a><a>1</a><a>理事单位</a><a>星河分页公司</a></div>',
    '<div class="pagination">共3页 <a>星河翻页公司</a> <a>下一页</a></div>',
    "<script>document.write('<p>理事单位</p><p>星河脚本公司</p>')</script>",
    "<style>/* 理事单位 星河样式公司 */</style>",
    "<noscript><p>理事单位</p><p>星河无脚本公司</p></noscript>",
    "<template><p>理事单位</p><p>星河模板公司</p></template>",
    '<div id="wm-ipp-base"><p>理事单位</p><p>星河工具栏公司</p></div>',
    '<div id="donato"><p>理事单位</p><p>星河捐助公司</p></div>',
    "<!-- BEGIN WAYBACK TOOLBAR INSERT --><p>理事单位</p><p>星河插入公司</p>"
    "<!-- END WAYBACK TOOLBAR INSERT -->",
]


@pytest.mark.parametrize("chrome", CHROME, ids=range(len(CHROME)))
def test_chrome_never_yields_members(chrome: str) -> None:
    html = page(f"{chrome}<h3>会员单位</h3><ul><li>青岚数据有限公司</li></ul>")
    assert [(i.tier, i.name) for i in parse_page(html).listings] == [
        ("ordinary", "青岚数据有限公司")
    ]


@pytest.mark.parametrize("chrome", CHROME, ids=range(len(CHROME)))
def test_chrome_inside_a_section_yields_nothing(chrome: str) -> None:
    html = page(f"<h3>会员单位</h3><ul><li>青岚数据有限公司</li></ul>{chrome}")
    assert names(parse_page(html)) == ["青岚数据有限公司"]


def test_footer_ends_the_section() -> None:
    html = page(
        '<h3>会员单位</h3><ul><li>青岚数据有限公司</li></ul><div class="footer">友情链接</div>'
        "<p>联系我们</p>"
    )
    assert names(parse_page(html)) == ["青岚数据有限公司"]


def test_section_header_classes_are_not_chrome() -> None:
    html = page(
        '<div class="card"><div class="card-header">理事单位</div>'
        '<div class="card-body"><p>星河智能科技有限公司</p></div></div>'
        "<section><header><h2>会员单位</h2></header><p>青岚数据有限公司</p></section>"
    )
    assert [(i.tier, i.name) for i in parse_page(html).listings] == [
        ("board", "星河智能科技有限公司"),
        ("ordinary", "青岚数据有限公司"),
    ]


def test_wrapper_named_like_chrome_that_holds_the_content_is_read() -> None:
    html = page(
        '<div class="page with-sidebar"><h1>组织架构</h1><h3>理事单位</h3><p>星河大学</p></div>'
    )
    assert names(parse_page(html)) == ["星河大学"]


# --- Lines and names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["1.星河智能科技有限公司", "1. 星河智能科技有限公司", "12、星河智能科技有限公司",
     "（3）星河智能科技有限公司", "(3) 星河智能科技有限公司", "【4】星河智能科技有限公司",
     "· 星河智能科技有限公司", "① 星河智能科技有限公司"],
)  # fmt: skip
def test_numbering_is_stripped(raw: str) -> None:
    assert names(parse_page(page(f"<h3>理事单位</h3><p>{raw}</p>"))) == ["星河智能科技有限公司"]


@pytest.mark.parametrize(
    "raw",
    ["- 星河智能科技有限公司", "-星河智能科技有限公司", "--星河智能科技有限公司",
     "* 星河智能科技有限公司", "->星河智能科技有限公司", "●-星河智能科技有限公司",
     "— 星河智能科技有限公司", "-\u3000星河智能科技有限公司"],
)  # fmt: skip
def test_a_hyphen_used_as_a_bullet_is_stripped(raw: str) -> None:
    # No Chinese name begins with a hyphen: before one it is decoration, as the other bullets.
    assert names(parse_page(page(f"<h3>理事单位</h3><p>{raw}</p>"))) == ["星河智能科技有限公司"]


def test_a_name_that_begins_with_a_hyphen_keeps_it() -> None:
    html = page("<h3>理事单位</h3><p>-Zero Labs</p><p>-1号机器人有限公司</p><p>- Deep Blue</p>")
    assert names(parse_page(html)) == ["-Zero Labs", "-1号机器人有限公司", "Deep Blue"]


def test_leading_digits_that_are_part_of_a_name_stay() -> None:
    html = page("<h3>理事单位</h3><p>360智脑科技有限公司</p><p>58.com 信息技术有限公司</p>")
    assert names(parse_page(html)) == ["360智脑科技有限公司", "58.com 信息技术有限公司"]


def test_obvious_non_names_are_dropped() -> None:
    html = page(
        "<h3>会员单位</h3><p>星河大学</p><p>更多&gt;&gt;</p><p>返回顶部</p><p>首页</p>"
        "<p>2023-05-01</p><p>发布时间：2023年5月1日</p><p>联盟现有会员单位五百余家。</p>"
        "<table><tr><th>序号</th><th>单位名称</th></tr><tr><td>1</td><td>青岚大学</td></tr></table>"
    )
    assert names(parse_page(html)) == ["星河大学", "青岚大学"]


def test_separators_on_one_line() -> None:
    html = page(
        "<h3>会员单位</h3><p>甲乙科技有限公司、丙丁大学；戊己研究院</p>"
        "<p>庚辛数据有限公司\u3000壬癸智能有限公司</p><p>子丑公司&nbsp;&nbsp;&nbsp;寅卯公司</p>"
    )
    assert names(parse_page(html)) == [
        "甲乙科技有限公司", "丙丁大学", "戊己研究院", "庚辛数据有限公司", "壬癸智能有限公司",
        "子丑公司", "寅卯公司",
    ]  # fmt: skip


def test_inline_markup_inside_a_name_joins() -> None:
    html = page(
        "<h3>会员单位</h3><p><span>星河</span><b>AI</b>科技有限公司</p><p>Aurora <i>Labs</i></p>"
    )
    assert names(parse_page(html)) == ["星河AI科技有限公司", "Aurora Labs"]


@pytest.mark.parametrize("between", ["", "\n", " | ", " "])
def test_a_line_of_links_is_one_name_per_link(between: str) -> None:
    links = between.join(f'<a href="#">{name}</a>' for name in ("星河大学", "青岚数据有限公司"))
    html = page(f"<h3>会员单位</h3><div>{links}</div><p><a>丙丁</a><a>智能</a>科技有限公司</p>")
    assert names(parse_page(html)) == ["星河大学", "青岚数据有限公司", "丙丁智能科技有限公司"]


def test_a_block_inside_a_link_keeps_the_names_apart() -> None:
    html = page("<h3>会员单位</h3><p><a><div>星河大学</div>青岚大学</a><a>赤霞大学</a></p>")
    assert names(parse_page(html)) == ["星河大学", "青岚大学", "赤霞大学"]


def test_a_link_cut_short_is_read_from_its_title() -> None:
    html = page(
        "<h3>会员单位</h3><ul>"
        '<li><a title="星河智能科技有限公司" href="#">星河智能科技...</a></li>'
        '<li><a title="青岚数据股份有限公司">青岚数据…</a></li>'
        '<li><a title="赤霞大学">赤霞大学...</a></li>'
        '<li><a title="首页">翠微研究院</a></li>'
        '<li><a title="别的名字">墨竹科技...</a></li>'
        "<li>云杉数据。。。</li></ul>"
    )
    assert names(parse_page(html)) == [
        "星河智能科技有限公司", "青岚数据股份有限公司", "赤霞大学", "翠微研究院", "墨竹科技...",
        "云杉数据。。。",
    ]  # fmt: skip


def test_only_the_name_column_of_a_table_is_read() -> None:
    html = page(
        "<table><tr><td>"  # a layout table around the member table
        "<table><tr><th>序号</th><th>单位名称</th><th>所在地</th><th>类型</th></tr>"
        '<tr><td colspan="4">理事单位</td></tr>'
        "<tr><td>1</td><td>星河大学</td><td>北京</td><td>高校</td></tr>"
        "<tr><td>2</td><td>青岚数据有限公司</td><td>上海</td><td>企业</td></tr></table>"
        "</td><td>赤霞大学</td><td>翠微大学</td><td>墨竹大学</td></tr></table>"
    )
    assert names(parse_page(html)) == [
        "星河大学", "青岚数据有限公司", "赤霞大学", "翠微大学", "墨竹大学"
    ]  # fmt: skip


def test_empty_cells_are_skipped() -> None:
    html = page("<table><tr><td>理事单位</td><td></td><td> </td><td>星河大学</td></tr></table>")
    assert names(parse_page(html)) == ["星河大学"]


# --- Logos --------------------------------------------------------------------------------


def test_a_wall_of_logos_is_read_in_page_order() -> None:
    html = page(
        '<h3>副理事长单位</h3><div class="logos">'
        '<a href="#"><img src="/1.png" alt="星河智能科技有限公司"></a>'
        '<a href="#" title="青岚数据（北京）有限公司"><img src="/2.png"></a>'
        '<img src="/3.png" title="东方启明大学">'
        '<a href="#" title="不用的标题"><img src="/4.png" alt="南山智算研究院"></a></div>'
        '<ul><li><img src="/5.png" alt="logo" title="北辰语音科技有限公司"></li></ul>'
        "<h3>理事单位</h3><p>翠微机器人有限公司</p>"
    )
    assert [(i.tier, i.position, i.name) for i in parse_page(html).listings] == [
        ("vice_chair", 1, "星河智能科技有限公司"),
        ("vice_chair", 2, "青岚数据（北京）有限公司"),
        ("vice_chair", 3, "东方启明大学"),
        ("vice_chair", 4, "南山智算研究院"),
        ("vice_chair", 5, "北辰语音科技有限公司"),
        ("board", 1, "翠微机器人有限公司"),
    ]


def test_a_tier_with_text_names_reads_no_logos() -> None:
    # A logo captioned in other words would otherwise list one organisation twice.
    html = page(
        '<h3>理事单位</h3><ul><li><img alt="星河智能"><p>星河智能科技有限公司</p></li>'
        '<li><img alt="青岚数据"></li><li>云帆视觉技术股份有限公司</li></ul>'
    )
    assert names(parse_page(html)) == ["星河智能科技有限公司", "云帆视觉技术股份有限公司"]


DECORATIVE_IMAGES = [
    '<img src="/a.png">',
    '<img src="/a.png" alt="">',
    '<img src="/a.png" alt>',
    '<img src="/a.png" alt="" title="星河智能科技有限公司">',
    '<img src="/a.png" alt="星河智能科技有限公司" aria-hidden="true">',
    '<img src="/a.png" alt="星河智能科技有限公司" role="presentation">',
    '<img alt="logo">', '<img alt="LOGO">', '<img alt="logo1.png">', '<img alt="Logo_02">',
    '<img alt="图片">', '<img alt="图片1">', '<img alt="banner">', '<img alt="banner-01">',
    '<img alt="new">', '<img alt="NEW!">', '<img alt="更多">', '<img alt="更多&gt;&gt;">',
    '<img alt="二维码">', '<img alt="/upload/2024/logo.jpg">', '<img alt="XINGHE.PNG">',
    '<img alt="xinghe-logo">', '<img alt="星河">', '<img alt="TOP">', '<img alt="新">',
    '<img alt="返回顶部">', '<img alt="2024-05-01">', '<img alt="理事单位">',
    '<img alt="共3家">', '<a href="#" title="首页"><img src="/home.png"></a>',
]  # fmt: skip


@pytest.mark.parametrize("image", DECORATIVE_IMAGES, ids=range(len(DECORATIVE_IMAGES)))
def test_decorative_images_never_become_members(image: str) -> None:
    html = page(f"<h3>会员单位</h3><ul><li>{image}</li><li>青岚数据有限公司</li></ul>")
    assert names(parse_page(html)) == ["青岚数据有限公司"]


def test_a_trailing_logo_word_is_not_part_of_the_name() -> None:
    html = page(
        '<h3>会员单位</h3><p><img alt="星河智能科技有限公司 LOGO"><img alt="青岚大学标志"></p>'
    )
    assert names(parse_page(html)) == ["星河智能科技有限公司", "青岚大学"]


LOGO_WITH_CAPTION = [
    '<li><img alt="星河智能科技有限公司">星河智能科技有限公司</li>',
    '<li><img alt="星河智能科技有限公司"><p>星河智能科技有限公司</p></li>',
    '<li><p>星河智能科技有限公司</p><img alt="星河智能科技有限公司"></li>',
    '<li><div class="pic"><a href="#"><img alt="星河智能科技有限公司"></a></div>'
    '<div class="name"><a href="#">星河智能科技有限公司</a></div></li>',
    '<li><a href="#"><img alt="星河智能科技有限公司"></a><a href="#">星河智能科技有限公司</a></li>',
    '<li><img alt="星河智能科技有限公司logo"><p>星河智能科技有限公司</p></li>',
]


@pytest.mark.parametrize("item", LOGO_WITH_CAPTION, ids=range(len(LOGO_WITH_CAPTION)))
def test_a_logo_beside_its_own_name_is_listed_once(item: str) -> None:
    html = page(f"<h3>理事单位</h3><ul>{item}<li>青岚数据有限公司</li></ul>")
    assert [(i.position, i.name) for i in parse_page(html).listings] == [
        (1, "星河智能科技有限公司"),
        (2, "青岚数据有限公司"),
    ]


def test_hover_twins_in_a_wall_of_logos_name_one_member() -> None:
    html = page(
        '<h3>理事单位</h3><ul><li><a href="#" title="星河智能科技有限公司">'
        '<img class="grey"><img class="colour"></a></li>'
        '<li><img alt="青岚数据有限公司"></li></ul>'
    )
    assert names(parse_page(html)) == ["星河智能科技有限公司", "青岚数据有限公司"]


def test_a_caption_spelled_differently_keeps_its_spelling() -> None:
    html = page(
        '<h3>理事单位</h3><ul><li><img alt="青岚数据(北京)有限公司"><p>青岚数据（北京）有限公司</p></li></ul>'
    )
    assert names(parse_page(html)) == ["青岚数据（北京）有限公司"]


def test_text_listed_twice_stays_twice_beside_logos() -> None:
    html = page(
        '<h3>会员单位</h3><p>星河大学</p><p>星河大学</p><p><img alt="青岚数据有限公司"></p>'
    )
    assert names(parse_page(html)) == ["星河大学", "星河大学"]


def test_an_image_on_a_line_with_text_is_not_a_name() -> None:
    html = page(
        '<h3>会员单位</h3><p>星河<img src="/i.png" alt="青岚数据有限公司">科技有限公司</p>'
        '<h3><img src="/icon.png" alt="东方启明大学">理事单位</h3><p>南山大学</p>'
    )
    assert [(i.tier, i.name) for i in parse_page(html).listings] == [
        ("ordinary", "星河科技有限公司"),
        ("board", "南山大学"),
    ]


def test_logos_outside_a_section_are_not_members() -> None:
    html = page(
        '<div class="banner"><img alt="星河智能科技有限公司"></div>'
        "<h3>会员单位</h3><p>青岚数据有限公司</p>"
    )
    assert names(parse_page(html)) == ["青岚数据有限公司"]


CHROME_LOGOS = [
    '<nav><a href="/"><img alt="星河导航科技有限公司"></a></nav>',
    '<header><img alt="星河页眉科技有限公司"></header>',
    '<footer><a title="星河页脚科技有限公司"><img src="/f.png"></a></footer>',
    '<div class="footer-links"><img alt="星河友链科技有限公司"></div>',
    '<div class="left_sidebar"><img title="星河侧栏科技有限公司"></div>',
    '<div id="wm-ipp-base"><img alt="星河工具栏科技有限公司"></div>',
    '<!-- BEGIN WAYBACK TOOLBAR INSERT --><img alt="星河插入科技有限公司">'
    "<!-- END WAYBACK TOOLBAR INSERT -->",
    '<noscript><img alt="星河无脚本科技有限公司"></noscript>',
]


@pytest.mark.parametrize("chrome", CHROME_LOGOS, ids=range(len(CHROME_LOGOS)))
def test_logos_in_chrome_never_yield_members(chrome: str) -> None:
    html = page(f'<h3>会员单位</h3><p><img alt="青岚数据有限公司"></p>{chrome}')
    assert names(parse_page(html)) == ["青岚数据有限公司"]


# --- Headings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "tier", "label", "count"),
    [
        ("理事单位（189家）", "board", "理事单位", 189),
        ("理事单位(共189家)", "board", "理事单位", 189),
        ("理事单位 189 家", "board", "理事单位", 189),
        ("◆ 理事单位 (189)", "board", "理事单位", 189),
        ("副理事长单位：", "vice_chair", "副理事长单位", None),
        ("一、副理事长单位", "vice_chair", "副理事长单位", None),
        ("（二）常务理事单位", "standing_board", "常务理事单位", None),
        ("3. 理事长单位", "chair", "理事长单位", None),
        ("【普通会员单位】", "ordinary", "普通会员单位", None),
        ("会员单位名单（排名不分先后）", "ordinary", "会员单位", None),
        ("中国人工智能产业发展联盟理事单位", "board", "中国人工智能产业发展联盟理事单位", None),
    ],
)
def test_heading_decorations(heading: str, tier: str, label: str, count: int | None) -> None:
    result = parse_page(page(f"<div>{heading}</div><div>星河智能科技有限公司</div>"))
    assert [(i.tier, i.tier_label, i.name) for i in result.listings] == [
        (tier, label, "星河智能科技有限公司")
    ]
    assert result.declared_counts == ({} if count is None else {tier: count})


@pytest.mark.parametrize(
    "name", ["会员单位服务中心有限公司", "星河会员单位联谊会", "星河科技有限公司理事单位"]
)
def test_name_containing_a_tier_word_is_not_a_heading(name: str) -> None:
    html = page(f"<h3>理事单位</h3><ul><li>{name}</li><li>青岚大学</li></ul>")
    assert [(i.tier, i.name) for i in parse_page(html).listings] == [
        ("board", name),
        ("board", "青岚大学"),
    ]


def test_unknown_label_without_heading_evidence_stays_a_member() -> None:
    html = page("<h3>理事单位</h3><ul><li>星河协作单位</li><li>青岚大学</li></ul>")
    assert [i.tier for i in parse_page(html).listings] == ["board", "board"]


def test_repeated_heading_continues_positions() -> None:
    html = page(
        "<h3>会员单位</h3><p>甲公司</p><h3>理事单位</h3><p>乙公司</p><h3>会员单位</h3><p>丙公司</p>"
    )
    result = parse_page(html)
    assert [(i.tier, i.position, i.name) for i in result.listings] == [
        ("ordinary", 1, "甲公司"),
        ("board", 1, "乙公司"),
        ("ordinary", 2, "丙公司"),
    ]


def test_count_on_its_own_line_is_declared_not_listed() -> None:
    result = parse_page(page("<h3>理事单位</h3><p>共2家</p><p>甲公司</p><p>乙公司</p>"))
    assert names(result) == ["甲公司", "乙公司"]
    assert result.declared_counts == {"board": 2}


def test_page_without_headings_is_empty_not_an_error() -> None:
    result = parse_page(page("<p>星河智能科技有限公司</p><p>青岚大学</p>"))
    assert result.listings == []


def test_deeply_nested_markup_does_not_recurse() -> None:
    # Deeper than Python's recursion limit, within the nesting limit.
    html = page("<h3>理事单位</h3>" + "<div>" * 1900 + "星河大学" + "</div>" * 1900)
    assert names(parse_page(html)) == ["星河大学"]


def test_markup_nested_past_the_limit_is_refused_before_it_is_built() -> None:
    html = page("<h3>理事单位</h3>" + "<div>" * 3000 + "星河大学" + "</div>" * 3000)
    with pytest.raises(ParseError, match="nests its elements 3,00[0-9] deep, past the limit"):
        parse_page(html)


# --- Selectors ------------------------------------------------------------------------------

SELECTOR_PAGE = page(
    '<nav><span class="tier">理事单位</span><span class="org">星河导航公司</span></nav>'
    '<h3>理事单位</h3><div class="tier">副理事长单位（2家）</div>'
    '<span class="org">甲公司</span><p>乙公司</p><span class="org">丙公司</span>'
    '<div class="tier">会员单位</div><span class="org">丁公司</span>'
)


def test_selectors_take_precedence() -> None:
    result = parse_page(SELECTOR_PAGE, selectors=Selectors(tier=".tier", member=".org"))
    assert [(i.tier, i.tier_label, i.position, i.name) for i in result.listings] == [
        ("vice_chair", "副理事长单位", 1, "甲公司"),
        ("vice_chair", "副理事长单位", 2, "丙公司"),
        ("ordinary", "会员单位", 1, "丁公司"),
    ]
    assert result.method == "selectors"
    assert result.declared_counts == {"vice_chair": 2}


def test_selectors_read_images_when_the_element_has_no_text() -> None:
    html = page(
        '<div class="tier">副理事长单位</div>'
        '<a class="org" href="#"><img alt="星河智能科技有限公司"></a>'
        '<a class="org" title="青岚数据有限公司"><img src="/2.png"></a>'
        '<img class="org" src="/3.png" title="东方启明大学">'
        '<a class="org"><img alt="logo"></a>'
        '<a class="org"><img alt="南山智算研究院">南山智算研究院</a>'
    )
    result = parse_page(html, selectors=Selectors(tier=".tier", member=".org"))
    assert names(result) == [
        "星河智能科技有限公司",
        "青岚数据有限公司",
        "东方启明大学",
        "南山智算研究院",
    ]


@pytest.mark.parametrize(
    ("selectors", "message"),
    [
        (Selectors(tier=".nothing", member=".org"), "tier selector '.nothing' matches nothing"),
        (Selectors(tier=".tier", member="li.gone"), "member selector 'li.gone' matches nothing"),
        (Selectors(tier="div[", member=".org"), "not valid CSS"),
    ],
)
def test_selectors_that_match_nothing_raise(selectors: Selectors, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_page(SELECTOR_PAGE, selectors=selectors)


# --- JSON -----------------------------------------------------------------------------------


def next_data(members: list[dict[str, str]]) -> str:
    data = json.dumps({"props": {"pageProps": {"list": members}}}, ensure_ascii=False)
    return f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'


def test_html_wins_when_json_adds_nothing() -> None:
    members = [{"name": "甲公司", "level": "理事单位"}]
    result = parse_page(page("<h3>理事单位</h3><p>甲公司</p>" + next_data(members)))
    assert result.method == "headings"


def test_json_wins_when_it_holds_all_the_html_shows_and_more() -> None:
    members = [{"name": n, "memberType": "理事单位"} for n in ("甲公司", "乙公司", "丙公司")]
    result = parse_page(page("<h3>理事单位</h3><p>甲公司</p><p>更多</p>" + next_data(members)))
    assert (result.method, names(result)) == ("json", ["甲公司", "乙公司", "丙公司"])


def test_json_that_disagrees_with_the_html_does_not_replace_it() -> None:
    members = [{"name": n, "level": "理事单位"} for n in ("乙公司", "丙公司")]
    result = parse_page(page("<h3>理事单位</h3><p>甲公司</p>" + next_data(members)))
    assert names(result) == ["甲公司"]


def test_json_values_that_merely_mention_a_tier_word_are_ignored() -> None:
    items = [{"title": "会员单位动态：星河发布新品", "type": "会员单位动态"}]
    assert parse_page(page(next_data(items))).listings == []


def test_nuxt_expression_that_is_not_json_is_ignored() -> None:
    script = "<script>window.__NUXT__=(function(a){return {data:[{name:a}]}}('甲'));</script>"
    assert parse_page(page(script)).listings == []


def test_names_that_start_like_page_metadata_stay() -> None:
    html = page(
        "<h3>会员单位</h3><p>点击网络科技有限公司</p><p>点击：1024</p><p>阅读文化传媒有限公司</p>"
    )
    assert names(parse_page(html)) == ["点击网络科技有限公司", "阅读文化传媒有限公司"]

"""Pages that once read wrong, each reduced to the pattern that did it (invented names).

A red-team pass wrote 46 realistic CMS member pages; these are the patterns among them that
the parser read wrong and exited 0 on (the worst outcome). Each case states what a careful
reader takes from the page: (tier, label as written, name), in page order.
"""

from __future__ import annotations

import pytest

from tests.pages import INVENTED
from tracker.core.guard import anomalies
from tracker.core.parse import parse_page

A, B, C, D, E = INVENTED[:5]

Expected = list[tuple[str, str, str]]

CASES: dict[str, tuple[str, Expected]] = {
    "president tiers in plain blocks": (
        f"<div>会长单位</div><ul><li>{A}</li></ul><div>副会长单位</div><ul><li>{B}</li></ul>"
        f"<div>名誉理事长单位</div><ul><li>{C}</li></ul>",
        [("chair", "会长单位", A), ("vice_chair", "副会长单位", B), ("other", "名誉理事长单位", C)],
    ),
    "bilingual and dated headings": (
        f"<h1>联盟成员</h1><h3>副理事长单位 VICE CHAIRMAN</h3><ul><li>{A}</li><li>{B}</li></ul>"
        f"<h3>2024年度理事单位</h3><ul><li>{C}</li></ul><h3>会员单位（2024年）</h3><p>{D}</p>",
        [("vice_chair", "副理事长单位", A), ("vice_chair", "副理事长单位", B),
         ("board", "理事单位", C), ("ordinary", "会员单位", D)],
    ),
    "a heading drawn as an image": (
        f"<p><b>副理事长单位</b></p><ul><li>{A}</li></ul>"
        f'<p><img src="t2.png" alt="理事单位"></p><ul><li>{B}</li><li>{C}</li></ul>',
        [("vice_chair", "副理事长单位", A), ("board", "理事单位", B), ("board", "理事单位", C)],
    ),
    "a heading beside a more link": (
        f'<div class="tit"><h3>理事单位</h3><a href="/l">更多>></a></div><ul><li>{A}</li></ul>'
        f'<div class="tit"><span>会员单位</span><a href="/h">MORE+</a></div><ul><li>{B}</li></ul>',
        [("board", "理事单位", A), ("ordinary", "会员单位", B)],
    ),
    "a more button between the shown and the hidden part": (
        f"<h3>会员单位</h3><div><p>{A}</p><p>{B}</p></div>"
        '<div class="more_btn"><a href="javascript:;">展开</a></div>'
        f'<div style="display:none"><p>{C}</p><p>{D}</p></div>',
        [("ordinary", "会员单位", n) for n in (A, B, C, D)],
    ),
    "a hint above a wall of logos": (
        '<h2>理事单位</h2><p class="tip">点击图标访问官网</p><div class="logos">'
        + "".join(f'<a href="#"><img src="{i}.png" alt="{n}"></a>' for i, n in enumerate((A, B)))
        + "</div>",
        [("board", "理事单位", A), ("board", "理事单位", B)],
    ),
    "a join link at the end of a logo list": (
        '<h2>会员单位</h2><ul class="logos">'
        + "".join(f'<li><a href="#"><img src="{i}.png" alt="{n}"></a></li>' for i, n in enumerate((A, B)))
        + '<li><a href="/join.html">申请成为会员</a></li></ul>',
        [("ordinary", "会员单位", A), ("ordinary", "会员单位", B)],
    ),
    "a list written as a sentence": (
        f"<p><b>理事长单位：</b>{A}。</p><p><b>理事单位：</b>{B}、{C}、{D}。</p>",
        [("chair", "理事长单位", A), ("board", "理事单位", B), ("board", "理事单位", C),
         ("board", "理事单位", D)],
    ),
    "em spaces and full-width commas": (
        f"<p><b>理事单位</b></p><p>{A}&emsp;{B}</p><p>{C}，{D}</p>",
        [("board", "理事单位", n) for n in (A, B, C, D)],
    ),
    "a name broken by a line break in its card": (
        '<h3>副理事长单位</h3><div class="card"><p>乙禾数据<br>股份有限公司</p></div>'
        f'<div class="card"><p>{C}</p></div><div class="card"><p>南溪人工智能<br>研究院</p></div>',
        [("vice_chair", "副理事长单位", "乙禾数据股份有限公司"), ("vice_chair", "副理事长单位", C),
         ("vice_chair", "副理事长单位", "南溪人工智能研究院")],
    ),
    "item numbers followed by one space": (
        f"<h5 class='title'>会员单位</h5><p>1 {A}</p><p>2 {B}</p><p>10 {C}</p>",
        [("ordinary", "会员单位", n) for n in (A, B, C)],
    ),
    "bold region groups inside a tier": (
        f"<p><b>会员单位</b></p><p><b>北京市</b></p><p>{A}</p><p>{B}</p><p><b>上海市</b></p><p>{C}</p>",
        [("ordinary", "会员单位", n) for n in (A, B, C)],
    ),
    "numbered category groups inside a tier": (
        f"<p><b>理事单位</b></p><p>（一）高等院校</p><p>{C}</p><p>（二）企业</p><p>{A}</p><p>{B}</p>",
        [("board", "理事单位", n) for n in (C, A, B)],
    ),
    "a representative after each organisation": (
        f"<p><b>副理事长单位</b></p><p>{A}　　李文华</p><p>{C}　　陈国平</p><p>{B}　　刘　洋</p>",
        [("vice_chair", "副理事长单位", n) for n in (A, C, B)],
    ),
    "the host's name over its address in a plain footer": (
        f'<h2>会员单位</h2><ul class="hy"><li>{A}</li><li>{B}</li><li>{C}</li></ul></div>'
        '<div class="bottom"><p>某虚构人工智能产业联盟</p><p>地址：北京市某区某路1号　邮编：100000</p>'
        "<p>Copyright © 2024</p>",
        [("ordinary", "会员单位", n) for n in (A, B, C)],
    ),
    "further reading after the list": (
        f"<h2>会员单位</h2><ul><li>{A}</li><li>{B}</li><li>{C}</li></ul>"
        '<h3>延伸阅读</h3><ul><li><a href="/n/1.html">2024产业峰会开幕</a></li></ul>',
        [("ordinary", "会员单位", n) for n in (A, B, C)],
    ),
    "a box of the newest members beside the list": (
        f"<h2>理事单位</h2><ul><li>{A}</li><li>{B}</li></ul>"
        f'<div class="box"><h3>最新加入会员</h3><ul><li><a href="/m/9.html">{E}</a></li></ul></div>',
        [("board", "理事单位", A), ("board", "理事单位", B)],
    ),
    "a show-all item and status notes": (
        f"<h3>理事单位</h3><ul><li>{A}（新增）</li><li>{B}（秘书长单位）</li><li>{C} NEW</li>"
        '<li><a href="javascript:;">展开全部</a></li></ul>',
        [("board", "理事单位", n) for n in (A, B, C)],
    ),
    "a staff row in a table of representatives": (
        "<table><tr><th>姓名</th><th>工作单位</th><th>协会职务</th></tr>"
        f"<tr><td>王一</td><td>{A}</td><td>理事长</td></tr>"
        f"<tr><td>李二</td><td>{B}</td><td>理事</td></tr><tr><td>赵三</td><td>{C}</td><td>理事</td></tr>"
        "<tr><td>吴二</td><td>某虚构人工智能协会</td><td>秘书长</td></tr></table>",
        [("chair", "理事长", A), ("board", "理事", B), ("board", "理事", C)],
    ),
    "a marquee that holds its list twice": (
        '<div class="box-tit"><span>理事单位</span><a class="more" href="/l">更多>></a></div>'
        '<table><tr><td id="demo1">'
        + "".join(f'<a href="#"><img src="{i}.jpg" alt="{n}"></a>' for i, n in enumerate((A, B, D)))
        + '</td><td id="demo2">'
        + "".join(f'<a href="#"><img src="{i}.jpg" alt="{n}"></a>' for i, n in enumerate((A, B, D)))
        + "</td></tr></table>",
        [("board", "理事单位", n) for n in (A, B, D)],
    ),
    "a search box between the heading and the list": (
        f'<h2>会员单位</h2><div class="search-box"><input name="q"></div><ul><li>{A}</li><li>{B}</li></ul>',
        [("ordinary", "会员单位", A), ("ordinary", "会员单位", B)],
    ),
    "a table laid out as a menu of tier links": (
        '<table><tr><td class="lm">组织机构</td></tr><tr><td><a href="a.aspx?id=1">理事长单位</a></td></tr>'
        '<tr><td><a href="a.aspx?id=3">理事单位</a></td></tr></table>'
        f'<table><tr><td class="lmbt"><span>理事单位</span></td></tr><tr><td>{A}</td><td>{B}</td></tr></table>',
        [("board", "理事单位", A), ("board", "理事单位", B)],
    ),
    "a heading spaced out to fill its cell": (
        f"<table><tr><td><font><b>理　事　单　位</b></font></td></tr><tr><td>{A}</td></tr></table>",
        [("board", "理事单位", A)],
    ),
    "a phone number and ICP in the middle of a tier": (
        f"<h3>理事单位</h3><ul><li>{A}</li><li>北辰信息技术有限公司 电话：010-88888888</li>"
        f"<li>ICP科技有限公司</li><li>{B}</li></ul>",
        [("board", "理事单位", A), ("board", "理事单位", "ICP科技有限公司"), ("board", "理事单位", B)],
    ),
    "members with the day they joined": (
        f"<h3>会员单位</h3><table><tr><td>{A}</td><td>2023-05-01</td></tr>"
        f"<tr><td>{B}</td><td></td></tr><tr><td>{C}</td><td>2024-03-12</td></tr></table>"
        f'<ul><li><a href="/m/4">{D}</a><span class="date">2024-03-12</span></li>'
        "<li>北京拼音科技有限公司</li></ul>",
        [("ordinary", "会员单位", n) for n in (A, B, C, D, "北京拼音科技有限公司")],
    ),
    "a count or a button in the heading's own pieces": (
        f'<div><span>副理事长单位</span><span>（2家）</span></div><ul><li>{A}</li><li>{B}</li></ul>'
        f'<div><a href="javascript:;">理事单位</a><a href="javascript:;">展开</a></div>'
        f"<ul><li>{C}</li><li>{D}</li></ul>",
        [("vice_chair", "副理事长单位", A), ("vice_chair", "副理事长单位", B),
         ("board", "理事单位", C), ("board", "理事单位", D)],
    ),
    "English beside the Chinese, marked or paired in every card": (
        '<h2>会员单位 / Members</h2><ul class="m">'
        + "".join(f'<li>{n}<br><span class="en">Firm {i} Co., Ltd.</span></li>' for i, n in enumerate((A, B)))
        + "</ul><h2>理事单位</h2>"
        + "".join(f'<div class="card"><p>{n}</p><p>Firm {i} Ltd.</p></div>' for i, n in enumerate((C, D, E)))
        + "<h2>常务理事单位</h2><p>星河科技有限公司<br>Aurorix Cognition Ltd.<br>Kestrel AI Inc.</p>",
        [("ordinary", "会员单位", A), ("ordinary", "会员单位", B), ("board", "理事单位", C),
         ("board", "理事单位", D), ("board", "理事单位", E),
         ("standing_board", "常务理事单位", "星河科技有限公司"),
         ("standing_board", "常务理事单位", "Aurorix Cognition Ltd."),
         ("standing_board", "常务理事单位", "Kestrel AI Inc.")],
    ),
    "a desktop and a mobile copy of the list": (
        f'<div class="hidden-xs"><h3>理事单位</h3><p>{A}</p><p>{B}</p></div>'
        f'<div class="visible-xs"><div class="panel-heading">理事单位</div><ul><li>{A}</li><li>{B}</li></ul></div>',
        [("board", "理事单位", A), ("board", "理事单位", B)],
    ),
    "card introductions and template code": (
        f'<h2>会员单位</h2><div class="g"><h4>{A}</h4><p>公司成立于2016年，是一家专注于人工智能的高新技术企业。</p></div>'
        f'<div class="g"><h4>{B}</h4><p>提供仓储物流机器人整体解决方案的公司</p></div>'
        "<div class=\"g\"><h4>{{ m.name }}</h4></div>",
        [("ordinary", "会员单位", A), ("ordinary", "会员单位", B)],
    ),
    "traditional characters, an English subtitle, bullets and other separators": (
        f"<h2>理事單位</h2><p>MEMBERS</p><p>・{A}</p><p>※{B}丨{C} / {D}</p>",
        [("board", "理事單位", n) for n in (A, B, C, D)],
    ),
    "a page title over the tiers": (
        f"<h1>会员单位</h1><h3>副理事长单位</h3><ul><li>{A}</li></ul><h3>理事单位</h3><ul><li>{B}</li></ul>",
        [("vice_chair", "副理事长单位", A), ("board", "理事单位", B)],
    ),
    "tier words in plain paragraphs among brand names": (
        "<div><p>理事长单位</p><p>甲星智能</p><p>理事单位</p><p>丁岫视觉</p><p>戊溟语音</p></div>",
        [("chair", "理事长单位", "甲星智能"), ("board", "理事单位", "丁岫视觉"),
         ("board", "理事单位", "戊溟语音")],
    ),
    # Seen on a real portal's home page (a 2018 crawl): a box of 理事单位 whose title writes
    # its "more" link first. "MORE+" first lost the tier, exit 0.
    "a more link written before the heading": (
        f'<div class="box"><h2><span class="more"><a href="/l">更多</a></span>理事单位</h2>'
        f'<ul><li><a href="/1">{A}</a></li></ul></div>'
        f'<div class="box"><h2><span><a href="/h">MORE+</a></span>会员单位</h2>'
        f'<ul><li><a href="/2">{B}</a></li></ul></div>',
        [("board", "理事单位", A), ("ordinary", "会员单位", B)],
    ),
    # The same box listed two news headlines among its members, read as members, exit 0.
    "news headlines in a box of members": (
        '<h2>理事单位</h2><ul><li><a href="/1">甲星通讯已连续赢得三起"337调查"案</a></li>'
        '<li><a href="/2">乙禾地税组织签订“金三上线承诺书”</a></li>'
        f'<li><a href="/3">{A}</a></li><li><a href="/4">中国“一带一路”丙岳研究院</a></li>'
        '<li><a href="/5">甲星紫光</a></li><li><a href="/6">丁岫科技园</a></li></ul>',
        [("board", "理事单位", n) for n in (A, "中国“一带一路”丙岳研究院", "甲星紫光", "丁岫科技园")],
    ),
    # A real alliance's member page: its h1 names the tier, then an h2 section about its
    # services (kinds of member as pills, run together), then the h2 list.
    "a section beside the tiers under a page title": (
        "<h1>会员单位</h1><p>构建覆盖银行、证券、高校的多元会员生态。</p><h2>会员服务中心</h2>"
        '<div class="pills"><span>银行业机构</span><span>证券公司</span><span>律师事务所</span>'
        f'<span>金融协会</span></div><h2>部分会员单位</h2><div class="card"><h3>{A}</h3><p>银行</p>'
        f'</div><div class="card"><h3>{B}</h3><p>证券</p></div>',
        [("ordinary", "部分会员单位", A), ("ordinary", "部分会员单位", B)],
    ),
    # Pages version 5 read right that a first draft of version 6's rules (above) read wrong,
    # found by a review.
    # A brand or slogan in quotes inside a member's name is no headline, though the name
    # does not end as an organisation's does: dropped, each would be a false departure.
    "members whose names quote a brand": (
        f'<h2>理事单位</h2><ul><li>{A}</li><li>“星河”智能</li><li>乙禾“数智”产业园</li>'
        f'<li>"Xinghe" AI</li><li>『甲星』联合体</li><li>乙禾数据（“专精特新”）</li><li>{B}</li></ul>',
        [("board", "理事单位", n) for n in
         (A, "“星河”智能", "乙禾“数智”产业园", '"Xinghe" AI', "『甲星』联合体", "乙禾数据（“专精特新”）", B)],
    ),
    # A Chinese name and its English one in sibling spans is one listing, not two (the
    # English one a false join).
    "a name and its English name in sibling spans": (
        f'<h2>会员单位</h2><ul><li><span>{A}</span> <span>Jiaxing Technology Co., Ltd.</span></li>'
        f'<li><span>{C}</span> <span>Bingyue University</span></li></ul>'
        f'<div class="m"><p><span>{B}</span><span>Yihe Data Co., Ltd.</span></p></div>',
        [("ordinary", "会员单位", n) for n in (
            f"{A} Jiaxing Technology Co., Ltd.", f"{C} Bingyue University",
            f"{B}Yihe Data Co., Ltd.")],
    ),
    # One name styled in two parts, each ending as an organisation's name does, is one
    # name: split, "附属医院" and "计算机学院" would join and the real one depart.
    "a name styled in two parts that each end as names do": (
        '<h2>会员单位</h2><ul><li><span>甲星大学</span><span>附属医院</span></li>'
        '<li><font color="red">丙岳大学</font><font>计算机学院</font></li>'
        f"<li>{D}</li></ul>",
        [("ordinary", "会员单位", n) for n in ("甲星大学附属医院", "丙岳大学计算机学院", D)],
    ),
    # Member cards titled <h3> under an <h2> tier, on a page that heads a tier with <h3>
    # too: a card title that is a brand, in a shape the tier has not read yet, does not end
    # the tier (the rest of it would be lost, exit 0).
    "card titles under a tier, the first card styled apart": (
        f'<h2>理事单位</h2><div class="card"><h3 class="first">{A}</h3></div>'
        '<div class="card"><h3>乙禾智能</h3></div><div class="card"><h3>丙岳科技</h3></div>'
        f"<h3>会员单位</h3><ul><li>{D}</li></ul>",
        [("board", "理事单位", A), ("board", "理事单位", "乙禾智能"),
         ("board", "理事单位", "丙岳科技"), ("ordinary", "会员单位", D)],
    ),
    # The same with brand-only titles from the first card (every <h2> tier read 0 names).
    "brand card titles under tiers": (
        '<h2>理事单位</h2><div class="c"><h4>甲星智能</h4></div><div class="c"><h4>乙禾智能</h4>'
        '</div><h2>会员单位</h2><div class="c"><h4>丁岫视觉</h4></div><div class="c"><h4>戊溟语音'
        f"</h4></div><h4>副理事长单位</h4><p>{C}</p>",
        [("board", "理事单位", "甲星智能"), ("board", "理事单位", "乙禾智能"),
         ("ordinary", "会员单位", "丁岫视觉"), ("ordinary", "会员单位", "戊溟语音"),
         ("vice_chair", "副理事长单位", C)],
    ),
    # Seen on a real news portal's link box: tiers as bold labels over rows of bare links,
    # the next tier's label in bold in the same line as the last row. The row, the label
    # and the next tier's names ran into one name (8 members and a tier lost, exit 0).
    "a bold tier label in the middle of a row of links": (
        f'<div class="links"><span><b>理事单位</b>：<a href="/1">{A}</a>  <a href="/2">{B}</a>'
        f'<br><b>会员单位：</b><a href="/3">{C}</a>  \n <a href="/4">{D}</a>  '
        f'<b> 特约会员：</b><a href="/5">{E}</a></span></div>',
        [("board", "理事单位", A), ("board", "理事单位", B), ("ordinary", "会员单位", C),
         ("ordinary", "会员单位", D), ("other", "特约会员", E)],
    ),
    # Seen in a real chamber's news report: each line a representative, spaced out with
    # runs of &nbsp; to align with three-character names, then the member. The run split
    # the person in two and the second character joined the name ("波 甲星…", exit 0).
    "a spaced-out representative before each member": (
        f"<h2>理事单位</h2><p>俞 &nbsp; &nbsp;朗 {A}</p><p>柯 &nbsp; &nbsp;岚 {B}</p>"
        f"<p>钟 &nbsp;屿 {D}</p>",
        [("board", "理事单位", n) for n in (A, B, D)],
    ),
    # Seen in the same report: the representative written whole, one space before the
    # member. The person stayed in the name, so its key changed with its representative (a
    # false departure and a false join).
    "a representative and one space before each member": (
        f"<h2>理事单位</h2><p>李文 {A}</p><p>王小明 {B}</p><p>陈晨&nbsp;{C}</p>"
        f"<p>欧阳一鸣 {D}</p><p>{E}</p>",
        [("board", "理事单位", n) for n in (A, B, C, D, E)],
    ),
    # One such line alone may be a brand with a stray space: kept whole.
    "one line shaped like a person before a member": (
        f"<h2>理事单位</h2><p>李文 {A}</p><p>{B}</p><p>{C}</p><p>{D}</p>",
        [("board", "理事单位", n) for n in (f"李文 {A}", B, C, D)],
    ),
    # Brands with a stray space, not opening with a surname, are names as written.
    "brand names with a space": (
        "<h2>理事单位</h2><p>星河 智能科技有限公司</p><p>青岚 数据有限公司</p>"
        "<p>赤霄 视觉有限公司</p>",
        [("board", "理事单位", n)
         for n in ("星河 智能科技有限公司", "青岚 数据有限公司", "赤霄 视觉有限公司")],
    ),
    # Places before the members name no representatives: a prefix repeated is a group
    # ("武汉 …", "武汉 …"), and a person's name does not end in 州, 市, 县, 区 or 省.
    "a repeated place before each member": (
        f"<h2>理事单位</h2><p>武汉 {A}</p><p>武汉 {B}</p><p>沈阳 {C}</p><p>沈阳 {D}</p>",
        [("board", "理事单位", n) for n in (f"武汉 {A}", f"武汉 {B}", f"沈阳 {C}", f"沈阳 {D}")],
    ),
    "a city ending in zhou before each member": (
        f"<h2>理事单位</h2><p>常州 {A}</p><p>徐州 {B}</p><p>苏州 {C}</p>",
        [("board", "理事单位", n) for n in (f"常州 {A}", f"徐州 {B}", f"苏州 {C}")],
    ),
    # Nor are two prefixes that would make two names one ("沈阳 甲…", "武汉 甲…").
    "one name after two places": (
        f"<h2>理事单位</h2><p>沈阳 {A}</p><p>武汉 {A}</p><p>李文 {B}</p>",
        [("board", "理事单位", n) for n in (f"沈阳 {A}", f"武汉 {A}", f"李文 {B}")],
    ),
    "a tier of plain names": (
        f"<h2>理事单位</h2><p>{A}</p><p>{B}</p><p>{C}</p><p>{D}</p>",
        [("board", "理事单位", n) for n in (A, B, C, D)],
    ),
    # A short table whose middle column holds one name, ending like an organisation but in
    # no legal form ("…信息中心"): its cell was dropped as outside the run (review5, exit 0).
    # A person's name in that column is still no member.
    "a short table with one name in a column of its own": (
        f"<h3>副理事长单位</h3><table><tr><td>{A}</td><td>庚川信息中心</td><td>{B}</td></tr>"
        f"<tr><td>{C}</td></tr></table><h3>理事单位</h3><table><tr><td>{D}</td>"
        f"<td>李文华</td><td>{E}</td></tr><tr><td>{A}</td></tr></table>",
        [("vice_chair", "副理事长单位", n) for n in (A, "庚川信息中心", B, C)]
        + [("board", "理事单位", n) for n in (D, E, A)],
    ),
    # "More" before a tier label is a word of its own: "Morenet会员单位" is no "net会员单位".
    "a label beginning with a Latin word that begins with more": (
        f"<h2>Morenet会员单位</h2><ul><li>{A}</li></ul>",
        [("ordinary", "Morenet会员单位", A)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_hard_case_reads_as_a_reader_would(case: str) -> None:
    body, expected = CASES[case]
    result = parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert [(x.tier, x.tier_label, x.name) for x in result.listings] == expected
    assert result.problems == []


def test_a_salutation_is_no_tier_heading() -> None:
    html = (
        "<html><body><p>各会员单位：</p><p>经理事会表决，新增以下理事单位：</p>"
        f"<p>{D}</p><p>{E}</p><p>特此公告。</p><p>某虚构人工智能产业联盟</p>"
        "<p>2024年3月1日</p></body></html>"
    )
    result = parse_page(html)
    # No tier opens at the salutation, so nothing is read and the snapshot says so.
    assert result.listings == []
    assert anomalies(result, None, max_loss_share=0.2) == [
        "no members found: the page has no tier heading or member list"
    ]


def _table(rows: list[list[str]]) -> str:
    cells = ("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{''.join(cells)}</table>"


def _read_or_held(body: str, expected: list[str]) -> None:
    result = parse_page(f"<html><body><h3>会员单位</h3>{body}</body></html>")
    names = [x.name for x in result.listings]
    # Read as a reader would, or held back with a reason; never believed otherwise.
    assert names == expected or anomalies(result, None, max_loss_share=0.2) != [], names


def test_an_office_beside_each_member_is_its_address_not_a_member() -> None:
    # review6: 代表处/办事处 became strict organisation endings (5d647ad), so a bare place
    # before one ("北京代表处"), a contact column's office, is read as a member, exit 0.
    # A representative office is a member only under its organisation's name.
    rows = ((A, "王工", "北京代表处"), (B, "赵工", "深圳办事处"), (C, "钱工", "华东办事处"))
    _read_or_held(_table([[n, f"联系人：{p}", o] for n, p, o in rows]), [A, B, C])


def test_a_link_in_a_members_row_is_no_member() -> None:
    # review6: since be9ea5d a cell outside the run is kept when it ends like any
    # organisation (中心) and shares a row with the run's names: a service link at the end
    # of the table's last row ("客服中心") is read as a member, exit 0.
    links = '<a href="/join">申请入会</a>', '<a href="/help">客服中心</a>'
    _read_or_held(_table([[A, B, C], [D, E, *links]]), [A, B, C, D, E])


def test_a_website_link_beside_each_member_is_no_member() -> None:
    # review6, before 5d647ad too: a column of "官方网站" links (站, a weak ending) is read as
    # three members of one name, exit 0.
    site = '<a href="https://example.test/">官方网站</a>'
    _read_or_held(_table([[n, "<a>详情</a>", site] for n in (A, B, C)]), [A, B, C])


def test_topic_links_after_a_list_are_no_members() -> None:
    # review6: 5d647ad made 政府 a strict ending and 基金 a weak one, so a site's topic links
    # after the last tier ("数字政府", "智慧政府": digital government, a solution area of
    # nearly every AI company) are read as members, exit 0. A government is a 人民政府.
    items = "".join(f"<li>{n}</li>" for n in (A, B, C, D, E))
    topics = '<p><a href="/t1">数字政府</a> <a href="/t2">智慧政府</a></p>'
    _read_or_held(f"<ul>{items}</ul>{topics}", [A, B, C, D, E])


def test_a_contact_link_after_a_tier_is_no_member() -> None:
    # review6: "联系办事处" (contact an office) ends in 办事处, a strict ending since 5d647ad.
    lines = "".join(f"<p>{n}</p>" for n in (A, B, C, D, E))
    _read_or_held(f'{lines}<div><a href="/contact">联系办事处</a></div>', [A, B, C, D, E])


def test_honour_titles_after_a_bare_tier_word_are_no_members() -> None:
    # realpages4: a company's honours, one <p> each in a table cell, hold the bare word
    # 理事单位 (the company is a board member somewhere) among titles such as "优秀企业".
    # The word was read as a tier heading and the titles after it, ending in 企业 like an
    # organisation's name, as its members, exit 0. A kind of enterprise is no name.
    titles = ("骨干企业", "AAA级信用企业", "理事单位", "县级示范企业", "守信经营企业", "优秀企业")
    lines = "".join(f"<p>&nbsp; &nbsp;{t}</p>" for t in (*titles, "理事单位"))
    html = f"<html><body><table><tr><td>{lines}</td></tr></table></body></html>"
    result = parse_page(html)
    names = [x.name for x in result.listings]
    assert names == [] or anomalies(result, None, max_loss_share=0.2) != [], names


def test_graded_titles_after_a_bare_tier_word_are_no_members() -> None:
    # realpages4, the same page's pattern with titles a company is given as often: a grade
    # (省级, 国家级, AAA级) before a centre or a station, endings members' names have too.
    titles = ("理事单位", "省级企业技术中心", "市级工程技术研究中心", "县级农业科技示范站")
    lines = "".join(f"<p>{t}</p>" for t in (*titles, "博士后科研工作站"))
    result = parse_page(f"<html><body><div>{lines}</div></body></html>")
    names = [x.name for x in result.listings]
    assert names == [] or anomalies(result, None, max_loss_share=0.2) != [], names

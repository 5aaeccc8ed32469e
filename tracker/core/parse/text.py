"""What the words say: tier headings, member names, and the wording of page furniture.

Structure (``markup.py``) is the first signal of what a line is; wording is the second,
for what structure leaves open: a footer with no footer markup, a contact line inside a
member card, a ``友情链接`` block dressed exactly like the tiers above it.

Rule for pieces of text that are not names (a dropped real member is a false departure, a
kept stray line a false join, so each rule names a shape no organisation's name has): no
letter at all, one character, longer than 80; a date, or news with a date; a headline
quoting a phrase (``…签订“承诺书”``) that does not end as an organisation does; a sentence
(``。``) or a card's introduction (``公司成立于…``); a lead-in ending in a colon; a note in
brackets; an annotation (``主营：…``, ``电话：…``: a short label and a colon); a button or
caption (``更多>>``, ``返回顶部``, ``单位名称``); an ordering note (``排名不分先后``); an
English heading (``MEMBERS``); unrendered template code (``{{ m.name }}``). Item numbers,
bullets, status notes (``（新增）``) and a join date are taken off the name, not the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tracker.core.models import OTHER_TIER, TIER_WORDS, simplified, tier_for_label
from tracker.core.parse.orgs import looks_like_org

# --- Tier headings -------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
_LEAD = (
    rf"[\W_]*(?P<num>(?:第?[{_CN_NUM}]+|\d{{1,3}})[、.．)）]"
    rf"|[（(](?:[{_CN_NUM}]+|\d{{1,3}})[)）])?[\W_]*"
)
# "2024年度理事单位": a year before the label.
_YEAR = r"(?:\d{4}\s*年度?\s*)?"
_LABEL = r"(?P<label>[^\W\d_]\w{0,19}?)(?:名单|名录|列表)?"
# A stated size, "（189家）" "(共189家，排名不分先后)" "共189家" " 189 家", or an ordering note.
_DECOR = (
    r"(?:[\s:：\]】]*(?:"
    r"[（(\[【]\s*(?:共|计|合计)?\s*(?P<n1>\d{1,6})\s*[家个名]?\s*(?:[，,、;；][^)）\]】]*)?[)）\]】]"
    r"|(?:共|计|合计)?\s*(?P<n2>\d{1,6})\s*[家个名]"
    r"|[（(][^()（）]*(?:排名|先后|排序|笔画|拼音|字母)[^()（）]*[)）]"
    r"|[（(]\s*\d{4}\s*年?度?\s*[)）]))*"
)
# What may follow a label in its title block: an English rendering ("VICE CHAIRMAN",
# "Board Members": checked against _LATIN_TIER) or a "more" link ("更多>>", "MORE+").
_TRAILER = r"(?:(?P<latin>[A-Za-z][A-Za-z&'’.\- ]{0,40})|更多|查看更多|展开|收起|查看全部)?"
_LATIN_TIER = re.compile(
    r"member|board|chair|president|director|council|vice|executive|unit|more", re.IGNORECASE
)
# A "more" link floated right but written first: "<h2><span><a>更多</a></span>理事单位</h2>";
# "More" as a word only ("Morenet会员单位" is a label).
_MORE_FIRST = r"(?:(?:(?:查看)?更多|[Mm][Oo][Rr][Ee](?![A-Za-z]))[\W_]*)?"
_HEADING = re.compile(
    rf"{_LEAD}{_MORE_FIRST}{_YEAR}{_LABEL}{_DECOR}(?P<colon>[\s:：]*)(?:[/|｜—-]\s*)?{_TRAILER}[\W_]*"
)
# "理事单位：星河智能、青岚数据": a heading and its names on one line.
_INLINE_HEADING = re.compile(rf"{_LEAD}{_YEAR}{_LABEL}{_DECOR}\s*[:：]\s*(?P<rest>\S.*)")
COUNT_LINE = re.compile(r"[（(]?\s*(?:共|计|合计)\s*(\d{1,6})\s*[家个名]\s*[)）]?")
# How an unknown tier label ends; every known tier word ends so too.
_UNKNOWN_SUFFIXES = ("单位", "会员", "成员")
# Cheap pre-check so that ordinary name lines skip the heading expressions: every suffix
# ends in one of these characters.
HEADING_CHARS = "位员員"
HEADING_HINT = re.compile(f"[{HEADING_CHARS}]")
# A label whose prefix names an organisation is a member ("星河会员单位服务中心"), not a tier.
_ORG_WORDS = re.compile(r"公司|大学|学院|研究院|研究所|集团|中心|医院|银行|实验室|有限|股份")
# Nor is a salutation ("各会员单位：", "全体会员"), a feature of the site ("会员风采",
# "申请成为会员", "最新加入会员"), a view of everyone ("全部会员") or a role in an event
# ("指导单位", "承办单位", "支持单位": its organisers, named beside the members, never among
# them): none heads one rank.
_NOT_A_RANK = re.compile(
    r"^(?:各|全体|广大|致|尊敬的|各位|相关|有关|所有|全部)"
    r"|最新|推荐|优秀|风采|动态|展示|查询|服务|须知|申请|成为|登录|注册|专区|权益|我要|加入我们"
    r"|(?:主办|承办|协办|指导|支持|赞助)单位$"
)
# "理　事　单　位": a label spaced out to fill its cell.
_SPACED_OUT = re.compile(r"(?:\S[ \u3000\u00a0]+){2,}\S")
MAX_HEADING = 40


@dataclass(frozen=True, slots=True)
class Heading:
    tier: str
    label: str
    count: int | None

    @property
    def section(self) -> str:
        """Known tiers are one section whatever their label; each unknown label is its own."""
        return self.label if self.tier == OTHER_TIER else self.tier


def heading(line: str, *, evidence: bool = False) -> Heading | None:
    """The tier a line announces, if it is shaped like a tier heading.

    A known tier word is enough; an unknown "…单位" label also needs evidence that it is a
    heading (numbering, a count, a colon, heading markup), or a member named "…单位" in a
    list would split it.
    """
    if len(line) > MAX_HEADING or not HEADING_HINT.search(line):
        return None
    return _short_heading(line, evidence)


# A page asks about the same few labels again and again (each pass over its menus, tabs and
# headings): each short one answered once. Headings are frozen, so sharing one is safe.
@lru_cache(maxsize=4096)
def _short_heading(line: str, evidence: bool) -> Heading | None:
    if _SPACED_OUT.fullmatch(line):
        line = ASCII_SPACE.sub("", line).replace("\u3000", "").replace("\u00a0", "")
    match = _HEADING.fullmatch(line)
    if match is None or (match["latin"] and not _LATIN_TIER.search(match["latin"])):
        return None
    decorated = bool(match["num"] or match["n1"] or match["n2"] or match["colon"].strip())
    return _tier_heading(match, evidence=evidence or decorated)


def _tier_heading(match: re.Match[str], *, evidence: bool) -> Heading | None:
    label = match["label"]
    plain = simplified(label)
    tier = tier_for_label(plain)
    # "名誉理事长单位" names a rank in known words, though not one of the chain of tiers.
    known = tier != OTHER_TIER or any(word in plain for word, _ in TIER_WORDS)
    suffix = _suffix_of(plain, known=known)
    if suffix is None or (not known and not _plausible_unknown(plain, evidence)):
        return None
    if _ORG_WORDS.search(plain[: -len(suffix)]) or _NOT_A_RANK.search(plain):
        return None
    count = match["n1"] or match["n2"]
    return Heading(tier, label, int(count) if count else None)


def _plausible_unknown(label: str, evidence: bool) -> bool:
    # "观察员单位", "联络处成员单位"; not a bare table header "单位", nor a lead-in sentence
    # such as "以下为2024年新入会单位：", which would move the members after it to `other`.
    return evidence and 3 <= len(label) <= 10 and not any(char.isdigit() for char in label)


def _suffix_of(label: str, *, known: bool) -> str | None:
    words = [word for word, _ in TIER_WORDS] if known else _UNKNOWN_SUFFIXES
    return next((word for word in words if label.endswith(word)), None)


def feature_heading(line: str) -> bool:
    """ "最新加入会员", "会员风采": shaped like a tier heading, but heading a feature of the
    site (see _NOT_A_RANK): the tier before it is over."""
    if len(line) > MAX_HEADING:
        return False
    match = _HEADING.fullmatch(line)
    if match is None or not match["label"].endswith(_UNKNOWN_SUFFIXES):
        return False
    return _NOT_A_RANK.search(match["label"]) is not None


def inline_heading(line: str) -> tuple[Heading, str] | None:
    """A known tier label followed by a colon and its names on the same line."""
    match = _INLINE_HEADING.fullmatch(line)
    if match is None or tier_for_label(match["label"]) == OTHER_TIER:
        return None
    found = _tier_heading(match, evidence=True)
    return None if found is None else (found, match["rest"])


# "非会员", "不是会员": a register's word for an institution of no class.
NEGATIONS = ("非", "不是", "未", "无", "否")


def role_heading(value: str) -> Heading | None:
    """A tier named in a table's role column: "副理事长单位", or a person's office "副理事长".

    An office held by a member's representative names the member's tier: 副理事长 →
    副理事长单位. The label stays as written.
    """
    text = ASCII_SPACE.sub("", value).strip(" :：")
    if not text or len(text) > 12 or not LETTER.search(text) or text.startswith(NEGATIONS):
        return None
    tier = tier_for_label(text)
    if tier == OTHER_TIER:
        tier = tier_for_label(text if text.endswith(_UNKNOWN_SUFFIXES) else f"{text}单位")
    if tier == OTHER_TIER and (len(text) > 8 or any(char.isdigit() for char in text)):
        return None
    return Heading(tier, text, None)


# --- Names ---------------------------------------------------------------------------------

# 、 ； | ，, a tab, wide spaces (&emsp; &ensp; U+3000) and runs of spaces part names.
_SEPARATORS = re.compile(r"[、；;\t|｜丨，\u2002\u2003]|\u3000+|[\u00a0 ]{2,}| / ")
# Every separator holds one of these characters: most lines have none, and one character
# class is quicker to search for than the separators themselves.
_SEPARATOR_HINT = re.compile("[、；;\t|｜丨，\u2002\u2003\u3000\u00a0 ]")
ASCII_SPACE = re.compile(r"[ \t\r\n\f]+")
# A given name, then a plain space (see `_rejoined`).
_GIVEN_THEN = re.compile(r"[\u4e00-\u9fff]{1,2}[ \u00a0]\S")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A list bullet, or a hyphen used as one: before a space, another bullet or a Chinese
# character (no Chinese name begins with a hyphen). "-Zero Labs" keeps its hyphen.
_BULLETS = "·•◆◇■□●○▪▶►★☆*・√※》◎—>"
_NUMBERING = re.compile(
    rf"(?:(?:-*[{_BULLETS}])+-*|-+(?=[\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])|[\u2460-\u2473]"
    r"|\d{1,4}(?:[.．](?![A-Za-z0-9])|[、)）]|[:：](?!\d))"
    r"|[（(\[【]\d{1,4}[)）\]】]|0\d{1,3}(?=\s))\s*"
)
LETTER = re.compile(r"[^\W\d_]")


def line_text(text: str) -> str | None:
    """A visual line's text as read, or None when it has none."""
    line = text.strip()
    if not line:
        return None
    # Source line breaks and indentation render as one space; nbsp and U+3000 stay,
    # they separate names.
    if "  " in line or not line.isprintable():
        line = ASCII_SPACE.sub(" ", line)
    return line


NON_WORD = re.compile(r"[\W_]+")
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
# What news titles do, and names do not: "联盟秘书处走访星河科技有限公司 2024-04-02".
_NEWS = re.compile(
    r"走访|召开|举办|举行|签署|签约|参加|出席|荣获|获得|发布|开幕|闭幕|启动|调研|考察|莅临|会见|座谈"
    r"|入选|当选|祝贺|喜获"
)
# A member card's introduction: "公司成立于2016年", "是一家……高新技术企业", "提供……的公司".
_DESCRIPTION = re.compile(
    r"成立于|是一家|致力于|专注于|主要从事|旗下拥有|注册资本|占地面积|^提供|的(?:公司|企业|机构)$"
)
# A character that template code, each description above, or an ordering note holds: most
# names hold none and skip those searches.
_SUSPECT = re.compile('[{%$于家从拥资占提的排序先画拼字“"「『]')
# A headline ends on the phrase it quotes (…签订“承诺书”, …“337调查”案) after words of its
# own. A name may quote a brand or a slogan, but goes on past it ("“星河”智能",
# "乙禾“数智”产业园", "中国“一带一路”…研究院") or closes a bracket around it.
_HEADLINE = re.compile(r"[^“\"「『]{4,}[“\"「『][^”\"」』]+[”\"」』][\u4e00-\u9fff]?")
# Template code a page shipped unrendered: "{{ m.name }}", "${item.name}", "{$vo.title}".
_TEMPLATE = re.compile(r"\{\{|\$\{|\{\$|\{%|<%|%>")
# An English heading beside the Chinese one ("MEMBERS", "Board Members"), not a member.
_ENGLISH_TIER = re.compile(
    r"(?:(?:vice|honorary|standing|general|ordinary|executive|council|board|chair(?:man)?|"
    r"president|directors?|members?|membership|units?|of|the|&|and)[\s-]*)+",
    re.IGNORECASE,
)
# "… 2024-04-02", "…[03-12]": a line ending in a date is news (or a name and its join date).
_DATED = re.compile(
    r"(?:[\s(（\[【]|(?<=\D))(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"[)）\]】]?$"
)
# "（一）高等院校", "二、企业": a group inside a tier, numbered the way sections are; but
# "一、星河科技有限公司" is a member numbered so.
_CN_NUMBERING = re.compile(r"[（(]?[一二三四五六七八九十]{1,3}[)）、.．]\s*")
_MAX_GROUP = 12
_LEADING_MARKS = ":：、，,;；"
_CN_ENUMERATION = frozenset("（(一二三四五六七八九十")
# A status note or badge after a name, not part of it: "（新增）", "（轮值）",
# "（秘书长单位）", "NEW". Kept, the name's key would change when the note goes.
_NOTE = re.compile(
    r"\s*[（(](?:[^()（）]{0,6}(?:新增|新加入|轮值|单位|当选|换届|待定)|新|NEW|new)[)）]$"
    r"|(?<=[\u4e00-\u9fff)）\s])\s*(?:NEW|New|new|HOT|Hot|hot)!?$"
)
# The last characters a note can end with: most names end otherwise, and skip the search.
_NOTE_ENDS = frozenset(")）WwTt!")
UI_WORDS = frozenset(
    "更多 查看更多 more 返回 返回顶部 回到顶部 返回列表 返回首页 首页 上一页 下一页 尾页 末页 "
    "上一篇 下一篇 打印 打印本页 关闭 关闭窗口 分享 分享到 收藏 登录 注册 搜索 序号 编号 名称 "
    "单位名称 企业名称 会员名称 机构名称 会员单位名称 排名不分先后 申请入会 入会申请 我要入会 "
    "加入我们 申请加入 会员登录 用户登录 用户名 密码 验证码 忘记密码 立即登录 登录注册 点击查看 "
    "展开 收起 展开全部 查看全部 点击展开 显示全部 全部 更多会员 上一张 下一张 申请成为会员 "
    "成为会员 我要加入 加入联盟 申请加入联盟 会员申请 简介 服务内容".split()
)
# "（排名不分先后）", "以下单位按拼音排序": a note on the order, never a name.
_ORDER_NOTE = re.compile(r"排名|排序|先后|笔画|拼音|字母顺序")
# "主营：高端PCB定制", "电话：0571-…", "来源：新华网": a short label and a colon annotate
# something else. Names carry no colon outside brackets; "点击网络科技" keeps its name.
_LABELLED = re.compile(r"(?P<label>[^:：（(]{1,12})[:：]")
# Site furniture announced by its words, whatever its markup: a breadcrumb, a copyright or
# ICP line, "主办单位：…". Each needs a colon or a ">" but the copyright and ICP marks, which
# are checked as plain substrings first (this runs on every line).
FURNITURE_CHARS = "版©IoO:：>安"
_FURNITURE_HINT = re.compile(f"[{FURNITURE_CHARS}]")
_FURNITURE = re.compile(
    r"位置\s*[:：>]|(?:主办|承办|协办|技术支持|主管|建设|维护|运营)(?:单位)?\s*[:：]"
    # An imprint: a name, then its address or telephone ("某学会　地址：…"). A contact line
    # on its own ("电话：…", "联系电话：…", in a member's card) is an annotation.
    r"|(?<=\S)[\s\u3000]+(?:地址|电话|传真|邮编|邮箱|联系电话|E-?mail)\s*[:：]"
)
# Words that head the blocks after a member list on real pages; each closes the tier.
CLOSERS = frozenset(
    "友情链接 联系我们 会员登录 相关链接 最新动态 典型案例 合作伙伴 新闻动态 通知公告 热点资讯 "
    "联盟动态 协会动态 行业动态 推荐阅读 相关文章 相关新闻 相关阅读 网站导航 快速链接 联系方式 "
    "友情连接 合作媒体 精彩推荐 热门推荐 图片新闻 政策法规 下载中心 在线留言 扫一扫 关注我们 "
    "新闻中心 会员中心 帮助中心 资料下载 媒体报道 新闻资讯 活动预告 会议活动 延伸阅读 往期回顾 "
    "相关推荐 猜你喜欢 热门文章 最新文章 推荐文章 相关资讯 阅读排行 热门阅读 联盟新闻 行业资讯 "
    "入会须知".split()
)
# The longest closer with a "more" link run into it ("新闻动态more>>", "MORE+联系我们").
MAX_CLOSER_WORD = 14
_MORE_AFFIX = re.compile(r"^(?:查看)?更多|^more|(?:查看)?更多$|more$", re.IGNORECASE)
# The longest button, caption or ordering note with its decorations ("【返回顶部】").
_MAX_CAPTION = 10
_MAX_ORDER_NOTE = 12
_MAX_NAME = 80
# How templates mark a name cut short: "星河智能科技..." "星河智能科技…" "星河智能科技。。。".
ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{2,}|⋯+)$")


def split_names(line: str) -> list[tuple[str, str | None]]:
    """Each piece of a line between separators: (name, None) or (piece, why it is not one).

    A labelled line ("主营：存储、加密产品") is one annotation, whatever separators it holds.
    Furniture is judged on the whole line before (see `furniture`).
    """
    if _SEPARATOR_HINT.search(line) is None or _labelled(line) is not None:
        return [clean_name(line)]
    person = SPACED_PERSON.fullmatch(line)
    if person is not None and _SEPARATORS.search(person["org"]) is None:
        # "俞 &nbsp; &nbsp;朗 星河科技有限公司": the spaces inside a spaced-out person are no
        # separator (no name is one character); the caller drops the person. Only before one
        # name: "星 禾   甲公司   乙大学" is a row of names, the first a short one.
        return [clean_name(line)]
    if not line.endswith("。"):
        texts = [text for piece in _SEPARATORS.split(line) if (text := piece.strip())]
        return [clean_name(text) for text in _rejoined(texts)]
    # "甲公司、乙公司、丙大学。": a list written as a sentence ends with a full stop; a
    # sentence of prose ("公司成立于2016年，是一家…企业。") is no list of names.
    pieces = [clean_name(text) for piece in _SEPARATORS.split(line[:-1]) if (text := piece.strip())]
    if all(problem is None and looks_like_org(name) for name, problem in pieces):
        return pieces
    return [(line, "not a name: a sentence")]


def _rejoined(texts: list[str]) -> list[str]:
    """ "宋　知 理事长 | 星河厨业": a person spaced out at the separator, then a role or a name
    after a plain space, is one piece ("宋 知 理事长"), not a lone character (no name is one)
    and a given name left with the role (read as a member)."""
    if len(texts) < 2 or all(len(text) > 1 for text in texts):
        return texts
    out: list[str] = []
    for text in texts:
        if out and len(out[-1]) == 1 and _GIVEN_THEN.match(text) and _HAN.match(out[-1]):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


def clean_name(text: str) -> tuple[str, str | None]:
    """A piece of text as a name without its numbering, or with the reason it is none."""
    name = text.strip()
    if name[:1] in _LEADING_MARKS:
        # "：星河科技有限公司。" after a bold "理事长单位": the colon is the heading's.
        name = name.lstrip(_LEADING_MARKS).strip()
    if name.endswith("。") and name.count("。") == 1 and looks_like_org(name[:-1]):
        name = name[:-1]
    numbering = _NUMBERING.match(name) if name and not name[0].isalpha() else None
    if numbering is not None:
        name = name[numbering.end() :].strip()
    elif name[:1] in _CN_ENUMERATION and (counter := _CN_NUMBERING.match(name)) is not None:
        rest = name[counter.end() :]
        if looks_like_org(rest, strict=True):
            name = rest
        elif rest and len(rest) <= _MAX_GROUP:
            return name, "a group inside the tier, not a member"
    if name[-1:] in _NOTE_ENDS and (note := _NOTE.search(name)) is not None:
        name = name[: note.start()]
    if name[-1:].isdigit() or name[-1:] in "日)）]】":
        dated = _DATED.search(name)
        before = "" if dated is None else name[: dated.start()].rstrip()
        if before and looks_like_org(before, strict=True) and not _NEWS.search(before):
            # "翠微云计算有限公司 2024年3月1日": a member and the day it joined.
            name = before
    if ":" in name or "：" in name:
        label = _labelled(name)
        if label is not None and looks_like_org(label):
            # "星河科技有限公司：主营…": the organisation, then what it does.
            return label, None
    return name, not_a_name(name)


def not_a_name(text: str) -> str | None:
    """Why a cleaned piece of text is not an organisation's name, or None when it may be.

    Furniture is judged on whole lines (`furniture`), before they are cut into names.
    """
    if not text or not (text[0].isalpha() or LETTER.search(text)):
        return "not a name: no letters"
    if len(text) < 2:
        return "not a name: one character"
    if len(text) > _MAX_NAME:
        return "not a name: too long"
    if "。" in text and is_prose(text):
        return "not a name: a sentence"
    if text[-1] in ":：":
        return "not a name: a lead-in"
    if text[0] in "(（" and text[-1] in ")）" and text.count(text[0]) == 1:
        return "not a name: a note in brackets"
    if text[0].isdigit() and _DATE.match(text):
        return "not a name: a date"
    if text[-1].isdigit() or text[-1] in "日)）]】":
        if _DATED.search(text):
            return "not a name: a dated line (news)"
    if (":" in text or "：" in text) and (label := _labelled(text)) is not None:
        return f"annotation ({label}：…)"
    if len(text) <= _MAX_CAPTION:
        bare = NON_WORD.sub("", text).casefold()
        if bare in UI_WORDS or (bare in CLOSERS):
            return "not a name: a button or caption"
    if text.isascii() and _ENGLISH_TIER.fullmatch(text):
        return "not a name: an English heading"
    if _SUSPECT.search(text) is None:
        # The usual name: none of the characters the checks below look for.
        return None
    if _TEMPLATE.search(text):
        return "not a name: template code"
    if _DESCRIPTION.search(text):
        return "not a name: a description"
    if _HEADLINE.fullmatch(text) and not looks_like_org(text):
        return "not a name: a headline (it ends on a phrase it quotes)"
    if len(text) <= _MAX_ORDER_NOTE and _ORDER_NOTE.search(text):
        # "北京拼音科技有限公司" holds 拼音 and is a name all the same.
        if not looks_like_org(text, strict=True):
            return "not a name: a note on the order"
    return None


def _labelled(text: str) -> str | None:
    if ":" not in text and "：" not in text:
        return None
    # A time ("10:30") or a web address is no label.
    match = _LABELLED.match(text)
    if match is None or not LETTER.search(label := match["label"]) or "http" in label.casefold():
        return None
    return label.strip()


def furniture(text: str) -> bool:
    """Breadcrumbs, copyright and ICP lines, "主办单位：…": the site speaking, not a list."""
    if _FURNITURE_HINT.search(text) is None:
        return False
    if "版权所有" in text or "©" in text or "ICP备" in text or "ICP证" in text:
        return True
    if "公网安备" in text:
        return True
    if "opyright" in text or "OPYRIGHT" in text:
        return True
    if ":" in text or "：" in text or ">" in text:
        return _FURNITURE.search(text) is not None
    return False


def is_closer(line: str) -> bool:
    """A line such as "友情链接" or "【联系我们】：" that heads a block after the members."""
    if len(line) > MAX_CLOSER_WORD:
        return False
    bare = NON_WORD.sub("", line)
    return bare in CLOSERS or _MORE_AFFIX.sub("", bare) in CLOSERS


def is_prose(text: str) -> bool:
    # A full stop, but not "。。。" marking a name cut short: the guard must see that one.
    return "。" in text and "。" in ELLIPSIS.sub("", text)


def is_cut_short(name: str) -> bool:
    """Whether a name ends the way templates mark text cut to fit ("星河智能科技...")."""
    return ELLIPSIS.search(name) is not None


def is_order_note(line: str) -> bool:
    return len(line) <= 20 and _ORDER_NOTE.search(line) is not None


# --- Organisations -------------------------------------------------------------------------

# "俞 朗 星河科技有限公司": a person's name, spaced out to align with three-character
# names as tables of representatives do, before the organisation. Only that spacing tells a
# person from a brand ("松果 视觉技术有限公司" is one name with a stray space); a brand spaced
# out before bare trade words is kept whole (see `people.without_person`). A name of three
# spaced out at every character ("周 墨 岩") is tried first: read as "周 墨", it left "岩"
# in the member's name.
SPACED_PERSON = re.compile(
    r"(?P<person>[\u4e00-\u9fff](?:(?:[ \u3000\u00a0]+[\u4e00-\u9fff]){2}"
    r"|[ \u3000\u00a0]+[\u4e00-\u9fff]{1,2}))[ \u3000\u00a0]+(?P<org>\S.{3,})"
)


# What a name's last line holds when a card breaks it ("乙禾数据<br>股份有限公司").
_BARE_FORM = re.compile(
    r"(?:[（(][^()（）]{1,6}[)）])?(?:集团)?(?:股份)?有限(?:责任)?公司|分公司|研究院|研究所|研究中心"
    r"|实验室|集团|(?:Co\.?,?\s*)?(?:Ltd|Inc|LLC|GmbH)\.?",
    re.IGNORECASE,
)


def is_bare_form(name: str) -> bool:
    """Whether a piece of text is only a legal form or institution word, no name before it."""
    return _BARE_FORM.fullmatch(name) is not None

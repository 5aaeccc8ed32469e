"""What organisations' names end with: legal forms and institution words (公司, 大学, Ltd.).

One signal among several that a piece of text names an organisation: a brand-only name
("星河") is a member too, so a name is never dropped for lacking one.
"""

from __future__ import annotations

import re

# Legal forms and institution endings, optionally followed by a bracketed place or status
# ("（北京）", "(筹)"). 企业 ends a name as a legal form (合伙企业, 个人独资企业) or after
# a name ("星河国有企业"), but also closes a title given to one ("示范企业", "高新技术企业",
# "诚信商贸企业"), which a company's honours list the way a tier lists names: a name that
# holds a title's word ends no organisation's name with 企业 (see `_TITLED`).
_LEGAL_ENDINGS = tuple(
    "公司 集团 大学 学院 学校 研究院 研究所 实验室 研究室 工作室 事务所 办公室 协会 学会 商会 "
    "联合会 促进会 研究会 委员会 理事会 基金会 联盟 医院 银行 合伙企业 独资企业 株式会社 控股 股份 "
    "人民政府".split()
)
# A representative office is an organisation's, under that organisation's name only
# ("…有限公司北京代表处", "…人民政府驻京办事处"): alone ("北京代表处", "联系办事处") it is an
# address or a link.
_OFFICES = ("代表处", "办事处")
# Endings that also close the names of things (平台, 网站, 新闻中心): weaker evidence.
# A fund ("…产业基金（有限合伙）") names a member as often as a page's "投资基金" menu.
# A securities firm goes by its licence ("国泰君安证券", "中信证券"), as a bank does.
_ORG_ENDINGS = (
    *_LEGAL_ENDINGS,
    *"中心 科技 局 部 厅 署 院 所 站 厂 场 馆 台 社 网 校 港 基金 证券".split(),
)
_LATIN_ORG = re.compile(
    r"\b(?:inc|ltd|llc|gmbh|corp|co|plc|ag|s\.?a|limited|corporation|company|group|university"
    r"|institute|college|laborator(?:y|ies)|labs?|association|foundation|academy|cent(?:er|re)"
    r"|bank|hospital|technolog(?:y|ies))\b\.?$",
    re.IGNORECASE,
)
_LATIN_TAIL = 40
# "省级企业技术中心", "国家级示范站", "AAA级信用企业": a grade before a kind is a title a
# company is given (its honours page), whatever it ends with; no member's name begins so.
_GRADED = re.compile(r"(?:国家|省|市|县|区|[A-Z]{1,5}|[1-5一二三四五]星)级")
# The words of the titles a company is given with 企业 ("重点企业", "专精特新企业"): no
# member's name holds one before its 企业.
_TITLED = re.compile(
    "重点|示范|优秀|明星|诚信|先进|龙头|骨干|高新|科技型|创新型|成长型|标杆|领军|专精特新|小巨人"
    "|瞪羚|独角兽|信用|文明|纳税|守法|守信|规上|规模以上|后备|培育|试点|十佳|品牌|名牌|知名|著名"
    "|突出|杰出|最佳|最具|竞争力|[十百千]强|[0-9]+强|满意|放心|达标|认定|入库|星级|上市|绿色|节能"
    "|和谐|平安"
)
# The words of a kind of enterprise ("民营科技企业", "外商投资企业"): a name of them alone
# names a kind, not one (a group label, a field).
_KINDS = re.compile(
    "民营|国有|国营|外资|外商|合资|中外|独资|中小|小微|私营|集体|乡镇|科技|技术|投资|创业|股权"
    "|贸易|商贸|生产|制造|服务|物流|建筑|工业|农业|文化|软件|信息|互联网|会员|成员|入驻|型"
)
# "（北京）", "(Beijing)": a bracket after the legal form holds a place or a status.
_MAX_BRACKET = 14


def looks_like_org(name: str, *, strict: bool = False) -> bool:
    """Whether a name ends the way organisations' names end (公司, 大学, 研究所, Ltd. …).

    ``strict`` asks for a legal form or an institution's word, leaving out endings such as
    台, 站, 网 and 中心 that short labels share (平台, 网站, 新闻中心).
    """
    tail = name.rstrip()
    if _GRADED.match(tail):
        return False
    if tail.endswith((")", "）")):
        # "星河科技有限公司（北京）", "Xinghe Ltd. (Beijing)": the form before the bracket.
        start = max(tail.rfind("("), tail.rfind("（"))
        if start > 0 and len(tail) - start <= _MAX_BRACKET:
            tail = tail[:start].rstrip()
        tail = tail.rstrip(")）")
    # A bare ending ("企业", "大学") names a kind of organisation, not one.
    if len(tail) > 2 and tail.endswith(_LEGAL_ENDINGS if strict else _ORG_ENDINGS):
        return True
    if len(tail) > 4 and tail.endswith("企业"):
        # "星河国有企业": a name of its own, then 企业 (a kind, "民营科技企业", names none).
        return len(_KINDS.sub("", tail[:-2])) >= 2 and _TITLED.search(tail) is None
    if tail.endswith(_OFFICES):
        return any(word in tail for word in _LEGAL_ENDINGS)
    return tail[-1:].isascii() and _LATIN_ORG.search(tail[-_LATIN_TAIL:]) is not None

"""What organisations' names end with: legal forms and institution words (公司, 大学, Ltd.).

One signal among several that a piece of text names an organisation: a brand-only name
("星河") is a member too, so a name is never dropped for lacking one.
"""

from __future__ import annotations

import re

# Legal forms and institution endings, optionally followed by a bracketed place or status
# ("（北京）", "(筹)"). 企业 ends a name only as a legal form (合伙企业, 个人独资企业):
# otherwise it closes a title given to one ("示范企业", "高新技术企业", "优秀企业"), which a
# company's honours list the way a tier lists names.
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
    if tail.endswith(_OFFICES):
        return any(word in tail for word in _LEGAL_ENDINGS)
    return tail[-1:].isascii() and _LATIN_ORG.search(tail[-_LATIN_TAIL:]) is not None

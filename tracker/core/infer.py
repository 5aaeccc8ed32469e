"""What an organisation's name alone says about it: its type, province and city, guessed.

For members nobody annotated (issue 16). Every value returned here is a guess and is marked
so wherever it is shown (origin `inferred`); a person's or CSET's value for the same field
always wins (`tracker.core.fields`). Pure: no I/O beyond the package's gazetteer.

Type comes from the institution form that ends the name, since a Chinese name puts its
head noun last: …研究院 is a research institute, but …研究院有限公司 is a company. Forms:

- Industry: a legal company or business form (有限公司, 股份, 集团, 合伙, 企业, 银行,
  事务所, 出版社, 厂…);
- Academia: 大学, 学院, 研究院, 研究所, 实验室, 研究中心…, and a hospital of a university;
- Government: ministries, bureaus, commissions, offices, governments, courts, management
  and service centres; also an institute of a state organ (中国科学院…研究所, a
  ministry's …部第…研究所);
- none (CSET's "Other/unknown"): associations, alliances, societies (协会, 联盟, 学会),
  foundations, and any name with no form, which is left for a person or CSET to say.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from typing import NamedTuple

from tracker.core.annotations import Annotation
from tracker.core.fields import INFERRED_ORIGIN
from tracker.core.gazetteer import places_in

INDUSTRY, ACADEMIA, GOVERNMENT = "Industry", "Academia", "Government"
_NONE = ""

# Form -> type; the LAST form in the name decides. Longer forms are listed before the
# shorter ones they contain, so 研究院 is never read as 院 nor 俱乐部 as 部.
_FORMS: dict[str, str] = {
    # Forms that are never an institution's head, listed to shadow what they contain.
    **dict.fromkeys(("俱乐部", "事业部", "总部", "本部", "干部", "西部", "东部", "南部"), _NONE),
    **dict.fromkeys(("北部", "中部", "餐厅", "展厅", "大厅", "格局", "布局", "结局"), _NONE),
    **dict.fromkeys(("协会", "联盟", "学会", "商会", "基金会", "促进会", "联合会"), _NONE),
    **dict.fromkeys(("研究会", "委员会联盟", "计算中心", "数据中心"), _NONE),
    **dict.fromkeys(("有限公司", "有限责任公司", "公司", "集团", "合伙", "企业", "股份"), INDUSTRY),
    **dict.fromkeys(
        ("控股", "银行", "事务所", "出版社", "工作室", "厂", "商行", "门市部"), INDUSTRY
    ),
    **dict.fromkeys(("大学", "学院", "研究院", "科学院", "研究所", "实验室", "研究中心"), ACADEMIA),
    **dict.fromkeys(("研究生院", "工程中心", "技术中心", "创新中心", "学校", "智库"), ACADEMIA),
    **dict.fromkeys(("委员会", "管委会", "政府", "办公室", "办公厅", "管理局", "局"), GOVERNMENT),
    **dict.fromkeys(("管理中心", "服务中心", "监测中心", "指挥中心", "法院", "检察院"), GOVERNMENT),
    **dict.fromkeys(("部", "厅", "署"), GOVERNMENT),
}
# An academic form inside a state organ is the state's: CAS and its peers report to the
# State Council, and a ministry's numbered institutes (…部第三研究所, …部电子第五研究所)
# are the ministry's. Divisions, headquarters and regions (事业部, 总部, 西部) are no ministry.
_STATE_ORGAN = (
    r"^(?:中国科学院|中国工程院|中国社会科学院|中科院|"
    r"\w{1,8}?(?<!事业)(?<![乐总本干东南西北中])部\w{0,6}?第[一二三四五六七八九十百零〇\d])"
)
# …and a company's numbered or named institute (…集团公司第二十八研究所) is the company's.
_COMPANY_PARENT = r"(?:公司|集团)\w{0,8}$"
_TRAILING_BRACKET = re.compile(r"[（(][^（）()]*[）)]$")


class _Expressions(NamedTuple):
    form: re.Pattern[str]
    state_organ: re.Pattern[str]
    company_parent: re.Pattern[str]


@functools.cache
def _expressions() -> _Expressions:
    """Compiled on first use: a read command finds the guesses of the names it lists stored
    and reads none (compiling these cost `members` 7 M instructions)."""
    return _Expressions(
        re.compile("|".join(sorted(_FORMS, key=len, reverse=True))),
        re.compile(_STATE_ORGAN),
        re.compile(_COMPANY_PARENT),
    )


# The version of the rules below and of the gazetteer they read. Guesses are stored with the
# version they were made under (`tracker.app.annotations.store_guesses`), so that a read
# command looks them up instead of reading 6,000 names again; a store made under another
# version is not used. Bump it with any change to what `guess` returns:
# tests/test_infer_rules.py fails until it is bumped.
RULES = "1"

# (type, province, city) a name states, each None where it states none.
Guess = tuple[str | None, str | None, str | None]


def infer(key: str, name: str) -> Annotation | None:
    """The type, province and city `name` states (CSET's vocabulary: type Industry,
    Academia or Government; province and city in pinyin, "Guangdong", "Shenzhen"); None
    when it states none of them."""
    return guessed_note(key, name, guess(name))


def guessed_note(key: str, name: str, found: Guess) -> Annotation | None:
    """The annotation of a guess (origin `inferred`); None when it holds no type nor place."""
    kind, province, city = found
    if kind is None and province is None:
        return None
    return Annotation(
        key=key, origin=INFERRED_ORIGIN, name=name, type=kind, province=province, city=city
    )


# The same names recur in every snapshot: each is read once per process.
@functools.lru_cache(maxsize=1 << 16)
def guess(name: str) -> Guess:
    """What `name` states: its type, province and city."""
    return type_of(name), *place_of(name)


def type_of(name: str) -> str | None:
    """Industry, Academia or Government, from the form that ends `name`; None if unsaid."""
    head = _TRAILING_BRACKET.sub("", name.strip()) or name
    if _is_university_hospital(head):
        return ACADEMIA
    # The last form: matches come in order of position, so the deque keeps the rightmost.
    last = next(iter(deque(_expressions().form.finditer(head), maxlen=1)), None)
    if last is None:
        return None
    kind = _FORMS[last.group()]
    if kind == ACADEMIA and last.group() not in ("大学", "学院", "学校"):
        return _parent_of_institute(head[: last.start()]) or kind
    return kind or None


def _is_university_hospital(head: str) -> bool:
    # Plain string tests: a regex `(?:大学|学院).*医院$` rescans to the end from every 大学.
    body = head.removesuffix("医院")
    return body != head and ("大学" in body or "学院" in body)


def _parent_of_institute(before: str) -> str | None:
    """Government or Industry when the institute named `before…` belongs to a state organ
    or a company; None when it stands on its own."""
    if _expressions().state_organ.match(before):
        return GOVERNMENT
    if _expressions().company_parent.search(before):
        return INDUSTRY
    return None


def place_of(name: str) -> tuple[str | None, str | None]:
    """(province, city) `name` states; a city implies its province, a municipality is both."""
    places = places_in(name)
    if not places:
        return None, None
    first = places[0]
    if first.city is not None:
        return first.province, first.city
    city = next((p.city for p in places[1:] if p.city and p.province == first.province), None)
    return first.province, city

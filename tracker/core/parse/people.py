"""People written before members: "李文 星河科技有限公司", "李文　星河科技有限公司".

A page may print each member's representative before it. Left in the name, the person
makes the member's key change with its representative: a false departure and a false
join. Dropped wrongly, a place or a brand before the name changes keys the same way, so
words before a member are read as a person only when they are shaped like one (a common
surname and a one- or two-character given name), are no place, and leave a name of the
organisation's own after them ("王鼎 数据有限公司" is a brand's "数据有限公司").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.core.parse.text import SPACED_PERSON, is_bare_form, looks_like_org

# The commonest Chinese surnames (about 100 single ones cover most of the population, and a
# few compound ones). One line "李文 星河科技有限公司" could be a brand with a stray space;
# most lines of a tier each opening with a surname, a given name and a space cannot be.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常"
)
_COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|司徒|皇甫|慕容|令狐"
_PERSON = re.compile(rf"(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}")
# Read apart from its member, a person may be spaced out to align with three-character
# names ("熊 峰 | 庚禾研究院").
_SPACE = re.compile(r"[ \u3000\u00a0]+")
_PERSON_APART = re.compile(
    rf"(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])(?:{_SPACE.pattern})?[\u4e00-\u9fff]{{1,2}}"
)
# A representative's role may follow the person ("李文 理事长 星河科技有限公司"): the role
# is the person's, and changes with the member's tier, not its name.
_ROLE = "(?:副|常务|执行)?(?:理事长|会长|理事|秘书长|监事长|监事|主席|董事长|总经理|院长|所长|校长)"
_ROLE_ALONE = re.compile(_ROLE)
# A person read apart, with the role read apart after it (see firsts.without_people_first).
_PERSON_APART_ROLE = re.compile(rf"(?P<person>{_PERSON_APART.pattern})(?:{_SPACE.pattern}{_ROLE})?")
_GIVEN_ROLE = re.compile(rf"(?P<given>[\u4e00-\u9fff]{{1,2}}){_SPACE.pattern}{_ROLE}")
_PERSON_THEN_ORG = re.compile(
    rf"(?P<person>{_PERSON.pattern}(?:[ \u3000\u00a0]+{_ROLE})?)[ \u3000\u00a0]+(?P<org>\S.*)"
)
# The shortest name a person is taken from before, when it is in no legal form: "李文 星河"
# may be one brand's name.
_MIN_NAME = 4
# A place before the member names no person: one written with its 州, 市, 县, 区 or 省, or
# one of the places (provinces, cities, districts) that open with a surname's character,
# written without it ("沈阳 …", "武汉 …", "江苏 …"), or a province or a large city set
# apart before a member ("长沙　星河科技有限公司", see firsts.without_places).
_PLACE_ENDS = tuple("州市县区省")
_PLACES = frozenset(
    """北京 上海 天津 重庆 南京 长沙 成都 西安 济南 青岛 大连 厦门 合肥 南昌 昆明 贵阳 南宁
    海口 太原 长春 哈尔滨 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 深圳 无锡 宁波 东莞 佛山
    珠海 南通 嘉兴 绍兴 烟台 潍坊 洛阳 宜昌 襄阳 绵阳 中山 汕头 保定 镇江 河北 山西 辽宁
    吉林 黑龙江 浙江 安徽 福建 山东 河南 湖北 湖南 广东 海南 四川 云南 陕西 甘肃 青海 台湾
    内蒙古 广西 西藏 宁夏 新疆 香港 澳门 江苏 江西 沈阳 武汉 石家庄 唐山 秦皇岛 张家口 张家界 张掖 吕梁 黄山 黄石 黄冈 黄南 吴忠
    周口 许昌 马鞍山 金华 金昌 白山 白城 白银 石嘴山 石狮 江门 江阴 江都 江油 龙岩 龙口 邵阳
    邵武 武威 武夷山 常德 常熟 余姚 任丘 邹城 韩城 高密 高邮 高雄 林芝 罗定 杨凌 万宁 吴江
    吴中 张家港 黄浦 徐汇 杨浦 金山 武清 白云 黄埔 罗湖 龙岗 龙华 余杭 钱塘 秦淮 江宁 高淳
    江岸 江汉 武昌 蔡甸 江夏 黄陂 金牛 武侯 龙泉驿 石景山 曹妃甸""".split()
)
# A name of trade words and a legal form alone names no one: the words before it were the
# name's own ("金宝 科技有限公司").
_TRADE = (
    r"(?:科技|技术|信息|数据|网络|软件|智能|人工智能|电子|微电子|半导体|通信|通讯|医疗|医药|生物"
    r"|能源|新能源|汽车|文化|传媒|教育|投资|咨询|贸易|商贸|实业|控股|食品|饮料|餐饮|珠宝|服饰"
    r"|建设|工程|发展|管理|服务|环境|环保|材料|新材料|设备|制造|机械|电气|光电|物流|金融|保险"
    r"|证券|传感|视觉|语音|安全|系统|计算|云计算|大数据|互联网|数字|产业|创新|机器人|检测|认证"
    r"|设计|研发|开发|应用|工业|农业|国际|集成电路)+"
)
_TRADE_ONLY = re.compile(
    _TRADE + r"(?:(?:股份)?有限(?:责任)?公司|集团(?:有限公司)?|研究院|研究所|研究中心|实验室|中心)"
)
# Trade words with no name and no legal form: a field of work ("人工智能", a member card's
# caption), never an organisation's name.
_FIELD = re.compile(_TRADE)


def is_field(text: str) -> bool:
    """Whether a name is a field of work alone ("人工智能", "大数据"): no one's name."""
    return _FIELD.fullmatch(text) is not None


def is_role(text: str) -> bool:
    """Whether a name read apart is a representative's role ("副理事长")."""
    return _ROLE_ALONE.fullmatch(text) is not None


def person_with_role(text: str) -> bool:
    """Whether a name read apart is a person, with its role or not ("李文 理事长")."""
    match = _PERSON_APART_ROLE.fullmatch(text)
    return match is not None and not is_place(_SPACE.sub("", match["person"]))


def person_and_role(first: str, second: str) -> bool:
    """Whether two names read apart are a person and its role: "李文", "副理事长", or a
    person spaced out and split at the space ("李", "文 副理事长")."""
    if is_role(second):
        return is_person(first)
    match = _GIVEN_ROLE.fullmatch(second)
    return match is not None and len(first) == 1 and is_person(first + match["given"])


def is_person(text: str) -> bool:
    """Whether a piece of text is shaped like a person's name (a common surname first)."""
    return _PERSON_APART.fullmatch(text) is not None and not is_place(_SPACE.sub("", text))


def is_place(text: str) -> bool:
    return text.endswith(_PLACE_ENDS) or text in _PLACES


def person_first(text: str) -> tuple[str, str] | None:
    """The person and the rest in "李文 星河科技有限公司", when the rest is an organisation's
    name of its own (see `nameless`); None for any other text."""
    match = _PERSON_THEN_ORG.fullmatch(text)
    if match is None:
        return None
    org = match["org"].rstrip()
    return (
        (match["person"], org) if looks_like_org(org, strict=True) and not nameless(org) else None
    )


def person_before(text: str) -> tuple[str, str] | None:
    """The person and the rest in "李 露 星河厨业" or "李文 星河厨业", whatever the rest ends
    with: only where the tier shows that its lines put a person first (see runs.settle)."""
    match = _PERSON_THEN_ORG.fullmatch(text)
    if match is None:
        return spaced_before(text)
    rest = match["org"].rstrip()
    return (match["person"], rest) if len(rest) >= _MIN_NAME and not nameless(rest) else None


def spaced_before(text: str) -> tuple[str, str] | None:
    """The person and the rest in "李 露 星河厨业": a person spaced out to align with
    three-character names, whatever the rest ends with (see `person_before`)."""
    match = SPACED_PERSON.fullmatch(text)
    if match is None or match["person"][0] not in _SURNAMES:
        return None
    rest = match["org"].rstrip()
    return (match["person"], rest) if len(rest) >= _MIN_NAME and not nameless(rest) else None


def person_apart(person: str, rest: str) -> bool:
    """Whether a name read apart before a member ("李文", "星河厨业") is its person: only
    where the tier shows that its lines put a person first. A place's name ("白云") is a
    person's too, and set apart it is no member either way."""
    shaped = _PERSON_APART_ROLE.fullmatch(person) is not None
    return shaped and len(rest) >= _MIN_NAME and not nameless(rest)


def nameless(org: str) -> bool:
    """Whether an organisation's name is a bare form, or trade words and a legal form
    ("科技有限公司"): the words before it were its name ("金宝 科技有限公司")."""
    return is_bare_form(org) or _TRADE_ONLY.fullmatch(org) is not None


def any_place(people: Iterable[str]) -> bool:
    """Whether any of the words before a tier's members is a place: a column of places."""
    return any(map(is_place, people))


def without_person(name: str) -> tuple[str, str | None]:
    """The organisation in "李 文 星河科技有限公司" (a person spaced out before it), and
    the person dropped (or None). A brand spaced out ("星 河 科技有限公司") is kept whole.

    Only a name with a space in it can hold both; callers skip the others.
    """
    match = SPACED_PERSON.fullmatch(name)
    if match is None or not looks_like_org(match["org"]):
        return name, None
    org = match["org"].strip()
    return (name, None) if nameless(org) else (org, match["person"])

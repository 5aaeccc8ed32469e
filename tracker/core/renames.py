"""Likely renames: a departed and a joined member that are probably one organisation.

Chinese organisation names are built as region + brand (字号) + trade + legal form, e.g.
``北京`` + ``星河`` + ``智能科技`` + ``有限公司``. Renames the alliance list shows are mostly
changes at the edges: ``有限公司`` became ``股份有限公司`` before an IPO, a city prefix was
added or dropped, a bracketed region changed. So names are compared by their *core*: the
member key with the region prefixes, bracketed regions and legal-form suffix taken off.

Rules (the threshold is documented in ``RENAME_THRESHOLD``):

- Cores must share their first two characters (the brand), which is what tells two
  companies of one city and one trade apart (``星河智能科技`` vs ``星海智能科技``), and
  their numbers: ``…第三十二研究所`` and ``…第二十八研究所`` are two institutes. Brand and
  numbers are the blocking key that keeps matching cheap: only names in one block are
  compared, so cost grows with the largest block, not with departed × joined.
- Region prefixes with nothing in common (``北京星河…`` vs ``上海星河…``) are different
  registrations, never a rename; a changed bracketed region (``星河（北京）…`` →
  ``星河（上海）…``) is, at a small cost to the score.
- Cores that differ by a region the other name does not mention are different
  organisations: ``星河研究院沈阳机器人研究所`` is not ``星河研究院机器人研究所`` (one
  city in a long core would otherwise score 90+). A city moved into the core
  (``北京星河…`` → ``星河北京…``) is still that city.
- The score is rapidfuzz's normalised Indel similarity of the cores (0–100), minus
  ``REGION_PENALTY`` for a changed bracketed region.
- Pairs are assigned one-to-one, best score first; ties break on the keys so that the
  result never depends on input order.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache, reduce
from typing import NamedTuple

import msgspec

# Chosen on CSET's 561 distinct March-2020 names: under the rules above no two different
# members score more than 83.3 (one character apart in a 6-character core, which is where
# brands like "中科…" collide), while suffix, prefix and bracket changes score 95-100.
# At 90 a single changed character pairs only in cores of 10+ characters.
RENAME_THRESHOLD = 90.0
REGION_PENALTY = 5.0
# "深圳上海星河…": a city added in front of one already there. More is not a name.
MAX_PREFIXES = 2
# Shorter cores (nothing or one character left) never pair; the brand is this many characters.
MIN_CORE = 2

_PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 "
    "湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
)
_CITIES = (
    "深圳 广州 杭州 南京 苏州 成都 武汉 西安 合肥 厦门 青岛 大连 宁波 无锡 济南 郑州 长沙 "
    "沈阳 哈尔滨 长春 福州 昆明 贵阳 南宁 南昌 太原 石家庄 兰州 珠海 东莞 佛山 常州 温州 "
    "绍兴 嘉兴 南通 徐州 烟台 泉州 乌鲁木齐 呼和浩特 银川 西宁 拉萨 海口 三亚"
)
_REGIONS = sorted(set((_PROVINCES + " " + _CITIES).split()), key=len, reverse=True)
_REGION = "(?:" + "|".join(_REGIONS) + ")"
_ADMIN = "(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?"
_REGION_NAME = re.compile(_REGION)
# The characters a region prefix can start with: a quick test before the regions are tried.
_PREFIX_STARTS = "".join(sorted({"中", *(region[0] for region in _REGIONS)}))
# Up to MAX_PREFIXES region prefixes, each only after the one before: "(?:P(?:P)?)?". Every
# part is optional, so it always matches, and the first match found is the one a loop
# matching one prefix at a time would find: later parts are optional, so the engine never
# backtracks into an earlier one. Group i is the i-th region, None where there is none.
_PREFIX_PATTERN = reduce(
    lambda inner, _: f"(?:(?=[{_PREFIX_STARTS}])(?:中国)?({_REGION}){_ADMIN}{inner})?",
    range(MAX_PREFIXES),
    "",
)
# The same at the start of every line, and the brand after it: one match per line, as
# nothing in it matches a line break. Also how one key's prefixes are taken: one pattern
# compiled, not two (the regions make each cost milliseconds to compile).
_BRANDS = re.compile(f"^{_PREFIX_PATTERN}(?P<brand>.{{0,{MIN_CORE}}})", re.MULTILINE)
_BRACKET = re.compile(f"\\(((?:中国|{_REGION}){_ADMIN})\\)")
_NUMBERS = re.compile("[0-9〇零一二三四五六七八九十百千两]+")
# Longest first; applied repeatedly ("集团股份有限公司"). Keys are casefolded, hence "co.,ltd.".
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "(集团)",
    "集团",
    "co.,ltd.",
    "co.,ltd",
    "ltd.",
    "inc.",
)
# One pass of legal forms off the end, matched on the reversed text: each form in order,
# taken where what is left ends with it and is longer than it ("(?=.)"). Every part is
# optional and none is ever given back, so a form is tried once, after the ones before it.
_FORMS_PASS = re.compile(
    "".join(f"(?:{re.escape(form[::-1])}(?=.))?" for form in _LEGAL_FORMS), re.DOTALL
)


class NameParts(NamedTuple):
    """A member key split for matching: core (brand and trade), region prefixes, bracket."""

    key: str
    core: str
    # Leading regions, outermost first: ("深圳", "上海") for "深圳上海星河…".
    prefixes: tuple[str, ...]
    bracket: str
    numbers: tuple[str, ...]


class Match(msgspec.Struct, frozen=True):
    old_key: str
    new_key: str
    score: float


# Names are only compared within a block: same brand (first two core characters), same numbers.
Block = tuple[str, tuple[str, ...]]
Blocks = dict[Block, list[NameParts]]


# Split once per key: a change log rebuilt over many snapshots meets each key in every pair.
@lru_cache(maxsize=1 << 16)
def split_name(key: str) -> NameParts:
    """Take region prefixes, bracketed regions and legal-form suffixes off a member key."""
    rest, prefixes = _take_prefixes(key)
    # The quick character test skips a pattern that cannot match: most keys have no bracket.
    brackets = _BRACKET.findall(rest) if "(" in rest else []
    if brackets:
        rest = _BRACKET.sub("", rest)
    rest = _strip_legal_forms(rest)
    bracket = "".join(brackets)
    return NameParts(key, rest, prefixes, bracket, tuple(_NUMBERS.findall(rest)))


def _take_prefixes(key: str) -> tuple[str, tuple[str, ...]]:
    """The key without its region prefixes, and those prefixes, outermost first."""
    if key[:1] not in _PREFIX_STARTS:
        return key, ()
    found = _match(_BRANDS, key)
    return key[found.start("brand") :], tuple(filter(None, found.groups()[:MAX_PREFIXES]))


def _brands(keys: Sequence[str]) -> list[str]:
    """The first `MIN_CORE` characters of each key's core, mostly without splitting keys.

    Without a bracket the core is what the prefixes leave, less legal forms at the end, so it
    starts as that does. Where the forms leave less than a brand, what is read here is more
    than the core; such a name is in no block, whether it is split or not. A regex call costs
    more than reading a brand does, so the prefixes are matched in one call over all the keys
    a line each, unless a key has a line break of its own.
    """
    lines = "\n".join(keys)
    if lines.count("\n") == len(keys) - 1:
        after_prefixes = [found["brand"] for found in _BRANDS.finditer(lines)]
    else:
        after_prefixes = [_take_prefixes(key)[0][:MIN_CORE] for key in keys]
    return [
        split_name(key).core[:MIN_CORE] if "(" in key else brand
        for key, brand in zip(keys, after_prefixes, strict=True)
    ]


def _match(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    """The match of a pattern whose every part is optional, so that it always matches."""
    found = pattern.match(text)
    assert found is not None, "every part of the pattern is optional"
    return found


def _strip_legal_forms(text: str) -> str:
    """Legal forms off the end, as many as there are, never the whole text.

    Each pass tries the forms in `_LEGAL_FORMS` order on what is left.
    """
    while text.endswith(_LEGAL_FORMS):
        taken = _match(_FORMS_PASS, text[::-1]).end()
        if not taken:
            break
        text = text[:-taken]
    return text


def match_renames(
    departed: Sequence[str], joined: Sequence[str], *, threshold: float = RENAME_THRESHOLD
) -> list[Match]:
    """One-to-one likely renames between departed and joined keys, best score first."""
    if len(departed) <= len(joined):
        old_blocks, new_blocks = _blocks_beside(departed, joined)
    else:
        new_blocks, old_blocks = _blocks_beside(joined, departed)
    candidates: list[Match] = []
    for block, olds in old_blocks.items():
        news = new_blocks.get(block)
        if news:
            candidates += _score_block(olds, news, threshold)
    return _assign(candidates)


def _blocks_beside(few: Sequence[str], many: Sequence[str]) -> tuple[Blocks, Blocks]:
    """The blocks of `few`, and of those of `many` that share a brand with one of them.

    A name is only ever compared within its block, and a block needs names on both sides:
    a name of `many` whose brand `few` lacks is left out before it is split (on the bench's
    ten-year diff, 4,531 of 5,864 joined names). Blocks both sides share keep every name.
    """
    few_blocks = _blocks(few)
    brands = {brand for brand, _ in few_blocks}
    return few_blocks, _blocks(
        [key for key, brand in zip(many, _brands(many), strict=True) if brand in brands]
    )


def _blocks(keys: Sequence[str]) -> Blocks:
    blocks: Blocks = defaultdict(list)
    for key in keys:
        parts = split_name(key)
        if len(parts.core) >= MIN_CORE:
            blocks[(parts.core[:MIN_CORE], parts.numbers)].append(parts)
    return blocks


def _score_block(olds: list[NameParts], news: list[NameParts], threshold: float) -> list[Match]:
    # Imported here: rapidfuzz is only needed when members actually came and went. One
    # scorer call per old name over the block, not `process.cdist`, which imports numpy.
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import extract

    # Bracket changes cost REGION_PENALTY, so ask for everything that could still pass.
    cutoff = (threshold - REGION_PENALTY) / 100
    cores = [n.core for n in news]
    found = []
    for old in olds:
        for _, similarity, j in extract(
            old.core, cores, scorer=Indel.normalized_similarity, score_cutoff=cutoff, limit=None
        ):
            if not similarity:
                continue
            # The score as shown (one decimal) is what meets the threshold, so no pair shown
            # at 90.0 is left out: a similarity of exactly 0.9 is 89.99999… in 32 bits.
            score = round(_score(old, news[j], _single(similarity) * 100), 1)
            if score >= threshold:
                found.append(Match(old.key, news[j].key, score))
    return found


def _single(similarity: float) -> float:
    """The similarity as a 32-bit float, as `cdist` returned it: scores stay exactly what
    they were."""
    return array("f", [similarity])[0]


def _score(old: NameParts, new: NameParts, core_score: float) -> float:
    if old.prefixes and new.prefixes and not set(old.prefixes) & set(new.prefixes):
        return 0.0
    if _differ_by_a_place(old, new):
        return 0.0
    if old.bracket and new.bracket and old.bracket != new.bracket:
        return core_score - REGION_PENALTY
    return core_score


def _differ_by_a_place(old: NameParts, new: NameParts) -> bool:
    """A region in what one core has and the other lacks, that the other name never names."""
    from rapidfuzz.distance import Indel

    for op in Indel.opcodes(old.core, new.core):
        if op.tag == "equal":
            continue
        removed, added = old.core[op.src_start : op.src_end], new.core[op.dest_start : op.dest_end]
        if any(region not in new.key for region in _REGION_NAME.findall(removed)):
            return True
        if any(region not in old.key for region in _REGION_NAME.findall(added)):
            return True
    return False


def _assign(candidates: list[Match]) -> list[Match]:
    used_old: set[str] = set()
    used_new: set[str] = set()
    chosen = []
    for match in sorted(candidates, key=lambda m: (-m.score, m.old_key, m.new_key)):
        if match.old_key not in used_old and match.new_key not in used_new:
            used_old.add(match.old_key)
            used_new.add(match.new_key)
            chosen.append(match)
    return chosen

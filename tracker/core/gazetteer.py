"""Where an organisation's name says it is: China's provinces and prefecture-level cities.

The gazetteer (`tracker/data/gazetteer.csv`, package data) lists every provincial-level
division and prefecture-level city with its full form (广东省, 深圳市), the short form a name
may use (广东, 深圳) and its pinyin as CSET writes it. A name states a place in one of four
ways, trusted in this order:

- a branch: a place right after an institution's own name (…大学苏州…, …集团广东有限公司)
  says where this part of it is, whatever the parent's name starts with;
- a bracket: 青岚数据（北京）有限公司, the registered region set after the trade name;
- the lead: 深圳市…, 广东…, 杭州…;
- anywhere else in the name, only where the form cannot be an ordinary word.

Short forms that are also common words or brands (中山, 朝阳, 安康, 长春…) count only with
their suffix or in brackets; mid-name short forms that often end another word (…南通信,
中山东路) need an institution word after them; a short form followed by a street word
(路, 街, 道, 大道, 巷, 广场) or a word it begins (长春藤, 天水围) is not a place. Pure: reads only the package's own file, once.
"""

from __future__ import annotations

import functools
import io
import pkgutil
import re
import unicodedata

import msgspec

_BRACKET = re.compile(r"[（(]([^（）()]*)[）)]")
# After a place, these make a mid-name short form a place rather than part of a word.
_FOLLOWING_INSTITUTION = re.compile(
    r"(?:分公司|有限|公司|分院|分行|分所|分中心|研究院|研究所|研究中心|大学|学院|实验室|"
    r"中心|办事处|代表处|子公司|基地|[（(]|$)"
)
# Before a place, these end an institution's own name: the place is where a part of it is.
# Checked with `endswith`, which looks only at the text just before the place: a regex
# search for them anchored at the place would rescan the name from its start each time.
_PRECEDING_INSTITUTION = ("大学", "学院", "科学院", "研究院", "集团", "公司", "银行")
# After a short form, these make it a street, a square or a word (福州路, 天水围, 长春藤),
# not where the organisation is; 路桥 (roads and bridges) and 围棋 (go) are trades.
_STREET = re.compile(r"大道|大街|胡同|广场|路(?![桥网])|街|道|巷|藤|围(?!棋)")


class Place(msgspec.Struct, frozen=True):
    """A place a name can state: a province (city None) or a city with its province."""

    province: str
    city: str | None
    # "" never ambiguous; "mid": a mid-name short form needs an institution word after it;
    # "any": the short form never counts alone (suffix or bracket needed).
    ambiguous: str = ""


class _Form(msgspec.Struct, frozen=True):
    place: Place
    suffixed: bool


class Gazetteer(msgspec.Struct, frozen=True):
    forms: dict[str, _Form]
    # Every spelling the gazetteer uses, per column: what CSET's values are checked against.
    provinces: frozenset[str]
    cities: dict[str, frozenset[str]]

    def province_named(self, text: str) -> str | None:
        """The province `text` spells (any case, with or without tone marks), as CSET
        writes it; None when it names none."""
        return _named(text, self.provinces)

    def city_named(self, text: str) -> str | None:
        """The prefecture-level city `text` spells, as `province_named` reads it."""
        return _named(text, frozenset(self.cities))


@functools.cache
def gazetteer() -> Gazetteer:
    """The package's gazetteer, read and compiled once per process."""
    # Imported here: a read command whose notes all name their province never loads it.
    import csv

    # pkgutil, not importlib.resources: both read package data wherever the package lies,
    # and importlib.resources costs 10 ms more to import.
    data = pkgutil.get_data("tracker", "data/gazetteer.csv")
    assert data is not None, "the package's loader cannot read its data"
    text = data.decode("utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    forms: dict[str, _Form] = {}
    cities: dict[str, set[str]] = {}
    for row in csv.DictReader(lines):
        place = _place(row)
        forms[row["full"]] = _Form(place, suffixed=True)
        if row["short"]:
            forms.setdefault(row["short"], _Form(place, suffixed=False))
        if place.city is not None:
            cities.setdefault(place.city, set()).add(place.province)
    provinces = frozenset(form.place.province for form in forms.values())
    return Gazetteer(
        forms=forms,
        provinces=provinces,
        cities={city: frozenset(within) for city, within in cities.items()},
    )


def _named(text: str, spellings: frozenset[str]) -> str | None:
    if text in spellings:
        return text
    found = {spelling for spelling in spellings if _folded(spelling) == _folded(text)}
    # A fold two spellings share (none does today) would be a guess: exact spelling needed.
    return found.pop() if len(found) == 1 else None


def _folded(text: str) -> str:
    """`Xi'an`, `xian` and `XI AN` alike; `Ürümqi` and `Urumqi` alike."""
    bare = unicodedata.normalize("NFKD", text)
    letters = (c for c in bare if not unicodedata.combining(c) and c not in " '’-")
    return "".join(letters).casefold()


def _place(row: dict[str, str]) -> Place:
    ambiguous = row["ambiguous"] or ""
    if row["kind"] == "municipality":
        return Place(row["en"], row["en"], ambiguous)
    if row["kind"] == "province":
        return Place(row["en"], None, ambiguous)
    return Place(row["province"], row["en"], ambiguous)


@functools.cache
def _forms_pattern() -> re.Pattern[str]:
    """Every form, longest first: at each position the regex takes the longest form
    (广西壮族自治区, 广西). Compiled on first use (8 ms): looking up a city's province needs
    only the table, and `history` of one member does no more."""
    alternatives = map(re.escape, sorted(gazetteer().forms, key=len, reverse=True))
    return re.compile("|".join(alternatives))


def places_in(name: str) -> list[Place]:
    """The places `name` states, most trusted first (see the module's docstring)."""
    found = gazetteer()
    branch: list[Place] = []
    bracket: list[Place] = []
    lead: list[Place] = []
    mid: list[Place] = []
    bracketed = _bracket_spans(name, found, bracket)
    for match in _forms_pattern().finditer(name):
        if any(start <= match.start() < end for start, end in bracketed):
            continue
        form = found.forms[match.group()]
        if not form.suffixed and _STREET.match(name, match.end()):
            continue
        if match.start() == 0:
            if form.suffixed or form.place.ambiguous != "any":
                lead.append(form.place)
        elif name.endswith(_PRECEDING_INSTITUTION, 0, match.start()) and _counts_mid(
            form, name, match
        ):
            branch.append(form.place)
        elif _counts_mid(form, name, match):
            mid.append(form.place)
    return branch + bracket + lead + mid


def _bracket_spans(name: str, found: Gazetteer, into: list[Place]) -> list[tuple[int, int]]:
    """Brackets holding nothing but places (（北京）, (广东深圳)): their places, into `into`."""
    spans = []
    for bracket in _BRACKET.finditer(name):
        inner = bracket.group(1).strip()
        if not inner:
            continue
        matches = list(_forms_pattern().finditer(inner))
        if matches and "".join(m.group() for m in matches) == inner:
            into.extend(found.forms[m.group()].place for m in matches)
            spans.append(bracket.span())
    return spans


def _counts_mid(form: _Form, name: str, match: re.Match[str]) -> bool:
    if form.suffixed:
        return True
    if form.place.ambiguous == "any":
        return False
    if form.place.ambiguous == "mid":
        return _FOLLOWING_INSTITUTION.match(name, match.end()) is not None
    return True

"""What a tier's lines say together, once the tier has ended.

One line alone can be ambiguous; the tier's lines side by side are not:

- **The run**: names of one tier share one shape. A line outside the run that does not
  look like an organisation is dropped; any line in the run is kept, brand names included.
- **Counters**: "1 星河科技", "2 青岚数据", "10 赤霄大学": numbers running up in front of
  most names are item numbers, not part of the names (a single "360 安全" is left alone).
- **Group labels**: a short bold line among plain names ("北京市", "高等院校") heads a
  group inside the tier; it is neither a member nor the tier's end.
- **Representatives**: when most lines pair an organisation with a person's name
  ("星河科技有限公司　　李文华"), the people are not members; nor are they when most lines
  put a person before the organisation ("李文 星河科技有限公司").
- **Renderings**: when every Chinese name is followed, in its card or line, by one name
  in Latin letters ("星河科技有限公司" / "Xinghe Technology Co., Ltd."), three times or more,
  those are the same organisations in English, not more members. Chinese and foreign
  members listed together ("星河科技有限公司", "Aurorix Ltd.", "Kestrel Inc.") are not.
- **Copies**: a list held twice back to back (a marquee, a desktop and a mobile copy) is
  one list (see `repeated_half`).
- **The host**: the site's own name (from the page title) is never its own member.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from operator import itemgetter
from typing import Final

from selectolax.lexbor import LexborNode

from tracker.core.parse.text import is_bare_form, looks_like_org

# Name flags.
BOLD = 1  # its line was all in bold or heading markup
PAIRED = 2  # the person of an (organisation, person) pair on one line
LINE_START = 4  # the first name read from its line
LOGO_NAME = 8  # read from an image
LATIN = 16  # written in Latin letters only

# A run is judged only among this many names or more.
_MIN_RUN = 3
_COUNTER = re.compile(r"(\d{1,4})\s+(?=\S)")
# A person's name: two or three Han characters (a brand beside an organisation on every
# line of a tier is implausible; see `_representatives`).
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,3}")
# Share of a tier's lines that must pair an organisation with a person.
_PAIRED_SHARE = 0.6
# The commonest Chinese surnames (about 100 single ones cover most of the population, and a
# few compound ones). One line "李文 星河科技有限公司" could be a brand with a stray space;
# most lines of a tier each opening with a surname, a given name and a space cannot be.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常"
)
_COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|司徒|皇甫|慕容|令狐"
# A place before the member ("常州 星河…", "张家港市 …") names no person.
_PERSON_THEN_ORG = re.compile(
    rf"(?P<person>(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}})(?<![州市县区省])"
    r"[ \u3000\u00a0]+(?P<org>\S.*)"
)
_SPACES = (" ", "\u3000", "\u00a0")
_PERSON_FIRST = "a person before the member"
_MAX_GROUP_LABEL = 8
_MIN_RENDERINGS = 3
# Inline markup a name in a table cell may sit in (``<td><a><span>…``).
_INSIDE_CELL = frozenset("a span b strong font em i p div".split())


# A name read: its text, whether read from an image, its line's shape, its node and flags.
# A plain tuple, read by the indexes below: a long list makes one per member, and a
# NamedTuple (a tuple subclass) costs about three times as much to build and free.
Name = tuple[str, bool, int, LexborNode | None, int]
N_TEXT: Final = 0
N_LOGO: Final = 1
N_SHAPE: Final = 2
N_NODE: Final = 3
N_FLAGS: Final = 4


# A name's text, in C (a long tier's names are mapped to their texts more than once).
_TEXT = itemgetter(0)


def settle(
    names: list[Name], *, tabled: bool, hosts: AbstractSet[str], flags: int, shapes: int
) -> tuple[list[Name], list[tuple[Name, str]]]:
    """The names a tier keeps, in order, and those it drops with the reason.

    ``flags`` is every flag its names carry, ``shapes`` how many shapes they have: a tier
    of one shape, no bold and no pairs (the usual tier) skips what cannot apply.
    """
    names = _without_counters(names)
    names, dropped = _without_people_first(names)
    people = _representatives(names) if flags & PAIRED else set()
    people |= _renderings(names) if flags & LATIN else set()
    groups = _group_labels(names) if flags & BOLD else set()
    candidates = names
    # Looked for once: a name in a long tier is hardly ever the host's.
    hosted = bool(hosts) and not hosts.isdisjoint(map(_TEXT, names))
    if people or groups or hosted:
        candidates = []
        for index, name in enumerate(names):
            if name[N_TEXT] in hosts:
                dropped.append((name, "the site's own name"))
            elif index in people:
                why = "an English rendering" if name[N_FLAGS] & LATIN else "a person"
                dropped.append((name, f"{why} beside an organisation"))
            elif index in groups:
                dropped.append((name, "a group label inside the tier"))
            else:
                candidates.append(name)
    run = None if tabled or shapes < 2 else _run(candidates)
    kept = candidates
    if run is not None:
        kept, outside = _within_run(candidates, run)
        dropped += [(name, "outside the run") for name in outside]
    half = len(kept) // 2
    copy = (
        repeated_half(list(map(_TEXT, kept)))
        if half and kept[0][N_TEXT] == kept[half][N_TEXT]
        else 0
    )
    dropped += [(name, "a copy of the list before it") for name in kept[len(kept) - copy :]]
    return kept[: len(kept) - copy], dropped


def repeated_half(names: list[str]) -> int:
    """How many names at the end repeat the whole list before them, in order.

    A marquee box holds its list twice, back to back ("甲 乙 丙 甲 乙 丙"), so that it
    can scroll without a gap, and a page can hold a desktop and a mobile copy; a list
    that means a name twice does not repeat all of it.
    """
    half = len(names) // 2
    if half < 2 or len(names) % 2 or names[0] != names[half]:
        return 0
    return half if names[:half] == names[half:] else 0


def _renderings(names: list[Name]) -> set[int]:
    latin = [i for i, name in enumerate(names) if name[N_FLAGS] & LATIN]
    chinese = len(names) - len(latin)
    if len(latin) != chinese or chinese < _MIN_RENDERINGS:
        return set()
    paired = all(
        i > 0 and not names[i - 1][N_FLAGS] & LATIN and _together(names[i - 1], names[i])
        for i in latin
    )
    return set(latin) if paired else set()


def _together(one: Name, other: Name) -> bool:
    """Whether two names sit in one line, or in one card (the same parent element)."""
    node, other_node = one[N_NODE], other[N_NODE]
    if node is None or other_node is None:
        return False
    if node.mem_id == other_node.mem_id:
        return True
    parent, other_parent = node.parent, other_node.parent
    return parent is not None and other_parent is not None and parent.mem_id == other_parent.mem_id


def _run(names: list[Name]) -> set[int] | None:
    """The shapes of a tier's names: those mostly holding organisations, else the commonest.

    None when every name has one shape, or too few to tell (then every name is kept).
    """
    every = Counter(name[N_SHAPE] for name in names)
    if len(names) < _MIN_RUN or len(every) < 2:
        return None
    orgs = Counter(name[N_SHAPE] for name in names if looks_like_org(name[N_TEXT]))
    run = {shape for shape, n in orgs.items() if n >= 2 and 2 * n >= every[shape]}
    if run:
        return run
    shape, n = every.most_common(1)[0]
    return {shape} if 2 * n > len(names) else None


def _within_run(names: list[Name], run: set[int]) -> tuple[list[Name], list[Name]]:
    """The names a tier keeps once its run is known, and those outside it.

    Outside the run only a legal form or an institution's word keeps a line: "官网" ends
    like "新闻网", a site's hint line ends like a member. But a table's cells are told apart
    by column, so a short table's column may hold one name: in a row beside the run's
    names, or alone in a row of a table of the run's names, written as they are (a link
    among plain names is a service link: 客服中心), a cell ending like any organisation's
    ("…信息中心") is a member too.
    """
    kept: list[Name] = []
    outside: list[Name] = []
    cells: set[_Cell | None] | None = None  # the run's, found when a cell first asks
    for name in names:
        text = name[N_TEXT]
        if name[N_SHAPE] in run or looks_like_org(text, strict=True):
            kept.append(name)
            continue
        cell = _cell_of(name) if looks_like_org(text) else None
        if cell is not None:
            if cells is None:
                ran = [x for x in names if x[N_SHAPE] in run]
                cells = {_cell_of(x) for x in ran} | {_table_of(x) for x in ran}
            if cell in cells or _table_of(name, lone=True) in cells:
                kept.append(name)
                continue
        outside.append(name)
    return kept, outside


# A name's table row or table (its node's id), and whether its cell holds a link.
_Cell = tuple[int, bool]


def _cell_of(name: Name) -> _Cell | None:
    """The table row a name was read from (`_Cell`), if it was read from a cell."""
    found = _cell_and_row(name)
    return None if found is None else (found[1].mem_id, _linked(found[0]))


def _table_of(name: Name, *, lone: bool = False) -> _Cell | None:
    """The table a name was read from (`_Cell`), if it was read from a cell; ``lone`` asks
    for a cell with no other text in its row."""
    found = _cell_and_row(name)
    if found is None:
        return None
    cell, row = found
    if lone and sum(1 for x in row.iter() if x.tag in ("td", "th") and x.text(strip=True)) > 1:
        return None
    table = row.parent
    while table is not None and table.tag != "table":
        table = table.parent
    return None if table is None else (table.mem_id, _linked(cell))


def _cell_and_row(name: Name) -> tuple[LexborNode, LexborNode] | None:
    node = name[N_NODE]
    while node is not None and node.tag not in ("td", "th"):
        node = node.parent if node.tag in _INSIDE_CELL else None
    row = node.parent if node is not None else None
    return None if node is None or row is None or row.tag != "tr" else (node, row)


def _linked(cell: LexborNode) -> bool:
    return any(child.tag == "a" for child in cell.iter())


def _without_counters(names: list[Name]) -> list[Name]:
    # Counters run from the top of the tier: a tier whose first names have none has none.
    if not any(name[N_TEXT][:1].isdigit() for name in names[:3]):
        return names
    numbered = [
        (i, match) for i, name in enumerate(names) if (match := _COUNTER.match(name[N_TEXT]))
    ]
    if len(numbered) < 2 or 2 * len(numbered) < len(names):
        return names
    numbers = [int(match[1]) for _, match in numbered]
    if any(later <= earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
        return names
    out = list(names)
    for i, match in numbered:
        out[i] = (names[i][N_TEXT][match.end() :], *names[i][1:])
    return out


def pairs_a_person(pieces: list[tuple[str, str | None]]) -> bool:
    """ "星河科技有限公司　　李文华", "…研究院　　刘　洋": an organisation, then a person (the
    pieces of one line, with why each is no name)."""
    if len(pieces) < 2 or any(problem is not None for _, problem in pieces):
        return False
    rest = [piece for piece, _ in pieces[1:]]
    if len(rest) > 1 and any(len(piece) > 1 for piece in rest):
        return False
    return (
        looks_like_org(pieces[0][0], strict=True) and _PERSON.fullmatch("".join(rest)) is not None
    )


def _representatives(names: list[Name]) -> set[int]:
    paired = [i for i, name in enumerate(names) if name[N_FLAGS] & PAIRED]
    lines = sum(1 for name in names if name[N_FLAGS] & LINE_START)
    # A spaced-out person ("刘　洋") is two pieces of one pair: count lines, not pieces.
    pairs = len({_line_of(names, i) for i in paired})
    if pairs < 2 or pairs < _PAIRED_SHARE * lines:
        return set()
    return set(paired)


def _without_people_first(names: list[Name]) -> tuple[list[Name], list[tuple[Name, str]]]:
    """ "李文 星河科技有限公司": the tier's names without the person before each, and the
    people, when most names (three or more) are a person, a space and an organisation.

    Kept whole when the people repeat or two members would become one: a column of places
    or groups ("武汉 …", "武汉 …"), not representatives.
    """
    if len(names) < _MIN_RUN:
        return names, []
    texts = "\n".join(map(_TEXT, names))  # one search each, in C: most tiers hold no space
    if not any(space in texts for space in _SPACES):
        return names, []
    found: list[tuple[int, re.Match[str]]] = []
    for index, name in enumerate(names):
        match = None if name[N_LOGO] else _PERSON_THEN_ORG.fullmatch(name[N_TEXT])
        if match is not None and looks_like_org(match["org"], strict=True):
            found.append((index, match))
    people = {match["person"] for _, match in found}
    if len(found) < max(_MIN_RUN, _PAIRED_SHARE * len(names)) or len(people) < len(found):
        return names, []
    out = list(names)
    for index, match in found:
        out[index] = (match["org"].rstrip(), *names[index][1:])
    # "李文 科技有限公司" holds no name after the person; two names made one are no members'.
    bare = any(is_bare_form(out[index][N_TEXT]) for index, _ in found)
    if bare or len(set(map(_TEXT, out))) < len(set(map(_TEXT, names))):
        return names, []
    return out, [((match["person"], *names[i][1:]), _PERSON_FIRST) for i, match in found]


def _line_of(names: list[Name], index: int) -> int:
    """The index of the first name read from the same line as names[index]."""
    while index > 0 and not names[index][N_FLAGS] & LINE_START:
        index -= 1
    return index


def _group_labels(names: list[Name]) -> set[int]:
    bold = [i for i, name in enumerate(names) if name[N_FLAGS] & BOLD]
    plain = sum(1 for name in names if not name[N_LOGO] and not name[N_FLAGS] & BOLD)
    # Where most names are bold (cards with bold names), bold says nothing.
    if not bold or len(bold) > plain:
        return set()
    return {
        i
        for i in bold
        if len(names[i][N_TEXT]) <= _MAX_GROUP_LABEL
        and not looks_like_org(names[i][N_TEXT], strict=True)
    }


_A_PERSON = re.compile(rf"(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}")


def is_person(text: str) -> bool:
    """ "李文华": a common surname and a given name, and nothing else."""
    return _A_PERSON.fullmatch(text) is not None and not looks_like_org(text)

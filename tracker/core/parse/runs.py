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
  put a person before the organisation ("李文 星河科技有限公司", see `firsts.py`), or
  when a separator sets a person apart before the one member on its line.
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

from selectolax.lexbor import LexborNode

from tracker.core.parse.firsts import PAIRED_SHARE, without_people_first, without_places
from tracker.core.parse.names import (
    AFTER_PERSON,
    AFTER_PLACE,
    BOLD,
    LATIN,
    LINE_START,
    N_FLAGS,
    N_LOGO,
    N_NODE,
    N_SHAPE,
    N_TEXT,
    PAIRED,
    SPACED,
    TEXT,
    Name,
)
from tracker.core.parse.people import is_place, nameless, person_with_role
from tracker.core.parse.text import looks_like_org

# A run is judged only among this many names or more.
_MIN_RUN = 3
_COUNTER = re.compile(r"(\d{1,4})\s+(?=\S)")
# A person's name: two or three Han characters (a brand beside an organisation on every
# line of a tier is implausible; see `_representatives`).
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,3}")
_MAX_GROUP_LABEL = 8
# A place set apart before a member: a province, a city or a district ("内蒙古自治区"),
# before a name of its own.
_MAX_PLACE = 6
_MIN_MEMBER = 4
_MIN_RENDERINGS = 3
# Inline markup a name in a table cell may sit in (``<td><a><span>…``).
_INSIDE_CELL = frozenset("a span b strong font em i p div".split())


def settle(
    names: list[Name], *, tabled: bool, hosts: AbstractSet[str], flags: int, shapes: int
) -> tuple[list[Name], list[str], list[tuple[Name, str]]]:
    """The names a tier keeps, in order, their texts, and those it drops with the reason.

    ``flags`` is every flag its names carry (and SPACED), ``shapes`` how many shapes they
    have: a tier of one shape, no bold, no pairs and no spaces (the usual tier) skips what
    cannot apply.
    """
    names = _without_counters(names)
    places: list[tuple[Name, str]] = []
    if flags & AFTER_PLACE:
        names, places = without_places(names)
    # Only a name holding a space may hold a person before its member.
    if flags & (AFTER_PERSON | SPACED):
        names, dropped = without_people_first(names, split=bool(flags & AFTER_PERSON))
    else:
        dropped = []
    dropped += places
    people = _representatives(names) if flags & PAIRED else set()
    people |= _renderings(names) if flags & LATIN else set()
    groups = _group_labels(names) if flags & BOLD else set()
    candidates = names
    # Taken once, for the host, the copies and the caller, while every name is kept (the
    # usual tier).
    texts = list(map(TEXT, names))
    # Looked for once: a name in a long tier is hardly ever the host's.
    hosted = not hosts.isdisjoint(texts)
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
    if kept is not names:
        texts = list(map(TEXT, kept))
    half = len(kept) // 2
    copy = repeated_half(texts) if half and texts[0] == texts[half] else 0
    dropped += [(name, "a copy of the list before it") for name in kept[len(kept) - copy :]]
    return kept[: len(kept) - copy], texts[: len(texts) - copy], dropped


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


def pairs_a_person(pieces: list[tuple[str, str | None]]) -> int:
    """The flag a line's names after its first carry when it pairs an organisation with a
    person: PAIRED for "星河科技有限公司　　李文华", "…研究院　　刘　洋" (the pieces name
    the person), AFTER_PERSON for "李文　星河科技有限公司" (the piece names the member);
    0 for any other line (the pieces of one line, with why each is no name)."""
    if len(pieces) < 2 or any(problem is not None for _, problem in pieces):
        return 0
    first = pieces[0][0]
    org = pieces[1][0]
    if len(pieces) == 2 and person_with_role(first) and looks_like_org(org, strict=True):
        return 0 if nameless(org) else AFTER_PERSON
    if len(pieces) == 2 and len(first) <= _MAX_PLACE and is_place(first):
        return 0 if nameless(org) or len(org) < _MIN_MEMBER else AFTER_PLACE
    rest = [piece for piece, _ in pieces[1:]]
    if len(rest) > 1 and any(len(piece) > 1 for piece in rest):
        return 0
    paired = looks_like_org(first, strict=True) and _PERSON.fullmatch("".join(rest)) is not None
    return PAIRED if paired else 0


def _representatives(names: list[Name]) -> set[int]:
    paired = [i for i, name in enumerate(names) if name[N_FLAGS] & PAIRED]
    lines = sum(1 for name in names if name[N_FLAGS] & LINE_START)
    # A spaced-out person ("刘　洋") is two pieces of one pair: count lines, not pieces.
    pairs = len({_line_of(names, i) for i in paired})
    if pairs < 2 or pairs < PAIRED_SHARE * lines:
        return set()
    return set(paired)


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

"""People printed before members: "李文 星河科技有限公司", "李文　星河厨业".

A page may print each member's representative before it, in its name or set apart as a
name of its own. Left in the name, or read as a member, the person makes the member's key
change with its representative: a false departure and a false join. Three lines of a tier
prove that it puts a person before each member; fewer, set apart, are a person's only
beside others; a page proven so speaks for its tiers too short to tell alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.core.parse.names import (
    AFTER_PERSON,
    AFTER_PLACE,
    LINE_START,
    N_FLAGS,
    N_LOGO,
    N_TEXT,
    TEXT,
    Name,
)
from tracker.core.parse.people import (
    any_place,
    is_place,
    nameless,
    person_and_role,
    person_apart,
    person_before,
    person_first,
    spaced_before,
)
from tracker.core.parse.text import looks_like_org

# Lines of a tier that prove it puts a person before each member.
PROOF = 3
# Share of a tier's lines that must pair an organisation with a person.
PAIRED_SHARE = 0.6
_SPACES = (" ", "\u3000", "\u00a0")
PERSON_FIRST = "a person before the member"
# Said apart: one line set apart is no evidence that the page's other tiers put people first
# (three are, see `puts_people_first`).
SET_APART = "a person set apart before the member on its line"
PLACE_APART = "a place set apart before the member on its line"


# What a name loses on a page that puts a person before each member: its person and what
# is left of it (None: the name was the person, read apart).
Unpeopled = tuple[str, str | None]


def _people_first(names: list[Name], *, split: bool) -> tuple[list[Name], list[tuple[Name, str]]]:
    """ "李文 星河科技有限公司": the tier's names without the person before each, and the
    people, when most lines (three or more) are a person, a space and an organisation.
    ``split`` says whether some line was read as two names ("李文　星河科技有限公司", see
    `pairs_a_person`): then the person is a name of its own, dropped the same way, and on
    fewer lines too (see `_split_people`).

    Kept whole when the people repeat, when they are places, when a member would be left
    with no name of its own, or when two members would become one (see `people.py`).
    """
    texts = "\n".join(map(TEXT, names))  # one search each, in C: most tiers hold no space
    if len(names) < PROOF or not split and not any(space in texts for space in _SPACES):
        return _split_people(names) if split else (names, [])
    found = _people_found(names, split=split)
    if len(found) < PROOF:
        return _split_people(names) if split else (names, [])
    splits = {index for index, _, _ in found if names[index][N_FLAGS] & AFTER_PERSON}
    # Three lines or more prove it; a line of a person before a brand agrees without proving
    # it, and is no line against it (a split line is two names).
    more, apart = _more_people(names, {index for index, _, _ in found})
    lines = len(names) - len(splits) - len(apart)
    if len(found) + len(more) < PAIRED_SHARE * lines:
        return _split_people(names) if split else (names, [])
    found += more
    splits |= apart
    found.sort()
    people = [person for _, person, _ in found]
    orgs = [org for _, _, org in found]
    # Two members made one are no members' representatives.
    others = {name[N_TEXT] for name in names} - {names[index][N_TEXT] for index, _, _ in found}
    if len(set(people)) < len(people) or len(set(orgs)) < len(orgs):
        return names, []
    # Places written into the names (not set apart) are a column of places, not people.
    places = any_place(person for index, person, _ in found if index not in apart)
    if places or not others.isdisjoint(orgs):
        return names, []
    out = list(names)
    dropped: list[tuple[Name, str]] = []
    for index, person, org in found:
        at = index - 1 if index in splits else index
        dropped.append(((person, *names[at][1:]), PERSON_FIRST))
        out[index] = _first_of_line(names[index], org)
    drop = {index - 1 for index in splits}
    return [name for index, name in enumerate(out) if index not in drop], dropped


def without_people_first(
    names: list[Name], *, split: bool
) -> tuple[list[Name], list[tuple[Name, str]]]:
    """A tier's names without the person before each member, and the people (see
    `_people_first`); a role read apart after the person goes with it (see `_with_roles`)."""
    folded = _with_roles(names) if split else names
    kept, dropped = _people_first(folded, split=split)
    # A role joined to its person only goes with it: a tier that drops no one keeps both.
    return (kept, dropped) if dropped or folded is names else (names, dropped)


def _with_roles(names: list[Name]) -> list[Name]:
    """ "钟屿　副理事长　己岚科技有限公司" read as three names: the person and the role as one
    name, set apart before the member as a person alone is ("钟屿　己岚…"), so that the role
    goes with the person (read as a member, it was a false join at each new role)."""
    out: list[Name] = []
    index = 0
    while index < len(names):
        if not _role_line(names, index):
            out.append(names[index])
            index += 1
            continue
        person, role, member = names[index : index + 3]
        out.append((f"{person[N_TEXT]} {role[N_TEXT]}", *person[1:]))
        org = member[N_TEXT]
        after = AFTER_PERSON if looks_like_org(org, strict=True) and not nameless(org) else 0
        out.append((*member[:N_FLAGS], member[N_FLAGS] | after))
        index += 3
    return out if len(out) < len(names) else names


def _role_line(names: list[Name], index: int) -> bool:
    """Whether names[index:index + 3] are a line of a person, a role and a member."""
    if index + 2 >= len(names):
        return False
    person, role, member = names[index : index + 3]
    last = index + 3 == len(names) or names[index + 3][N_FLAGS] & LINE_START
    return bool(
        last
        and person[N_FLAGS] & LINE_START
        and not (role[N_FLAGS] | member[N_FLAGS]) & LINE_START
        and not person[N_LOGO]
        and person_and_role(person[N_TEXT], role[N_TEXT])
    )


def _more_people(names: list[Name], taken: set[int]) -> tuple[list[tuple[int, str, str]], set[int]]:
    """On a tier that puts people before its members, the other lines that do: a person
    spaced out or before a member in no legal form ("李 露 星河厨业", "李文 星河厨业",
    "李文　星河厨业"), unless a place stands there (that line alone is kept whole). With
    them, the indexes of the members whose person was read as a name of its own."""
    found: list[tuple[int, str, str]] = []
    apart: set[int] = set()
    for index, name in enumerate(names):
        if index in taken or name[N_LOGO] or _person_of(names, index, taken):
            continue
        if (pair := person_before(name[N_TEXT])) is not None and not is_place(pair[0]):
            found.append((index, *pair))
        elif _second_of_two(names, index) and person_apart(names[index - 1][N_TEXT], name[N_TEXT]):
            # Read as a member, the person made a false join at each new representative.
            found.append((index, names[index - 1][N_TEXT], name[N_TEXT]))
            apart.add(index)
    return found, apart


def _person_of(names: list[Name], index: int, taken: set[int]) -> bool:
    """Whether names[index] is the person of a line taken ("李文 理事长", "星河科技有限公司"):
    no line of its own ("理事长" read as its member made two members one)."""
    after = index + 1
    return after in taken and after < len(names) and not names[after][N_FLAGS] & LINE_START


def _second_of_two(names: list[Name], index: int) -> bool:
    """Whether names[index] is the second and last name read from a line of two."""
    if index == 0 or names[index][N_FLAGS] & LINE_START or names[index - 1][N_LOGO]:
        return False
    last = index + 1 == len(names) or names[index + 1][N_FLAGS] & LINE_START
    return bool(last and names[index - 1][N_FLAGS] & LINE_START)


def _split_people(names: list[Name]) -> tuple[list[Name], list[tuple[Name, str]]]:
    """A tier's names without the person set apart before a member on its line, on lines
    too few to say the tier puts people first: the person is no part of the member's name,
    and a line of one member and one name shaped like a person is a representative's
    (read as a member, a new representative made a false join and a false departure).
    A tier of rows of names ("金宝　甲…　乙…", "李记　丙…") holds short members beside
    others: kept whole. A line of a person set apart before a brand ("李文　星河厨业") is
    no row: it goes with the tier's people (see `_more_people`)."""
    people = {index - 1 for index, name in enumerate(names) if name[N_FLAGS] & AFTER_PERSON}
    for index, name in enumerate(names):
        if name[N_FLAGS] & (LINE_START | AFTER_PERSON):
            continue
        if not _second_of_two(names, index) or not person_apart(
            names[index - 1][N_TEXT], name[N_TEXT]
        ):
            return names, []
        people.add(index - 1)
    kept: list[Name] = []
    dropped = [(names[index], SET_APART) for index in sorted(people)]
    for index, name in enumerate(names):
        if index - 1 in people:
            name = _first_of_line(name)
        elif index not in people and (pair := spaced_before(name[N_TEXT])) is not None:
            # "孟 青　星河厨业" beside such lines: a person spaced out is set apart too.
            dropped.append(((pair[0], *name[1:]), SET_APART))
            name = (pair[1], *name[1:])
        if index not in people:
            kept.append(name)
    return kept, dropped


def _first_of_line(name: Name, text: str | None = None) -> Name:
    """A member whose person before it on its line was dropped: now its line's first name
    (read as the second of two, a short tier's line would pair it with the line before,
    see `page_people`)."""
    return (name[N_TEXT] if text is None else text, *name[1:N_FLAGS], name[N_FLAGS] | LINE_START)


def puts_people_first(reasons: Iterable[str]) -> bool:
    """Whether a page puts a person before each member, from the reasons its names were
    dropped for: a tier says so, or three lines or more set a person apart on tiers too
    short to say so alone (as three lines prove it on one tier)."""
    apart = 0
    for reason in reasons:
        if reason == PERSON_FIRST:
            return True
        apart += reason == SET_APART
    return apart >= PROOF


def without_places(names: list[Name]) -> tuple[list[Name], list[tuple[Name, str]]]:
    """ "武汉　星河科技有限公司": a place set apart before the member on its line is where the
    member is, as a table's city column is, not a member (read as one, a column of places
    was half the tier's members). Dropped, the member's key is its name alone, as in that
    table, and stays when the page moves it to another city or stops printing cities
    (kept in the name, it would change: a false departure and a false join). A tier of
    rows of names ("金山　甲…　乙…") is kept whole."""
    if any(len(line) > 2 for line in _lines(names)):
        return names, []
    drop = {index - 1 for index, name in enumerate(names) if name[N_FLAGS] & AFTER_PLACE}
    kept = [
        _first_of_line(name) if index - 1 in drop else name
        for index, name in enumerate(names)
        if index not in drop
    ]
    return kept, [(names[index], PLACE_APART) for index in sorted(drop)]


def page_people(names: list[Name]) -> dict[str, Unpeopled]:
    """On a page whose other tiers put a person before each member, what a tier that could
    not tell alone loses: a person, with its role or not, read apart before the one member
    on its line ("钟屿　星河厨业", "钟屿　理事长　星河厨业": each read as a member) and a
    person before the member in one name ("李 文 星河厨业", "李文 星河科技有限公司", see
    `people.person_before`). Nothing from a tier of rows of names ("金宝　甲…　乙…", "金宝
    星河厨业" beside "李记"), and no person in a name from a tier that writes a place
    there (a column of places, kept whole)."""
    found: dict[str, Unpeopled] = {}
    singles: list[str] = []
    for line in _lines(names):
        texts = [name[N_TEXT] for name in line]
        if len(texts) == 1:
            singles += [] if line[0][N_LOGO] else texts
            continue
        if len(texts) == 3 and person_and_role(texts[0], texts[1]):
            texts = [f"{texts[0]} {texts[1]}", texts[2]]
            found[line[1][N_TEXT]] = (line[1][N_TEXT], None)
        if len(texts) > 2 or line[0][N_LOGO] or not person_apart(texts[0], texts[1]):
            return {}
        found[line[0][N_TEXT]] = (line[0][N_TEXT], None)
    within = {text: pair for text in singles if (pair := person_before(text)) is not None}
    # Places are a column of places; two members made one are no members' representatives.
    orgs = [org for _, org in within.values()]
    every = set(map(TEXT, names))
    if not any_place(person for person, _ in within.values()) and every.isdisjoint(orgs):
        found.update(within if len(set(orgs)) == len(orgs) else {})
    return found


def _lines(names: list[Name]) -> list[list[Name]]:
    """A tier's names by the line they were read from."""
    lines: list[list[Name]] = []
    for name in names:
        if name[N_FLAGS] & LINE_START or not lines:
            lines.append([name])
        else:
            lines[-1].append(name)
    return lines


def _people_found(names: list[Name], *, split: bool) -> list[tuple[int, str, str]]:
    """Each line of a tier that puts a person before an organisation: the index of its name,
    its person and its organisation (a split line's name is its organisation, after its
    person's)."""
    found: list[tuple[int, str, str]] = []
    for index, name in enumerate(names):
        if split and name[N_FLAGS] & AFTER_PERSON:
            found.append((index, names[index - 1][N_TEXT], name[N_TEXT]))
        elif not name[N_LOGO] and (pair := person_first(name[N_TEXT])) is not None:
            found.append((index, *pair))
    return found

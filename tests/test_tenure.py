"""`tracker.core.tenure`: which organisation each listing is, across renames, at once.

A logged rename is only likely: when the former name is listed again beside its successor,
the page itself says they are two organisations, and from then on they are two members.
"""

from __future__ import annotations

from tracker.core.tenure import Holders, Line, Stop, Stretch, Tenure, slug_of, tenures

OLD, NEW, OLD_RENAMED, OTHER = "启明医疗", "启明医疗股份", "启明医疗集团", "翠微软件"
AT = [
    "2024-01-01T00:00:00Z",
    "2024-01-02T00:00:00Z",
    "2024-01-03T00:00:00Z",
    "2024-01-04T00:00:00Z",
]


def _walk(
    lists: list[list[tuple[str, str]]], renames: dict[int, list[tuple[str, str]]]
) -> tuple[list[Tenure], Holders]:
    """Snapshot n (1-based, one stretch each) lists (tier, key) lines; keys are names."""
    spans = []
    for number, lines in enumerate(lists, start=1):
        stop = Stop(number, AT[number - 1])
        listed: list[Line] = [(tier, tier, p, key, key) for p, (tier, key) in enumerate(lines)]
        spans.append(Stretch(stop, stop, 1, listed))
    return tenures(spans, renames)


def _story(member: Tenure) -> tuple[list[str], list[tuple[str, int, int]], int, int]:
    return (
        [span.value for span in member.names],
        [(run.value, run.first.snapshot_id, run.last.snapshot_id) for run in member.runs],
        member.first_seen.snapshot_id,
        member.last_seen.snapshot_id,
    )


def test_a_rename_joins_the_two_names_into_one_member() -> None:
    members, holders = _walk([[("board", OLD)], [("board", NEW)]], {2: [(OLD, NEW)]})
    assert [_story(m) for m in members] == [([OLD, NEW], [("board", 1, 2)], 1, 2)]
    assert holders.slug(OLD, AT[0]) == holders.slug(NEW, AT[1]) == slug_of(OLD)


def test_a_former_name_listed_beside_its_successor_is_another_member_from_then_on() -> None:
    lists = [[("board", OLD)], [("board", NEW)], [("board", NEW), ("ordinary", OLD)]]
    members, holders = _walk(lists, {2: [(OLD, NEW)]})
    renamed, returned = members
    assert _story(renamed) == ([OLD, NEW], [("board", 1, 3)], 1, 3)
    assert _story(returned) == ([OLD], [("ordinary", 3, 3)], 3, 3)
    assert renamed.slug != returned.slug
    # Events link to the member the key stood for at the time.
    assert holders.slug(OLD, AT[0]) == renamed.slug
    assert holders.slug(OLD, AT[2]) == returned.slug
    assert holders.slug(NEW, AT[2]) == renamed.slug


def test_the_clash_is_resolved_whatever_the_page_order() -> None:
    lists = [[("board", OLD)], [("board", NEW)], [("board", OLD), ("ordinary", NEW)]]
    renamed, returned = _walk(lists, {2: [(OLD, NEW)]})[0]
    # The member keeps the key it was last listed under; the former one is the newcomer.
    assert _story(renamed) == ([OLD, NEW], [("board", 1, 2), ("ordinary", 3, 3)], 1, 3)
    assert _story(returned) == ([OLD], [("board", 3, 3)], 3, 3)


def test_a_returned_former_name_renamed_again_stays_its_own_member() -> None:
    lists = [
        [("board", OLD)],
        [("board", NEW)],
        [("board", NEW), ("ordinary", OLD)],
        [("board", NEW), ("ordinary", OLD_RENAMED)],
    ]
    members, holders = _walk(lists, {2: [(OLD, NEW)], 4: [(OLD, OLD_RENAMED)]})
    assert [_story(m) for m in members] == [
        ([OLD, NEW], [("board", 1, 4)], 1, 4),
        ([OLD, OLD_RENAMED], [("ordinary", 3, 4)], 3, 4),
    ]
    assert holders.slug(OLD_RENAMED, AT[3]) == members[1].slug


def test_a_rename_and_back_is_one_member() -> None:
    lists = [[("board", OLD)], [("board", NEW)], [("board", OLD)]]
    members, _ = _walk(lists, {2: [(OLD, NEW)], 3: [(NEW, OLD)]})
    assert [_story(m) for m in members] == [([OLD, NEW], [("board", 1, 3)], 1, 3)]


def test_a_key_never_listed_has_no_member() -> None:
    _, holders = _walk([[("board", OTHER)]], {})
    assert holders.slug("从未列出", AT[0]) == ""
    assert holders.slug(None, AT[0]) == ""

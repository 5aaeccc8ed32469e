"""Names set side by side in sibling inline tags, read apart.

A tag cloud of members (``<div class="tags"><em>星河大学</em> <em>青岚数据有限公司</em></div>``)
shows each name in its own tag with a space between: a reader sees two names, as in a row of
links (`walk.Buffer._spans`). The walk reads the block as one line, and the names would run
together into one member that exists nowhere. With no space between, the tags style parts of
one name (``<font color="red">丙岳大学</font><font>计算机学院</font>``) and stay one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise

from selectolax.lexbor import LexborNode

from tracker.core.parse.marks import Run
from tracker.core.parse.orgs import looks_like_org
from tracker.core.parse.people import is_person, is_place, is_role, nameless, person_with_role
from tracker.core.parse.walk import TEXT, Line

# Tags that style text within a line: a block of nothing but these, one kind, spaced apart.
_INLINE = frozenset({"span", "em", "font", "i", "b", "strong", "small", "label", "cite", "u"})
# A part of the organisation named before it: "丙岳大学" "计算机学院", "甲星大学" "附属医院".
_PART = re.compile(r"^附属|(?:学院|系|研究所|中心|实验室|分公司|分院|分会|办公室|部)$")
# "星河" "智能": words of one name; "庚辰数智" "甲星智能": a name each.
_WHOLE = 4
_PAIRS = (("（", "）"), ("(", ")"), ("“", "”"), ("「", "」"), ("《", "》"), ("【", "】"))


def read_apart(
    lines: list[Line], runs: dict[int, Run], whole: list[str]
) -> tuple[list[Line], dict[int, Run]]:
    """The lines, each line of names in sibling inline tags split into one line per tag, and
    the simple lists (`Marks.runs`, keyed by the index of their first line) moved to match.
    The texts of the lines left whole that may be names run together are added to ``whole``
    (see `names_run_together`): a list of several pages is judged once, when all are read.
    A simple list's lines are its own (see `walk.run_line`): none is split."""
    found: dict[int, list[str]] = {}
    for index in _outside(runs, len(lines)):
        tags = _tag_texts(lines[index])
        if tags is None:
            continue
        pieces, spaced = tags
        if spaced and _apart(pieces):
            found[index] = pieces
        elif _names_of_their_own(pieces):
            whole.append(lines[index].text)
    if not found:
        return lines, runs
    out: list[Line] = []
    moved: dict[int, Run] = {}
    for index, line in enumerate(lines):
        if index in runs:
            moved[len(out)] = runs[index]
        split = found.get(index)
        out += [line] if split is None else [line._replace(text=piece) for piece in split]
    return out, moved


def names_run_together(whole: list[str], names: list[str]) -> list[str]:
    """A problem when a line `read_apart` left whole became a member: the tags abut, so the
    markup cannot tell one name styled in parts ("<font>丙岳大学</font><font>计算机学院</font>")
    from names run together ("<em>庚辰数智</em><em>丙岳云</em><em>甲星智能</em>")."""
    if not whole:
        return []
    joined = {"".join(text.split()) for text in whole}
    read = [name for name in names if "".join(name.split()) in joined]
    if not read:
        return []
    return [
        f"names in sibling tags read as one ({len(read)}, such as {read[0]!r}): names run "
        "together, or one name styled in parts; the markup cannot tell"
    ]


def _outside(runs: dict[int, Run], count: int) -> Iterator[int]:
    """The indices of the lines no simple list holds: a long list is mostly one run, so
    its lines are never looked at one by one."""
    start = 0
    for first, run in sorted(runs.items()):
        yield from range(start, first)
        start = max(start, first + len(run[1]))
    yield from range(start, count)


def _apart(texts: list[str]) -> bool:
    """Whether spaced tags hold a name each: none a role, a place or a name's tail
    ("<b>星河</b> <b>科技有限公司</b>"), written before or after one member (see `people`).

    A pair may be one member too: a person and the organisation ("王一 星河科技有限公司"), a
    name and its English name, a name and its part ("丙岳大学 计算机学院"), two words of one
    brand; it is read apart only when at least
    one of the two is named like an organisation and neither is a person. Three tags or more
    are a row of names when half of them are named like organisations and no English name
    follows a Chinese one (its rendering). Short brands alone ("丁岫 丙岳云 甲星智能") look like
    one name styled word by word ("Qinglan" "Data" "Technology"), a joint lab's parts or a
    card's extras beside its name ("王一", "自动驾驶"): left whole, and so held back as names
    that may run together (`names_run_together`), never split into members who exist
    nowhere (review12).
    """
    if any(map(_beside_a_name, texts)):
        return False
    if len(texts) > 2:
        rendered = any(map(_translated, pairwise(texts)))
        return not rendered and 2 * sum(map(looks_like_org, texts)) >= len(texts)
    if _translated(texts) or _PART.search(texts[1]) or any(map(person_with_role, texts)):
        return False
    return any(map(looks_like_org, texts))


def _names_of_their_own(texts: list[str]) -> bool:
    """Whether tags left whole may each hold a name: two characters or more, brackets
    closed, no role, place or tail, and a sign of two names: three tags or more; or a second
    no part of the first (学院, 分公司) and both named like organisations, or neither and both
    as long as a Chinese name, or an English name before a Chinese one (after it, it is its
    translation). A name cut anywhere ("丁岫视觉有" "限公司") shows none of these."""
    if any(len(text) < 2 or not _closed(text) or _beside_a_name(text) for text in texts):
        return False
    if len(texts) > 2:
        return True
    first, second = texts
    if _PART.search(second) or _translated(texts):
        return False
    named = sum(map(looks_like_org, texts))
    if named == 2 or (named == 0 and min(len(first), len(second)) >= _WHOLE and _chinese(texts)):
        return True
    return first.isascii() != second.isascii()


def _chinese(texts: list[str]) -> bool:
    # An English name cut anywhere ("Xingh" "e AI") keeps words as long as a Chinese name.
    return not any(text.isascii() for text in texts)


def _closed(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def _translated(pair: Sequence[str]) -> bool:
    """A name and its English name after it ("星河科技有限公司 Xinghe Technology Co., Ltd."):
    one. An English name first is a member of its own ("Xinghe AI 丁岫视觉有限公司")."""
    return not pair[0].isascii() and pair[1].isascii()


def _beside_a_name(text: str) -> bool:
    """A role (with its person), a place or a name's tail: part of a member's line."""
    return (
        (person_with_role(text) and not is_person(text))
        or is_role(text)
        or is_place(text)
        or nameless(text)
    )


def _tag_texts(line: Line) -> tuple[list[str], bool] | None:
    """The texts of ``line``'s tags when its block holds nothing but 2+ tags of one inline
    kind and their text is the line's, and whether white space sits between each two (or
    none between any)."""
    if line.kind != TEXT or line.heading is not None or line.node is None:
        return None
    found = _block_texts(line.node)
    if found is None or len(found[0]) < 2:
        return None
    texts, spaced = found
    if spaced:
        return found if " ".join(texts) == " ".join(line.text.split()) else None
    # Abutting tags: the line's text may have lost the spaces inside a name ("Jiaxing AI").
    return found if "".join("".join(texts).split()) == "".join(line.text.split()) else None


def _block_texts(block: LexborNode) -> tuple[list[str], bool] | None:
    texts: list[str] = []
    kind, gaps, spaced = "", set(), False
    child = block.child
    # Most blocks hold one tag or none (a list's item): nothing to read apart.
    if child is None or child.next is None:
        return None
    while child is not None:
        tag = child.tag
        if tag == "-text":
            if (child.text_content or "").strip():
                return None
            spaced = True
        elif tag != "-comment":
            text = " ".join((child.text() or "").split())
            if tag not in _INLINE or not text or kind not in ("", tag):
                return None
            if kind:
                gaps.add(spaced)
            kind, spaced = tag, False
            texts.append(text)
        child = child.next
    return (texts, True in gaps) if len(gaps) < 2 else None

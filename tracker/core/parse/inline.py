"""Names set side by side in sibling inline tags, read apart.

A tag cloud of members (``<div class="tags"><em>星河大学</em> <em>青岚数据有限公司</em></div>``)
shows each name in its own tag with a space between: a reader sees two names, as in a row of
links (`walk.Buffer._spans`). The walk reads the block as one line, and the names would run
together into one member that exists nowhere. With no space between, the tags style parts of
one name (``<font color="red">丙岳大学</font><font>计算机学院</font>``) and stay one line.
"""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborNode

from tracker.core.parse.marks import Run
from tracker.core.parse.orgs import looks_like_org
from tracker.core.parse.people import is_person, is_place, is_role, nameless, person_with_role
from tracker.core.parse.walk import TEXT, Line

# Tags that style text within a line: a block of nothing but these, one kind, spaced apart.
_INLINE = frozenset({"span", "em", "font", "i", "b", "strong", "small", "label", "cite", "u"})


def read_apart(lines: list[Line], runs: dict[int, Run]) -> tuple[list[Line], dict[int, Run]]:
    """The lines, each line of names in sibling inline tags split into one line per tag, and
    the simple lists (`Marks.runs`, keyed by the index of their first line) moved to match.
    A simple list's lines are its own (see `walk.run_line`): none is split."""
    found = {}
    for index in _outside(runs, len(lines)):
        if " " in lines[index].text and (pieces := _pieces(lines[index])) is not None:
            found[index] = pieces
    if not found:
        return lines, runs
    out: list[Line] = []
    moved: dict[int, Run] = {}
    for index, line in enumerate(lines):
        if index in runs:
            moved[len(out)] = runs[index]
        pieces = found.get(index)
        out += [line] if pieces is None else [line._replace(text=piece) for piece in pieces]
    return out, moved


def _outside(runs: dict[int, Run], count: int) -> Iterator[int]:
    """The indices of the lines no simple list holds: a long list is mostly one run, so
    its lines are never looked at one by one."""
    start = 0
    for first, run in sorted(runs.items()):
        yield from range(start, first)
        start = max(start, first + len(run[1]))
    yield from range(start, count)


def _pieces(line: Line) -> list[str] | None:
    """The names of ``line`` when its block holds nothing but 2+ tags of one inline kind,
    white space between each two, and none a role, a place or a name's tail ("<b>星河</b>
    <b>科技有限公司</b>"): those are written before or after one member (see `people`).

    A pair may be one member too: a person and the organisation ("王一 星河科技有限公司"), a
    name and its English name, two words of one brand; it is read apart only when at least
    one of the two is named like an organisation and neither is a person. Three tags or more
    are a row of names whatever they are named ("丁岫 丙岳云 甲星智能": short brands).
    """
    if line.kind != TEXT or line.heading is not None or line.node is None:
        return None
    texts = _tag_texts(line.node)
    if texts is None or len(texts) < 2 or " ".join(texts) != " ".join(line.text.split()):
        return None
    if any(map(_beside_a_name, texts)):
        return None
    if len(texts) > 2:
        return texts
    if _translated(texts) or any(map(person_with_role, texts)):
        return None
    return texts if any(map(looks_like_org, texts)) else None


def _translated(pair: list[str]) -> bool:
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


def _tag_texts(block: LexborNode) -> list[str] | None:
    texts: list[str] = []
    kind, spaced = "", True
    child = block.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            if (child.text_content or "").strip():
                return None
            spaced = True
        elif tag != "-comment":
            text = " ".join((child.text() or "").split())
            if tag not in _INLINE or not spaced or not text or kind not in ("", tag):
                return None
            kind, spaced = tag, False
            texts.append(text)
        child = child.next
    return texts

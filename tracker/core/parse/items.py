"""Simple lists read in one step: ``<ul><li><a href="…">星河科技有限公司</a></li>…</ul>``.

A member list is mostly a block of items, each holding one name in a few bare inline
wrappers. Walked node by node (``walk.py``) each item costs a handful of Python calls per
element; serialised by lexbor and matched by one regular expression, the whole block costs
a few C calls. The expression accepts only what the walk provably reads as one plain line
per item, its text:

- items are ``li``, ``p`` or ``dd`` (their shape step is the tag alone), with any
  attributes, none marked by a structural pass (empty ones included: an empty
  breadcrumb still ends a tier);
- inside an item, at most three inline wrappers without attributes (``span``, ``font``,
  ``em``, ``i``, ``u``, ``small``) or links with only ``href`` and ``target`` (no ``title``:
  a cut-short text is read from it) around one text, and whitespace: nothing bold, no
  heading, image, break, comment or script, nothing a class or id could mark;
- the text holds no ``&`` or ``<``: lexbor writes ``&amp;``, ``&lt;``, ``&gt;`` and
  ``&nbsp;`` for those, so what matched is the text node as the walk reads it.

Anything else (a class on a wrapper, a second text, a comment) fails the match, and the
walk reads the block as before. The lines are the texts stripped where that leaves them
clean (checked for the whole block at once), else as `line_text` makes each.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from tracker.core.parse.text import line_text

# A simple list's lines' nodes and texts, and the texts joined by line breaks.
Run = tuple[list[LexborNode], list[str], str]

# Whitespace the walk drops between elements (all of it is str.isspace()).
_WS = "[ \\t\\n\\f]*"
_LINK = '<a(?: (?:href|target)="[^"<>&]*")*>'
_OPEN = f"(?:<(?:span|font|em|i|u|small)>|{_LINK})"
_CLOSE = r"</(?:span|font|em|i|u|small|a)>"
# Each item whole (with the whitespace before it), its tag, its text.
_ITEM = re.compile(
    f"({_WS}<(li|p|dd)(?: [^<>]*)?>{_WS}(?:{_OPEN}{_WS}){{0,3}}([^<&]*)(?:{_CLOSE}{_WS}){{0,3}}</\\2>)"
)
# The wrappers an item opens, in order, as _OPEN matched them.
_WRAPPER = re.compile(r"<(span|font|em|i|u|small|a)[ >]")
# What ASCII_SPACE.sub(" ", line) changes in a line: any of it but a lone space (and a
# line break, counted apart: the lines are joined by it).
_UNCLEAN = ("  ", "\t", "\r", "\f")
# A block worth trying: fewer items cost less walked than serialised.
_MIN_ITEMS = 4
LIST_TAGS = frozenset({"ul", "ol", "div", "dl"})
ITEM_TAGS = frozenset({"li", "p", "dd"})


def simple_items(block: LexborNode) -> Run | None:
    """The items of a simple list that give a line, their lines (`line_text` of the text
    the walk gathers) and those joined by line breaks, or None when the block is not one.
    (Whether a structural pass marked one of its items is the walk's to ask first: see
    `marks.holding`.)"""
    html = block.html or ""
    start = html.find(">") + 1
    end = html.rfind("</")
    # Values are quoted with '"' (escaped inside): an odd count means a ">" in a value.
    if start <= 0 or end < start or html.count('"', 0, start) % 2:
        return None
    read = _read(html, start, end)
    if read is None or len(read[0]) < _MIN_ITEMS:
        return None
    texts, lines, joined = read
    items = list(block.iter(include_text=False))
    if len(items) != len(texts):
        return None
    # Lines that stripping leaves as line_text leaves them (most): no empty one, nothing
    # ASCII_SPACE would change (a run of spaces, a tab or a line break). Joined, one check
    # is each line's; the join is kept for the readers that search the lines together.
    # (Substring scans, in C: isprintable looks each character up, ten times slower.)
    # With no line break inside a line, an empty one is two breaks side by side or one at
    # an end: found in C, where comparing each line with "" is a call per line.
    if (
        joined.count("\n") >= len(lines)
        or "\n\n" in joined
        or joined[:1] == "\n"
        or joined[-1:] == "\n"
        or any(map(joined.__contains__, _UNCLEAN))
    ):
        kept = [
            (node, line)
            for node, text in zip(items, texts, strict=True)
            if (line := line_text(text))
        ]
        lines = [line for _, line in kept]
        return [node for node, _ in kept], lines, "\n".join(lines)
    return items, lines, joined


def _read(html: str, start: int, end: int) -> tuple[list[str], list[str], str] | None:
    """The texts of the items html[start:end] is made of, one after the other, those
    stripped and the stripped joined by line breaks; or None."""
    first = _ITEM.match(html, start, end)
    if first is None:
        return None
    # The block's content but whitespace at its end, by its bounds (a copy costs more).
    while html[end - 1] in " \t\n\f":
        end -= 1
    # What comes before and after the first item's text.
    opening, closing = html[first.start(1) : first.start(3)], html[first.end(3) : first.end(1)]
    # Most lists repeat their first item's markup byte for byte but for the text.
    if (repeated := _repeated(html, start, end, opening, closing)) is not None:
        return repeated
    texts = _matched(html, start, end, first, closing)
    if texts is None:
        return None
    lines = list(map(str.strip, texts))
    return texts, lines, "\n".join(lines)


def _matched(
    html: str, start: int, end: int, first: re.Match[str], closing: str
) -> list[str] | None:
    """The texts of the items html[start:end] is made of, as _ITEM matches them (the first
    one ``first``, closed by ``closing``), or None."""
    # Matches do not overlap and come in order: if their lengths add up to the block's
    # content (but whitespace at its end), they are all of it, one after the other.
    content = end - start
    # An expression for the first item's markup alone (a third of the cost), a subset of
    # what _ITEM matches, alike grouped but for what closes the item, the first item's
    # exactly (its length then known).
    alike = _alike(first[2], tuple(_WRAPPER.findall(first[1])), closing)
    found = alike.findall(html, start, end)
    if sum(map(len, map("".join, found))) + len(closing) * len(found) == content:
        return [text for _, text in found]
    every = _ITEM.findall(html, start, end)
    if sum(map(len, [whole for whole, _, _ in every])) != content:
        return None
    # The walk reads an item of another tag as outside the run: not a simple list then.
    if len({tag for _, tag, _ in every}) != 1:
        return None
    return [text for _, _, text in every]


def _repeated(
    html: str, start: int, end: int, opening: str, closing: str
) -> tuple[list[str], list[str], str] | None:
    """As `_read`, when html[start:end] is nothing but items each of the opening, a text
    and the closing (the first item's, which _ITEM matched); None when it is anything else.

    Split and checked in C, in one split: between two texts stands the closing and the
    next opening. No text may hold a "<" or "&" (as _ITEM requires: none then holds a
    tag), which the lines joined tell (stripping takes neither), a third the length of
    the block. Every separator begins with the closing's "<", so splitting finds each
    where an item ends and no other (a text holds none; _ITEM's closing is end tags only,
    so it never holds the opening and no separator is cut in two). The texts differ from
    _ITEM's only in whitespace before them, which every reader strips."""
    inner, outer = start + len(opening), end - len(closing)
    if inner > outer:
        return None
    if not (html.startswith(opening, start, end) and html.endswith(closing, start, end)):
        return None
    texts = html[inner:outer].split(closing + opening)
    # Fewer items than a simple list holds: the expressions will tell what they are.
    if len(texts) < _MIN_ITEMS:
        return None
    lines = list(map(str.strip, texts))
    joined = "\n".join(lines)
    return None if "<" in joined or "&" in joined else (texts, lines, joined)


@lru_cache(maxsize=64)
def _alike(tag: str, wrappers: tuple[str, ...], closing: str) -> re.Pattern[str]:
    """_ITEM for items of one tag in these wrappers (links with any of their attributes),
    closed by ``closing``: groups for what comes before the text, and the text."""
    opens = "".join(f"{_LINK if wrapper == 'a' else f'<{wrapper}>'}{_WS}" for wrapper in wrappers)
    return re.compile(f"({_WS}<{tag}(?: [^<>]*)?>{_WS}{opens})([^<&]*){re.escape(closing)}")

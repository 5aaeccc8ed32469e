"""Simple lists read in one step: ``<ul><li><a href="…">星河科技有限公司</a></li>…</ul>``.

A member list is mostly a block of items, each holding one name in a few bare inline
wrappers. Walked node by node (``walk.py``) each item costs a handful of Python calls per
element; serialised by lexbor and matched by one regular expression, the whole block costs
a few C calls. The expression accepts only what the walk provably reads as one plain line
per item, its text:

- items are ``li``, ``p`` or ``dd`` (their shape step is the tag alone), with any
  attributes: the caller checks that no structural pass marked one;
- inside an item, at most three inline wrappers without attributes (``span``, ``font``,
  ``em``, ``i``, ``u``, ``small``) or links with only ``href`` and ``target`` (no ``title``:
  a cut-short text is read from it) around one text, and whitespace: nothing bold, no
  heading, image, break, comment or script, nothing a class or id could mark;
- the text holds no ``&`` or ``<``: lexbor writes ``&amp;``, ``&lt;``, ``&gt;`` and
  ``&nbsp;`` for those, so what matched is the text node as the walk reads it.

Anything else (a class on a wrapper, a second text, a comment) fails the match, and the
walk reads the block as before.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

# Whitespace the walk drops between elements (all of it is str.isspace()).
_WS = "[ \\t\\n\\f]*"
_OPEN = r'(?:<(?:span|font|em|i|u|small)>|<a(?: (?:href|target)="[^"<>&]*")*>)'
_CLOSE = r"</(?:span|font|em|i|u|small|a)>"
# Each item whole (with the whitespace before it), its tag, its text.
_ITEM = re.compile(
    f"({_WS}<(li|p|dd)(?: [^<>]*)?>{_WS}(?:{_OPEN}{_WS}){{0,3}}([^<&]*)(?:{_CLOSE}{_WS}){{0,3}}</\\2>)"
)
# A block worth trying: fewer items cost less walked than serialised.
_MIN_ITEMS = 4
LIST_TAGS = frozenset({"ul", "ol", "div", "dl"})
ITEM_TAGS = frozenset({"li", "p", "dd"})


def simple_items(block: LexborNode) -> list[tuple[LexborNode, str]] | None:
    """Each item of a simple list with its text as the walk gathers it (untrimmed), or None
    when the block is not one."""
    html = block.html or ""
    start = html.find(">") + 1
    end = html.rfind("</")
    # Values are quoted with '"' (escaped inside): an odd count means a ">" in a value.
    if start <= 0 or end < start or html.count('"', 0, start) % 2:
        return None
    found = _ITEM.findall(html, start, end)
    # Matches do not overlap and come in order: if their lengths add up to the block's
    # content (but whitespace at its end), they are all of it, one after the other.
    covered = sum(map(len, [whole for whole, _, _ in found]))
    if covered != len(html[start:end].rstrip(" \t\n\f")) or len(found) < _MIN_ITEMS:
        return None
    # The walk reads an item of another tag as outside the run: not a simple list then.
    if len({tag for _, tag, _ in found}) != 1:
        return None
    items = list(block.iter(include_text=False))
    if len(items) != len(found):
        return None
    return [(node, text) for node, (_, _, text) in zip(items, found, strict=True)]

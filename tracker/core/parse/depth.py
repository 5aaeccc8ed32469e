"""How deep a page's elements nest, estimated from its tags before any tree is built.

Building the tree is itself super-linear in depth (lexbor walks its stack of open elements
for many tags: 100,000 nested ``<div>`` take minutes), so the depth has to be known before.
The scan is one linear pass over the tags, approximating the HTML tree builder: void
elements and comments open nothing, script and style text holds no tags, an end tag closes
what it names (and whatever was left open inside), and a ``<li>``, ``<p>``, ``<td>``… closes
its open sibling as browsers do. Where the approximation is unsure it counts deeper, so a
refused page errs towards a page refused, never a tree built unbounded.
"""

from __future__ import annotations

import re
from sys import intern

# Real member pages nest 10–12 elements deep (the fixtures, ../shared/real-pages); old
# table layouts and templates that leave a <div> per member unclosed nest hundreds. Browsers
# stop nesting at 512 (Blink) and render the rest flat; past this limit a page is refused.
MAX_DEPTH = 2000

# Comments, and the text of scripts and styles, hold no elements: set aside first (to the
# page's end when never closed).
_NOT_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b.*?(?:</\1|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param "
    "source track wbr".split()
)
# A start tag of the key closes an open element of the value's kinds, searched back over a few
# open elements (inline markup left open inside an item) but not past a list or table.
_CLOSES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("li",), frozenset({"li"})),
    **dict.fromkeys(("dd", "dt"), frozenset({"dd", "dt"})),
    **dict.fromkeys(("option", "optgroup"), frozenset({"option"})),
    **dict.fromkeys(("td", "th"), frozenset({"td", "th"})),
    "tr": frozenset({"tr", "td", "th"}),
    **dict.fromkeys(("tbody", "thead", "tfoot"), frozenset({"tbody", "thead", "tfoot", "tr"})),
    **dict.fromkeys(
        "p div ul ol dl table h1 h2 h3 h4 h5 h6 pre form blockquote section article header "
        "footer nav aside address center hr".split(),
        frozenset({"p"}),
    ),
}
_BOUNDARY = frozenset("ul ol dl table select html body svg math".split())
_LOOK_BACK = 8


def too_deep(html: str) -> str | None:
    """Why the page is not read when it nests past the limit; None when it does not."""
    depth = nesting_depth(html)
    if depth <= MAX_DEPTH:
        return None
    return (
        f"the page nests its elements {depth:,} deep, past the limit of {MAX_DEPTH:,}: "
        "broken or hostile markup, not read"
    )


def nesting_depth(html: str, *, stop_after: int | None = None) -> int:
    """The deepest the elements of ``html`` nest, approximately and rather over than under.

    With ``stop_after``, the scan ends as soon as the depth passes it.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    # Each spelling lowered once, interned: a stack of 100,000 open <div> holds one string.
    names: dict[str, str] = {}
    for closing, tag, slash in _TAG.findall(markup_only(html)):
        if (name := names.get(tag)) is None:
            name = names[tag] = intern(tag.lower())
        if closing:
            if stack and stack[-1] == name:  # most end tags close the innermost element
                stack.pop()
                open_count[name] -= 1
            elif open_count.get(name):
                _close(stack, open_count, name)
            continue
        if name in _CLOSES:
            _implied_close(stack, open_count, _CLOSES[name])
        # "<path/>" closes itself only in SVG and MathML; "<div/>" opens a div.
        if name in _VOID or (slash and (open_count.get("svg") or open_count.get("math"))):
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if stop_after is not None and deepest > stop_after:
                break
    return deepest


def markup_only(html: str) -> str:
    """The page without its comments and the text of its scripts and styles."""
    return _NOT_MARKUP.sub("", html)


def _close(stack: list[str], open_count: dict[str, int], name: str) -> None:
    """An end tag closes the element it names, and what is open inside it."""
    while stack:
        top = stack.pop()
        open_count[top] -= 1
        if top == name:
            return


def _implied_close(stack: list[str], open_count: dict[str, int], closes: frozenset[str]) -> None:
    """Close the outermost open element of ``closes`` among the last few, short of a list
    or table (a new row closes its row and the cell open in it)."""
    found = 0
    for back in range(1, min(_LOOK_BACK, len(stack)) + 1):
        kind = stack[-back]
        if kind in closes:
            found = back
        elif kind in _BOUNDARY:
            break
    if found:
        for top in stack[-found:]:
            open_count[top] -= 1
        del stack[-found:]

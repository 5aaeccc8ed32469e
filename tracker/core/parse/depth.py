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
from collections.abc import Iterator
from functools import lru_cache
from sys import intern

# Real member pages nest 10–12 elements deep (the fixtures, ../shared/real-pages); old
# table layouts and templates that leave a <div> per member unclosed nest hundreds. Browsers
# stop nesting at 512 (Blink) and render the rest flat; past this limit a page is refused.
MAX_DEPTH = 2000
# How much of a page `may_nest_too_deep` counts end tags in at a time.
_STRETCH = 4096

# Comments, and the text of scripts and styles, hold no elements: set aside first (to the
# page's end when never closed). The lookahead names the characters each alternative can
# begin with (case-folded as they are): a "<" followed by none of them, as most are, is
# passed over at once instead of against ten alternatives (four times faster).
_NOT_MARKUP = re.compile(
    r"<(?=[!stxinp])(?:!--.*?(?:-->|\Z)"
    r"|(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b.*?(?:</\1|\Z))",
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

# Runs of like list items, as `_Scan.run` needs them: each item opens the run's item tag,
# then none, one or two inline elements (none in _CLOSES or _VOID, none self-closing: a
# "/" before ">" is void inside SVG), around text, each closed by its own end tag. The
# tags are written as _TAG reads them (a name ends at a space, "/" or ">").
_INLINE = "span|a|font|em|i|u|small|b|strong"
_SPACE = re.compile(r"\s*")


def _item(k: int, tag: str = "(?P=item)", inline: str = "w") -> str:
    """An item with k inline elements nested in it (groups: the item tag, the inline ones)."""
    attrs = r"(?:\s[^<>]*[^<>/])?>"
    opens = "".join(f"<(?P<{inline}{i}>{_INLINE}){attrs}[^<]*" for i in range(k))
    closes = "".join(f"</(?P={inline}{i})\\s*>[^<]*" for i in reversed(range(k)))
    return f"<{tag}{attrs}[^<]*{opens}{closes}</(?P=item)\\s*>"


# Lowercase only: a backreference ignoring case is markedly slower, and pages that shout
# their tags are scanned tag by tag all the same. One expression per item kind: three
# alternatives in one cost several times more than three passes. Each begins with "<",
# which the regex engine looks for before trying the rest.
_FIRST = r"(?P<item>li|p|dd)(?=[\s>])"
_ITEMS = [re.compile(_item(k, _FIRST)) for k in (0, 1, 2)]
# A run's first three items; the rest are matched by `_more`.
_RUN_STARTS = [re.compile(f"{_item(k, _FIRST, 'f')}(?:\\s*{_item(k)}){{2}}") for k in (0, 1, 2)]


def _runs(text: str) -> Iterator[tuple[int, int, int]]:
    """Runs of like items, in order and apart: (start, end, kind), each a match of
    ``f"{_item(kind, _FIRST, 'f')}(?:\\s*{_item(kind)}){{2,}}\\s*"``.

    Each kind is searched for from the end of the last run, the kind of that run first and
    the others only up to the earliest start found so far: a run of thousands of items is
    scanned by its own expressions, not by the other kinds' too, and a kind with none
    left is not searched again. Each item matches in one way or none, so the greedy
    repetition takes every item that follows the first three: first those with the first
    item's own inline tags (an expression with no alternatives, several times faster),
    then any others. (Which runs are found changes no depth: see `_Scan.run`.)"""
    at, kinds, spent = 0, [0, 1, 2], set()
    while True:
        start, kind = None, 0
        for candidate in kinds:
            if candidate in spent:
                continue
            found = _RUN_STARTS[candidate].search(
                text, at, len(text) if start is None else start.start()
            )
            if found is not None:
                start, kind = found, candidate
            elif start is None:
                spent.add(candidate)
        if start is None:
            return
        alike, others = _more(kind, start["item"], *(start[f"f{i}"] for i in range(kind)))
        end = alike.match(text, start.end()).end()  # type: ignore[union-attr]
        at = others.match(text, end).end()  # type: ignore[union-attr]
        yield start.start(), at, kind
        kinds = [kind, *(other for other in range(len(_RUN_STARTS)) if other != kind)]


@lru_cache(maxsize=64)
def _more(kind: int, item: str, *inline: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The items after a run's first three: those alike (these tags), then any of the kind."""
    alike = _item(kind).replace("(?P=item)", item)
    for i, tag in enumerate(inline):
        alike = alike.replace(f"(?P<w{i}>{_INLINE})", tag).replace(f"(?P=w{i})", tag)
    others = _item(kind).replace("(?P=item)", item)
    return re.compile(f"(?:\\s*{alike})*"), re.compile(f"(?:\\s*{others})*\\s*")


def may_nest_too_deep(html: str) -> bool:
    """Whether the page opens enough elements to nest past the limit (or a scan must tell)."""
    # Each element the scan opens is a "<" not followed by "/" in the markup, and so in the
    # page (what markup_only removes begins with "<"): too few of them, and no scan is needed.
    opened = html.count("<")
    if opened <= MAX_DEPTH:
        return False
    # The end tags are counted a stretch at a time, until enough of them prove the answer:
    # on a page of a few thousand tags, in its first third (counting them all was 0.2 M
    # instructions of a 567-member parse). Each stretch after the first begins one character
    # back, so that an end tag astride two stretches is counted, once, in the second.
    closed, start = 0, 0
    while start < len(html) - 1:
        end = start + _STRETCH
        closed += html.count("</", start, end)
        if opened - closed <= MAX_DEPTH:
            return False
        start = end - 1
    return True


def too_deep(html: str, *, markup: str | None = None) -> str | None:
    """Why the page is not read when it nests past the limit; None when it does not.

    ``markup`` is ``markup_only(html)`` when the caller has it already.
    """
    if not may_nest_too_deep(html):
        return None
    depth = nesting_depth(html, markup=markup)
    if depth <= MAX_DEPTH:
        return None
    return (
        f"the page nests its elements {depth:,} deep, past the limit of {MAX_DEPTH:,}: "
        "broken or hostile markup, not read"
    )


def nesting_depth(html: str, *, stop_after: int | None = None, markup: str | None = None) -> int:
    """The deepest the elements of ``html`` nest, approximately and rather over than under.

    With ``stop_after``, the scan ends as soon as the depth passes it; ``markup`` is
    ``markup_only(html)`` when the caller has it already.

    A long list repeats one item (``<li><a href="…">…</a></li>``) thousands of times, and
    an item that leaves the scan where it found it leaves it so every time: such runs
    (`_RUN`) are scanned two items deep and passed over (see `_Scan.run`).
    """
    text = markup_only(html) if markup is None else markup
    scan = _Scan(stop_after)
    done = 0
    for start, end, kind in _runs(text):
        if start < done or not _tags_end_before(text, done, start):
            # A tag left open before the run would take the run's first "<" into it: the
            # run is then scanned tag by tag, as part of what comes before the next one.
            continue
        if scan.feed(_TAG.findall(text, done, start)) or scan.run(text, start, end, kind):
            return scan.deepest
        done = end
    scan.feed(_TAG.findall(text, done))
    return scan.deepest


def _tags_end_before(text: str, start: int, end: int) -> bool:
    """Whether every tag that begins in text[start:end] ends there too: its last "<"
    begins a tag that closes before ``end`` (so does every earlier one, at a ">" at the
    latest that one's), and scanning text[start:end] alone finds the same tags."""
    last = text.rfind("<", start, end)
    return last < 0 or _TAG.match(text, last, end) is not None


class _Scan:
    """The tree builder's open elements, approximated, and the deepest they reached."""

    __slots__ = ("stack", "open_count", "deepest", "stop_after", "names")

    def __init__(self, stop_after: int | None) -> None:
        self.stack: list[str] = []
        self.open_count: dict[str, int] = {}
        self.deepest = 0
        self.stop_after = stop_after
        # Each spelling lowered once, interned: a stack of 100,000 open <div> holds one string.
        self.names: dict[str, str] = {}

    def feed(self, tags: list[tuple[str, str, str]]) -> bool:
        """Scan tags as ``_TAG.findall`` gives them; True once past ``stop_after``."""
        stack, open_count, names = self.stack, self.open_count, self.names
        for closing, tag, slash in tags:
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
            if len(stack) > self.deepest:
                self.deepest = len(stack)
                if self.stop_after is not None and self.deepest > self.stop_after:
                    return True
        return False

    def run(self, text: str, start: int, end: int, kind: int) -> bool:
        """Scan a run of like items; True once past ``stop_after``.

        The open elements are the whole state of the scan (``open_count`` counts them).
        Every item of a run opens the same item tag, then up to two inline elements, none
        of which closes anything, and closes them all: so an item that leaves the open
        elements as it found them closed nothing, and every later item, starting from the
        same open elements, does the same and reaches the same depth. The first item may
        close an item left open before the run; the second shows whether the run's items
        change anything. If it does, the run is scanned tag by tag.
        """
        first = _ITEMS[kind].match(text, start, end)
        second = first and _ITEMS[kind].match(text, _skip_space(text, first.end()), end)
        if first is None or second is None:
            return self.feed(_TAG.findall(text, start, end))
        if self.feed(_TAG.findall(text, start, first.end())):
            return True
        before = list(self.stack)
        if self.feed(_TAG.findall(text, first.end(), second.end())):
            return True
        if self.stack == before:
            return False
        return self.feed(_TAG.findall(text, second.end(), end))


def _skip_space(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


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

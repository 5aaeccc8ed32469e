"""The page as a sequence of visual lines, each with the shape of the markup that holds it.

A block element, a table cell or a ``<br>`` ends a line. Each line carries what the
sections need to judge it: whether it sat in heading or bold markup, its heading level,
its **shape** (the last three block elements around it: ``ul.list > li``, ``tr > td#2``;
names of one tier share one), and the element it came from (for ``tracker parse
--explain``). Site chrome and navigation end the content (an ``END`` line); tab panels open
their own tier; tier tables arrive as ready members.

Names given as links are their link text: ``<a title="X公司">X公司</a>[<font>慈溪</font>]``
reads ``X公司``, and the region tag is set aside. A bold tier label leading a line of links
(``<b>会员单位：</b><a>…</a> | <a>…</a>``), or after a row of them, is a line of its own.
"""

from __future__ import annotations

from itertools import repeat
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from tracker.core.parse.items import ITEM_TAGS, LIST_TAGS, simple_items
from tracker.core.parse.links import link_is_the_name, uncut_title
from tracker.core.parse.logos import image_heading, image_name
from tracker.core.parse.marks import CRUMB, SKIP, TABLE, TITLE, Marks, Run, actions, holding
from tracker.core.parse.text import LETTER, Heading, heading, is_closer, line_text

# Line kinds: text, one name read from an image, the end of the content (chrome begins), a
# tab panel opening its tier, a member of a tier table (with its own heading), and a simple
# list's line after its first, held in `Marks.runs` and made only when asked (`run_line`).
TEXT, LOGO, END, OPEN, MEMBER, ITEM = range(6)
# Line flags.
EMPHASISED = 1  # some of its text sat in heading or bold markup
ALL_EMPHASISED = 2  # all of it did
HEADED = 4  # it sat in heading markup: h1–h6, dt, th, caption, legend, a title block
SOFT = 8  # an END that ends only a tier with names (a breadcrumb under the page title)


class Line(NamedTuple):
    text: str
    kind: int = TEXT
    flags: int = 0
    # 1–6 inside h1–h6, 7 inside other heading markup, 0 outside.
    level: int = 0
    shape: int = 0
    node: LexborNode | None = None
    heading: Heading | None = None
    # What sat beside a link that is the name ("[慈溪]"): set aside, for --explain.
    aside: str = ""


# Line's own __new__ is a Python function, a third of a microsecond per call; there is one
# line per member, so the hot path builds the tuple directly.
_new_line = tuple.__new__


_BLOCK = 1
_EMPHASIS = 2
_BREAK = 4
_LINK = 8
_IMAGE = 16
_HEADMARK = 32
_PANEL = 64
_ROW = 128
_CELL = 256
_TAG_FLAGS: dict[str, int] = {
    **dict.fromkeys(
        "address article aside blockquote center dd details dialog dir div dl fieldset "
        "figcaption figure footer form header hgroup li main menu nav ol p pre section "
        "summary table tbody tfoot thead ul".split(),
        _BLOCK,
    ),
    "tr": _BLOCK | _ROW,
    "td": _BLOCK | _CELL,
    "th": _BLOCK | _HEADMARK | _CELL,
    **dict.fromkeys("h1 h2 h3 h4 h5 h6 dt caption legend".split(), _BLOCK | _HEADMARK),
    **dict.fromkeys("strong b".split(), _EMPHASIS),
    **dict.fromkeys("br hr".split(), _BREAK),
    "a": _LINK,
    "img": _IMAGE,
}
_LEVELS = {f"h{n}": n for n in range(1, 7)}
# Invisible content: skipped, but unlike chrome it does not end a section.
_INVISIBLE_TAGS = frozenset(
    "-comment -doctype head script style noscript template select button textarea iframe "
    "svg object".split()
)
# Item elements: their classes vary from item to item (odd, even, first, active), so a
# shape leaves them out. Table cells are told apart by column (see `_label`).
_ITEM_TAGS = frozenset("li tr dt dd p a".split())
_TEXT_ID = 2  # lexbor's tag id of text ("-text"): an int, where a tag is a new string
# Where `read_lines` saw an element begin when its line had no text yet.
_LINE_START = -1


def read_lines(
    root: LexborNode,
    marks: Marks,
    shapes: dict[tuple[str, ...], int] | None = None,
    *,
    bulk: bool = True,
) -> list[Line]:
    """The visual lines under root, in one depth-first pass (``shapes``: shape ids from the
    pages before). The parser's hot loop, hence first_child/next with an explicit stack: no
    per-element iterator objects, and old table-in-font markup nests deeper than Python's
    recursion limit. Text is handled inline (most nodes are text); elements that open or
    close something go to the walker."""
    walker = _Walker(marks, _LineBuffer(root, {} if shapes is None else shapes), bulk=bulk)
    buffer, actions = walker.buffer, walker.actions
    fragments, levels = buffer.fragments, buffer.levels
    parents: list[tuple[LexborNode, int, int]] = []
    node = root.first_child
    while node is not None:
        if node.tag_id == _TEXT_ID:
            text = node.text_content or ""
            # Indentation between blocks is not a line; between inline elements it is a space.
            if not text.isspace():
                fragments.append(text)
                if walker.emphasis:
                    buffer.emphasised = True
                    if walker.heads:
                        buffer.level = levels[-1]
                else:
                    buffer.plain = True
            elif fragments:
                fragments.append(" ")
        elif (tag := node.tag or "") in _INVISIBLE_TAGS:
            pass
        elif (action := actions.get(node.mem_id, 0)) and action <= TABLE:
            walker.marked(node, action)
        else:
            flags = _TAG_FLAGS.get(tag, 0)
            if action:
                flags |= _BLOCK | (_HEADMARK if action == TITLE else _PANEL)
            child = node.first_child
            # Most elements of a long list are inline wrappers with no flags at all.
            if flags:
                child = walker.open(node, tag, flags, child, action)
            if child is not None:
                # Where it began on its line, for a bold label it may hold (`_Walker.close`).
                start = len(fragments) if buffer.plain or buffer.emphasised else _LINE_START
                parents.append((node, flags, start))
                node = child
                continue
        following = node.next
        while following is None and parents:
            parent, flags, start = parents.pop()
            if flags:
                walker.close(parent, flags, start)
            following = parent.next
        node = following
    buffer.end()
    return buffer.lines


class _Walker:
    """What `read_lines` keeps open around the current point, beyond the line buffer."""

    __slots__ = ("marks", "buffer", "actions", "bulk", "holding", "emphasis", "heads", "columns")

    def __init__(self, marks: Marks, buffer: _LineBuffer, *, bulk: bool) -> None:
        self.marks = marks
        self.buffer = buffer
        self.actions = actions(marks)
        # Simple lists are read in one step (items.py) where nothing in them can be marked:
        # on a page with tabs or menus any element may be a strip or a panel.
        self.bulk = bulk and not marks.strips.strips and not marks.strips.panels
        self.holding = holding(marks)
        # Open emphasis (bold, headings) and heading elements around the current point.
        self.emphasis = 0
        self.heads = 0
        # The next column of each table row open around the current point.
        self.columns: list[int] = []

    def items(self, block: LexborNode, tag: str) -> bool:
        """Read a simple list's items in one step (see items.py); False to walk it."""
        buffer = self.buffer
        if tag not in LIST_TAGS or self.emphasis or self.heads or buffer.link_from is not None:
            return False
        if block.mem_id in self.holding:
            return False
        first = block.first_child
        while first is not None and first.tag == "-text":
            first = first.next
        if first is None or first.tag not in ITEM_TAGS:
            return False
        found = simple_items(block)
        if found is None:
            return False
        self.marks.runs[len(buffer.lines)] = found
        buffer.items(found)
        return True

    def marked(self, node: LexborNode, action: int) -> None:
        """An element a structural pass marked: skipped, a tiered table, or a line break."""
        buffer = self.buffer
        if action != SKIP:
            buffer.end()
        if action == TABLE:
            # Its rows open their own tiers; what came before ends with them.
            buffer.members(self.marks.tables.tiered[node.mem_id])
        elif action != SKIP:
            buffer.lines.append(Line("", END, SOFT if action == CRUMB else 0, node=node))

    def open(
        self, node: LexborNode, tag: str, flags: int, child: LexborNode | None, action: int
    ) -> LexborNode | None:
        """Enter an element with flags (and what a pass marked it for); the child to walk
        into, or None to pass it by: a simple list is read here, whole."""
        buffer = self.buffer
        if flags & (_BLOCK | _BREAK) and buffer.fragments:
            buffer.end()
        if flags & _BREAK:
            child = None
        if flags & _PANEL:
            buffer.open(node, self.marks.strips.panels[node.mem_id], empty=child is None)
        if flags & _IMAGE:
            link = buffer.link_from[1] if buffer.link_from is not None else None
            if (logo := image_name(node, link)) is not None:
                buffer.logo(logo)
            elif (label := image_heading(node)) is not None:
                buffer.drawn_heading = label
                # An empty fragment, as for a logo: the line ends with its block.
                buffer.fragments.append("")
        if flags & _LINK and (title := uncut_title(node)) is not None:
            buffer.open_link(node)
            buffer.fragments.append(title)
            buffer.close_link()
            child = None
        if child is not None:
            self._enter(node, tag, flags)
            if self.bulk and not action and self.items(node, tag):
                self.close(node, flags, False)
                return None
        return child

    def _enter(self, node: LexborNode, tag: str, flags: int) -> None:
        buffer = self.buffer
        if flags & (_EMPHASIS | _HEADMARK):
            self.emphasis += 1
        if flags & _HEADMARK:
            self.heads += 1
            buffer.levels.append(_LEVELS.get(tag, 7))
        if flags & _LINK:
            buffer.open_link(node)
        if flags & _CELL:
            # Cells are told apart by column: "td#0" names, "td#1" districts; not in a
            # grid of names, several to a row (see columns.py).
            columns = self.columns
            column = columns[-1] if columns else 0
            if columns:
                columns[-1] += 1
            buffer.path.append(tag if node.mem_id in self.marks.tables.grid else f"{tag}#{column}")
            buffer.blocks.append(node)
        elif flags & _BLOCK:
            buffer.path.append(tag if tag in _ITEM_TAGS else _label(node, tag))
            buffer.blocks.append(node)
        if flags & _ROW:
            self.columns.append(0)

    def close(self, parent: LexborNode, flags: int, start: int) -> None:
        """Leave an element entered with `open`, begun at fragment ``start`` of its line."""
        buffer = self.buffer
        if flags & (_EMPHASIS | _HEADMARK):
            self.emphasis -= 1
        if flags & _LINK:
            buffer.close_link()
        if flags & _EMPHASIS and not flags & _BLOCK:
            if start == _LINE_START:
                buffer.split_label()
            else:
                buffer.split_label_at(start)
        if flags & _ROW:
            self.columns.pop()
        if flags & _BLOCK:
            if buffer.fragments:
                buffer.end()
            buffer.path.pop()
            buffer.blocks.pop()
        if flags & _HEADMARK:
            self.heads -= 1
            buffer.levels.pop()
        if flags & _PANEL:
            buffer.lines.append(Line("", END, node=parent))


class _LineBuffer:
    """Text fragments of the line being read; `end` turns them into lines."""

    __slots__ = (
        "fragments", "emphasised", "plain", "level", "lines", "links", "link_from", "logos",
        "path", "blocks", "levels", "shapes", "root", "drawn_heading",
    )  # fmt: skip

    def __init__(self, root: LexborNode, shapes: dict[tuple[str, ...], int]) -> None:
        self.fragments: list[str] = []
        self.emphasised = False
        # Whether some text of the line sat outside emphasis.
        self.plain = False
        self.level = 0
        self.lines: list[Line] = []
        # Fragment ranges of the links on this line (with the link), and where the open
        # link began.
        self.links: list[tuple[int, int, LexborNode]] = []
        self.link_from: tuple[int, LexborNode] | None = None
        # Names read from the images on this line, by the index of their empty fragment.
        self.logos: dict[int, str] = {}
        # The block elements around the current point: labels (for shapes) and elements.
        self.path: list[str] = []
        self.blocks: list[LexborNode] = []
        self.levels: list[int] = []
        # Shape ids by the labels they stand for; shared by the pages of one list, so that
        # a name on page 2 has the shape of its tier's names on page 1.
        self.shapes = shapes
        self.root = root
        # A tier heading drawn as an image on this line: the line's text when it has none.
        self.drawn_heading: str | None = None

    def logo(self, name: str) -> None:
        # An empty fragment keeps the image's place, so each link knows its own images.
        self.logos[len(self.fragments)] = name
        self.fragments.append("")

    def open_link(self, node: LexborNode) -> None:
        self.link_from = (len(self.fragments), node)

    def close_link(self) -> None:
        if self.link_from is not None:
            start, node = self.link_from
            self.links.append((start, len(self.fragments), node))
        self.link_from = None

    def open(self, panel: LexborNode, found: Heading | None, *, empty: bool) -> None:
        """A tab panel: its own tier (or none), from its first line to its last."""
        self.lines.append(Line("", END, node=panel))
        if found is not None:
            self.lines.append(Line(found.label, OPEN, node=panel, heading=found))
            if empty:
                self.lines.append(Line("", END, node=panel))

    def members(self, rows: list[tuple[Heading, str, LexborNode]]) -> None:
        shape = self._shape()
        self.lines += [Line(n, MEMBER, shape=shape, node=c, heading=h) for h, n, c in rows]
        self.lines.append(Line("", END))

    def items(self, run: Run) -> None:
        """A line per item of a simple list that gives one (see items.py): one shape, no
        flags, registered where the walk would: at the first of them.

        The others stand as one ITEM line holding the shape: the reader takes most of a
        long list in bulk from `Marks.runs`, and a line each costs a third of the walk."""
        nodes = run[0]
        if not nodes:
            return
        self.path.append(nodes[0].tag or "")
        shape = self._shape()
        self.path.pop()
        self.lines.append(run_line(run, 0, shape))
        self.lines += repeat(Line("", ITEM, shape=shape), len(nodes) - 1)

    def split_label(self) -> None:
        """A bold tier label leading a line (``<b>会员单位：</b><a>…</a>``) is a line itself.

        Called as a bold that began the line closes, once a line: a line of thousands of
        bold names is not joined once per name.
        """
        fragments = self.fragments
        if not fragments:
            return
        text = "".join(fragments).strip()
        if heading(text, evidence=True) is not None or is_closer(text):
            self.end()

    def split_label_at(self, start: int) -> None:
        """A bold label from fragment ``start`` after 2+ links and nothing else (``<a>…</a>
        <a>…</a> <b>特约会员：</b>``) is a line itself, or the next tier joins the row; a colon
        must announce names: after one link it may be that member's tier (``<b>理事单位</b>``)."""
        links, fragments = self.links, self.fragments
        if len(links) < 2 or self.link_from is not None or links[-1][1] > start:
            return
        text = "".join(fragments[start:]).strip()
        if not text.endswith((":", "：")) or heading(text, evidence=True) is None:
            return
        if LETTER.search(self._outside(self._in_links(), start)):
            return
        label, fragments[start:] = fragments[start:], []
        self.end()
        fragments += label
        self.emphasised = True
        self.end()

    def end(self) -> None:
        if self.drawn_heading is not None:
            if not LETTER.search("".join(self.fragments)):
                self.fragments[:] = [self.drawn_heading]
                self.emphasised, self.plain, self.level = True, False, 7
            self.drawn_heading = None
        if self.logos or len(self.links) > 1:
            for start, stop in self._spans():
                self._span(start, stop)
        elif self.links:
            self._one_link(*self.links[0])
        else:
            # The common line, plain text: no ranges to work out.
            self._text("".join(self.fragments))
        self.fragments.clear()
        self.logos.clear()
        self.links.clear()
        self.emphasised = self.plain = False
        self.level = 0
        if self.link_from is not None:
            # A block inside a link ended the line; the link goes on in the next one.
            self.link_from = (0, self.link_from[1])

    def _one_link(self, start: int, stop: int, link: LexborNode) -> None:
        fragments = self.fragments
        outside = "".join(fragments[:start]) + "".join(fragments[stop:])
        # "[慈溪]", "2024-03-12": what sits beside the link may be words or a date.
        if LETTER.search(outside) or any(char.isdigit() for char in outside):
            inside = "".join(fragments[start:stop]).strip()
            if link_is_the_name(inside, outside.strip(), link):
                self._text(inside, aside=outside.strip())
                return
        self._text("".join(fragments))

    def _span(self, start: int, stop: int) -> None:
        text = "".join(self.fragments[start:stop])
        if self.logos and not LETTER.search(text):
            # Images speak only for a line (or link) with no text of its own: beside text
            # they are decoration, or that text's own logo.
            # By index within the span: a wall can put thousands of logos on one line.
            logos = self.logos
            shape, node = self._shape(), self._node()
            self.lines.extend(
                Line(logos[i], LOGO, shape=shape, node=node)
                for i in range(start, stop)
                if i in logos
            )
        else:
            self._text(text)

    def _text(self, text: str, aside: str = "") -> None:
        if (line := line_text(text)) is None:
            return
        flags = 0
        if self.emphasised:
            flags = EMPHASISED if self.plain else EMPHASISED | ALL_EMPHASISED
            if self.level:
                flags |= HEADED
        node = self.blocks[-1] if self.blocks else self.root
        line_of = (line, TEXT, flags, self.level, self._shape(), node, None, aside)
        self.lines.append(_new_line(Line, line_of))

    def _shape(self) -> int:
        key = tuple(self.path[-3:])
        shape = self.shapes.get(key)
        if shape is None:
            shape = self.shapes[key] = len(self.shapes) + 1
        return shape

    def _node(self) -> LexborNode:
        return self.blocks[-1] if self.blocks else self.root

    def _spans(self) -> list[tuple[int, int]]:
        """The fragment ranges read apart: the line, or each link and bare image on it.

        A line splits only when it is nothing but links (and images between them).

        Member lists are often rows of links floated side by side with CSS
        (``<a>星河</a><a>青岚</a>``): read as one line they would merge every name into one.
        """
        fragments = self.fragments
        if len(self.links) > 1:
            inside = self._in_links()
            if not LETTER.search(self._outside(inside, len(fragments))):
                ranges = [(start, stop) for start, stop, _ in self.links]
                bare = [(i, i + 1) for i in self.logos if i not in inside]
                return sorted(ranges + bare) if bare else ranges
        return [(0, len(fragments))]

    def _in_links(self) -> set[int]:
        return {i for start, stop, _ in self.links for i in range(start, stop)}

    def _outside(self, inside: set[int], stop: int) -> str:
        """The line's text before fragment ``stop`` that sits in none of its links."""
        return "".join(text for i, text in enumerate(self.fragments[:stop]) if i not in inside)


def run_line(run: Run, index: int, shape: int) -> Line:
    """Line ``index`` of a simple list (`Marks.runs`), of the list's shape."""
    nodes, texts, _ = run
    return _new_line(Line, (texts[index], TEXT, 0, 0, shape, nodes[index], None, ""))


def _label(node: LexborNode, tag: str) -> str:
    """A block element as a step of a shape: ``ul.list``, ``div.card`` (cells: `read_lines`)."""
    classes = node.attributes.get("class")
    return f"{tag}.{classes.split()[0]}" if classes and classes.strip() else tag

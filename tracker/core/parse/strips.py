"""Strips of tier labels: tabs that head panels, or navigation that heads nothing here.

A tier word inside a list of short labels (``<li><a href="hyzz_1.jsp">理事单位</a></li>``
beside 会长单位, 会员单位, 首页 …) names a section; it does not head the content after it.
Such a strip is one of two things:

- **tabs**: its items point at panels, by ``href="#id"``, ``data-target``,
  ``aria-controls`` or ``data-tab``, or simply by order (a container right after the strip
  holding exactly one panel per label). Each panel is its label's section, hidden or not;
  a panel whose label is not a tier word is not a tier.
- **navigation**: anything else. Its labels never open a tier, and its items are never
  members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.core.parse.markup import LINK_TAGS, first_found
from tracker.core.parse.text import MAX_HEADING, Heading, heading, looks_like_org

# Elements whose own text holds a tier word (each ends in 位 or 员): the only places a tier
# label can be. Two characters cost lexbor two passes where three words would cost three.
_HINT_QUERY = '*:lexbor-contains("位"), *:lexbor-contains("员")'
# A label is short; a strip of them holds nothing longer.
_MAX_LABEL = 16
# Containers a label item never climbs past: they hold items, or whole tables.
_CONTAINERS = frozenset("ul ol menu dl table tbody thead tr select body html".split())
_STRIP_TAGS = frozenset("ul ol menu dl div p nav span td tbody table".split())
_SKIPPED_TAGS = frozenset("script style template -comment".split())
_HEADING_TAGS = frozenset(f"h{level}" for level in range(1, 7))
# How a tab names its panel.
_TARGET_ATTRS = ("href", "data-target", "data-bs-target", "aria-controls", "data-tab")


@dataclass
class Strips:
    """Tab panels with their tier, and strips that are never read."""

    # Panel element id → its tier (None for a tab that is not a tier).
    panels: dict[int, Heading | None] = field(default_factory=dict)
    # Strip element id → (element, "tabs" or "navigation").
    strips: dict[int, tuple[LexborNode, str]] = field(default_factory=dict)
    # Tier labels met only as navigation, with where they were.
    navigation: list[tuple[str, LexborNode]] = field(default_factory=list)


def label_strips(tree: LexborHTMLParser, near: Iterable[LexborNode] | None = None) -> Strips:
    """The strips of the page, or only those around the elements ``near`` (the blocks of
    the lines read as tier headings: where a strip can open a tier), which is cheaper."""
    found = Strips()
    # Each strip is judged once: a block of a thousand headings is one strip, not a thousand.
    judged: set[int] = set()
    ids: dict[str, LexborNode] | None = None
    scopes: Iterable[LexborNode | LexborHTMLParser] = [tree] if near is None else near
    candidates = (node for scope in scopes for node in _hinted(scope))
    for node in candidates:
        # A heading element is never a label: its item holds it, which rejects its strip
        # whichever label leads there (`_label_texts`).
        if node.tag in _HEADING_TAGS:
            continue
        text = node.text(strip=True)
        if len(text) > MAX_HEADING or heading(text, evidence=True) is None:
            continue
        strip = _strip_of(_item_of(node))
        if strip is None or strip.mem_id in judged:
            continue
        judged.add(strip.mem_id)
        items = _items(strip)
        texts = _label_texts(items)
        if texts is None:
            continue
        # Each a CSS query, or the attributes built anew: looked up once an item.
        links = [_link(item) for item in items]
        targets = [_target(item, link) for item, link in zip(items, links, strict=True)]
        if ids is None:
            ids = _ids(tree) if any(targets) else {}
        panels = _panels_by_target(targets, ids) or _panels_by_order(strip, links)
        if panels is None:
            if _is_menu(texts, links):
                found.strips[strip.mem_id] = (strip, "navigation")
                found.navigation += [(label, strip) for label in _labels(texts)]
            continue
        found.strips[strip.mem_id] = (strip, "tabs")
        # An unknown "…单位" label heads a tier among tier labels only: beside "下属子平台"
        # and "相关网站导航", "外来树种单位" is a category of links, not a rank of members.
        tiers_only = len(_labels(texts)) == len(items)
        for text, panel in zip(texts, panels, strict=True):
            found.panels[panel.mem_id] = heading(text, evidence=tiers_only)
    return found


def _hinted(scope: LexborNode | LexborHTMLParser) -> list[LexborNode]:
    if isinstance(scope, LexborNode) and next(scope.iter(include_text=False), None) is None:
        # A block of text alone (<h3>理事单位</h3>, most headings): the query can find
        # only the block itself, and finding nothing gives it too.
        return [scope]
    found = scope.css(_HINT_QUERY)
    # A block whose own text is the label (<li>理事单位</li>) holds no element that does.
    return found or ([scope] if isinstance(scope, LexborNode) else [])


def _item_of(node: LexborNode) -> LexborNode:
    """The list item a label sits in: up through wrappers that hold nothing else."""
    item = node
    parent = item.parent
    while parent is not None and parent.tag not in _CONTAINERS and _only_child(item, parent):
        item, parent = parent, parent.parent
    return item


def _only_child(child: LexborNode, parent: LexborNode) -> bool:
    """Whether parent holds nothing but child (and empty elements, blank text)."""
    for other in parent.iter(include_text=True):
        if other.mem_id == child.mem_id:
            continue
        if other.tag == "-text":
            if (other.text_content or "").strip():
                return False
        elif other.first_child is not None or other.tag == "img":
            return False
    return True


def _strip_of(item: LexborNode) -> LexborNode | None:
    parent = item.parent
    if item.tag in ("td", "th") and parent is not None and _only_child(item, parent):
        # A table laid out as a menu, one link per row: the rows are the items.
        item, parent = parent, parent.parent
    return parent if parent is not None and parent.tag in _STRIP_TAGS else None


def _items(strip: LexborNode) -> list[LexborNode]:
    """The strip's element children that hold something."""
    return [
        child
        for child in strip.iter(include_text=False)
        if child.tag not in _SKIPPED_TAGS and child.first_child is not None
    ]


def _label_texts(items: list[LexborNode]) -> list[str] | None:
    """The items' texts, when they are two or more short labels of one kind, mostly not
    organisations (made once: every check of a strip reads them); else None.

    Headings in a content column (``<div><h3>理事单位</h3></div><ul>…</ul>``) are no strip:
    a strip's items are alike, and none is a heading.
    """
    if len(items) < 2 or len({item.tag for item in items}) > 1:
        return None
    texts = []
    for item in items:
        text = item.text(strip=True)
        if len(text) > _MAX_LABEL or first_found(item, _HEADING_TAGS):
            return None
        texts.append(text)
    # "<span>副理事长单位</span><span>（3家）</span>", "<a>理事单位</a><a>展开</a>": one
    # heading in pieces (its count, its button), not a strip of labels.
    rest = texts[1:]
    if heading("".join(texts), evidence=True) and not any(_is_label(text) for text in rest):
        return None
    organisations = sum(1 for text in texts if looks_like_org(text, strict=True))
    return texts if 2 * organisations < len(texts) else None


def _is_menu(texts: list[str], links: list[LexborNode | None]) -> bool:
    """Labels with no panels (``texts``, ``links``: each item's text and `_link`): a menu when
    its tier words are links, among other links ("组织机构 | 理事长单位 | 理事单位 | 首页", a
    title item allowed).

    Tier words in plain paragraphs among short names ("理事长单位 | 甲星智能 | 理事单位")
    are headings and their runs.
    """
    labels = [link for text, link in zip(texts, links, strict=True) if _is_label(text)]
    linked = sum(1 for link in links if link)
    return bool(labels) and all(labels) and linked >= len(texts) - 1


def _is_label(text: str) -> bool:
    return heading(text, evidence=True) is not None


def _labels(texts: list[str]) -> list[str]:
    return [text for text in texts if _is_label(text)]


def _link(item: LexborNode) -> LexborNode | None:
    if item.tag == "a":
        return item
    return next(iter(first_found(item, LINK_TAGS)), None)


def _target(item: LexborNode, link: LexborNode | None) -> str | None:
    """The panel id a tab points at: ``#t2``, ``data-target="#t2"``, ``aria-controls="t2"``
    (``link``: the item's `_link`)."""
    for node in (item, link):
        if node is None:
            continue
        # Built anew at each access: once a node.
        attrs = node.attributes
        for attr in _TARGET_ATTRS:
            value = (attrs.get(attr) or "").strip()
            if attr == "href":
                value = value[1:] if value.startswith("#") else ""
            if value:
                return value.lstrip("#")
    return None


def _ids(tree: LexborHTMLParser) -> dict[str, LexborNode]:
    return {node.id: node for node in tree.css("[id]") if node.id}


def _panels_by_target(
    targets: list[str | None], ids: dict[str, LexborNode]
) -> list[LexborNode] | None:
    panels = [ids.get(target) if target else None for target in targets]
    if any(panel is None for panel in panels):
        return None
    return [panel for panel in panels if panel is not None]


def _panels_by_order(strip: LexborNode, links: list[LexborNode | None]) -> list[LexborNode] | None:
    """One panel per label, right after the strip (or after the block around it); ``links``
    are its items' `_link`.

    Only for labels that lead nowhere else: a strip of links to other pages is a menu.
    """
    if any(_leads_elsewhere(link) for link in links):
        return None
    count = len(links)
    node: LexborNode | None = strip
    for _ in range(3):
        if node is None:
            return None
        following = _following(node)
        if len(following) >= count and _same_tag(following[:count]):
            return following[:count]
        for sibling in following[:2]:
            children = _items(sibling)
            if len(children) == count:
                return children
        node = node.parent
    return None


def _leads_elsewhere(link: LexborNode | None) -> bool:
    href = "" if link is None else (link.attributes.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript"))


def _following(node: LexborNode) -> list[LexborNode]:
    out = []
    sibling = node.next
    while sibling is not None:
        if sibling.tag and not sibling.tag.startswith("-") and sibling.tag not in _SKIPPED_TAGS:
            out.append(sibling)
        sibling = sibling.next
    return out


def _same_tag(nodes: list[LexborNode]) -> bool:
    return len({node.tag for node in nodes}) == 1 and nodes[0].tag in ("div", "ul", "section")

"""Configured CSS selectors: when a source sets them, they say what is a tier and a member."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from tracker.core.config import Selectors
from tracker.core.errors import ParseError
from tracker.core.models import ParseResult, tier_for_label
from tracker.core.normalize import normalize_key
from tracker.core.parse.collect import Collector
from tracker.core.parse.logos import image_name
from tracker.core.parse.markup import ancestor, chrome_nodes
from tracker.core.parse.text import ASCII_SPACE, LETTER, Heading, furniture, heading, split_names


def by_selectors(trees: list[LexborHTMLParser], selectors: Selectors) -> ParseResult:
    """The pages of one list in order; members before a page's first tier element go on
    in the tier the page before ended in."""
    out = Collector()
    current: Heading | None = None
    for page, tree in enumerate(trees):
        if page:
            out.new_page()
        current = _read(tree, selectors, out, current)
    return out.result("selectors")


def _read(
    tree: LexborHTMLParser, selectors: Selectors, out: Collector, current: Heading | None
) -> Heading | None:
    tier_ids = _matched_ids(tree, selectors.tier, "tier", required=current is None)
    member_ids = _matched_ids(tree, selectors.member, "member") - tier_ids
    for chrome, _ in chrome_nodes(tree).values():
        for node in chrome.css(f"{selectors.tier}, {selectors.member}"):
            tier_ids.discard(node.mem_id)
            member_ids.discard(node.mem_id)
    for node in tree.root.traverse() if tree.root is not None else ():
        if node.mem_id in tier_ids:
            current = _configured_heading(node.text(separator=" "))
            if current.count is not None:
                out.declare(current, current.count)
        elif node.mem_id in member_ids and current is not None:
            _add_member(out, current, node)
    return current


def _add_member(out: Collector, found: Heading, node: LexborNode) -> None:
    """A matched member element's names: its text, or its images' when it has no text."""
    text = ASCII_SPACE.sub(" ", node.text(separator=" "))
    if LETTER.search(text):
        if furniture(text):
            return
        for name, problem in split_names(text):
            if problem is None:
                out.add(found, name)
        return
    # The configuration says this element is a member, so its images name it even among
    # text names; a logo and its hover twin name it once.
    seen: set[str] = set()
    for image in node.traverse(include_text=False):
        link = ancestor(image, lambda parent: parent.tag == "a") if image.tag == "img" else None
        if image.tag == "img" and (logo := image_name(image, link)) is not None:
            if (key := normalize_key(logo)) not in seen:
                seen.add(key)
                out.add(found, logo)


def _matched_ids(
    tree: LexborHTMLParser, selector: str, role: str, *, required: bool = True
) -> set[int]:
    try:
        nodes = tree.css(selector)
    except SelectolaxError as exc:
        raise ParseError(f"configured {role} selector {selector!r} is not valid CSS") from exc
    if not nodes and required:
        # Silently falling back to heading detection would hide a broken configuration.
        raise ParseError(f"configured {role} selector {selector!r} matches nothing on the page")
    return {node.mem_id for node in nodes}


def _configured_heading(text: str) -> Heading:
    line = ASCII_SPACE.sub(" ", text).strip()
    found = heading(line, evidence=True)
    if found is not None:
        return found
    label = line.rstrip(" :：")
    return Heading(tier_for_label(label), label, None)

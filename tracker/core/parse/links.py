"""Names given as links: the link's text is the name, its title where the text is cut short.

``<a title="X公司">X公司</a>[<font>慈溪</font>]`` reads ``X公司``, the region tag set aside;
``<a title="星河智能科技有限公司">星河智能科技...</a>`` reads the title. Names side by side in
bare inline wrappers (a row of tags) are read apart, as a row of links is.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from tracker.core.parse.text import ASCII_SPACE, ELLIPSIS, LETTER, is_bare_form, looks_like_org

# Text beside a link name is a tag, not part of the name, when it is at most this long.
_MAX_ASIDE = 10
# The inline wrappers a row of tags or pills puts each name in.
_INLINE = frozenset("span font em i u small label".split())


def link_is_the_name(inside: str, outside: str, link: LexborNode) -> bool:
    """Whether a link's text is the whole name and the text beside it a tag ("[慈溪]").

    Only a short tag beside a link that is a whole name by itself: an organisation's
    name, its own title, or a bracketed tag. "<a>星河</a>科技有限公司" stays one name.
    """
    if not LETTER.search(inside) or len(outside) > _MAX_ASIDE:
        return False
    title = ASCII_SPACE.sub(" ", link.attributes.get("title") or "").strip()
    bracketed = outside[:1] in "[【(（" and outside[-1:] in "]】)）"
    return title == inside or bracketed or looks_like_org(inside)


def uncut_title(link: LexborNode) -> str | None:
    """A link's title when its text is that title cut short, as list templates do.

    ``<a title="星河智能科技有限公司">星河智能科技...</a>``: the shown text is not a name
    anyone could match, and would read as a departure plus a join.
    """
    title = link.attributes.get("title")
    if not title:
        return None
    text = link.text().strip()
    cut = ELLIPSIS.search(text)
    if cut is None:
        return None
    shown, title = text[: cut.start()].rstrip(), ASCII_SPACE.sub(" ", title).strip()
    return title if shown and title.startswith(shown) else None


def inline_names(block: LexborNode, fragments: list[str]) -> list[str] | None:
    """The names of a line that is all of a block and nothing but sibling inline wrappers,
    one text each (``<div class="tags"><span>星河科技有限公司</span><span>青岚大学</span>``),
    or None. Joined they would read as one name. A name styled in parts stays one
    (``<span>乙禾</span><span>数据有限公司</span>``): two parts or more must end as
    organisations do, and none be a legal form alone."""
    texts = [text.strip() for text in fragments if not text.isspace()]
    if len(texts) < 2:
        return None
    pieces: list[str] = []
    tags: set[str | None] = set()
    for child in block.iter(include_text=True):
        if child.tag == "-text":
            if (child.text() or "").strip():
                return None
        else:
            tags.add(child.tag)
            pieces.append(child.text().strip())
    if len(tags) != 1 or not tags <= _INLINE:
        return None
    if len(pieces) < 2 or pieces != texts or any(map(is_bare_form, pieces)):
        return None
    return pieces if sum(map(looks_like_org, pieces)) >= 2 else None

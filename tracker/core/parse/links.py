"""Names given as links: the link's text is the name, its title where the text is cut short.

``<a title="X公司">X公司</a>[<font>慈溪</font>]`` reads ``X公司``, the region tag set aside;
``<a title="星河智能科技有限公司">星河智能科技...</a>`` reads the title.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from tracker.core.parse.text import ASCII_SPACE, ELLIPSIS, LETTER, looks_like_org

# Text beside a link name is a tag, not part of the name, when it is at most this long.
_MAX_ASIDE = 10


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

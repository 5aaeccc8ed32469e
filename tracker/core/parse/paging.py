"""Where a member list goes on: the next page of a list split over pages.

A list split over pages says so with ``<link rel="next">`` or ``<a rel="next">``, or a
link reading 下一页, 下页, 后页, next (decorated or not: ``[下一页]``, ``下一页>>``, an image
whose alt says so), or an arrow (› >; » and >> only where nothing else says next, as they
often mean the last page). Never 末页/尾页 (the last page) nor 下一篇 (the next article).

Only a page of the same site (http or https, with or without www.) whose path lies in the
first page's folder or below it is followed (``?page=2``, ``index_2.html``, ``/members/2``).
A next-page link that leaves it is reported, not followed: a list read short would turn
its later pages into departures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.core.parse.depth import too_deep
from tracker.core.parse.text import NON_WORD

_NEXT_WORDS = frozenset({"下一页", "下页", "后页", "后一页", "next", "nextpage"})
_ARROWS = re.compile(r"[›>]")
_FAR_ARROWS = re.compile(r"»|>>|››")
# Query keys that number pages: page=2, p=2, pn=2, start=20, currentPage=2 …
_PAGING = re.compile(r"p|pn|pg|page\w*|\w*page|start|offset|pageno|pagenum", re.IGNORECASE)


@dataclass(frozen=True)
class NextPage:
    """The next page's URL, or a next-page link that was not followed (and where it led)."""

    url: str | None
    refused: str | None = None


def next_page(html: str, url: str) -> NextPage:
    """Where the list goes on after the page at ``url``; nowhere from a page nested too
    deep to read (reading it says why)."""
    if too_deep(html) is not None:
        return NextPage(None)
    tree = LexborHTMLParser(html)
    refused = None
    for rank in (_by_rel, _by_words, _by_far_arrows):
        for href in rank(tree):
            target = _resolve(href, url)
            if target is None:
                continue
            if _in_list(target, url):
                return NextPage(target)
            if _same_site(target, url):
                refused = refused or target
    return NextPage(None, refused)


def _by_rel(tree: LexborHTMLParser) -> list[str]:
    return _hrefs(tree.css('link[rel~="next" i], a[rel~="next" i]'))


def _by_words(tree: LexborHTMLParser) -> list[str]:
    return _hrefs(
        link
        for link in tree.css("a[href]")
        if NON_WORD.sub("", _label(link)).casefold() in _NEXT_WORDS
        or _ARROWS.fullmatch(_label(link))
    )


def _by_far_arrows(tree: LexborHTMLParser) -> list[str]:
    return _hrefs(link for link in tree.css("a[href]") if _FAR_ARROWS.fullmatch(_label(link)))


def _label(link: LexborNode) -> str:
    """What a link says: its text, else its image's alt."""
    text = "".join(link.text(separator=" ").split())
    if text:
        return text
    image = link.css_first("img[alt]")
    return "" if image is None else "".join((image.attributes.get("alt") or "").split())


def _hrefs(links: Iterable[LexborNode]) -> list[str]:
    return [href for link in links if (href := (link.attributes.get("href") or "").strip())]


def _resolve(href: str, url: str) -> str | None:
    if href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:
        target = urljoin(url, href).split("#", 1)[0]
        urlsplit(target)
    except ValueError:
        # "http://[::1/…": no address at all.
        return None
    return None if target == url.split("#", 1)[0] else target


def _site(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _same_site(target: str, url: str) -> bool:
    return _site(target) == _site(url)


def _in_list(target: str, url: str) -> bool:
    """The same site, and the same page with another page number, or a path in the first
    page's folder or below it.

    "index.php?m=alliance&a=structure&page=2" goes on from "index.php?m=alliance&a=structure";
    "index.php?m=content&a=lists&page=2" is another list on the same script.
    """
    if not _same_site(target, url):
        return False
    here, there = urlsplit(url), urlsplit(target)
    if here.path == there.path:
        return _without_paging(here.query) == _without_paging(there.query)
    folder = here.path.rsplit("/", 1)[0]
    return there.path.startswith(f"{folder}/")


def _without_paging(query: str) -> set[tuple[str, str]]:
    return {(key, value) for key, value in parse_qsl(query) if not _PAGING.fullmatch(key)}

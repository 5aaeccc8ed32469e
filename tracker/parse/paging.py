"""Where a member list goes on: the next page of a list split over pages.

A list split over pages says so with ``<link rel="next">`` or ``<a rel="next">``, or a
link reading 下一页, 下页, 后页, next, ›, », > (never 末页/尾页, the last page, nor 下一篇,
the next article). Only a page at the same host and in the same folder is followed: the
query changes (``?page=2``) or the file name does (``index_2.html``, ``list_5_2.html``);
anything else is another part of the site.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

_NEXT_WORDS = re.compile(r"下一页|下页|后页|后一页|next(?:\s*page)?|[›»>]{1,2}", re.IGNORECASE)


def next_page_url(html: str, url: str) -> str | None:
    """The URL of the page after this one, or None when the list ends here."""
    tree = LexborHTMLParser(html)
    for link in tree.css('link[rel="next" i], a[rel~="next" i]'):
        found = _follow(link.attributes.get("href"), url)
        if found is not None:
            return found
    for link in tree.css("a[href]"):
        text = " ".join(link.text(separator=" ").split())
        if (
            text
            and _NEXT_WORDS.fullmatch(text)
            and (found := _follow(link.attributes.get("href"), url))
        ):
            return found
    return None


def _follow(href: str | None, url: str) -> str | None:
    """An href resolved against the page, if it stays on this list's pages."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    target = urljoin(url, href).split("#", 1)[0]
    if target == url.split("#", 1)[0]:
        return None
    here, there = urlsplit(url), urlsplit(target)
    same_site = (here.scheme, here.netloc) == (there.scheme, there.netloc)
    return target if same_site and _folder(here.path) == _folder(there.path) else None


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0]

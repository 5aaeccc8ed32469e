"""Whether a page's HTML reached its end, or stopped mid-document.

A body cut short (a short Content-Length, a connection dropped, a PHP page that died
mid-render) parses like a page with fewer members. The rule is the document's own: a page
that opened ``<html>`` or ``<body>`` and closes neither stopped before its end. Every fixture
and every page in ../shared/real-pages closes them; a page that never opens them (a bare
fragment) is not judged. End tags inside scripts and comments (``document.write("</body>")``)
do not count.
"""

from __future__ import annotations

import re

from tracker.core.parse.depth import markup_only

_OPENED = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_CLOSED = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# Where a page's end tags usually are: looked at first, the whole page only if not there.
_TAIL = 4096


def _closed(text: str) -> bool:
    # Most pages end with "</html>": the last end tag is tried first, in one step (a search
    # of the tail tries the expression at each of its "<").
    last = text.rfind("</")
    if last >= 0 and _CLOSED.match(text, last) is not None:
        return True
    return (
        _CLOSED.search(text, max(len(text) - _TAIL, 0)) is not None
        or _CLOSED.search(text) is not None
    )


def cut_off(html: str, *, markup: str | None = None) -> str | None:
    """Why the page looks cut short, or None when it reached its end.

    ``markup`` is ``markup_only(html)`` when the caller has it already.
    """
    if _OPENED.search(html) is None:
        return None
    if _closed(html) and _closed(markup_only(html) if markup is None else markup):
        return None
    return "the page ends mid-document (no </body> or </html>)"

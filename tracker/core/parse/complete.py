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


# What markup_only sets aside, by how it begins and ends (as bytes: the page encoded to
# ASCII, each other character one "?"). Under re.IGNORECASE three more characters match
# letters of these ("ſ" s, "ı" and "İ" i) that lower() leaves apart: a page holding one is
# not judged so.
_SET_ASIDE = (
    (b"<!--", b"-->"),
    *(
        (b"<" + tag, b"</" + tag)
        for tag in b"script style textarea title xmp iframe noembed noframes plaintext".split()
    ),
)
_FOLDED_APART = "ſıİ"
_CUT_SHORT = "the page ends mid-document (no </body> or </html>)"


def _end_tag(text: str) -> int | None:
    """Where a closing ``</body>`` or ``</html>`` begins: the last end tag tried first, in
    one step (a search of the tail tries the expression at each of its "<")."""
    last = text.rfind("</")
    if last >= 0 and _CLOSED.match(text, last) is not None:
        return last
    found = _CLOSED.search(text, max(len(text) - _TAIL, 0)) or _CLOSED.search(text)
    return None if found is None else found.start()


def _set_aside_before(text: str, at: int) -> bool:
    """Whether a comment or script set aside by `markup_only` may hold position ``at``.

    False only when proved cheaply: the last opening of each kind before ``at`` (any word
    merely beginning so counts too) is closed before it. Whatever opened earlier closed
    by then too, at the latest where that last one did.
    """
    before = text[:at]
    if any(c in before for c in _FOLDED_APART):
        return True
    lowered = before.encode("ascii", "replace").lower()
    for opening, closing in _SET_ASIDE:
        start = lowered.rfind(opening)
        if start >= 0 and lowered.find(closing, start + len(opening)) < 0:
            return True
    return False


def cut_off(html: str, *, markup: str | None = None) -> str | None:
    """Why the page looks cut short, or None when it reached its end.

    ``markup`` is ``markup_only(html)`` when the caller has it already.
    """
    if _OPENED.search(html) is None:
        return None
    end = _end_tag(html)
    if end is None:
        return _CUT_SHORT
    # The end tag counts only outside comments and scripts: with the page read without
    # them at hand, there; else proved cheaply where it can be, or by reading it so.
    if markup is None and not _set_aside_before(html, end):
        return None
    found = _end_tag(markup_only(html) if markup is None else markup)
    return None if found is not None else _CUT_SHORT

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


# What markup_only sets aside begins with one of these openings (`depth._NOT_MARKUP`, whose
# re.IGNORECASE also takes "ſ" for s, and "ı" and "İ" for i) and ends at the first closing
# of its kind after it.
_KINDS = tuple("!-- script style textarea title xmp iframe noembed noframes plaintext".split())
_FOLDED = {"s": "ſ", "i": "ıİ"}
_OPENING = re.compile("<(?:" + "|".join(f"({kind})" for kind in _KINDS) + ")", re.IGNORECASE)
# Closings as ASCII spells them: one with "İ" closes a title to re.IGNORECASE (which lowers it
# to i) and not to these, so that page is read in full, never proved wrongly.
_CLOSING = [
    re.compile(f"</{kind}" if kind != "!--" else "-->", re.IGNORECASE | re.ASCII) for kind in _KINDS
]


def _may_begin(at: int) -> str:
    """A class of the characters an opening may hold ``at`` characters after its "<"."""
    letters = {kind[at] for kind in _KINDS}
    folded = {c for letter in letters for c in (letter, letter.upper(), *_FOLDED.get(letter, ""))}
    return "[" + "".join(sorted(re.escape(c) for c in folded)) + "]"


# Where an opening may begin: "<" and three classes, no alternatives. The engine tries it at
# each "<" of the page for a third of what a case-blind alternation costs (0.45 M instructions
# on the 567-member page; encoding and lowering the page cost as much before any of ten
# searches). It finds a few more than openings (<strong>, <small>), each then read exactly.
_MAY_OPEN = re.compile("<" + "".join(_may_begin(at) for at in range(3)))
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
    merely beginning so counts too), spelled in ASCII, is closed before it. Whatever opened
    earlier closed by then too, at the latest where that last one did.
    """
    ends: dict[int, int] = {}  # the kind, and where its last opening ends
    for candidate in _MAY_OPEN.finditer(text, 0, at):
        opening = _OPENING.match(text, candidate.start(), at)
        if opening is None:
            continue
        if not opening.group().isascii():
            return True  # closed, to re.IGNORECASE, by what these closings do not read
        ends[opening.lastindex or 0] = opening.end()
    return any(_CLOSING[kind - 1].search(text, end, at) is None for kind, end in ends.items())


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

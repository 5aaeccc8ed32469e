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


def cut_off(html: str) -> str | None:
    """Why the page looks cut short, or None when it reached its end."""
    if _OPENED.search(html) is None:
        return None
    if _CLOSED.search(html) is not None and _CLOSED.search(markup_only(html)) is not None:
        return None
    return "the page ends mid-document (no </body> or </html>)"

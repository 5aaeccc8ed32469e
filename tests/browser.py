"""What the browser tests share: Debian's Chromium driven by Playwright, and the font check.

Playwright's own browser download is not needed: the tests launch /usr/bin/chromium. Without
it they skip, except in CI (env CI set, as `.ci/run` does), where they fail: a browser test
that silently skips proves nothing. The `playwright` and `browser` fixtures (one headless
Chromium per test module) live in tests/conftest.py.

The font check asks Chromium itself which installed font drew each glyph of an element
(DevTools' CSS.getPlatformFontsForNode): a name must be drawn by a Simplified Chinese font
of the page's stack, each wide character one em wide (a missing glyph's box is about half
that).
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
# The Simplified Chinese fonts the pages ask for (tracker.render.style.FONTS).
SC_FONTS = {
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
}
# Fontconfig as the system has it, minus every CJK font: what a machine without them shows.
NO_CJK = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>*CJK*</glob></rejectfont></selectfont>
</fontconfig>
"""


def sync_api() -> Any:
    """Playwright's sync API, or a skip (a failure in CI) saying what to install."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    elif shutil.which("fc-list") is None:
        missing = "fontconfig is missing: apt-get install chromium fonts-noto-cjk"
    try:
        from playwright import sync_api as api
    except ImportError:
        missing = missing or "playwright is missing: pip install -e '.[test]'"
    if missing and os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing)
    return api


def element_fonts(page: Page, selector: str) -> list[dict[str, Any]]:
    """For each element the selector finds on the open page: its text, width in px, font
    size, and the fonts that drew it (Chromium looks two levels into its children)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    cells = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
    found = []
    for node in cells["nodeIds"]:
        box = cdp.send("DOM.getBoxModel", {"nodeId": node})["model"]["content"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        found.append({"fonts": fonts, "width": box[2] - box[0]})
    cdp.detach()
    texts = page.locator(selector).all_inner_texts()
    sizes = page.eval_on_selector_all(
        selector, "found => found.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    return [
        dict(row, text=text, size=size) for row, text, size in zip(found, texts, sizes, strict=True)
    ]


def drawn_in_chinese(cell: dict[str, Any]) -> bool:
    """Every glyph from a Simplified Chinese font, each wide one an em: the name, not boxes."""
    families = {font["familyName"] for font in cell["fonts"]}
    glyphs = sum(font["glyphCount"] for font in cell["fonts"])
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in cell["text"])
    return (
        families <= SC_FONTS
        and glyphs == len(cell["text"])
        and wide > 0
        and cell["width"] >= 0.95 * cell["size"] * wide
    )

"""The HTML report in a real browser: names drawn with a Chinese font, not boxes (tofu).

Headless Chromium (Debian's `chromium`, driven by Playwright; Playwright's own browser
download is not needed) opens the report from a file:// URL. For every name cell, Chromium
itself says which installed font drew each glyph (DevTools' CSS.getPlatformFontsForNode):
it must be a Simplified Chinese font of the report's stack, and the name must be as wide as
its characters at one em each (a missing glyph's box is about half that). Two controls show
the check can fail: the old `lang="en"` report is drawn in Japanese glyph forms, and with
the CJK fonts hidden from the browser every name is boxes.

Without /usr/bin/chromium the tests skip, except in CI, where they fail (tests/browser.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlite_utils

from tests.browser import CHROMIUM, NO_CJK, drawn_in_chinese, element_fonts
from tests.test_report import MADE, fill
from tracker.app.diffs import build_report
from tracker.render.report import render
from tracker.store import Store

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

# The second column of every change table (each follows its section's heading): the names.
NAMES = "h2 + table tbody td:nth-child(2)"


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures' diff as an HTML file: Chinese names in every section."""
    store = Store(sqlite_utils.Database(memory=True))
    try:
        old, new = fill(store)
        page = render(build_report(store, old, new), "html", MADE)
    finally:
        store.close()
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def name_fonts(page: Page, url: str) -> list[dict[str, Any]]:
    """For each name cell of the report at URL: its text, width, font size and fonts."""
    page.goto(url)
    return element_fonts(page, NAMES)


def test_names_are_drawn_with_a_chinese_font(browser: Browser, report_html: Path) -> None:
    page = browser.new_page()
    cells = name_fonts(page, report_html.as_uri())
    page.close()
    names = [cell["text"] for cell in cells]
    assert "北京星河智能科技有限公司" in names and "蓝鲸数据科技（深圳）有限公司" in names
    assert len(names) == 9
    wrong = [cell for cell in cells if not drawn_in_chinese(cell)]
    assert not wrong, f"names drawn as boxes or in the wrong font (fonts-noto-cjk?): {wrong}"


def test_the_check_fails_on_the_old_english_report(
    browser: Browser, report_html: Path, tmp_path: Path
) -> None:
    """lang="en" and system-ui: Chromium picks a Japanese font, with Japanese glyph forms."""
    old = report_html.read_text(encoding="utf-8").replace('lang="zh-CN"', 'lang="en"')
    old = old.replace('font-family:"Noto Sans CJK SC"', 'font-family:system-ui,"No Such Font"')
    path = tmp_path / "old.html"
    path.write_text(old, encoding="utf-8")
    page = browser.new_page()
    cells = name_fonts(page, path.as_uri())
    page.close()
    assert not any(drawn_in_chinese(cell) for cell in cells), cells


def test_the_check_fails_without_cjk_fonts(
    playwright: Playwright, report_html: Path, tmp_path: Path
) -> None:
    """A browser that has no CJK font draws boxes: the check must say so."""
    config = tmp_path / "fonts.conf"
    config.write_text(NO_CJK, encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    bare = playwright.chromium.launch(executable_path=str(CHROMIUM), env=env)
    try:
        cells = name_fonts(bare.new_page(), report_html.as_uri())
    finally:
        bare.close()
    assert cells and not any(drawn_in_chinese(cell) for cell in cells), cells

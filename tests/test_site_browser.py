"""The site in a real browser: what a reader sees, from a sub-path and from file://.

The site is built once from the demo data (`tracker demo`, `tracker site build`) into a
folder served over loopback HTTP at `/aiia-tracker/`, as GitHub Pages serves a project site,
and opened in headless Chromium (Debian's, driven by Playwright: tests/browser.py). The
tests read it as a reader would: names drawn in a Simplified Chinese font, the member list
filtered as you type and sorted by its column headers, a member's tier over time, every
page reachable from the home page with no 404 and no error, readable on a phone, usable
from the keyboard. A copy of the site with planted faults shows the checks can fail. A
screenshot of the home page is written to $TRACKER_ARTIFACTS (default test-artifacts/).

Without /usr/bin/chromium the tests skip, except in CI, where they fail (tests/browser.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import drawn_in_chinese, element_fonts
from tests.site_crawl import Crawl, crawl, serve
from tests.test_demo import demo_options, tracker

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "aiia-tracker/"
# The member list's Chinese names: the first cell of each row.
NAMES = "#members tbody tr > :first-child"
# The demo's member promoted from board to vice-chair on 2023-03-15.
PROMOTED = "云杉机器人有限公司"
PHONE = {"width": 375, "height": 800}
SCREEN = {"width": 1200, "height": 900}
PNG = b"\x89PNG\r\n\x1a\n"


def build_site(folder: Path) -> Path:
    """The demo's site built into FOLDER/aiia-tracker/."""
    demo = folder / "demo"
    made = tracker("demo", demo)
    assert made.exit_code == 0, made.output
    out = folder / PREFIX
    built = tracker(*demo_options(demo), "site", "build", out)
    assert built.exit_code == 0, built.output
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    """The site's URL over loopback HTTP, below its prefix: `http://127.0.0.1:PORT/aiia-tracker/`."""
    with serve(site.parent) as root:
        yield root + PREFIX


@pytest.fixture(scope="module")
def crawled(browser: Browser, base: str) -> Crawl:
    """Every page of the site, opened in a phone's window."""
    phone = browser.new_page(viewport=PHONE)
    try:
        return crawl(phone, base + "index.html", base)
    finally:
        phone.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport=SCREEN)
    yield opened
    opened.close()


def visible_names(page: Page) -> list[str]:
    return page.locator(f"{NAMES}:visible").all_inner_texts()


def test_names_are_drawn_in_a_chinese_font(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    cells = element_fonts(page, NAMES)
    assert PROMOTED in [cell["text"] for cell in cells]
    wrong = [cell for cell in cells if not drawn_in_chinese(cell)]
    assert len(cells) >= 15 and not wrong, wrong


def test_typing_in_the_filter_narrows_the_member_list(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    everyone = visible_names(page)
    page.locator("#member-filter").press_sequentially("机器人")
    robots = visible_names(page)
    assert robots and len(robots) < len(everyone)
    assert all("机器人" in name for name in robots)
    assert robots == [name for name in everyone if "机器人" in name]
    page.locator("#member-filter").fill("")
    assert visible_names(page) == everyone


def test_the_filter_finds_english_names_in_any_case(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    page.locator("#member-filter").fill("yunshan ROBOTICS")
    assert visible_names(page) == [PROMOTED]


def column(page: Page, header: str) -> list[str]:
    index = page.locator("#members thead th").all_inner_texts().index(header)
    return page.locator(f"#members tbody tr > :nth-child({index + 1})").all_inner_texts()


def test_clicking_a_column_header_sorts_the_list(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    headers = page.locator("#members thead th")
    assert headers.locator("button").count() == headers.count() >= 4
    english = [text for text in headers.all_inner_texts() if "English" in text][0]
    before = column(page, english)
    page.locator("#members thead th button", has_text=english).click()
    ascending = column(page, english)
    named = [name for name in ascending if name]
    assert named == sorted(named, key=str.casefold) and ascending != before
    page.locator("#members thead th button", has_text=english).click()
    assert column(page, english) == ascending[::-1]


def test_sorting_goes_back_to_page_order(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    listed = page.locator(NAMES).all_inner_texts()
    page.locator("#members thead th button", has_text="English").click()
    assert page.locator(NAMES).all_inner_texts() != listed
    page.locator("#members thead th button", has_text="Page order").click()
    assert page.locator(NAMES).all_inner_texts() == listed
    assert column(page, "Page order") == [str(n) for n in range(1, len(listed) + 1)]


def test_the_filter_narrows_the_former_members_too(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    former = page.locator("#former tbody tr > :first-child")
    gone = former.all_inner_texts()
    assert len(gone) >= 2
    page.locator("#member-filter").fill(gone[0])
    assert page.locator("#former tbody tr > :first-child:visible").all_inner_texts() == gone[:1]
    assert visible_names(page) == []
    said = page.locator("#member-count").inner_text()
    assert said.startswith("0 of ") and f"1 of {len(gone)} former members" in said


def test_the_filter_is_shown_only_when_it_can_work(browser: Browser, page: Page, base: str) -> None:
    """Without JavaScript a filter box would be a dead control: it appears with the script."""
    page.goto(base + "members/index.html")
    assert page.locator("#member-filter").is_visible()
    bare = browser.new_context(java_script_enabled=False)
    try:
        plain = bare.new_page()
        plain.goto(base + "members/index.html")
        assert plain.locator("#member-filter").count() == 1
        assert not plain.locator("#member-filter").is_visible()
    finally:
        bare.close()


def test_a_member_page_shows_its_tier_history(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    page.locator("#members tbody a", has_text=PROMOTED).first.click()
    assert page.locator("h1").inner_text().find(PROMOTED) >= 0
    rows = page.locator("#tier-history tbody tr")
    cells = [row.locator("td").all_inner_texts() for row in rows.all()]
    assert cells == [
        ["board", "2020-03-26", "2021-06-01", "2"],
        ["vice-chair", "2023-03-15", "2024-05-01", "2"],
    ]


def test_without_javascript_the_lists_are_complete(browser: Browser, page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    scripted = visible_names(page)
    bare = browser.new_context(java_script_enabled=False)
    try:
        plain = bare.new_page()
        plain.goto(base + "members/index.html")
        assert visible_names(plain) == scripted
        plain.goto(base + "changes/index.html")
        assert plain.locator("table.events tbody tr").count() == 7
    finally:
        bare.close()


def test_every_page_is_reachable_with_no_404_and_no_error(crawled: Crawl, base: str) -> None:
    assert crawled.problems == []
    assert set(crawled.statuses.values()) == {200}
    for part in ("members/", "changes/", "snapshots/", "downloads/", "pages/"):
        assert any(url.startswith(base + part) for url in crawled.statuses), part
    assert base + "feed.atom" in crawled.statuses
    assert len(crawled.pages(base + "members/")) >= 20


def test_every_page_is_chinese_for_phones_with_the_nav(crawled: Crawl, base: str) -> None:
    nav = {base + part for part in ("index.html", "members/index.html", "changes/index.html")}
    nav |= {base + "snapshots/index.html", base + "downloads/index.html"}
    for url, facts in crawled.facts.items():
        assert facts["lang"] == "zh-CN" and facts["viewport"], url
        assert nav <= set(facts["nav"]), (url, facts["nav"])


def test_every_table_is_named_and_its_headers_scoped(crawled: Crawl) -> None:
    tables = sum(facts["tables"] for facts in crawled.facts.values())
    assert tables >= len(crawled.facts) // 2
    bad = {
        url: {
            "tables without a caption": facts["uncaptioned"],
            "th without scope": facts["unscoped"],
        }
        for url, facts in crawled.facts.items()
        if facts["unnamed"] or facts["unscoped"]
    }
    assert bad == {}


def test_every_archived_page_is_linked_and_served(crawled: Crawl, site: Path) -> None:
    archived = {path.name for path in (site / "pages").iterdir()}
    served = {url.rsplit("/", 1)[1] for url in crawled.statuses if "/pages/" in url}
    assert len(archived) >= 5 and served == archived


def test_an_archived_page_opens_as_text_never_as_part_of_the_site(
    page: Page, base: str, site: Path
) -> None:
    """A hostile capture's scripts must not run at the site's origin: opened at its URL,
    over HTTP or from file://, an archived HTML page is plain text."""
    page.goto(base + "snapshots/5.html")
    link = page.locator("ul.pages a").first
    assert (link.get_attribute("download") or "").endswith(".html")
    name = Path(link.get_attribute("href") or "").name
    for url in (f"{base}pages/{name}", (site / "pages" / name).as_uri()):
        page.goto(url)
        assert page.evaluate("document.contentType") == "text/plain", url
        assert page.evaluate("document.querySelectorAll('body *:not(pre)').length") == 0
        assert "<html" in page.locator("pre").inner_text().lower()


def test_the_site_works_from_a_file_url(page: Page, site: Path) -> None:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((site / "members" / "index.html").as_uri())
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font
    page.locator("#member-filter").fill("机器人")
    assert 0 < len(visible_names(page)) < page.locator(NAMES).count()
    page.locator("nav a[href]").first.click()
    assert page.url == (site / "index.html").as_uri()
    assert errors == []


def test_no_page_scrolls_sideways_on_a_phone(crawled: Crawl, base: str) -> None:
    """Tables may scroll inside their own box; the page itself stays as wide as the phone."""
    assert base + "members/index.html" in crawled.facts
    wide = {url: facts["overflow"] for url, facts in crawled.facts.items() if facts["overflow"] > 0}
    assert wide == {}


FOCUSED = """() => { const e = document.activeElement;
    return {id: e.id, sorts: e.tagName === 'BUTTON' && e.closest('th') !== null}; }"""


def tab(page: Page) -> dict[str, Any]:
    """Press Tab; what has the focus then."""
    page.keyboard.press("Tab")
    focused: dict[str, Any] = page.evaluate(FOCUSED)
    return focused


def test_the_keyboard_reaches_the_filter_and_every_sort_button(page: Page, base: str) -> None:
    page.goto(base + "members/index.html")
    trail = [tab(page)]
    while len(trail) < 40 and not trail[-1]["sorts"]:
        trail.append(tab(page))
    assert [step["id"] for step in trail].count("member-filter") == 1, trail
    assert trail[-1]["sorts"], trail
    before = page.locator(NAMES).all_inner_texts()
    page.keyboard.press("Enter")
    after = page.locator(NAMES).all_inner_texts()
    assert after != before and sorted(after) == sorted(before)
    headers = page.locator("#members thead th").count()
    assert [tab(page)["sorts"] for _ in range(headers)] == [True] * (headers - 1) + [False]


def screenshot(browser: Browser, url: str, path: Path) -> bytes:
    """The page at URL as a PNG of the window, SCREEN wide, written to PATH."""
    shot = browser.new_page(viewport=SCREEN)
    try:
        shot.goto(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return shot.screenshot(path=path)
    finally:
        shot.close()


def test_a_screenshot_of_the_home_page_is_kept(browser: Browser, base: str) -> None:
    folder = Path(os.environ.get("TRACKER_ARTIFACTS") or ROOT / "test-artifacts")
    path = folder / "site-home.png"
    path.unlink(missing_ok=True)
    screenshot(browser, base + "index.html", path)
    png = path.read_bytes()
    assert png.startswith(PNG) and len(png) > 10_000


def test_the_readmes_screenshot_is_a_small_png_of_the_window() -> None:
    """Made with screenshot() from the demo's site; a screenshot of the whole page, or a
    photo, would bloat every clone."""
    png = (ROOT / ".github" / "readme" / "site-home.png").read_bytes()
    assert png.startswith(PNG) and 10_000 < len(png) < 300_000
    size = {"width": int.from_bytes(png[16:20]), "height": int.from_bytes(png[20:24])}
    assert size == SCREEN
    assert "(.github/readme/site-home.png)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def broken(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the site with a fault planted in a member page and in the home page."""
    copy = tmp_path_factory.mktemp("broken") / PREFIX
    shutil.copytree(site, copy)
    member = sorted((copy / "members").glob("*.html"))[0]
    plant(member, '<a href="gone.html">gone</a><a href="/members/index.html">root</a>')
    plant(copy / "index.html", '<div style="width:2000px">wide</div><script>oops()</script>')
    plant(copy / "changes" / "index.html", '<a href="../../outside.html">up</a>')
    return copy


def plant(path: Path, html: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</body>", html + "</body>"), encoding="utf-8")


def test_the_checks_find_planted_faults(browser: Browser, broken: Path) -> None:
    with serve(broken.parent) as root:
        phone = browser.new_page(viewport=PHONE)
        try:
            found = crawl(phone, f"{root}{PREFIX}index.html", root + PREFIX)
        finally:
            phone.close()
    assert found.facts[f"{root}{PREFIX}index.html"]["overflow"] > 1000
    said = "\n".join(found.problems)
    assert "members/gone.html: HTTP 404" in said
    assert f"{root}members/index.html: outside" in said
    assert f"{root}outside.html: outside" in said
    assert "uncaught" in said and "oops" in said

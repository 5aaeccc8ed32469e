"""The fast paths read exactly what the per-line rules read, or step aside.

Simple lists are read in one step (``parse/items.py``), plain names skip the per-line
rules (``parse/plain.py``), and both are checked here against ``fast=False`` over every
fixture page, every hard case, every real page in ../shared/real-pages (skipped where
absent) and the benchmark's synthetic pages: the listings, the problems, the declared
counts and everything ``tracker parse --explain`` shows must be the same. The pages where
they step aside entirely are recorded (``record_property``) and listed with ``-s``.
"""

from __future__ import annotations

import gc
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bench import synth
from fixtures.portal_pages import portal_page, tabs_page
from tests.test_parse_hard_cases import CASES
from tracker.core.decode import decode_page
from tracker.core.normalize import clean_display, normalize_key
from tracker.core.parse import Reading, depth, plain, read_pages
from tracker.core.parse.items import simple_items
from tracker.core.parse.plain import PlainRun, is_plain, plain_key, plain_keys
from tracker.core.parse.sections import _SPECIAL
from tracker.core.parse.text import (
    COUNT_LINE,
    NON_WORD,
    clean_name,
    furniture,
    heading,
    is_closer,
    split_names,
)
from tracker.core.records import as_dict

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pages"
FIXTURES = sorted((ROOT / "fixtures").rglob("*.html"))
SYNTHETIC = (6, 567, 3000)


def _page(path: Path) -> str:
    return decode_page(path.read_bytes(), None, source=path.name)[0]


def _explained(reading: Reading) -> dict[str, Any]:
    """Everything a reading says: the result and the working `tracker parse --explain` shows."""
    return {
        "result": as_dict(reading.result),
        "sections": [(s.heading, s.line.text, len(s.kept)) for s in reading.sections],
        "rejected": [(r.text, r.reason, r.where()) for r in reading.rejected],
        "skipped": [(node.mem_id and node.tag, why) for node, why in reading.skipped],
        "outside": reading.outside,
    }


def _same_reading(pages: list[str]) -> int:
    """Assert both paths read the pages alike; how many names the fast path took."""
    fast = read_pages(pages)
    full = read_pages(pages, fast=False)
    assert full.plain == 0
    assert _explained(fast) == _explained(full)
    return fast.plain


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_pages_read_alike(path: Path, record_property: Any) -> None:
    record_property("plain_names", _same_reading([_page(path)]))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hard_cases_read_alike(case: str) -> None:
    body = CASES[case][0]
    _same_reading([f"<html><head><title>t</title></head><body>{body}</body></html>"])


def _real_pages() -> list[Path]:
    return sorted(REAL.glob("*.html")) if REAL.is_dir() else []


@pytest.mark.parametrize("path", _real_pages() or [None], ids=lambda p: p.name if p else "absent")
def test_real_pages_read_alike(path: Path | None, record_property: Any) -> None:
    if path is None:
        pytest.skip(f"real pages not found at {REAL} (they are never committed)")
    record_property("plain_names", _same_reading([_page(path)]))


@pytest.mark.parametrize("size", SYNTHETIC)
def test_synthetic_pages_read_alike_and_fast(size: int) -> None:
    tiers = synth.page_of(size)
    plain = _same_reading([synth.member_page(tiers)])
    # Every plain name but each tier's first (which sets the run's shape).
    names = [name for names in tiers.values() for name in names]
    assert plain >= sum(1 for name in names if is_plain(name)) - len(tiers)
    assert plain >= 0.6 * len(names)


def test_portal_pages_and_lists_over_pages_read_alike() -> None:
    tiers = {tier: names[:12] for tier, names in synth.page_of(60).items()}
    _same_reading([portal_page(tiers)])
    _same_reading([tabs_page(tiers)])
    first, second = synth.member_page(tiers), synth.member_page(synth.page_of(40, seed=3))
    _same_reading([first, second])


def test_the_fast_paths_cover_the_pages_they_should(capsys: pytest.CaptureFixture[str]) -> None:
    """Which pages the fast paths read, and which they leave to the per-line rules."""
    pages = {path.name: [_page(path)] for path in [*FIXTURES, *_real_pages()]}
    pages["synthetic 567"] = [synth.member_page(synth.page_of(567))]
    taken = {name: read_pages(html).plain for name, html in pages.items()}
    with capsys.disabled():
        declined = sorted(name for name, plain in taken.items() if not plain)
        print(
            f"\nfast paths: {len(taken) - len(declined)} of {len(taken)} pages; "
            f"per-line rules only: {', '.join(declined)}"
        )
    assert taken["synthetic 567"] > 400


# --- Simple lists -----------------------------------------------------------------------

NAME = "星河智能科技有限公司"
_GT_ITEM = f'<li title="a>b">{NAME}</li>'
LISTS = {
    "bare items": f"<ul>{f'<li>{NAME}</li>' * 5}</ul>",
    "links and spans": f"<ul>{f'<li> <a href=x target=_blank><span>{NAME}</span></a> </li>' * 5}</ul>",
    "a classed wrapper": f"<ul>{f'<li><span class=en>{NAME}</span></li>' * 5}</ul>",
    "an entity": f"<ul>{f'<li>{NAME}&amp;</li>' * 5}</ul>",
    "nbsp inside": f"<ul>{f'<li>星河&nbsp;&nbsp;{NAME}</li>' * 5}</ul>",
    "a comment": f"<ul>{f'<li><!-- x -->{NAME}</li>' * 5}</ul>",
    "a cut title": f"<ul>{f'<li><a title={NAME}>星河智能...</a></li>' * 5}</ul>",
    "bold items": f"<ul>{f'<li><b>{NAME}</b></li>' * 5}</ul>",
    "a break": f"<ul>{'<li>乙禾数据<br>股份有限公司</li>' * 5}</ul>",
    "two texts": f"<ul>{'<li><span>星河</span>科技有限公司</li>' * 5}</ul>",
    "nested lists": f"<ul>{f'<li>{NAME}<ul><li>{NAME}</li></ul></li>' * 5}</ul>",
    "titled items": f"<ul>{f'<li class=title>{NAME}</li>' * 5}</ul>",
    "paragraphs in a div": f"<div>{f'<p>{NAME}</p>' * 5}</div>",
    "a quote in the block's attribute": f'<ul data-x="a>b">{f"<li>{NAME}</li>" * 5}</ul>',
    # The item expression takes an item's attributes up to the first `>`: it relies on
    # lexbor writing one inside an attribute as `&gt;` (selectolax 0.3.21 did not).
    "a quote in each item's attribute": f"<ul>{_GT_ITEM * 5}</ul>",
    "spaced text": f"<ul>{f'<li>星河  智能 {NAME}</li>' * 5}</ul>",
    # A tab is read as a space; an unprintable character that is no ASCII space is kept
    # (stripping alone reads it as line_text does).
    "a tab inside": "<ul>" + f"<li>星河\t{NAME}</li>" * 5 + "</ul>",
    "a zero-width space": "<ul>" + f"<li>星河\u200b{NAME}</li>" * 5 + "</ul>",
    # The walk reads an item of another tag as outside the run (a review found the fast path
    # taking a disclaimer paragraph inside a list as a member).
    "an item of another tag": f"<ul>{f'<li>{NAME}</li>' * 4}<p>免责声明本站信息仅供参考</p></ul>",
    # An empty item gives no line, but a breadcrumb ends a tier all the same.
    "an empty crumb": f"<ul>{f'<li>{NAME}</li>' * 4}<li class=crumb> </li><li>{NAME}</li></ul>",
    "mixed wrappers": f"<ul>{f'<li><span>{NAME}</span></li><li><a href=x>{NAME}</a></li>' * 3}</ul>",
    "uneven indentation": f"<ul><li>{NAME}</li>\n  <li> {NAME}</li>\n<li>\t{NAME} </li><li>{NAME}</li></ul>",
    "an unlike last item": f"<ul>{f'<li><span>{NAME}</span></li>' * 4}<li><span>{NAME}<span></li></ul>",
    "empty and spaced items": f"<ul>{f'<li><span>{NAME}</span></li><li> </li><li>星河  智能</li>' * 3}</ul>",
    # What ends a block after its items: whitespace the walk drops, a form feed among it,
    # or a carriage return (an entity: the parser reads a bare one as a line break), which
    # is text that is no item.
    "a form feed at the end": f"<ul>{f'<li>{NAME}</li>' * 5}\n\f</ul>",
    "a carriage return at the end": f"<ul>{f'<li>{NAME}</li>' * 5}&#13;\n</ul>",
    # Items repeating the first's markup but the last: read as alike, not given up.
    "a last link of its own": f"<ul>{f'<li><a href=/1>{NAME}</a></li>' * 4}<li><a href=/2>{NAME}</a></li></ul>",
}
# Simple by their markup (a titled item is then declined by the walk: it is marked).
SIMPLE = {
    "bare items", "links and spans", "paragraphs in a div", "spaced text", "titled items",
    "a tab inside", "a zero-width space",
    "a quote in the block's attribute", "a quote in each item's attribute", "an empty crumb", "mixed wrappers",
    "empty and spaced items", "uneven indentation", "a form feed at the end", "a last link of its own",
}  # fmt: skip


@pytest.mark.parametrize("case", list(LISTS), ids=list(LISTS))
def test_simple_lists_read_alike(case: str) -> None:
    html = f"<html><head><title>t</title></head><body><h2>理事单位</h2>{LISTS[case]}</body></html>"
    _same_reading([html])
    tree_block = _first_block(html)
    assert (simple_items(tree_block) is not None) == (case in SIMPLE)


def test_simple_items_read_what_the_item_expression_reads() -> None:
    """Items repeated byte for byte, or alike, are read as _ITEM alone reads them."""
    from tracker.core.parse import items
    from tracker.core.parse.text import line_text

    rng = random.Random(17)
    markups = ["<li><span>甲乙</span></li>", "<li><span> 乙 </span></li>", "<li><a href=x>丙</a></li>",
               "<li class=a><span>丁</span></li>", "\n <li><span>戊</span></li>", "<li><span></span></li>",
               "<li><span>甲&amp;</span></li>", "<li>己</li>", "<p><span>庚</span></p>"]  # fmt: skip
    for _ in range(3000):
        first = rng.choice(markups)
        chosen = [first] * rng.randint(0, 6) + [
            rng.choice(markups) for _ in range(rng.randint(0, 2))
        ]
        rng.shuffle(chosen)
        block = _first_block(f"<ul>{''.join(chosen)}</ul>")
        html = block.html
        start, end = html.find(">") + 1, html.rfind("</")
        every = items._ITEM.findall(html, start, end)
        texts = [text for _, _, text in every]
        covered = sum(len(whole) for whole, _, _ in every) == len(html[start:end].rstrip(" \t\n\f"))
        simple = covered and len(texts) >= 4 and len({tag for _, tag, _ in every}) == 1
        expected = [line for text in texts if (line := line_text(text))] if simple else None
        found = simple_items(block)
        assert (None if found is None else found[1]) == expected, html
    # Pieces that split and join alike, but not as items (only the rebuilt block tells).
    twisted = "<li><span>甲</span></li><li><span>乙</span></li><li><span>丙</span></li>"
    twisted += "<li><span>丁</span><li><span></li>戊</span></li>"
    assert items._repeated(twisted, 0, len(twisted), "<li><span>", "</span></li>") is None


def test_a_menu_read_as_a_simple_list_is_still_a_menu() -> None:
    """Tier words in a simple list's lines (a menu outside any chrome markup) still lead
    the strip pass to it, though a simple list's lines are searched for them joined."""
    menu = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in
                   [("/", "首页"), ("/a", "理事单位"), ("/b", "会员单位"), ("/c", "联系我们")])  # fmt: skip
    names = "".join(f"<li>{NAME[:-2]}{i}公司</li>" for i in range(6))
    body = (
        f"<ul class=x>{menu}</ul><h2>理事单位</h2><ul>{names}</ul><h2>会员单位</h2><ul>{names}</ul>"
    )
    html = f"<html><head><title>t</title></head><body>{body}</body></html>"
    _same_reading([html])
    reading = read_pages([html])
    assert reading.skipped and reading.skipped[0][1] == "navigation"


def _first_block(html: str) -> Any:
    from selectolax.lexbor import LexborHTMLParser

    body = LexborHTMLParser(html).body
    assert body is not None
    return body.css_first("ul, div")


# --- Plain names ------------------------------------------------------------------------


def test_each_plain_character_is_kept_and_keyed_alone() -> None:
    """The character-by-character facts plain.py rests on, over the whole class."""
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        assert char.isalpha() and char.isprintable() and not char.isdigit()
        assert not char.isspace() and unicodedata.is_normalized("NFKC", char)
        assert normalize_key(char) == char == clean_display(char)
    for bracket, half in (("（", "("), ("）", ")"), ("(", "("), (")", ")")):
        assert normalize_key(bracket) == half == plain_key(bracket)


def test_plain_lines_are_left_alone_by_every_per_line_rule() -> None:
    rng = random.Random(17)
    words = [*"星河智能科技有限公司大学研究院北京上海位员安的家日一二（）()", "友情链接", "首页"]
    taken: list[str] = []
    for _ in range(20000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
        if plain._PLAIN.fullmatch(text):
            # What the captions are checked against, without the regex.
            assert plain._bare(text) == NON_WORD.sub("", text)
        if not is_plain(text):
            continue
        taken.append(text)
        assert _SPECIAL.search(text) is None and not furniture(text)
        assert heading(text, evidence=True) is None and COUNT_LINE.fullmatch(text) is None
        assert not is_closer(text)
        assert split_names(text) == [(text, None)] == [clean_name(text)]
        assert normalize_key(clean_display(text)) == plain_key(text)
        assert clean_display(text) == text
    assert len(taken) > 1000
    assert plain_keys(taken) == [plain_key(text) for text in taken]


def test_a_list_s_plain_lines_are_counted_from_any_line() -> None:
    """PlainRun.plain_from counts what is_plain says line by line, from any line on, asked
    in any order."""
    rng = random.Random(17)
    words = [
        "星河智能科技有限公司",
        "青岚（北京）数据",
        "首页",
        "首（页）",
        "友情链接",
        "赤霄",
        "Aurorix",
        "二星",
        "日",
    ]
    for _ in range(2000):
        texts = [
            rng.choice(words) + rng.choice(["", "大学", "日"]) for _ in range(rng.randint(1, 9))
        ]
        run = PlainRun(texts, "\n".join(texts))
        # In order, as the reader asks, then in any order.
        indexes = list(range(len(texts)))
        for index in indexes + rng.sample(indexes, len(indexes)):
            expected = next(
                (i for i, text in enumerate(texts[index:]) if not is_plain(text)),
                len(texts) - index,
            )
            assert run.plain_from(index) == expected, (texts, index)


def test_a_list_s_plain_lines_are_counted_at_every_length() -> None:
    """PlainRun.plain_from counts what is_plain says for lines of 1 to 82 characters, whose
    first and last characters are or are not allowed there (a numeral first, 日 last, a
    bracket at either end): a whole line's end is looked at behind, not given back."""
    rng = random.Random(17)
    for _ in range(3000):
        texts = []
        for _ in range(rng.randint(1, 6)):
            length = rng.randint(1, 82)
            middle = "".join(rng.choice("星河（）(") for _ in range(max(length - 2, 0)))
            first, last = rng.choice("星一（日"), rng.choice("河日）二")
            texts.append((first + middle + last)[:length])
        run = PlainRun(texts, "\n".join(texts))
        for index in range(len(texts)):
            expected = next(
                (i for i, text in enumerate(texts[index:]) if not is_plain(text)),
                len(texts) - index,
            )
            assert run.plain_from(index) == expected, (texts, index)


def test_no_caption_holds_a_bracket_or_is_long() -> None:
    """plain_from finds captions among the short bracketless lines its match takes by one set
    look-up (a line with a bracket is no caption as written, a long line never one)."""
    for caption in plain._CAPTIONS:
        assert len(caption) <= plain._MAX_CAPTION and not set(caption) & set("（）()")


@pytest.mark.parametrize(
    ("line", "taken"),
    [
        ("返回顶部", False),  # a caption as written
        ("返（回）顶部", False),  # a caption once bare, short, with brackets
        ("返（回）（顶）（）部", False),  # ten characters: still short
        ("返（回）（顶）（（））部", True),  # eleven: no caption is so long
        ("星（河）智能", True),  # short, with a bracket, no caption
        ("青岚数据", True),  # short, no bracket
        ("星河智能（科技）有限公司", True),  # long, with brackets
        ("星河（智能", True),  # a bracket left open
    ],
)
def test_short_lines_and_brackets_in_a_list_s_plain_lines(line: str, taken: bool) -> None:
    """The match takes long lines and short lines without brackets; a short line with one
    is asked alone, and the lines after it are still counted."""
    texts = ["赤霄大学", "星河智能科技有限公司", line, "青岚数据有限公司", "白石"]
    assert is_plain(line) is taken
    run = PlainRun(texts, "\n".join(texts))
    assert run.plain_from(1) == (4 if taken else 1)
    assert run.plain_from(2) == (3 if taken else 0)


def test_lists_mixing_plain_and_other_lines_read_alike() -> None:
    rng = random.Random(17)
    lines = ["星河智能科技有限公司", "青岚数据（北京）有限公司", "Aurorix Ltd.", "首页", "赤霄大学",
             "友情链接", "1 白石研究院", "2 青岚", "理事单位", "海澜数据", "2024-03-01"]  # fmt: skip
    for _ in range(300):
        items = "".join(f"<li>{rng.choice(lines)}</li>" for _ in range(rng.randint(4, 12)))
        body = f"<h2>理事单位</h2><ul>{items}</ul><h2>会员单位</h2><ul>{items}{items}</ul>"
        _same_reading([f"<html><head><title>t</title></head><body>{body}</body></html>"])


# --- The depth scan ---------------------------------------------------------------------


def _depth_tag_by_tag(html: str) -> int:
    scan = depth._Scan(None)
    scan.feed(depth._TAG.findall(depth.markup_only(html)))
    return scan.deepest


def test_the_depth_scan_passes_over_runs_of_items_without_changing_its_answer() -> None:
    pages = [_page(path) for path in [*FIXTURES, *_real_pages()]]
    pages.append(synth.member_page(synth.page_of(600)))
    for html in pages:
        assert depth.nesting_depth(html) == _depth_tag_by_tag(html)
    rng = random.Random(17)
    pieces = [
        "<li>", "</li>", "<li class=x>", "<a href=y>", "</a>", "<span>", "</span>", "<p>",
        "</p>", "<ul>", "</ul>", "<div>", "</div>", "名", "  ", "<b>", "</b>", "<dd>", "</dd>",
        "<LI>", "</li >", "<svg>", "<span/>", "<li/>", "<br>", "<x", "<a ", ">", "<td>",
    ]  # fmt: skip
    items = ["<li>甲</li>", "<li><a>乙</a></li>", "<p><span><b>丙</b></span></p>", "<dd>丁</dd>\n"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        middle = len(text) // 2
        html = text[:middle] + rng.choice(items) * rng.randint(0, 6) + text[middle:]
        assert depth.nesting_depth(html) == _depth_tag_by_tag(html), html
        if _depth_tag_by_tag(html) <= 3:
            assert depth.nesting_depth(html, stop_after=3) <= 3


def test_runs_of_items_are_matches_of_their_expression_in_order_and_apart() -> None:
    """depth._runs matches its run expressions in steps: each run it gives is one whole
    match, and every run a single kind's finditer finds is found where it stands alone."""
    rng = random.Random(17)
    items = ["<li>甲</li>", "<li><a>乙</a></li>", "<li><span>丙</span></li>", "<p><span><b>丙</b></span></p>",
             "<p><i><u>丁</u></i></p>", "<dd>丁</dd>\n", "<li class=x><a href=y>戊</a> </li >", " ", "<li>"]  # fmt: skip
    wholes = [
        re.compile(f"{depth._item(kind, depth._FIRST, 'f')}(?:\\s*{depth._item(kind)}){{2,}}\\s*")
        for kind in range(3)
    ]
    for _ in range(3000):
        html = "".join(rng.choice(items) * rng.randint(1, 5) for _ in range(rng.randint(1, 8)))
        done = 0
        for start, end, kind in depth._runs(html):
            assert start >= done and (whole := wholes[kind].match(html, start)) is not None
            assert whole.end() == end, html
            done = end
        kinds = [[run.span() for run in whole.finditer(html)] for whole in wholes]
        if sum(map(bool, kinds)) == 1:
            assert [(start, end) for start, end, _ in depth._runs(html)] == max(kinds), html


def test_the_depth_limit_is_judged_alike_with_or_without_the_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page with too few tags to reach the limit is passed without a scan: the scan would
    have passed it too."""
    monkeypatch.setattr(depth, "MAX_DEPTH", 6)
    rng = random.Random(17)
    pieces = [
        "<div>",
        "</div>",
        "<li>",
        "<!-- <p> -->",
        "<script><b><b></script>",
        "<br>",
        "<",
        "x",
    ]
    for _ in range(5000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 16)))
        assert (depth.too_deep(html) is None) == (depth.nesting_depth(html) <= 6), html


def test_markup_only_sets_aside_what_the_plain_expression_does() -> None:
    """The lookahead in front of markup_only's expression only skips "<"s it cannot match,
    case-folding included ("ſcript" is "script" to it)."""
    reference = re.compile(
        r"<!--.*?(?:-->|\Z)"
        r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b.*?(?:</\1|\Z)",
        re.DOTALL | re.IGNORECASE,
    )
    rng = random.Random(17)
    pieces = ["<", "!--", "-->", "script", "SCRIPT", "ſcript", "İframe", "</", ">", "x", "Title",
              "plaintext", "<p>", "\n", "noembed", "</script>", "<!-", "K"]  # fmt: skip
    for _ in range(20000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 15)))
        assert depth.markup_only(html) == reference.sub("", html), html


def test_a_parse_leaves_the_garbage_collector_as_it_found_it() -> None:
    page = synth.member_page(synth.page_of(20))
    assert gc.isenabled()
    read_pages([page])
    assert gc.isenabled()
    gc.disable()
    try:
        read_pages([page])
        assert not gc.isenabled()
    finally:
        gc.enable()

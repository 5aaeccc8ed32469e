"""A chrome block's share of the page's text, judged from as little text as settles it
(``parse/markup.py``), is the share the whole text gives: over every fixture page, the real
pages in ../shared/real-pages (skipped where absent), a benchmark page and pages built to
take each way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from bench import synth
from tracker.core.decode import decode_page
from tracker.core.parse import markup

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-pages"
PAGES = sorted((ROOT / "fixtures").rglob("*.html")) + sorted(REAL.glob("*.html"))
BUILT = [
    synth.member_page(synth.page_of(40)),
    "<body><nav>首页 理事单位</nav><div class=a><header>联盟</header><p>星河科技有限公司</p></div>"
    "<aside class=side>新闻</aside><form id=f><input></form><footer role=x>版权所有</footer></body>",
    "<body><div class=x><nav class=y>甲</nav></div><footer>" + "文字" * 300 + "</footer></body>",
    "<body><header role=banner>  \n </header><p>" + "星河" * 5 + "</p><aside> </aside></body>",
    "<body><div class='page with-sidebar'>" + "<p>星河科技有限公司</p>" * 40 + "</div></body>",
    "<body><template><nav>甲</nav></template><nav class=n>乙</nav></body>",
]


def _trees() -> list[LexborHTMLParser]:
    pages = [decode_page(path.read_bytes(), None, source=path.name)[0] for path in PAGES]
    return [LexborHTMLParser(page) for page in pages + BUILT]


@pytest.mark.parametrize("tree", _trees())
def test_a_block_s_share_of_the_text_is_the_plain_share(tree: LexborHTMLParser) -> None:
    body = tree.body
    if body is None:
        return
    exact = len(body.text(deep=True, strip=True))
    longest = exact * 2 + 3
    # Asked in rising and in falling order: the walk goes on from where the last ask left it.
    for lengths in (range(longest), range(longest, -1, -1)):
        total = markup._TextLength(body)
        for length in lengths:
            expected = bool(exact) and length >= markup._WRAPPER_SHARE * exact
            assert total.within(length, markup._WRAPPER_SHARE) == expected, length

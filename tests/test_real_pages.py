"""The parser on real pages nobody on this project wrote, and on CSET's list in a CMS portal.

The real pages and their hand-counted names live in ../shared/real-pages (never copied
here); CSET's list in ../shared/cset-aiia. Each test skips, saying where it looked, when
the folder is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from fixtures.portal_pages import portal_page, tabs_page
from tests.pages import cset_tiers, render_page
from tracker.core.decode import decode_page
from tracker.core.guard import anomalies
from tracker.core.models import ParseResult
from tracker.core.parse import parse_page

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-pages"
# Server-template code left in a saved template ("<%=", "$row"): never on a live page.
TEMPLATE = re.compile(r"[$]|<%|%>")
# A trailing bracketed note ("（筹）") may be read either way, as the scorer allows.
NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def expected_pages() -> dict[str, Any]:
    path = REAL / "expected.json"
    if not path.is_file():
        pytest.skip(f"real pages not found at {REAL} (they are never committed)")
    pages: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return pages


def _names() -> list[str]:
    try:
        return sorted(json.loads((REAL / "expected.json").read_text(encoding="utf-8")))
    except OSError:
        return ["(absent)"]


def key(name: str) -> str:
    """How the scorer compares names: NFKC, no whitespace, no invisible characters."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def read(name: str) -> ParseResult:
    return parse_page(decode_page((REAL / name).read_bytes(), None, source=name)[0])


def compare(expected: dict[str, Any], result: ParseResult) -> tuple[int, int, int, bool]:
    """Names right, names read, names expected, and whether each tier is read as one."""
    want = {key(n): tier["label"] for tier in expected["tiers"] for n in tier["names"]}
    got: dict[str, str] = {}
    for listing in result.listings:
        name = key(listing.name)
        if TEMPLATE.search(name):
            continue
        if name not in want and NOTE.sub("", name) in want:
            name = NOTE.sub("", name)
        got.setdefault(name, listing.tier_label)
    hit = set(want) & set(got)
    labels: dict[str, set[str]] = {}
    for name in hit:
        labels.setdefault(want[name], set()).add(got[name])
    grouped = all(len(v) == 1 for v in labels.values()) and len(
        {next(iter(v)) for v in labels.values()}
    ) == len(labels)
    return len(hit), len(got), len(want), grouped


@pytest.mark.parametrize("name", _names())
def test_a_real_page_is_read_right_or_quarantined(name: str) -> None:
    expected = expected_pages()[name]
    result = read(name)
    hit, got, want, grouped = compare(expected, result)
    reasons = anomalies(result, None, max_loss_share=0.2)
    assert (hit == got == want and grouped) or reasons, (hit, got, want, grouped)
    # A quarantine is an honest answer, not a licence to read a page badly.
    assert hit >= 0.9 * want and hit >= 0.9 * got, (hit, got, want)


def test_real_pages_precision_and_recall() -> None:
    pages = expected_pages()
    hits = gots = wants = 0
    for name, expected in pages.items():
        hit, got, want, _ = compare(expected, read(name))
        hits, gots, wants = hits + hit, gots + got, wants + want
    assert hits / gots >= 0.99 and hits / wants >= 0.98, (hits, gots, wants)


def _exactly(result: ParseResult, tiers: dict[str, list[str]]) -> None:
    read = {tier: [x.name for x in result.listings if x.tier == tier] for tier in tiers}
    assert read == tiers
    assert anomalies(result, None, max_loss_share=0.2) == []


def test_the_2020_list_inside_a_full_portal_parses_to_exactly_its_tiers() -> None:
    tiers = cset_tiers()
    _exactly(parse_page(portal_page(tiers)), tiers)
    assert [len(names) for names in tiers.values()] == [28, 189, 350]


def test_the_2020_list_as_tabs_of_logo_cards_parses_to_exactly_its_tiers() -> None:
    tiers = cset_tiers()
    _exactly(parse_page(tabs_page(tiers)), tiers)


def test_the_2020_style_page_with_a_menu_of_tier_words_parses_to_its_tiers() -> None:
    tiers = cset_tiers()
    _exactly(parse_page(render_page(tiers, counts=True)), tiers)

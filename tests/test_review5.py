"""Review 5 of realpages3: pages the new rules read wrong with no quarantine (invented names).

Each page must read as a careful reader would, or be quarantined with a reason: a silently
wrong snapshot is the worst outcome, worse than an honest quarantine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.app.config import load_config
from tracker.core.errors import ConfigError
from tracker.core.guard import anomalies
from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import normalize_key
from tracker.core.parse import parse_page

A, B, C, D = "甲星科技有限公司", "乙禾数据有限公司", "丙岳大学", "丁岫语音研究院"
NB = "&nbsp;" * 3

CASES: dict[str, tuple[str, list[str]]] = {
    # A row of names set apart by runs of &nbsp;, its first a short name with one space in
    # it: the spaced-out person rule took "星 禾" for a representative, dropped it and read
    # the next two members as one name (PARSER_VERSION 6 read all three).
    "a short spaced name first in a row of names": (
        f"<h3>会员单位</h3><p>星 禾{NB}{A}{NB}{C}</p><p>{B}{NB}{D}</p>",
        ["星 禾", A, C, B, D],
    ),
    # Version 6 quarantined this row (2 of 3 names do not look like organisations); 7 reads
    # one name "乙禾   丙岳科技" and believes it.
    "a row of short names": (
        f"<h3>会员单位</h3><p>星 禾{NB}乙禾{NB}丙岳科技</p>",
        ["星 禾", "乙禾", "丙岳科技"],
    ),
    # A chair tier of one member (the usual size) before the next tier's bold label: the
    # bold-label rule needs two links before it, so the row, the label and the next tier's
    # names read as one chair member (the same in version 6).
    "a one-member tier before a bold label in a row of links": (
        f'<div class="links"><span><b>理事长单位：</b><a href="/1">{A}</a>  '
        f'<b>理事单位：</b><a href="/2">{B}</a>  <a href="/3">{D}</a>  <a href="/4">{C}</a>'
        "</span></div>",
        [A, B, D, C],
    ),
    # The colon outside the bold, as the first label of realpages3's own hard case writes it:
    # the rule wants the colon inside, so both tiers read as one name; caught only when the
    # last name ends in a company's legal form (here a university).
    "a bold tier label with the colon after it, in a row of links": (
        f'<div class="links"><span><b>理事单位</b>：<a href="/1">{A}</a>  <a href="/2">{B}</a>'
        f'  <b>会员单位</b>：<a href="/3">{D}</a>  <a href="/4">{C}</a></span></div>',
        [A, B, D, C],
    ),
    # Not from realpages3 (the same in version 6): a table cell whose member does not end
    # like an organisation (a city government, a representative office, a fund) is dropped
    # without a word, wherever it sits in the table.
    "a city government in a table of members": (
        f"<h3>理事单位</h3><table><tr><td>{A}</td><td>庚川市人民政府</td><td>{C}</td></tr>"
        f"<tr><td>{B}</td><td>辛岭科技有限公司北京代表处</td><td>{D}</td></tr></table>",
        [A, "庚川市人民政府", C, B, "辛岭科技有限公司北京代表处", D],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_page_reads_right_or_is_quarantined(case: str) -> None:
    body, expected = CASES[case]
    result = parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>")
    names = [x.name.replace("\xa0", " ") for x in result.listings]
    if names != expected:
        assert anomalies(result, None, max_loss_share=0.2), f"read {names} and believed it"


@pytest.mark.parametrize(
    "template", ["{timestamp}{url}{timestamp.real}", "{timestamp}{url[a]}"], ids=["attr", "key"]
)
def test_a_capture_url_with_a_field_lookup_is_a_config_error(tmp_path: Path, template: str) -> None:
    # Filling "{timestamp.real}" raised AttributeError and "{url[a]}" TypeError, which the
    # check let through: an internal error (exit 70) for a config value, in both readers.
    path = tmp_path / "config.toml"
    path.write_text(f'[wayback]\ncapture_url = "{template}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no other {placeholder}"):
        load_config(path)


def test_a_subsidiary_listed_under_its_parent_is_one_name() -> None:
    # "甲…有限公司全资子公司乙…有限公司" names one member, the subsidiary, by its parent: the
    # two-companies rule quarantines it as two names run together (a false quarantine; the
    # guard's own test keeps a branch, "…有限公司北京分公司", as one name).
    names = [
        "甲星集团有限公司全资子公司乙禾科技有限公司",
        "丙岳控股有限公司旗下丁岫智能有限公司",
        "戊溟集团有限公司下属己川数据有限公司",
        *(f"测试机构{i}号有限公司" for i in range(5)),
    ]
    listings = [
        Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
        for i, n in enumerate(names, start=1)
    ]
    assert anomalies(ParseResult(listings=listings), None, max_loss_share=0.2) == []

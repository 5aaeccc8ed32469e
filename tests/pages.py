"""Test helpers that build member pages and read the CSET baseline at test time."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest

CSET_CSV = (
    Path(__file__).resolve().parents[1].parent / "shared" / "cset-aiia" / "AIIA_collections.csv"
)

TIER_HEADINGS = {"vice_chair": "副理事长单位", "board": "理事单位", "ordinary": "普通会员单位"}
# Invented members the parser tests share: companies, a university, an institute.
INVENTED = (
    "甲星科技有限公司",
    "乙禾数据有限公司",
    "丙岳大学",
    "丁岫视觉有限公司",
    "戊溟语音有限公司",
    "己未智能研究院",
)


def cset_rows() -> list[dict[str, str]]:
    """CSET's rows keyed by column name, or skip the test when the file is not beside us."""
    if not CSET_CSV.is_file():
        pytest.skip(f"CSET baseline not found at {CSET_CSV} (it is never committed)")
    with CSET_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[1]
    return [dict(zip(header, row, strict=False)) for row in rows[2:] if any(row)]


def cset_tiers() -> dict[str, list[str]]:
    """CSET's names per tier in page order, as the 2020 page listed them."""
    by_label = {label: tier for tier, label in TIER_HEADINGS.items()}
    tiers: dict[str, list[tuple[int, str]]] = {tier: [] for tier in TIER_HEADINGS}
    for row in cset_rows():
        position = int(row["Original order within tier"])
        tiers[by_label[row["Tier (ZH)"].strip()]].append((position, row["Name (ZH)"]))
    return {tier: [name for _, name in sorted(items)] for tier, items in tiers.items()}


def render_page(tiers: dict[str, list[str]], *, counts: bool = False) -> str:
    """A member page in the style of the 2020 site: a menu, headings, lists, a footer."""
    out = io.StringIO()
    out.write(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>组织架构</title></head><body>'
    )
    out.write(
        '<div class="nav"><a href="#">首页</a><a href="#">理事单位</a><a href="#">会员单位</a></div>'
    )
    out.write('<div class="content">')
    for tier, names in tiers.items():
        label = TIER_HEADINGS[tier]
        suffix = f"（{len(names)}家）" if counts else ""
        out.write(f"<h3>{label}{suffix}</h3><ul>")
        out.writelines(f"<li>{html.escape(name)}</li>" for name in names)
        out.write("</ul>")
    out.write('</div><div class="footer">会员单位 申请入会 | 版权所有</div></body></html>')
    return out.getvalue()

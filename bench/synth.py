"""Synthetic AIIA-style data for the benchmarks: member pages, churned lists, a long history.

Every name is invented: a region, a two- or three-character brand from a made-up syllable
set, a trade and a legal form, the way Chinese organisation names are built. Generation is
seeded, so a benchmark run always measures the same data.
"""

from __future__ import annotations

import html
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tracker.core.models import Listing
from tracker.core.normalize import clean_display, normalize_key

# Tier ids in page order and their headings, as the 2020 page showed them.
TIER_LABELS = {"vice_chair": "副理事长单位", "board": "理事单位", "ordinary": "普通会员单位"}
# Shares of the March 2020 list (28 / 189 / 350 of 567 listings).
TIER_SHARES = {"vice_chair": 0.05, "board": 0.33}

_BRAND_CHARS = (
    "星河青岚云帆北辰赤霄翠微海澜白石金穗蓝鲸松涛明湖紫陌晴川玄武嘉禾鹿鸣墨羽清溪远山长庚南岭"
)
_REGIONS = ("", "", "", "", "北京", "上海", "深圳", "杭州", "成都", "武汉")
_TRADES = (
    "智能科技",
    "数据技术",
    "信息技术",
    "网络科技",
    "机器人",
    "视觉技术",
    "芯片设计",
    "语音科技",
    "智算",
    "云计算",
)
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "研究院", "实验室")
_BRACKETS = ("（北京）", "（上海）", "（深圳）")

Tiers = dict[str, list[str]]


class NameMaker:
    """Distinct invented organisation names, reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            candidate = self._candidate()
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def names(self, count: int) -> list[str]:
        return [self.name() for _ in range(count)]

    def _candidate(self) -> str:
        rng = self.rng
        brand = "".join(rng.choice(_BRAND_CHARS) for _ in range(rng.choice((2, 3, 3))))
        trade, form = rng.choice(_TRADES), rng.choice(_FORMS)
        if form.endswith("公司") and rng.random() < 0.1:
            return f"{brand}{trade}{rng.choice(_BRACKETS)}{form}"
        return f"{rng.choice(_REGIONS)}{brand}{trade}{form}"

    def rename(self, name: str) -> str:
        """The name after a rename the alliance list typically shows: an IPO or a new city."""
        if name.endswith("有限公司") and not name.endswith("股份有限公司"):
            renamed = name[: -len("有限公司")] + "股份有限公司"
        else:
            renamed = self.rng.choice(("北京", "上海", "深圳")) + name
        if renamed in self.used:
            return self.name()
        self.used.add(renamed)
        return renamed


def tiered(names: list[str]) -> Tiers:
    """Names split into tiers in the March 2020 proportions, page order kept."""
    vice = round(len(names) * TIER_SHARES["vice_chair"])
    board = vice + round(len(names) * TIER_SHARES["board"])
    return {
        "vice_chair": names[:vice],
        "board": names[vice:board],
        "ordinary": names[board:],
    }


def member_page(tiers: Tiers) -> str:
    """A structure page in the style of the real site: head, menu, headings, lists, footer."""
    out = io.StringIO()
    out.write(
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        "<title>组织架构 - 产业发展联盟</title>\n"
        '<link rel="stylesheet" href="/statics/css/style.css">\n'
        "<script>var _hmt = _hmt || [];</script>\n</head>\n<body>\n"
        '<div class="header"><div class="logo"><img src="/logo.png" alt="联盟"></div>\n'
        '<ul class="menu"><li><a href="/">首页</a></li><li><a href="#">联盟概况</a></li>'
        '<li><a href="#">理事单位</a></li><li><a href="#">会员单位</a></li></ul></div>\n'
        '<div class="main"><div class="crumb">当前位置：首页 &gt; 组织架构</div>\n'
        '<div class="content">\n'
    )
    for number, (tier, names) in enumerate(tiers.items()):
        out.write(
            f'<div class="title"><h3>{"一二三四五"[number]}、{TIER_LABELS[tier]}</h3></div>\n'
        )
        out.write('<ul class="list">\n')
        out.writelines(f"  <li><span>{html.escape(name)}</span></li>\n" for name in names)
        out.write("</ul>\n")
    out.write(
        '</div></div>\n<div class="footer"><p>版权所有 产业发展联盟</p>'
        "<p>地址：北京市某区某路1号</p></div>\n</body>\n</html>\n"
    )
    return out.getvalue()


def listings(tiers: Tiers) -> list[Listing]:
    """What parse_page reads from member_page(tiers): same names, keys and positions."""
    found = []
    for tier, names in tiers.items():
        for position, raw in enumerate(names, start=1):
            name = clean_display(raw)
            found.append(
                Listing(
                    tier=tier,
                    tier_label=TIER_LABELS[tier],
                    position=position,
                    name=name,
                    key=normalize_key(name),
                )
            )
    return found


def page_of(members: int, seed: int = 1) -> Tiers:
    return tiered(NameMaker(seed).names(members))


@dataclass(frozen=True)
class Churn:
    """What one change of the list did, for checking a diff against."""

    departed: int
    joined: int
    renamed: int
    moved: int


def churned(
    tiers: Tiers, maker: NameMaker, *, share: float, grow: int = 0, moves: float | None = None
) -> tuple[Tiers, Churn]:
    """The list after `share` of its members left (a fifth of them renamed, not gone), as
    many joined plus `grow`, and `moves` of them (default: half of `share`) moved a tier up."""
    rng = maker.rng
    every = [name for names in tiers.values() for name in names]
    out_count = round(len(every) * share)
    leaving = set(rng.sample(every, out_count))
    renames = {old: maker.rename(old) for old in sorted(leaving)[: out_count // 5]}
    move_count = round(len(every) * (share / 2 if moves is None else moves))
    moving = set(rng.sample(sorted(set(every) - leaving), move_count))
    new: Tiers = {tier: [] for tier in tiers}
    ranks = list(tiers)
    for rank, (tier, names) in enumerate(tiers.items()):
        for name in names:
            up = ranks[max(rank - 1, 0)] if name in moving else tier
            if name not in leaving or name in renames:
                new[up].append(renames.get(name, name))
    joins = out_count - len(renames) + grow
    new["ordinary"].extend(maker.names(joins))
    return new, Churn(out_count - len(renames), joins, len(renames), len(moving))


@dataclass(frozen=True)
class Version:
    """One distinct state of the list in a long history."""

    captured_at: datetime
    tiers: Tiers


def history(
    *, days: int, versions: int, start_members: int, end_members: int, seed: int = 7
) -> Iterator[Version]:
    """A list that changes `versions` times over `days` daily ticks and grows linearly,
    with 1% of members leaving (a fifth of them renamed) at each change."""
    maker = NameMaker(seed)
    tiers = tiered(maker.names(start_members))
    start = datetime.combine(date(2020, 3, 26), datetime.min.time(), tzinfo=UTC)
    step = (end_members - start_members) / max(versions - 1, 1)
    for index in range(versions):
        yield Version(start + timedelta(days=index * days // versions), tiers)
        size = sum(len(names) for names in tiers.values())
        target = round(start_members + step * (index + 1))
        tiers, _ = churned(tiers, maker, share=0.01, grow=max(target - size, 0), moves=0.001)

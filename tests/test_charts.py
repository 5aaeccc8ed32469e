"""Charts fit to paste into a brief: legend off the data, honest labels, quarantined
captures marked, a source line, editable SVG text. Geometry and SVG elements, no goldens."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlite_utils

from tests.cli import Run, invoker
from tracker import __version__
from tracker.core.config import Config
from tracker.core.credit import CSET_CREDIT
from tracker.core.errors import ConfigError
from tracker.core.models import Listing, ParseResult, Snapshot
from tracker.core.normalize import normalize_key
from tracker.core.stats import cross_tab
from tracker.core.timeline import MEMBERS_SERIES, timeline_series
from tracker.render import charts
from tracker.render.charts import (
    QUARANTINED_GID,
    SOURCE_GID,
    TIMELINE_YLABEL,
    composition_figure,
    draw,
    plot_snapshot,
    plot_timeline,
    series_figure,
)
from tracker.store import Store

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "baseline" / "small.csv"
SVG = "{http://www.w3.org/2000/svg}"
URL = "https://example.org/members"
NAME = "Example alliance"


def _texts(path: Path) -> list[str]:
    """Every SVG <text> element's text: the file must parse as XML."""
    root = ET.parse(path).getroot()
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _group(path: Path, gid: str) -> ET.Element:
    found = [g for g in ET.parse(path).getroot().iter(f"{SVG}g") if g.get("id") == gid]
    assert len(found) == 1, gid
    return found[0]


def _snapshot(snapshot_id: int, day: datetime, members: int) -> Snapshot:
    return Snapshot(
        id=snapshot_id,
        source_id="aiia",
        captured_at=day,
        origin="wayback",
        page_sha256="0" * 64,
        parser_version="test",
        status="ok",
        counts={"board": members, "ordinary": members + 1},
        member_count=members,
        listing_count=2 * members + 1,
    )


def _listing(tier: str, label: str, position: int, name: str) -> Listing:
    return Listing(
        tier=tier, tier_label=label, position=position, name=name, key=normalize_key(name)
    )


LISTINGS = [
    _listing("board", "理事单位", 1, "星河智能科技有限公司"),
    _listing("ordinary", "普通会员单位", 1, "青岚数据（北京）有限公司"),
    _listing("other", "名誉理事长单位", 1, "东湖大学"),
    _listing("other", "监事单位", 2, "白鹭云计算有限公司"),
]
DAYS = [datetime(2020, 3, 26, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    invoke = invoker(tmp_path)
    assert invoke("baseline", "import", str(SMALL)).exit_code == 0
    return invoke


def _add(tmp_path: Path, day: datetime, status: str) -> None:
    store = Store(sqlite_utils.Database(tmp_path / "t.db"))
    baseline = store.snapshots("aiia")[0]
    with store.atomic():
        store.add_snapshot(
            source_id="aiia",
            captured_at=day,
            origin="wayback",
            page_sha256=baseline.page_sha256,
            provenance=None,
            parsed=ParseResult(listings=[] if status == "quarantined" else LISTINGS[:2]),
            parser_version="test",
            status="quarantined" if status == "quarantined" else "ok",
            reason="no members found" if status == "quarantined" else None,
            created_at=day,
        )
    store.close()


def test_stats_svg_text_is_text_with_tier_labels_as_written_and_a_credited_source(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "tiers.svg"
    result = run("stats", "--at", "baseline", "--by", "type", "--plot", str(path))
    assert result.exit_code == 0, result.output
    texts = _texts(path)
    assert {"vice-chair 副理事长单位 (1)", "board 理事单位 (2)", "Industry (3)"} <= set(texts)
    source = ["".join(g.itertext()) for g in _group(path, SOURCE_GID).iter(f"{SVG}text")]
    assert source == [
        "Source: http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure",
        f"snapshot 1 (baseline) captured 2020-03-26T00:00:00Z; made with aiia-tracker {__version__}",
        CSET_CREDIT,
    ]
    # Text as text in a CJK-capable family list, not glyph outlines a designer cannot edit.
    style = next(ET.parse(path).getroot().iter(f"{SVG}text")).get("style", "")
    assert "'DejaVu Sans', 'Noto Sans CJK SC'" in style
    assert "glyph" not in path.read_text(encoding="utf-8")


def test_cset_credit_only_where_its_annotations_are_drawn(tmp_path: Path) -> None:
    snapshot = _snapshot(7, DAYS[0], 3)
    bare = tmp_path / "bare.svg"
    plot_snapshot(
        cross_tab(LISTINGS, {}, "type"),
        snapshot,
        bare,
        url=URL,
        name=NAME,
        listings=LISTINGS,
        notes={},
    )
    assert "unannotated (4)" in _texts(bare)
    assert not any("CSET" in text for text in _texts(bare))
    timeline = tmp_path / "timeline.svg"
    plot_timeline([snapshot, _snapshot(8, DAYS[1], 4)], [], timeline, url=URL, name=NAME)
    assert not any("CSET" in text for text in _texts(timeline))


def test_tiers_outside_the_chain_show_every_heading_as_written(tmp_path: Path) -> None:
    path = tmp_path / "tiers.svg"
    stats = cross_tab(LISTINGS, {}, "type")
    notes = plot_snapshot(
        stats, _snapshot(7, DAYS[0], 3), path, url=URL, name=NAME, listings=LISTINGS, notes={}
    )
    assert notes == []
    assert "other 名誉理事长单位 / 监事单位 (2)" in _texts(path)


def test_timeline_marks_quarantined_captures_and_labels_what_each_line_counts(
    run: Run, tmp_path: Path
) -> None:
    _add(tmp_path, datetime(2021, 7, 5, 6, 45, tzinfo=UTC), "quarantined")
    _add(tmp_path, datetime(2022, 9, 8, tzinfo=UTC), "ok")
    path = tmp_path / "timeline.svg"
    result = run("timeline", "--format", "csv", "--plot", str(path))
    assert result.exit_code == 0, result.output
    # The table still counts ok snapshots only; the chart marks the doubted one.
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "1", "3"]
    marks = _group(path, QUARANTINED_GID)
    assert len(list(marks.iter(f"{SVG}path"))) == 1
    texts = _texts(path)
    assert {
        "quarantined capture (not counted)",
        "board: listings",
        MEMBERS_SERIES,
        TIMELINE_YLABEL,
    } <= set(texts)
    # Titled with the configured source's name (the built-in one here), on its own line.
    assert {
        Config().source().name,
        "Listings per tier and members, 2020-03-26 to 2022-09-08 (2 snapshots)",
    } <= set(texts)
    assert (
        "2 ok snapshots captured 2020-03-26T00:00:00Z to 2022-09-08T00:00:00Z; "
        f"1 quarantined capture marked, not counted; made with aiia-tracker {__version__}"
    ) in texts


def test_timeline_of_one_snapshot_says_snapshot(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "timeline.svg"
    assert run("timeline", "--plot", str(path)).exit_code == 0
    texts = _texts(path)
    assert "Listings per tier and members, 2020-03-26 (1 snapshot)" in texts
    assert any(text.startswith("1 ok snapshot captured 2020-03-26T00:00:00Z;") for text in texts)
    assert not any(QUARANTINED_GID in (g.get("id") or "") for g in ET.parse(path).iter())


@pytest.mark.parametrize("chart", ["timeline", "composition"])
def test_legend_lies_outside_the_data_area_and_inside_the_figure(chart: str) -> None:
    series = timeline_series([_snapshot(1, DAYS[0], 3), _snapshot(2, DAYS[1], 30)])
    figure = (
        series_figure(series, title="t", ylabel="y", source="s", marks=[DAYS[1]])
        if chart == "timeline"
        else composition_figure(cross_tab(LISTINGS[:2], {}, "type"), title="t", source="s")
    )
    figure.draw_without_rendering()
    axes = figure.axes[0]
    legend = axes.get_legend()
    assert legend is not None
    box, data = legend.get_window_extent(), axes.get_window_extent()
    assert not box.overlaps(data)
    assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1


def test_png_without_a_cjk_font_says_so_once_instead_of_warning_per_glyph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Font",))
    stats = cross_tab(LISTINGS, {}, "type")
    labels = {"board": "理事单位"}

    def build() -> Figure:
        return composition_figure(stats, title="t", source="s", labels=labels)

    # pytest turns any warning into an error: the glyph warnings must not escape.
    notes = draw(tmp_path / "boxes.png", build)
    assert len(notes) == 1 and "boxes.png: no installed font draws" in notes[0]
    assert draw(tmp_path / "boxes.svg", build) == []


def test_plot_of_a_snapshot_without_members_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "tiers.png"
    with pytest.raises(ConfigError, match=r"tiers\.png: nothing to draw: the snapshot lists no"):
        plot_snapshot(
            cross_tab([], {}, "type"),
            _snapshot(1, DAYS[0], 0),
            path,
            url=URL,
            name=NAME,
            listings=[],
            notes={},
        )
    assert not path.exists()
    with pytest.raises(ConfigError, match=r"timeline\.pdf: cannot draw a \.pdf file"):
        plot_timeline([_snapshot(1, DAYS[0], 3)], [], tmp_path / "timeline.pdf", url=URL, name=NAME)


def test_a_chart_says_how_many_members_are_drawn_by_a_guessed_value(tmp_path: Path) -> None:
    snapshot = _snapshot(7, DAYS[0], 3)
    path = tmp_path / "guessed.svg"
    stats = cross_tab(LISTINGS, {}, "type")
    kwargs = {"url": URL, "name": NAME, "listings": LISTINGS, "notes": {}}
    plot_snapshot(stats, snapshot, path, inferred=2, **kwargs)
    said = f"2 of {stats.total.members} members' type inferred from names, not annotated."
    assert said in _texts(path)
    plot_snapshot(stats, snapshot, path, **kwargs)
    assert not any("inferred" in text for text in _texts(path))

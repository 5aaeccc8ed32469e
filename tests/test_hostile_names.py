"""Hostile names, from a page on a loopback server to every output a person or program reads.

A name carrying a vertical tab, a form feed, U+FFFE or a lone control once made the Atom
feed unreadable for good; one carrying bidi controls (``ABC‮evil.exe‬公司``) showed reversed
in every format. Each is read, stored, diffed and delivered here, and every output checked.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.cli import Run, invoker
from tests.httpserver import HTTPTestServer, Response
from tests.pages import render_page
from tracker.core.atom import ATOM
from tracker.core.diff import diff
from tracker.core.models import Listing
from tracker.core.normalize import clean_display, normalize_key

BASE = {
    "vice_chair": ["星河智能科技有限公司", "青岚数据（北京）有限公司"],
    "board": ["东方启明大学", "云岫机器人股份有限公司", "远帆信息技术有限公司"],
    "ordinary": [f"测试样例{i}号科技有限公司" for i in range(1, 31)],
}
# As the page writes each name (raw characters; `&#…;` references are put in below), and
# as every output must show it.
HOSTILE = {
    "澄川\x0b智能装备有限公司": "澄川 智能装备有限公司",
    "翠微\x0c数据有限公司": "翠微 数据有限公司",
    "云杉\ufffe\uffff科技有限公司": "云杉科技有限公司",
    "明湖\x01\x1b[31m传感有限公司": "明湖[31m传感有限公司",
    "ABC\u202eevil.exe\u202c公司": "ABCevil.exe公司",
    "澄海\u2066智能\u2069装备有限公司": "澄海智能装备有限公司",
    "\u200f青禾\u200e\u061c农业\u00ad科技有限公司\ufeff": "青禾农业科技有限公司",
    "ENTITY-A": "北辰 软件有限公司",
}
# The same kinds of characters written as character references, which the HTML parser
# turns into the characters themselves.
REFERENCES = "北辰&#11;&#x202E;&#xFFFE;&#1;&#x2067;软件有限公司"
# Bidi controls (Unicode's Bidi_Control property).
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 forbids, and what HTML forbids beside it (other controls, noncharacters).
NOT_MARKUP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def page(names: list[str]) -> str:
    html = render_page({**BASE, "ordinary": [*BASE["ordinary"], *names]})
    return html.replace("ENTITY-A", REFERENCES)


@pytest.fixture
def delivered(tmp_path: Path, http_server: HTTPTestServer) -> tuple[Run, Path]:
    """A reading of BASE, then one where the hostile names joined; the news delivered."""
    http_server.add("/members", [Response(200, page([])), Response(200, page(list(HOSTILE)))])
    http_server.add("/chat", Response(200, "ok"))
    chat = http_server.url("/chat").replace("http", "json", 1)
    config = (
        f"[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = '{http_server.url('/members')}'\n"
        f"[[watchers]]\nname = 'feed'\nkind = 'feed'\npath = '{tmp_path / 'feed.xml'}'\n"
        f"[[watchers]]\nname = 'log'\nkind = 'file'\npath = '{tmp_path / 'log.jsonl'}'\n"
        f"[[watchers]]\nname = 'chat'\nkind = 'apprise'\nurl = '{chat}'\n"
    )
    run = invoker(tmp_path, config)
    for _ in range(2):
        result = run("snapshot")
        assert result.exit_code == 0, result.output
    result = run("notify")
    assert result.exit_code == 0, result.output
    assert "delivered 3" in result.stdout
    return run, tmp_path


def _clean(text: str) -> None:
    assert BIDI.search(text) is None, ascii(text)
    assert NOT_MARKUP.search(text) is None, ascii(text)


def test_hostile_names_are_stored_clean_under_the_keys_of_their_visible_spelling(
    delivered: tuple[Run, Path],
) -> None:
    run, _ = delivered
    data = json.loads(run("diff", "1", "2", "--format", "json").stdout)
    joined = {row["name"]: row["key"] for row in data["joined"]}
    assert joined == {shown: normalize_key(shown) for shown in HOSTILE.values()}
    assert data["departed"] == [] and data["renamed"] == []


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "csv"])
def test_every_diff_format_shows_the_names_without_bidi_or_forbidden_characters(
    delivered: tuple[Run, Path], fmt: str
) -> None:
    run, _ = delivered
    result = run("diff", "1", "2", "--format", fmt)
    assert result.exit_code == 0, result.output
    _clean(result.stdout)
    if fmt == "csv":
        names = {row["name"] for row in csv.DictReader(io.StringIO(result.stdout))}
        assert names == set(HOSTILE.values())
    elif fmt != "markdown":  # Markdown escapes `[`
        assert all(name in result.stdout for name in HOSTILE.values())


def test_the_feed_stays_readable_and_every_message_is_clean(
    delivered: tuple[Run, Path], http_server: HTTPTestServer
) -> None:
    _, folder = delivered
    feed = ET.parse(folder / "feed.xml").getroot()
    (content,) = [e.findtext(f"{{{ATOM}}}content") or "" for e in feed.iter(f"{{{ATOM}}}entry")]
    _clean((folder / "feed.xml").read_text(encoding="utf-8"))
    assert "+ joined: ABCevil.exe公司 · ordinary" in content.splitlines()
    (line,) = (folder / "log.jsonl").read_text(encoding="utf-8").splitlines()
    _clean(line)
    (request,) = http_server.requests_for("/chat", "POST")
    chat = request.json()
    _clean(chat["title"] + chat["message"])
    assert "+ joined: 澄海智能装备有限公司 · ordinary" in chat["message"].splitlines()


def test_a_name_stored_with_invisible_characters_is_no_change_when_read_clean() -> None:
    # Version 4 kept these characters in display names, never in keys; diffs compare keys.
    stored = [name for name in HOSTILE if "\ufffe" not in name and name != "ENTITY-A"]

    def listings(names: list[str]) -> list[Listing]:
        return [
            Listing(tier="board", tier_label="理事单位", position=i, name=n, key=normalize_key(n))
            for i, n in enumerate(names, start=1)
        ]

    result = diff(listings(stored), listings([clean_display(name) for name in stored]))
    assert result.empty
    assert result.new_members == len(stored) == 6

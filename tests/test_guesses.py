"""What names state is guessed once, when a capture settles, and stored under the rules'
version; the read commands look the guesses up and guess only what is not stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import Run, invoker
from tests.pages import render_page
from tracker.app import annotations as decided
from tracker.core.infer import RULES, guess
from tracker.store import Store

CONFIG = "[[sources]]\nid = 'aiia'\nname = 'Test alliance'\nurl = 'http://127.0.0.1:9/s'\n"
PAGE = {
    "vice_chair": ["深圳市星河科技有限公司"],
    "board": ["青岚数据（北京）有限公司", "Yunti Robotics Co., Ltd."],
    "ordinary": ["南山人工智能研究院", "白鹭产业联盟", "星河云杉"],
}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    run = invoker(tmp_path, CONFIG, db="tracker.db")
    (tmp_path / "page.html").write_text(render_page(PAGE), encoding="utf-8")
    assert run("snapshot", "--file", str(tmp_path / "page.html")).exit_code == 0
    return run


def _store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "tracker.db")


def _members(run: Run) -> dict[str, dict[str, object]]:
    result = run("members", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_a_capture_stores_what_each_listed_name_and_key_states(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    listed = store.listings(store.snapshots("aiia")[0].id)
    texts = {x.name for x in listed} | {x.key for x in listed}
    # A name that states nothing is stored too: otherwise it would be read again each time.
    assert store.guesses(RULES, texts) == {text: guess(text) for text in texts}
    assert store.guesses(RULES, ["星河云杉"]) == {"星河云杉": (None, None, None)}
    assert store.unguessed(RULES) == []


def test_members_shows_the_stored_guess(run: Run, tmp_path: Path) -> None:
    store = _store(tmp_path)
    with store.atomic():
        store.put_guesses(RULES, {"深圳市星河科技有限公司": ("Academia", "Hubei", "Wuhan")})
    store.close()
    shown = _members(run)["深圳市星河科技有限公司"]
    assert (shown["type"], shown["province"], shown["city"]) == ("Academia", "Hubei", "Wuhan")
    assert shown["city_source"] == "inferred"


def test_guesses_of_other_rules_are_never_read_and_the_next_settle_replaces_them(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    with store.atomic():
        store.put_guesses(RULES, {"深圳市星河科技有限公司": ("Academia", "Hubei", "Wuhan")})
    store.close()
    monkeypatch.setattr(decided, "RULES", f"{RULES}-next")
    shown = _members(run)["深圳市星河科技有限公司"]
    assert (shown["type"], shown["province"], shown["city"]) == (
        "Industry",
        "Guangdong",
        "Shenzhen",
    )
    # An unchanged page settles too, and stores every guess under the new rules.
    assert run("snapshot", "--file", str(tmp_path / "page.html")).exit_code == 0
    store = _store(tmp_path)
    assert store.unguessed(f"{RULES}-next") == []
    assert store.guesses(RULES, ["深圳市星河科技有限公司"]) == {}
    count = store.conn.execute("SELECT count(*), count(DISTINCT rules) FROM guesses").fetchone()
    assert count == (len(store.unguessed("none")), 1)


def test_a_name_no_ok_snapshot_lists_is_guessed_when_shown(run: Run, tmp_path: Path) -> None:
    """A quarantined reading's names are not stored (they are believed nowhere), yet shown
    with what they state."""
    quarantined = {**PAGE, "ordinary": ["青岚大学苏州研究院"]}
    (tmp_path / "later.html").write_text(render_page(quarantined), encoding="utf-8")
    run("snapshot", "--file", str(tmp_path / "later.html"))
    store = _store(tmp_path)
    latest = store.snapshots("aiia")[-1]
    assert latest.status == "quarantined"
    assert store.guesses(RULES, ["青岚大学苏州研究院"]) == {}
    store.close()
    result = run("members", "--at", str(latest.id), "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.stdout) if r["name"] == "青岚大学苏州研究院"]
    assert (row["type"], row["city"]) == ("Academia", "Suzhou")


def test_a_tick_where_nothing_arrived_reads_no_names_unless_the_rules_or_store_are_new(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    stored = store.conn.execute("SELECT count(*) FROM guesses").fetchone()[0]
    assert stored > 0
    read: list[str] = []
    unguessed = store.unguessed
    monkeypatch.setattr(store, "unguessed", lambda rules: read.append(rules) or unguessed(rules))
    with store.atomic():
        assert decided.store_guesses(store, arrived=False) == 0
    assert read == []
    # A store just upgraded holds no guesses: the next tick guesses every name.
    with store.atomic():
        store.conn.execute("DELETE FROM guesses")
        assert decided.store_guesses(store, arrived=False) == stored
    assert read == [RULES]

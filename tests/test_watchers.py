"""Each watcher kind against real files and a real local HTTP receiver; secrets stay hidden."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.httpserver import HTTPTestServer, Response
from tracker.core.atom import ATOM
from tracker.core.config import Watcher as WatcherConfig
from tracker.core.config import validated
from tracker.core.errors import NotifyError
from tracker.core.jsontext import render_json
from tracker.core.message import Message, fit_text
from tracker.net import watchers
from tracker.net.watchdog import stopping_on
from tracker.net.watchers import Context, build, redacted_target

SECRET = "s3cr3t-Token-9f2"
ENV = {"HOOK_TOKEN": SECRET, "HOOK_KEY": "signing-key"}


def message(delivery_id: int = 7, lines: int = 2) -> Message:
    return Message(
        watcher="w",
        event="changes",
        source_id="aiia",
        title="aiia membership: 1 joined",
        created_at="2024-05-02T06:00:00Z",
        headline=["aiia membership: 1 joined"],
        lines=[f"+ joined: 星河智能科技有限公司{i} · board" for i in range(lines)],
        footer=["Full report: tracker diff --source aiia 1 2"],
        data={"old": {"id": 1}, "new": {"id": 2}, "summary": {"joined": 1}, "joined": []},
        delivery_id=delivery_id,
    )


def watcher(**fields: Any) -> WatcherConfig:
    return validated(WatcherConfig, {"name": "w", **fields})


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=2) as http:
        yield http


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (None, "head\nline-1\nline-2\nline-3\ntail"),
        (30, "head\nline-1\nline-2\nline-3\ntail"),
        (29, "head\nline-1\n… and 2 more\ntail"),
        (28, "head\n… and 3 more\ntail"),
        (4, "head"),
    ],
)
def test_fit_text_keeps_head_and_tail_and_says_how_many_were_left_out(
    limit: int | None, expected: str
) -> None:
    text = fit_text(["head"], ["line-1", "line-2", "line-3"], ["tail"], limit)
    assert text == expected
    assert limit is None or len(text) <= limit


def test_webhook_posts_the_diff_json_signed_with_hmac(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/hook", Response(204))
    config = watcher(
        kind="webhook", url=http_server.url("/hook?t=${HOOK_TOKEN}"), secret_env="HOOK_KEY"
    )
    build(config, Context(ENV, client)).send(message())
    (request,) = http_server.requests_for("/hook", "POST")
    assert request.text == render_json(message().data)
    expected = hmac.new(b"signing-key", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-tracker-signature"] == f"sha256={expected}"
    assert request.headers["x-tracker-event"] == "changes"
    assert request.headers["x-tracker-delivery"] == "7"
    assert request.path == f"/hook?t={SECRET}"


@pytest.mark.parametrize(
    ("env", "route", "error"),
    [
        (ENV, Response(500), "watcher w: webhook answered HTTP 500"),
        ({"HOOK_KEY": "k"}, Response(204), "watcher w: environment variable HOOK_TOKEN is not set"),
        (
            {"HOOK_TOKEN": SECRET},
            Response(204),
            "watcher w: environment variable HOOK_KEY (secret_env) is not set",
        ),
    ],
)
def test_webhook_failures_are_one_line_without_secrets(
    http_server: HTTPTestServer,
    client: httpx.Client,
    env: dict[str, str],
    route: Response,
    error: str,
) -> None:
    http_server.add("/hook", route)
    config = watcher(
        kind="webhook", url=http_server.url("/hook?t=${HOOK_TOKEN}"), secret_env="HOOK_KEY"
    )
    with pytest.raises(NotifyError) as caught:
        build(config, Context(env, client)).send(message())
    assert str(caught.value) == error


def test_webhook_connection_errors_are_scrubbed(client: httpx.Client) -> None:
    config = watcher(kind="webhook", url="http://127.0.0.1:9/${HOOK_TOKEN}")
    with pytest.raises(NotifyError) as caught:
        build(config, Context({"HOOK_TOKEN": "bad host/\x00" + SECRET}, client)).send(message())
    assert str(caught.value).startswith("watcher w: webhook failed: ")
    assert SECRET not in str(caught.value)


def test_apprise_json_gets_short_text_and_the_full_report_attached(
    http_server: HTTPTestServer,
) -> None:
    http_server.add(f"/apprise/{SECRET}", Response(200, "ok"))
    config = watcher(
        kind="apprise",
        url=http_server.url("/apprise/${HOOK_TOKEN}").replace("http", "json", 1),
        max_length=120,
    )
    build(config, Context(ENV, None)).send(message(lines=10))
    (request,) = http_server.requests_for(f"/apprise/{SECRET}", "POST")
    body = request.json()
    assert body["title"] == "aiia membership: 1 joined"
    assert body["message"].startswith("aiia membership: 1 joined\n+ joined: 星河智能科技有限公司0")
    assert body["message"].endswith("more\nFull report: tracker diff --source aiia 1 2")
    assert len(body["message"]) <= 120
    (attached,) = body["attachments"]
    assert attached["filename"] == "aiia-aiia-changes-7.json"
    assert json.loads(base64.b64decode(attached["base64"])) == message().data


def test_apprise_failure_names_the_watcher_never_the_token(http_server: HTTPTestServer) -> None:
    http_server.add(f"/apprise/{SECRET}", Response(500))
    url = http_server.url("/apprise/${HOOK_TOKEN}").replace("http", "json", 1)
    with pytest.raises(NotifyError) as caught:
        build(watcher(kind="apprise", url=url), Context(ENV, None)).send(message())
    assert str(caught.value).startswith("watcher w: Apprise could not deliver: ")
    assert SECRET not in str(caught.value)


def test_file_watcher_appends_one_json_line_per_message(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "changes.jsonl"
    sender = build(watcher(kind="file", path=path), Context({}))
    sender.send(message(1))
    sender.send(message(2))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["watcher"], x["event"], x["new"]) for x in lines] == [
        (1, "w", "changes", {"id": 2}),
        (2, "w", "changes", {"id": 2}),
    ]


def test_feed_keeps_the_last_n_entries_and_a_resend_replaces_its_entry(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    sender = build(watcher(kind="feed", path=path, feed_entries=2), Context({}))
    for delivery_id in (1, 2, 3, 3):
        sender.send(message(delivery_id))
    root = ET.parse(path).getroot()
    ids = [e.findtext(f"{{{ATOM}}}id") for e in root.findall(f"{{{ATOM}}}entry")]
    assert ids == ["urn:aiia-tracker:w:3", "urn:aiia-tracker:w:2"]
    assert root.findtext(f"{{{ATOM}}}entry/{{{ATOM}}}content", namespaces={}).startswith(
        "aiia membership: 1 joined\n+ joined:"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml"]


def test_characters_xml_forbids_never_reach_the_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    sender = build(watcher(kind="feed", path=path), Context({}))
    hostile = dataclasses.replace(
        message(1),
        title="aiia: HTTP 500 \x0bBad\x0cGateway\ufffe",
        lines=["+ joined: 星河\x01\x0b智能\ud800科技\U0010ffff有限公司 · board"],
    )
    sender.send(hostile)
    sender.send(message(2))
    root = ET.parse(path).getroot()
    titles = [e.findtext(f"{{{ATOM}}}title") for e in root.findall(f"{{{ATOM}}}entry")]
    assert titles == ["aiia membership: 1 joined", "aiia: HTTP 500 \ufffdBad\ufffdGateway\ufffd"]
    assert "+ joined: 星河\ufffd\ufffd智能\ufffd科技\ufffd有限公司 · board" in path.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<feed", "not well-formed XML"),
        # What an older version wrote for a name holding a vertical tab.
        (f'<feed xmlns="{ATOM}"><entry><title>星河\x0b科技</title></entry></feed>', "not well"),
        ("<rss><channel/></rss>", "not an Atom feed (root element rss)"),
    ],
)
def test_an_unreadable_feed_is_kept_aside_and_a_new_one_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str, problem: str
) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(content, encoding="utf-8")
    sender = build(watcher(kind="feed", path=path), Context({}))
    sender.send(message(1))
    sender.send(message(2))
    (kept,) = tmp_path.glob("feed.xml.corrupt-*")
    assert re.fullmatch(r"feed\.xml\.corrupt-\d{8}T\d{6}Z", kept.name)
    assert kept.read_text(encoding="utf-8") == content
    root = ET.parse(path).getroot()
    ids = [e.findtext(f"{{{ATOM}}}id") for e in root.findall(f"{{{ATOM}}}entry")]
    assert ids == ["urn:aiia-tracker:w:2", "urn:aiia-tracker:w:1"]
    (note,) = caplog.messages
    assert note.startswith(f"watcher w: {path}: {problem}")
    assert note.endswith(f"kept as {kept.name}, started a new feed")


def test_a_second_unreadable_feed_in_the_same_second_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    sender = build(watcher(kind="feed", path=path), Context({}))
    for broken in ("<feed", "<feed><"):
        path.write_text(broken, encoding="utf-8")
        sender.send(message())
    # Within one second the second copy is numbered (`…corrupt-<stamp>-2`), never overwritten.
    kept = sorted(p.read_text(encoding="utf-8") for p in tmp_path.glob("feed.xml.corrupt-*"))
    assert kept == ["<feed", "<feed><"]


def test_an_unreadable_feed_that_cannot_be_moved_blocks_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<feed", encoding="utf-8")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(
        NotifyError,
        match=r"^watcher w: .*feed.xml: not well-formed XML .*; cannot move it aside: Permission",
    ):
        build(watcher(kind="feed", path=path), Context({})).send(message())
    assert path.read_text(encoding="utf-8") == "<feed"


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"kind": "apprise", "url": "slack://T000/B000/XXXXSECRET"}, "slack://…"),
        (
            {"kind": "webhook", "url": "https://user:pw@hooks.example:8443/x/${T}"},
            "https://hooks.example:8443/…",
        ),
        ({"kind": "file", "path": "/var/log/x.jsonl"}, "/var/log/x.jsonl"),
        (
            {"kind": "webhook", "url": "https://hooks.example:${PORT}/x"},
            "https://hooks.example:${PORT}/…",
        ),
        ({"kind": "webhook", "url": "https://[::1/x/${T}"}, "https://…"),
    ],
)
def test_targets_are_shown_without_paths_or_credentials(fields: dict[str, Any], shown: str) -> None:
    assert redacted_target(watcher(**fields)) == shown


# --- hostile receivers: every delivery ends by its deadline -------------------------------


def test_a_webhook_trickling_its_answer_is_cut_off_at_the_deadline(
    http_server: HTTPTestServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchers, "DELIVERY_DEADLINE", 1.0)
    http_server.add("/hook", Response(204, delay_per_header_byte=0.2))
    started = time.monotonic()
    with pytest.raises(NotifyError) as caught:
        build(watcher(kind="webhook", url=http_server.url("/hook")), Context(ENV, client)).send(
            message()
        )
    assert time.monotonic() - started < 10
    assert str(caught.value) == "watcher w: webhook gave no complete answer within 1 s"


def test_a_stop_ends_a_webhook_delivery_at_once(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/hook", Response(204, delay=30))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with stopping_on(stop), pytest.raises(NotifyError) as caught:
        build(watcher(kind="webhook", url=http_server.url("/hook")), Context(ENV, client)).send(
            message()
        )
    assert time.monotonic() - started < 10
    assert str(caught.value) == "watcher w: delivery interrupted: a stop was requested"


def test_a_moved_webhook_says_where_to_without_following(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add(f"/old/{SECRET}", Response.redirect(f"/new/{SECRET}", 301))
    config = watcher(kind="webhook", url=http_server.url("/old/${HOOK_TOKEN}"))
    with pytest.raises(NotifyError) as caught:
        build(config, Context(ENV, client)).send(message())
    assert str(caught.value) == (
        f"watcher w: webhook answered HTTP 301, moved to {http_server.url('/new/***')} "
        "(not followed; update the watcher's url)"
    )
    assert http_server.requests_for(f"/new/{SECRET}") == []


def test_an_apprise_delivery_to_a_trickling_receiver_is_abandoned_at_the_deadline(
    http_server: HTTPTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchers, "DELIVERY_DEADLINE", 1.0)
    # Each byte within Apprise's own read timeout, the whole answer far beyond it.
    http_server.add("/apprise", Response(200, "ok", delay_per_header_byte=0.5))
    url = http_server.url("/apprise").replace("http", "json", 1)
    started = time.monotonic()
    with pytest.raises(NotifyError) as caught:
        build(watcher(kind="apprise", url=url), Context(ENV, None)).send(message())
    assert time.monotonic() - started < 10
    assert str(caught.value) == "watcher w: delivery abandoned: not done within 1 s"

"""Hostile servers over real sockets: compression bombs, trickled headers, stalled redirects,
a stop request mid-wait. Every fetch ends by its deadline, within its memory, or at a stop.

Time bounds are generous (a 1-2 s deadline must end within 10 s): the machine is loaded.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.httpserver import HTTPTestServer, Response
from tracker.app.config import load_config
from tracker.app.schedule import Service, build_scheduler, live_ticker
from tracker.core.config import FetchSettings, validated
from tracker.core.errors import ConfigError, FetchError
from tracker.net.fetch import fetch
from tracker.net.inflate import Undecodable, codings, decoded

ROOT = Path(__file__).resolve().parents[1]
PAGE = "<html><body><h2>理事长单位</h2><ul><li>星河智能科技有限公司</li></ul></body></html>"
HTML_UTF8 = {"Content-Type": "text/html; charset=utf-8"}
MB = 1 << 20


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def settings(**overrides: float) -> FetchSettings:
    return validated(FetchSettings, {"retries": 0, "backoff": 0, **overrides})


def zeros_gzip(megabytes: int) -> bytes:
    """gzip of ``megabytes`` MiB of zeros, made in well under a second: one fully flushed
    deflate segment for a MiB is independent of what came before, so it is repeated."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = squeeze.compress(bytes(MB)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    last = squeeze.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(bytes(MB), crc)
    size = (megabytes * MB) % (1 << 32)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + size.to_bytes(4, "little")
    return header + segment * megabytes + last + trailer


def gzip(data: bytes) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return squeeze.compress(data) + squeeze.flush()


def test_the_bomb_helper_makes_a_real_gzip_stream() -> None:
    assert zlib.decompress(zeros_gzip(3), zlib.MAX_WBITS | 16) == bytes(3 * MB)


# --- the decoder -------------------------------------------------------------------------


def test_stacked_layers_are_undone_in_reverse_order() -> None:
    deflated = zlib.compress(PAGE.encode())
    body = gzip(deflated)  # deflate applied first, then gzip
    pieces = list(decoded(iter([body[:7], body[7:]]), "deflate, gzip", 10 * MB))
    assert b"".join(pieces) == PAGE.encode()


def test_raw_deflate_is_read_like_zlib_wrapped_deflate() -> None:
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = raw.compress(PAGE.encode()) + raw.flush()
    assert b"".join(decoded(iter([body]), "deflate", MB)) == PAGE.encode()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("br", "unsupported Content-Encoding 'br'"),
        ("gzip, zstd", "unsupported Content-Encoding 'zstd'"),
        ("gzip, gzip, gzip, gzip", "stacks 4 codings"),
    ],
)
def test_unknown_or_too_many_codings_are_refused(header: str, message: str) -> None:
    with pytest.raises(Undecodable, match=message):
        codings(header)


def test_a_gzip_body_cut_short_is_not_a_shorter_page() -> None:
    body = gzip(PAGE.encode() * 50)
    with pytest.raises(Undecodable, match="cut short"):
        b"".join(decoded(iter([body[: len(body) // 2]]), "gzip", MB))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
def test_compressed_pages_over_the_wire_decode(
    http_server: HTTPTestServer, client: httpx.Client, encoding: str
) -> None:
    body = PAGE.encode()
    for coding in [c.strip() for c in encoding.split(",")]:
        body = gzip(body) if coding == "gzip" else zlib.compress(body)
    http_server.add("/page", Response(200, body, {"Content-Encoding": encoding, **HTML_UTF8}))
    result = fetch(http_server.url("/page"), client=client, settings=settings())
    assert result.text == PAGE
    assert http_server.requests_for("/page")[0].headers["accept-encoding"] == "gzip, deflate"


def test_an_unknown_encoding_is_one_line_not_garbage(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/page", Response(200, b"\x8b\x00garbage", {"Content-Encoding": "br"}))
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/page"), client=client, settings=settings())
    assert str(caught.value) == (
        f"{http_server.url('/page')}: unsupported Content-Encoding 'br' "
        "(gzip and deflate are decoded)"
    )


# A `tracker snapshot` in its own process, reporting its peak memory (KiB): VmHWM, which
# starts afresh at exec, where ru_maxrss keeps the peak of the process it was forked from
# (the test run, 200 MB and more by then).
_MEASURED = """
import re, sys
from tracker.cli import cli
try:
    cli(sys.argv[1:], prog_name="tracker")
finally:
    with open("/proc/self/status") as status:
        peak = re.search(r"VmHWM:\\s+(\\d+) kB", status.read())
    print("maxrss", peak[1], file=sys.stderr)
"""


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 1 GiB of zeros: about 1 MB on the wire as one layer, about 2.5 KB as two.
    return zeros_gzip(1024)


@pytest.mark.parametrize("layers", [1, 2])
def test_a_compression_bomb_fails_in_one_line_within_200_mb(
    http_server: HTTPTestServer, tmp_path: Path, bomb: bytes, layers: int
) -> None:
    body = bomb
    if layers == 2:
        body = gzip(body)
    encoding = ", ".join(["gzip"] * layers)
    http_server.add("/bomb", Response(200, body, {"Content-Encoding": encoding, **HTML_UTF8}))
    config = tmp_path / "config.toml"
    source = {"id": "aiia", "name": "Test", "url": http_server.url("/bomb"), "retries": 0}
    config.write_text(
        "[[sources]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in source.items())
    )
    db = tmp_path / "t.db"
    args = ["--config", str(config), "--db", str(db), "snapshot"]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stderr.strip().splitlines()
    peak_kib = int(lines[-1].split()[1])
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"body over 10 MB once decoded (Content-Encoding: {encoding})" in "\n".join(lines[:-1])
    assert 10 * 1024 < peak_kib < 200 * 1024, f"peak memory {peak_kib} KiB"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


# --- one deadline over everything ----------------------------------------------------------


def test_headers_sent_a_byte_at_a_time_are_cut_off_at_the_deadline(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    # About 120 header bytes, 0.2 s apart: 24 s, though no read ever waits 0.3 s.
    http_server.add("/slow", Response(200, PAGE, HTML_UTF8, delay_per_header_byte=0.2))
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(
            http_server.url("/slow"),
            client=client,
            settings=settings(deadline=1, read_timeout=30),
        )
    assert time.monotonic() - started < 10
    assert (
        str(caught.value)
        == f"{http_server.url('/slow')}: headers still arriving at the 1 s deadline"
    )


def test_redirects_that_each_stall_share_one_deadline(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    for hop in range(10):
        http_server.add(
            f"/hop{hop}", Response(302, headers={"Location": f"/hop{hop + 1}"}, delay=0.5)
        )
    http_server.add("/hop10", Response(200, PAGE, HTML_UTF8))
    started = time.monotonic()
    with pytest.raises(FetchError, match="still arriving at the 1.5 s deadline|ReadTimeout"):
        fetch(
            http_server.url("/hop0"),
            client=client,
            settings=settings(deadline=1.5, read_timeout=30),
        )
    assert time.monotonic() - started < 10
    assert http_server.requests_for("/hop10") == []


def test_a_redirect_loop_is_still_refused(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/loop", Response.redirect("/loop"))
    with pytest.raises(FetchError, match="TooManyRedirects"):
        fetch(http_server.url("/loop"), client=client, settings=settings())
    assert len(http_server.requests_for("/loop")) == client.max_redirects + 1


# --- a stop request -------------------------------------------------------------------------


def _stop_soon(seconds: float = 0.3) -> threading.Event:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    return stop


def test_a_stop_ends_a_fetch_waiting_for_a_silent_server(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/silent", Response(200, PAGE, delay=30))
    started = time.monotonic()
    with pytest.raises(FetchError, match="interrupted: a stop was requested"):
        fetch(
            http_server.url("/silent"),
            client=client,
            settings=settings(read_timeout=60, deadline=60),
            stop=_stop_soon(),
        )
    assert time.monotonic() - started < 10


def test_a_stop_ends_a_retry_wait(http_server: HTTPTestServer, client: httpx.Client) -> None:
    http_server.add("/busy", Response(503, headers={"Retry-After": "50"}))
    started = time.monotonic()
    with pytest.raises(FetchError, match="interrupted: a stop was requested"):
        fetch(
            http_server.url("/busy"),
            client=client,
            settings=settings(retries=3, deadline=100, max_retry_after=60),
            stop=_stop_soon(),
        )
    assert time.monotonic() - started < 10
    assert len(http_server.requests_for("/busy")) == 1


def _stalling_config(tmp_path: Path, url: str) -> Path:
    # Patient settings: only a stop can end this fetch in under a minute.
    source = {"id": "aiia", "name": "Test", "url": url, "retries": 3}
    source |= {"read_timeout": 60, "deadline": 300, "backoff": 60}
    path = tmp_path / "config.toml"
    text = "[[sources]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in source.items())
    path.write_text(text + "[schedule]\ninterval_seconds = 3600\njitter = 0\n")
    return path


def _wait_for_request(server: HTTPTestServer, path: str) -> None:
    deadline = time.monotonic() + 60  # only bounds a hung test
    while not server.requests_for(path):
        assert time.monotonic() < deadline, "the tracker never asked"
        time.sleep(0.05)


def test_sigterm_ends_a_run_waiting_on_a_trickling_server_at_once(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    http_server.add("/structure", Response(200, PAGE, HTML_UTF8, delay_per_header_byte=1.0))
    config = _stalling_config(tmp_path, http_server.url("/structure"))
    db = tmp_path / "t.db"
    args = ["--config", str(config), "--db", str(db), "run", "--once"]
    run = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_request(http_server, "/structure")
        time.sleep(0.5)
        signalled = time.monotonic()
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=30)
    finally:
        run.kill()
    assert time.monotonic() - signalled < 10
    assert (run.returncode, err) == (1, "Error: stopped by a signal\n")
    assert "/structure: interrupted: a stop was requested before the page was read" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


def test_stopping_the_service_ends_its_tick_waiting_on_a_silent_server(
    http_server: HTTPTestServer, tmp_path: Path
) -> None:
    http_server.add("/structure", Response(200, PAGE, HTML_UTF8, delay=60))
    config = load_config(_stalling_config(tmp_path, http_server.url("/structure")))
    log: list[str] = []
    config.store.path = tmp_path / "t.db"
    ticker = live_ticker(config, now=lambda: datetime.now(UTC), log=log.append)
    scheduler = build_scheduler(config, ticker.job)
    service = Service(scheduler, ticker.stop)
    serving = threading.Thread(target=service.serve, kwargs={"signals": ()})
    serving.start()
    try:
        _wait_until(lambda: scheduler.running)
        scheduler.modify_job("aiia", next_run_time=datetime.now(UTC))
        _wait_for_request(http_server, "/structure")
        stopped = time.monotonic()
        service.stop()
        serving.join(timeout=30)
    finally:
        service.stop()
    assert not serving.is_alive()
    assert time.monotonic() - stopped < 10
    assert any("interrupted: a stop was requested" in line for line in log), log


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60  # only bounds a hung test
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# --- header values ----------------------------------------------------------------------


@pytest.mark.parametrize("agent", ["研究 bot/1.0", "bot/1.0\r\nX-Injected: 1"])
def test_a_user_agent_that_cannot_be_sent_is_a_config_error_naming_it(
    tmp_path: Path, agent: str
) -> None:
    path = tmp_path / "config.toml"
    source = {"id": "aiia", "name": "Test", "url": "http://127.0.0.1:9/", "user_agent": agent}
    path.write_text(
        "[[sources]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in source.items())
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(
        f"{path}: sources.0.user_agent: must be printable ASCII: it is sent as the User-Agent header"
    )
    assert "\n" not in str(caught.value)

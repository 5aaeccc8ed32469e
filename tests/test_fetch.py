"""fetch: retries, Retry-After, deadline, size cap, conditional GET, honest decoding.

Mocked tests (respx) pin the retry arithmetic with a fake clock; local-server tests show
the same code against real sockets: redirects, slow headers, trickling and chunked bodies.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import respx

from tests.fakes import FakeTime, no_dns, refused_port
from tests.httpserver import HTTPTestServer, Response
from tracker.core.config import FetchSettings, validated
from tracker.core.errors import FetchError
from tracker.net.fetch import fetch

URL = "http://aiia.test/index.php?m=alliance&c=index&a=structure"
PAGE = "<html><body><h2>理事长单位</h2><ul><li>星河智能科技有限公司</li></ul></body></html>"
HTML_UTF8 = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=True) as router:
        yield router


def settings(**overrides: float) -> FetchSettings:
    return validated(FetchSettings, {"retries": 3, "backoff": 1.0, **overrides})


# --- mocked: retry arithmetic -------------------------------------------------------------


def test_5xx_is_retried_with_exponential_backoff(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    mock.get(URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(500),
            httpx.Response(200, text=PAGE, headers=HTML_UTF8),
        ]
    )
    result = fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert result.text == PAGE
    assert result.attempts == 4
    assert fake.sleeps == [1.0, 2.0, 4.0]
    assert result.elapsed == 7.0


def test_final_failure_is_one_line_naming_url_status_and_attempts(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(503))
    with pytest.raises(FetchError) as caught:
        fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert str(caught.value) == f"{URL}: HTTP 503 Service Unavailable after 4 attempts"
    assert (caught.value.url, caught.value.status_code) == (URL, 503)
    assert route.call_count == 4


def test_connection_errors_and_timeouts_are_retried(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    mock.get(URL).mock(
        side_effect=[
            httpx.ConnectError("connection refused"),
            httpx.ReadTimeout("timed out"),
            httpx.Response(200, text=PAGE, headers=HTML_UTF8),
        ]
    )
    result = fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert (result.attempts, fake.sleeps) == (3, [1.0, 2.0])


def test_last_connection_error_is_named(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    mock.get(URL).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(FetchError) as caught:
        fetch(URL, client=client, settings=settings(retries=1), sleep=fake.sleep, clock=fake.clock)
    assert str(caught.value) == f"{URL}: ConnectError: connection refused after 2 attempts"
    assert caught.value.status_code is None


@pytest.mark.parametrize(
    ("retry_after", "date", "expected_sleep"),
    [
        pytest.param("7", None, 7.0, id="seconds"),
        pytest.param(
            "Wed, 21 Oct 2015 07:28:30 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", 30.0, id="http-date"
        ),
        pytest.param("3600", None, 40.0, id="capped-by-max_retry_after"),
        pytest.param("soon", None, 1.0, id="nonsense-falls-back-to-backoff"),
    ],
)
def test_429_honours_retry_after(
    mock: respx.MockRouter,
    client: httpx.Client,
    fake: FakeTime,
    retry_after: str,
    date: str | None,
    expected_sleep: float,
) -> None:
    headers = {"Retry-After": retry_after} | ({"Date": date} if date else {})
    mock.get(URL).mock(
        side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, text=PAGE)]
    )
    result = fetch(
        URL,
        client=client,
        settings=settings(max_retry_after=40),
        sleep=fake.sleep,
        clock=fake.clock,
    )
    assert (result.status_code, fake.sleeps) == (200, [expected_sleep])


def test_never_sleeps_past_the_deadline(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(503, headers={"Retry-After": "100"}))
    with pytest.raises(FetchError, match="would pass the 60 s deadline") as caught:
        fetch(
            URL,
            client=client,
            settings=settings(deadline=60, max_retry_after=120),
            sleep=fake.sleep,
            clock=fake.clock,
        )
    assert caught.value.status_code == 503
    assert (route.call_count, fake.sleeps) == (1, [])


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_4xx_other_than_429_is_not_retried(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime, status: int
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(status))
    with pytest.raises(FetchError) as caught:
        fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert caught.value.status_code == status
    assert "after" not in str(caught.value)
    assert (route.call_count, fake.sleeps) == (1, [])


# --- mocked: an unreachable host fails at once, a long wait is announced ------------------


def test_a_name_that_does_not_resolve_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, client: httpx.Client, fake: FakeTime
) -> None:
    no_dns(monkeypatch)
    with pytest.raises(FetchError) as caught:
        fetch(URL, client=client, settings=settings(backoff=60), sleep=fake.sleep, clock=fake.clock)
    assert str(caught.value) == (
        f"{URL}: cannot resolve host aiia.test (Temporary failure in name resolution)"
    )
    assert fake.sleeps == []


def _connect_error(cause: OSError) -> httpx.ConnectError:
    """A ConnectError raised while handling ``cause``, as httpcore's pool re-raises it."""
    try:
        raise cause
    except OSError:
        try:
            raise httpx.ConnectError(str(cause)) from None
        except httpx.ConnectError as exc:
            return exc


def _transport(*effects: httpx.Response | Exception) -> tuple[httpx.Client, list[object]]:
    """A client whose requests meet ``effects`` in turn; unlike respx, exceptions are raised
    as they are, keeping what they were raised from."""
    answers = list(effects)
    calls: list[object] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        effect = answers.pop(0)
        if isinstance(effect, Exception):
            raise effect
        return effect

    return httpx.Client(transport=httpx.MockTransport(answer)), calls


@pytest.mark.parametrize(
    "cause",
    [
        pytest.param(
            ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), id="refused"
        ),
        pytest.param(OSError(errno.ENETUNREACH, "Network is unreachable"), id="no-route"),
        pytest.param(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), id="dns"),
    ],
)
def test_unreachable_is_found_through_the_context_too(fake: FakeTime, cause: OSError) -> None:
    client, calls = _transport(_connect_error(cause), httpx.Response(200))
    with client, pytest.raises(FetchError):
        fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert (len(calls), fake.sleeps) == (1, [])


def test_a_connection_reset_while_connecting_is_still_retried(fake: FakeTime) -> None:
    reset = _connect_error(ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"))
    client, calls = _transport(reset, httpx.ConnectTimeout("slow"), httpx.Response(200))
    with client:
        result = fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert (result.attempts, len(calls), fake.sleeps) == (3, 3, [1.0, 2.0])


def test_a_long_wait_is_announced_before_it_begins(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    mock.get(URL).mock(
        side_effect=[
            httpx.Response(503),  # backoff 1 s: too short to announce
            httpx.Response(429, headers={"Retry-After": "30"}),
            httpx.Response(200, text=PAGE),
        ]
    )
    events: list[str] = []

    def sleep(seconds: float) -> None:
        events.append(f"sleep {seconds:g}")
        fake.sleep(seconds)

    fetch(
        URL,
        client=client,
        settings=settings(),
        sleep=sleep,
        clock=fake.clock,
        on_wait=events.append,
    )
    assert events == [
        "sleep 1",
        f"retrying in 30 s (3/4): HTTP 429 Too Many Requests from {URL}",
        "sleep 30",
    ]


# --- mocked: request and result -----------------------------------------------------------


def test_conditional_headers_and_user_agent_are_sent(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(304))
    result = fetch(
        URL,
        client=client,
        settings=settings(),
        etag='"abc"',
        last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
        sleep=fake.sleep,
        clock=fake.clock,
    )
    sent = route.calls.last.request.headers
    assert sent["if-none-match"] == '"abc"'
    assert sent["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert sent["user-agent"] == settings().user_agent
    # A 304 without validators keeps the ones we sent: they are still current.
    assert (result.not_modified, result.text, result.etag) == (True, None, '"abc"')


def test_no_conditional_headers_without_validators(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(200, text=PAGE))
    fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    sent = route.calls.last.request.headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_unrequested_304_is_an_error_not_an_unchanged_page(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    mock.get(URL).mock(return_value=httpx.Response(304))
    with pytest.raises(FetchError, match="HTTP 304 Not Modified"):
        fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)


def test_result_records_lowercased_headers_and_validators(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    headers = {"ETag": '"v2"', "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT", **HTML_UTF8}
    mock.get(URL).mock(return_value=httpx.Response(200, text=PAGE, headers=headers))
    result = fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert (result.etag, result.last_modified) == ('"v2"', "Thu, 01 Jan 2026 00:00:00 GMT")
    assert (result.content, result.encoding) == (PAGE.encode(), "utf-8")


def test_declared_content_length_over_the_cap_is_refused_unretried(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    route = mock.get(URL).mock(return_value=httpx.Response(200, content=b"x" * 1000))
    with pytest.raises(FetchError) as caught:
        fetch(
            URL,
            client=client,
            settings=settings(max_page_bytes=100),
            sleep=fake.sleep,
            clock=fake.clock,
        )
    assert str(caught.value) == (
        f"{URL}: response too large: Content-Length 1000 exceeds the cap of 100 bytes"
        " (max_page_bytes)"
    )
    assert route.call_count == 1


def test_undecodable_body_is_a_fetch_error_naming_the_url(
    mock: respx.MockRouter, client: httpx.Client, fake: FakeTime
) -> None:
    garbage = bytes(range(0x80, 0x100)) * 8
    mock.get(URL).mock(return_value=httpx.Response(200, content=garbage))
    with pytest.raises(FetchError, match="cannot decode bytes honestly") as caught:
        fetch(URL, client=client, settings=settings(), sleep=fake.sleep, clock=fake.clock)
    assert (caught.value.url, caught.value.status_code) == (URL, 200)
    assert str(caught.value).startswith(URL)


# --- real sockets: the local server --------------------------------------------------------


def test_redirect_records_final_url(http_server: HTTPTestServer, client: httpx.Client) -> None:
    http_server.add("/old", Response.redirect("/new"))
    http_server.add("/new", Response(200, PAGE, HTML_UTF8))
    result = fetch(http_server.url("/old"), client=client, settings=settings())
    assert result.url == http_server.url("/old")
    assert result.final_url == http_server.url("/new")
    assert result.text == PAGE


def test_etag_round_trip_gives_304(http_server: HTTPTestServer, client: httpx.Client) -> None:
    http_server.add("/page", Response(200, PAGE, {"ETag": '"v1"', **HTML_UTF8}))
    first = fetch(http_server.url("/page"), client=client, settings=settings())
    second = fetch(http_server.url("/page"), client=client, settings=settings(), etag=first.etag)
    assert (first.not_modified, first.etag) == (False, '"v1"')
    assert (second.not_modified, second.text, second.status_code) == (True, None, 304)
    assert http_server.requests_for("/page")[1].headers["if-none-match"] == '"v1"'


def test_503_then_200(http_server: HTTPTestServer, client: httpx.Client) -> None:
    http_server.add("/flaky", [Response(503), Response(200, PAGE, HTML_UTF8)])
    sleeps: list[float] = []
    result = fetch(
        http_server.url("/flaky"), client=client, settings=settings(), sleep=sleeps.append
    )
    assert (result.attempts, result.text, sleeps) == (2, PAGE, [1.0])
    assert len(http_server.requests_for("/flaky")) == 2


def test_read_timeout_is_retried_then_reported(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/slow", Response(200, PAGE, delay=2.0))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"ReadTimeout.* after 2 attempts"):
        fetch(
            http_server.url("/slow"),
            client=client,
            settings=settings(read_timeout=0.2, retries=1, backoff=0),
        )
    assert time.monotonic() - started < 1.0
    assert len(http_server.requests_for("/slow")) == 2


def test_trickling_body_is_cut_off_at_the_deadline(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    # 100 chunks, 50 ms apart: every read is quick, but the body would take 5 s.
    http_server.add("/trickle", Response(200, "x" * 1000, chunk_size=10, delay_per_chunk=0.05))
    started = time.monotonic()
    with pytest.raises(FetchError, match="still arriving at the 0.5 s deadline"):
        fetch(
            http_server.url("/trickle"),
            client=client,
            settings=settings(deadline=0.5, read_timeout=0.3),
        )
    assert time.monotonic() - started < 1.0
    assert len(http_server.requests_for("/trickle")) == 1


def test_silent_server_is_cut_off_at_the_deadline_not_the_read_timeout(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/silent", Response(200, PAGE, delay=3.0))
    started = time.monotonic()
    # The read timeout (cut to the deadline) and the watchdog race: either may say it.
    with pytest.raises(FetchError, match="ReadTimeout|headers still arriving at the 0.3 s"):
        fetch(
            http_server.url("/silent"),
            client=client,
            settings=settings(deadline=0.3, read_timeout=30, retries=0),
        )
    assert time.monotonic() - started < 1.0


def test_chunked_body_over_the_cap_is_cut_off_while_streaming(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/big", Response(200, b"a" * 300_000, chunk_size=16_384))
    with pytest.raises(FetchError, match=r"more than \d+ bytes exceeds the cap of 100000 bytes"):
        fetch(http_server.url("/big"), client=client, settings=settings(max_page_bytes=100_000))


def test_gbk_page_without_charset_header_decodes(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    gbk_page = PAGE.replace("<html>", '<html><meta charset="gb2312">')
    http_server.add("/gbk", Response(200, gbk_page.encode("gbk"), {"Content-Type": "text/html"}))
    result = fetch(http_server.url("/gbk"), client=client, settings=settings())
    assert (result.text, result.encoding) == (gbk_page, "gb18030")
    assert result.content == gbk_page.encode("gbk")


def test_a_refused_connection_fails_at_once(client: httpx.Client, fake: FakeTime) -> None:
    with refused_port() as base:
        with pytest.raises(FetchError) as caught:
            fetch(
                f"{base}/page",
                client=client,
                settings=settings(backoff=60),
                sleep=fake.sleep,
                clock=fake.clock,
            )
    assert str(caught.value) == f"{base}/page: connection refused by {base[7:]}"
    assert (caught.value.status_code, fake.sleeps) == (None, [])


def test_the_refused_host_named_is_the_one_redirected_to(
    http_server: HTTPTestServer, client: httpx.Client, fake: FakeTime
) -> None:
    with refused_port() as base:
        http_server.add("/old", Response.redirect(f"{base}/new"))
        with pytest.raises(FetchError) as caught:
            fetch(
                http_server.url("/old"),
                client=client,
                settings=settings(),
                sleep=fake.sleep,
                clock=fake.clock,
            )
    assert str(caught.value).endswith(f": connection refused by {base[7:]}")
    assert fake.sleeps == []


# --- the server itself, as other tests will use it ----------------------------------------


def test_server_records_posts_and_routes_can_change_at_runtime(
    http_server: HTTPTestServer, client: httpx.Client
) -> None:
    http_server.add("/hook", responses=[Response(500), Response(204)])
    codes = [client.post(http_server.url("/hook"), json={"n": n}).status_code for n in range(3)]
    http_server.add("/hook", handler=lambda request: Response(200, request.text.upper()))
    assert client.post(http_server.url("/hook"), content=b"late").text == "LATE"
    posts = http_server.requests_for("/hook", "POST")
    assert codes == [500, 204, 204]
    assert [post.json() for post in posts[:3]] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert client.get(http_server.url("/nowhere")).status_code == 404

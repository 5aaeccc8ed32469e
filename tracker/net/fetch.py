"""One polite, bounded GET of a page: retries, a deadline, a size cap, conditional requests.

Every way this can fail ends in a FetchError naming the URL, never in a result: a page that
was down, cut short or mis-decoded must not be mistaken for a page whose members left.

A host name that does not resolve and a port that refuses the connection fail at once:
that is a machine offline or a wrong URL, which no wait of seconds or minutes mends, so
the user hears it now and can turn to a saved copy. Timeouts, connections dropped
half-way, 429 and 5xx are retried.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpx

from tracker.core.config import FetchSettings
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError
from tracker.core.models import FetchResult

# Worth another try: the server or the path to it may recover. Other errors will not.
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# httpx rejects a zero or negative timeout; this is "the deadline has all but passed".
_MIN_TIMEOUT = 0.01
# Waits longer than this are announced (through ``on_wait``) before they begin, so that a
# command waiting a minute on a 429 does not look hung.
NOTICE_AFTER = 2.0
# Told one line before a long wait; the caller decides where it goes (stderr, a log).
OnWait = Callable[[str], None]


def _retryable(status: int) -> bool:
    return status == HTTPStatus.TOO_MANY_REQUESTS or 500 <= status < 600


class _Budget:
    """The fetch's wall-clock deadline, read through the injected clock."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self.start = clock()

    def remaining(self) -> float:
        return self.start + self.seconds - self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.start


@dataclass(frozen=True)
class _Outcome:
    """One request's result: a response to judge, and why it failed if it is worth a retry."""

    response: httpx.Response | None
    content: bytes = b""
    failure: str | None = None
    retry_after: float | None = None

    def error(self, url: str, attempts: int, note: str = "") -> FetchError:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        response = self.response
        return FetchError(
            f"{url}: {self.failure}{tries}{note}",
            url=url,
            final_url=None if response is None else str(response.url),
            status_code=None if response is None else response.status_code,
        )


def fetch(
    url: str,
    *,
    client: httpx.Client,
    settings: FetchSettings,
    etag: str | None = None,
    last_modified: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_wait: OnWait | None = None,
) -> FetchResult:
    """GET ``url`` and decode it, or raise FetchError; 304 gives ``not_modified=True``."""
    budget = _Budget(settings.deadline, clock)
    headers = _request_headers(settings, etag, last_modified)
    attempts = 0
    while True:
        attempts += 1
        outcome = _try_once(url, client, settings, headers, budget)
        if outcome.failure is None and outcome.response is not None:
            result = _result(url, outcome.response, outcome.content, etag, last_modified)
            return result.model_copy(update={"elapsed": budget.elapsed(), "attempts": attempts})
        if attempts > settings.retries:
            raise outcome.error(url, attempts)
        wait = _wait(attempts, outcome.retry_after, settings)
        if wait >= budget.remaining():
            note = f"; gave up: waiting {wait:g} s would pass the {settings.deadline:g} s deadline"
            raise outcome.error(url, attempts, note)
        if on_wait is not None and wait > NOTICE_AFTER:
            total = settings.retries + 1
            on_wait(
                f"retrying in {wait:g} s ({attempts + 1}/{total}): {outcome.failure} from {url}"
            )
        sleep(wait)


def _try_once(
    url: str,
    client: httpx.Client,
    settings: FetchSettings,
    headers: dict[str, str],
    budget: _Budget,
) -> _Outcome:
    """One request; failures not worth retrying raise FetchError straight away."""
    try:
        outcome = _download(url, client, settings, headers, budget)
    except _RETRY_ERRORS as exc:
        if (unreachable := _unreachable(exc, url)) is not None:
            raise FetchError(f"{url}: {unreachable}", url=url) from None
        return _Outcome(None, failure=_describe_error(exc))
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchError(f"{url}: {_describe_error(exc)}", url=url) from None
    response = outcome.response
    if response is not None and _retryable(response.status_code):
        return _Outcome(
            response, failure=_describe_status(response), retry_after=_retry_after(response)
        )
    return outcome


def _request_headers(
    settings: FetchSettings, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    headers = {"User-Agent": settings.user_agent}
    if etag is not None:
        headers["If-None-Match"] = etag
    if last_modified is not None:
        headers["If-Modified-Since"] = last_modified
    return headers


def _timeout(settings: FetchSettings, remaining: float) -> httpx.Timeout:
    # No single wait may outlast the whole fetch's deadline.
    remaining = max(remaining, _MIN_TIMEOUT)
    connect = min(settings.connect_timeout, remaining)
    read = min(settings.read_timeout, remaining)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _download(
    url: str,
    client: httpx.Client,
    settings: FetchSettings,
    headers: dict[str, str],
    budget: _Budget,
) -> _Outcome:
    timeout = _timeout(settings, budget.remaining())
    with client.stream(
        "GET", url, headers=headers, timeout=timeout, follow_redirects=True
    ) as response:
        if response.status_code != HTTPStatus.OK:
            # Error and 304 bodies are not evidence of anything; skip downloading them.
            return _Outcome(response)
        _check_declared_size(url, response, settings.max_page_bytes)
        return _Outcome(response, _read_body(url, response, settings, budget))


def _check_declared_size(url: str, response: httpx.Response, cap: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_big(url, response, f"Content-Length {declared}", cap)


def _read_body(
    url: str, response: httpx.Response, settings: FetchSettings, budget: _Budget
) -> bytes:
    # Counting while streaming catches chunked bodies, lying Content-Length and gzip bombs.
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > settings.max_page_bytes:
            raise _too_big(url, response, f"more than {received} bytes", settings.max_page_bytes)
        chunks.append(chunk)
        if budget.remaining() <= 0:
            # Each read was within the read timeout, yet the whole body is too slow.
            raise FetchError(
                f"{url}: body still arriving at the {settings.deadline:g} s deadline "
                f"({received} bytes received)",
                url=url,
                final_url=str(response.url),
                status_code=response.status_code,
            )
    return b"".join(chunks)


def _too_big(url: str, response: httpx.Response, size: str, cap: int) -> FetchError:
    return FetchError(
        f"{url}: response too large: {size} exceeds the cap of {cap} bytes (max_page_bytes)",
        url=url,
        final_url=str(response.url),
        status_code=response.status_code,
    )


def _wait(attempts: int, retry_after: float | None, settings: FetchSettings) -> float:
    if retry_after is not None:
        return min(retry_after, settings.max_retry_after)
    return float(settings.backoff * 2 ** (attempts - 1))


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait, or None when it did not say (or said nonsense)."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (_as_utc(when) - _server_now(response)).total_seconds())


def _server_now(response: httpx.Response) -> datetime:
    # The server's own Date header, so clock skew between it and us does not matter.
    try:
        return _as_utc(parsedate_to_datetime(response.headers["date"]))
    except (KeyError, TypeError, ValueError):
        return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    # HTTP-dates are always GMT; "-0000" parses as naive.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _describe_status(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    if not phrase:
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _unreachable(exc: httpx.HTTPError, url: str) -> str | None:
    """Why a connection could not be made when waiting will not help, else None.

    httpx reports both a failed DNS lookup and a refused connection as ConnectError; the
    socket error underneath tells them apart from a connection that failed half-way, which
    is worth another try. It is reached through httpcore's own ConnectError, which its
    connection pool re-raises ``from None``: hence both links of the chain are followed.
    """
    if not isinstance(exc, httpx.ConnectError):
        return None
    target = _target(exc, url)
    for cause in _chain(exc):
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host {target.host} ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {target.host}:{target.port or _default_port(target)}"
        if isinstance(cause, OSError) and cause.errno == errno.ENETUNREACH:
            return f"network unreachable ({cause.strerror or cause})"
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and every one it was raised from or while handling, each once."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [link for link in (current.__cause__, current.__context__) if link is not None]


def _target(exc: httpx.ConnectError, url: str) -> httpx.URL:
    # After a redirect the host that failed is the request's, not the one first asked.
    try:
        return exc.request.url
    except RuntimeError:
        return httpx.URL(url)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _describe_error(exc: httpx.HTTPError | httpx.InvalidURL) -> str:
    name = type(exc).__name__
    return f"{name}: {exc}" if str(exc) else name


def _result(
    url: str,
    response: httpx.Response,
    content: bytes,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    headers = {name.lower(): value for name, value in response.headers.items()}
    result = FetchResult(
        url=url,
        final_url=str(response.url),
        status_code=response.status_code,
        headers=headers,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
    )
    # A 304 we did not ask for (no validators sent) says nothing about any page we hold.
    if response.status_code == HTTPStatus.NOT_MODIFIED and (etag or last_modified):
        # A 304 may omit the validators; the ones we sent are then still the current ones.
        return result.model_copy(
            update={
                "not_modified": True,
                "etag": result.etag or etag,
                "last_modified": result.last_modified or last_modified,
            }
        )
    if response.status_code != HTTPStatus.OK:
        raise _status_error(url, response)
    text, encoding = _decode(url, response, content)
    return result.model_copy(update={"content": content, "text": text, "encoding": encoding})


def _status_error(url: str, response: httpx.Response) -> FetchError:
    final_url = str(response.url)
    where = url if final_url == url else f"{url} (redirected to {final_url})"
    return FetchError(
        f"{where}: {_describe_status(response)}",
        url=url,
        final_url=final_url,
        status_code=response.status_code,
    )


def _decode(url: str, response: httpx.Response, content: bytes) -> tuple[str, str]:
    final_url = str(response.url)
    try:
        return decode_page(content, response.headers.get("content-type"), source=final_url)
    except FetchError as exc:
        raise FetchError(
            str(exc),
            url=url,
            final_url=final_url,
            status_code=response.status_code,
            content=content,
            headers={name.lower(): value for name, value in response.headers.items()},
        ) from None

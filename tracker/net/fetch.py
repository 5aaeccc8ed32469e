"""One polite, bounded GET of a page: retries, a deadline, a size cap, conditional requests.

Every way this can fail ends in a FetchError naming the URL, never in a result: a page that
was down, cut short or mis-decoded must not be mistaken for a page whose members left.

A host name that does not resolve and a port that refuses the connection fail at once:
that is a machine offline or a wrong URL, which no wait of seconds or minutes mends, so
the user hears it now and can turn to a saved copy. Timeouts, connections dropped
half-way, 429 and 5xx are retried.

Nothing a server does stretches a fetch past its deadline or its size cap: a watchdog
(`tracker.net.watchdog`) cuts the connection at the deadline or on a stop request, in
whatever phase it is (connecting, headers, a redirect, the body), and the body is decoded
here, layer by layer, counted as it is produced (`tracker.net.inflate`).
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpx
import msgspec

from tracker.core.config import FetchSettings
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError
from tracker.core.models import FetchResult
from tracker.net.inflate import ACCEPT, TooLarge, Undecodable, decoded
from tracker.net.watchdog import CLOSE, Watchdog, current_stop

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
    sleep: Callable[[float], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    on_wait: OnWait | None = None,
    stop: threading.Event | None = None,
) -> FetchResult:
    """GET ``url`` and decode it, or raise FetchError; 304 gives ``not_modified=True``.

    Everything (connecting, headers, redirects, body, retries' waits) ends by the deadline,
    and as soon as ``stop`` (by default the thread's, see `stopping_on`) is set.
    """
    stop = stop if stop is not None else current_stop()
    budget = _Budget(settings.deadline, clock)
    with Watchdog(budget.remaining, stop) as watchdog:
        exchange = _Exchange(
            url, client, settings, _request_headers(settings, etag, last_modified), budget, watchdog
        )
        attempts = 0
        while True:
            attempts += 1
            outcome = exchange.attempt()
            if outcome.failure is None and outcome.response is not None:
                result = _result(url, outcome.response, outcome.content, etag, last_modified)
                return msgspec.structs.replace(result, elapsed=budget.elapsed(), attempts=attempts)
            if attempts > settings.retries:
                raise outcome.error(url, attempts)
            wait = _wait(attempts, outcome.retry_after, settings)
            if wait >= budget.remaining():
                note = (
                    f"; gave up: waiting {wait:g} s would pass the {settings.deadline:g} s deadline"
                )
                raise outcome.error(url, attempts, note)
            if on_wait is not None and wait > NOTICE_AFTER:
                total = settings.retries + 1
                on_wait(
                    f"retrying in {wait:g} s ({attempts + 1}/{total}): {outcome.failure} from {url}"
                )
            (sleep or stop.wait)(wait)
            if stop.is_set():
                raise _stopped(url)


@dataclass
class _Exchange:
    """What every request of one fetch shares: where, how, and the bounds it runs under."""

    url: str
    client: httpx.Client
    settings: FetchSettings
    headers: dict[str, str]
    budget: _Budget
    watchdog: Watchdog

    def attempt(self) -> _Outcome:
        """One request; failures not worth retrying raise FetchError straight away."""
        url = self.url
        try:
            outcome = self._download()
        except _RETRY_ERRORS as exc:
            self._check_watchdog(None)
            if (unreachable := _unreachable(exc, url)) is not None:
                raise FetchError(f"{url}: {unreachable}", url=url) from None
            return _Outcome(None, failure=_describe_error(exc))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self._check_watchdog(None)
            raise FetchError(f"{url}: {_describe_error(exc)}", url=url) from None
        response = outcome.response
        if response is not None and _retryable(response.status_code):
            return _Outcome(
                response, failure=_describe_status(response), retry_after=_retry_after(response)
            )
        return outcome

    def _check_watchdog(self, response: httpx.Response | None) -> None:
        fired = self.watchdog.fired
        if fired == "stop":
            raise _stopped(self.url)
        if fired is not None:
            deadline = f"{self.settings.deadline:g} s deadline"
            phase = self.watchdog.waiting_for
            raise FetchError(
                f"{self.url}: no connection made by the {deadline}"
                if phase == "connection"
                else f"{self.url}: {phase} still arriving at the {deadline}",
                url=self.url,
                final_url=None if response is None else str(response.url),
                status_code=None if response is None else response.status_code,
            )

    def _download(self) -> _Outcome:
        """Redirects are followed here, each hop's waits bounded by what is left of the budget."""
        request = self.client.build_request(
            "GET", self.url, headers=self.headers, extensions=self.watchdog.extensions()
        )
        for _hop in range(self.client.max_redirects + 1):
            timeout = _timeout(self.settings, self.budget.remaining())
            request.extensions["timeout"] = timeout.as_dict()
            self.watchdog.waiting_for = "connection"
            response = self.client.send(request, stream=True, follow_redirects=False)
            try:
                if response.next_request is None:
                    return self._final(response)
                request = response.next_request
            finally:
                response.close()
        raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)

    def _final(self, response: httpx.Response) -> _Outcome:
        if response.status_code != HTTPStatus.OK:
            # Error and 304 bodies are not evidence of anything; skip downloading them.
            return _Outcome(response)
        cap = self.settings.max_page_bytes
        _check_declared_size(self.url, response, cap)
        try:
            body = _read_body(self.url, response, self.settings, self.budget, self.watchdog)
        except FetchError:
            self._check_watchdog(response)  # the cut, not what it did to the body, is news
            raise
        # The watchdog says it fired before cutting: if it has not, the body ended on its
        # own. If it has, a body without a declared length may have been cut short.
        self._check_watchdog(response)
        return _Outcome(response, body)


def _stopped(url: str) -> FetchError:
    return FetchError(f"{url}: interrupted: a stop was requested before the page was read", url=url)


def _request_headers(
    settings: FetchSettings, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT, **CLOSE}
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


def _check_declared_size(url: str, response: httpx.Response, cap: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_big(url, response, _over(f"Content-Length {declared}", cap))


def _read_body(
    url: str,
    response: httpx.Response,
    settings: FetchSettings,
    budget: _Budget,
    watchdog: Watchdog,
) -> bytes:
    # Counting decoded bytes as they are produced catches chunked bodies, a lying
    # Content-Length and compression bombs, however many layers deep.
    watchdog.waiting_for = "body"
    cap = settings.max_page_bytes
    chunks: list[bytes] = []
    received = 0
    try:
        for chunk in _body(response, cap):
            received += len(chunk)
            if received > cap:
                raise _too_big(url, response, _over(f"more than {received} bytes", cap))
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
    except TooLarge:
        encoding = response.headers.get("content-encoding")
        # The size on the wire says nothing here; the cap is on what the page would become.
        why = f"body over {_size(cap)} once decoded (Content-Encoding: {encoding})"
        raise _too_big(url, response, f"{why}; max_page_bytes = {cap}") from None
    except Undecodable as exc:
        raise FetchError(
            f"{url}: {exc}", url=url, final_url=str(response.url), status_code=response.status_code
        ) from None
    return b"".join(chunks)


def _body(response: httpx.Response, cap: int) -> Iterator[bytes]:
    if response.is_stream_consumed:
        # Read (and decoded) already by its transport, as mock transports do.
        return iter([response.content])
    return decoded(response.iter_raw(), response.headers.get("content-encoding"), cap)


def _size(count: int) -> str:
    return f"{count // 1_000_000} MB" if count % 1_000_000 == 0 else f"{count} bytes"


def _over(size: str, cap: int) -> str:
    return f"{size} exceeds the cap of {cap} bytes (max_page_bytes)"


def _too_big(url: str, response: httpx.Response, why: str) -> FetchError:
    return FetchError(
        f"{url}: response too large: {why}",
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
        return msgspec.structs.replace(
            result,
            not_modified=True,
            etag=result.etag or etag,
            last_modified=result.last_modified or last_modified,
        )
    if response.status_code != HTTPStatus.OK:
        raise _status_error(url, response)
    text, encoding = _decode(url, response, content)
    return msgspec.structs.replace(result, content=content, text=text, encoding=encoding)


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

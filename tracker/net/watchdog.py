"""A wall-clock bound on an HTTP exchange that no server can stretch, and a stop request.

httpx has no total timeout: its read timeout is per read, so a server sending its headers
or body one byte a second holds a request for as long as it likes. A watchdog thread
shuts down the exchange's sockets when the deadline passes or a stop is requested
(SIGTERM in `tracker run`); the blocked read then returns at once. Sockets are learnt from
httpcore's ``trace`` extension as connections are made, so requests sent under a watchdog
carry ``Connection: close``: a pooled connection made earlier would never be announced.

A stop is requested through a `threading.Event` made current for the calling thread with
`stopping_on`: ticks set it around their work, and fetches and deliveries made below
observe it without every layer in between passing it on.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

# How often the watchdog looks at the clock and the stop event; a stop is honoured this soon.
POLL = 0.1
# Sent with every watched request; see the module docstring.
CLOSE = {"Connection": "close"}

_STOP: ContextVar[threading.Event | None] = ContextVar("tracker_stop", default=None)
_SOCKET_EVENTS = ("connection.connect_tcp.complete", "connection.start_tls.complete")


@contextmanager
def stopping_on(event: threading.Event) -> Iterator[None]:
    """Watched exchanges and waits in this thread end when ``event`` is set."""
    token = _STOP.set(event)
    try:
        yield
    finally:
        _STOP.reset(token)


def time_left(seconds: float) -> Callable[[], float]:
    """Seconds left of ``seconds`` from now, on the monotonic clock."""
    end = time.monotonic() + seconds
    return lambda: end - time.monotonic()


def current_stop() -> threading.Event:
    """The stop event of this thread, or one that is never set."""
    return _STOP.get() or threading.Event()


class Watchdog:
    """Cuts the exchange's connections at the deadline or on a stop; says which it was.

    ``fired`` is set before any socket is cut, so a read that ends early because of the cut
    (a body without a declared length reads as complete at end of stream) can be told from
    a complete one: check it after the exchange.
    """

    def __init__(self, remaining: Callable[[], float], stop: threading.Event) -> None:
        self.remaining = remaining
        self.stop = stop
        self.fired: str | None = None  # "deadline" or "stop"
        # What the exchange waits for: "connection", "headers" or "body" (set by the caller).
        self.waiting_for = "connection"
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tracker-watchdog", daemon=True)

    def extensions(self) -> dict[str, Any]:
        """The request extensions that let the watchdog see the request's sockets."""
        return {"trace": self.trace}

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event == "http11.receive_response_headers.started":
            self.waiting_for = "headers"
        if event not in _SOCKET_EVENTS:
            return
        sock = info["return_value"].get_extra_info("socket")
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired
        if fired is not None:
            _cut(sock)

    def _watch(self) -> None:
        while not self._done.wait(POLL):
            if self.stop.is_set():
                self._fire("stop")
                return
            if self.remaining() <= 0:
                self._fire("deadline")
                return

    def _fire(self, reason: str) -> None:
        with self._lock:
            self.fired = reason
            sockets = list(self._sockets)
        for sock in sockets:
            _cut(sock)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()


def _cut(sock: socket.socket) -> None:
    # shutdown, not close: it wakes a read blocked in another thread, on every platform.
    # The plain socket's own method, even on a TLS socket: ssl.SSLSocket.shutdown also
    # drops its TLS state, and the blocked reader would then fail with a ValueError.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or the plain socket a TLS one replaced

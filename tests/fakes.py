"""Collaborators for tests: time that passes only when code sleeps, a network that is not there."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class FakeTime:
    """A clock that only moves when something sleeps, recording every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@contextmanager
def refused_port() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` where nothing listens: a socket holds the port, unlistening,
    so every connection is refused at once (the offline case, without a network)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names other than loopback addresses stop resolving, as on a machine without network
    (EAI_AGAIN), so httpx raises its real ConnectError over the resolver's gaierror.

    respx cannot show this: it re-raises a side effect's exception from its own, which
    replaces the gaierror the fetch looks for.
    """
    resolve = socket.getaddrinfo

    def getaddrinfo(host: str | bytes | None, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "::1"):
            return resolve(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def fake_waits(monkeypatch: pytest.MonkeyPatch, fake: FakeTime) -> None:
    """Make fetch and the Wayback archive use ``fake`` by default, for CLI tests: a command
    builds them itself, so the fake cannot be handed in."""
    from tracker.net.fetch import fetch
    from tracker.net.wayback import WaybackArchive

    for defaults in (fetch.__kwdefaults__, WaybackArchive.__init__.__kwdefaults__):
        monkeypatch.setitem(defaults, "sleep", fake.sleep)
        monkeypatch.setitem(defaults, "clock", fake.clock)


@contextmanager
def unreachable(kind: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A base URL nothing answers at: "refused" (a loopback port nobody listens on) or
    "dns" (a name that does not resolve)."""
    if kind == "dns":
        no_dns(monkeypatch)
        yield "http://aiia.invalid"
        return
    with refused_port() as base:
        yield base

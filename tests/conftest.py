"""Shared fixtures. Append new ones below; keep each one closing what it opens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.httpserver import HTTPTestServer


@pytest.fixture
def http_server() -> Iterator[HTTPTestServer]:
    """A running local HTTP server with no routes yet; see tests/httpserver.py."""
    with HTTPTestServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _full_width_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables fit $COLUMNS when it is set: tests see every column unless they set it."""
    monkeypatch.delenv("COLUMNS", raising=False)

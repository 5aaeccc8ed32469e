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

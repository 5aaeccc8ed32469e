"""Shared fixtures. Append new ones below; keep each one closing what it opens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import CHROMIUM, sync_api
from tests.httpserver import HTTPTestServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright


@pytest.fixture
def http_server() -> Iterator[HTTPTestServer]:
    """A running local HTTP server with no routes yet; see tests/httpserver.py."""
    with HTTPTestServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _full_width_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables fit $COLUMNS when it is set: tests see every column unless they set it."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API running, or a skip (a failure in CI): see tests/browser.py."""
    with sync_api().sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium per module: launching is the slow part."""
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
    yield launched
    launched.close()

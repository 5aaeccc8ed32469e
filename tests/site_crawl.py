"""Serving a built site at a sub-path and crawling it in a browser.

A site is served over loopback HTTP from below a prefix such as `/aiia-tracker/`, as GitHub
Pages serves a project site, so that a link climbing out of the prefix or rooted at `/`
answers 404 here as it would there. The crawl opens every page a reader can reach from the
home page in Chromium, fetches everything else those pages link to, and reports each
problem as one line: a status other than 200, a console error, an uncaught exception, a
request that failed, a same-origin link outside the prefix, a link to a file:// URL (the
builder's disk, not the reader's). tests/test_site.py checks the built files' links
without a browser.
"""

from __future__ import annotations

import contextlib
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Page

# What one page says about itself, read in the browser after it has loaded.
PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  overflow: document.scrollingElement.scrollWidth - window.innerWidth,
  viewport: document.querySelector('meta[name=viewport]') !== null,
  nav: [...document.querySelectorAll('nav a[href]')].map(a => a.href),
  tables: document.querySelectorAll('table').length,
  unnamed: [...document.querySelectorAll('table')]
    .filter(t => !t.caption && !t.hasAttribute('aria-labelledby')).length,
  unscoped: [...document.querySelectorAll('th')].filter(th => !th.hasAttribute('scope')).length,
  links: [...document.querySelectorAll('a[href], link[href]')].map(e => e.href)
    .concat([...document.querySelectorAll('script[src], img[src]')].map(e => e.src)),
})"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """ROOT over loopback HTTP; yields its base URL (`http://127.0.0.1:PORT/`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Crawl:
    """What a crawl found: every URL's status, each rendered page's facts, the problems."""

    statuses: dict[str, int] = field(default_factory=dict)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def pages(self, under: str) -> list[str]:
        return [url for url in self.facts if url.startswith(under)]


def crawl(page: Page, home: str, prefix: str) -> Crawl:
    """Open HOME and every page reachable from it below PREFIX (a URL ending in `/`)."""
    found = Crawl()
    _listen(page, found.problems.append)
    queue, seen = [home], {home}
    while queue:
        url = queue.pop(0)
        links = _visit(page, url, prefix, found)
        for link in links:
            link = urldefrag(link).url
            if urlsplit(link).scheme == "file":
                found.problems.append(f"{url}: links to {link}, on the builder's disk")
            if urlsplit(link).netloc != urlsplit(prefix).netloc or link in seen:
                continue
            seen.add(link)
            if link.startswith(prefix):
                queue.append(link)
            else:
                found.problems.append(f"{link}: outside {prefix}")
    return found


def _listen(page: Page, problem: Callable[[str], None]) -> None:
    def console(message: Any) -> None:
        if message.type == "error":
            problem(f"{page.url}: console error: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problem(f"{page.url}: uncaught {error}"))
    page.on("requestfailed", lambda request: problem(f"{request.url}: {request.failure}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problem(f"{response.url}: HTTP {response.status}")
        ),
    )


def _visit(page: Page, url: str, prefix: str, found: Crawl) -> list[str]:
    """Open a page of the site in the browser, or fetch anything else; its links."""
    path = urlsplit(url).path
    if not (path.endswith((".html", "/")) and not url.startswith(f"{prefix}pages/")):
        found.statuses[url] = http_status(url)
        if found.statuses[url] != 200:
            found.problems.append(f"{url}: HTTP {found.statuses[url]}")
        return []
    response = page.goto(url)
    found.statuses[url] = response.status if response else 0
    if found.statuses[url] != 200:
        return []
    facts: dict[str, Any] = page.evaluate(PAGE_FACTS)
    found.facts[url] = facts
    return list(facts["links"])


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code

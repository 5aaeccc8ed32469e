"""A member list's pages: read from a URL or a saved file, and followed when split over pages.

I/O at the edge: fetching and reading files happen here; deciding which link leads to the
next page is the parser's (`tracker.core.parse.paging`). A page that cannot be read fails the
whole list (FetchError naming it): a list missing its later pages would read as departures.
So does, as a problem the guard quarantines, a list that goes on past ``max_pages`` or
through a next-page link that leaves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tracker.core.config import FetchSettings
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError
from tracker.core.parse.paging import next_page

if TYPE_CHECKING:
    import httpx

    from tracker.core.models import FetchResult
    from tracker.net.fetch import OnWait


@dataclass
class PagePart:
    """One page of a list as read: its address (after redirects), raw bytes and text."""

    url: str
    content: bytes
    text: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Following:
    """The pages after the first, and why the list may go on past them."""

    parts: list[PagePart] = field(default_factory=list)
    cut_at: int | None = None
    # A next-page link that leads out of the list, or to a page that was not read.
    unread: str | None = None

    def problem(self) -> str | None:
        if self.cut_at is not None:
            return (
                f"the list goes on after page {self.cut_at} (max_pages = {self.cut_at}); "
                "its later pages were not read"
            )
        if self.unread is not None:
            return f"the list goes on at {self.unread}, which was not read"
        return None


def follow(first: PagePart, get: Callable[[str], PagePart], *, max_pages: int) -> Following:
    """Read the pages after ``first`` in order, until the list ends or ``max_pages``."""
    found = Following()
    seen, contents = {first.url}, {first.content}
    page = first
    while True:
        step = next_page(page.text, page.url)
        if step.url is None or step.url in seen:
            found.unread = step.refused
            return found
        if 1 + len(found.parts) >= max_pages:
            found.cut_at = max_pages
            return found
        page = get(step.url)
        if page.content in contents:
            # A site that ignores ?page=2 serves the first page again: the list ends.
            return found
        found.parts.append(page)
        seen |= {step.url, page.url}
        contents.add(page.content)


def follow_http(
    first: FetchResult,
    *,
    client: httpx.Client,
    settings: FetchSettings,
    max_pages: int,
    on_wait: OnWait | None = None,
) -> Following:
    """The pages after a fetched first page, fetched with the same settings."""
    part = PagePart(first.final_url, first.content, first.text or "", first.headers)
    return follow(
        part,
        lambda url: _fetched(url, client=client, settings=settings, on_wait=on_wait),
        max_pages=max_pages,
    )


def _fetched(
    url: str, *, client: httpx.Client, settings: FetchSettings, on_wait: OnWait | None
) -> PagePart:
    from tracker.net.fetch import fetch

    result = fetch(url, client=client, settings=settings, on_wait=on_wait)
    return PagePart(result.final_url, result.content, result.text or "", result.headers)


def read_file(path: Path) -> PagePart:
    """One saved page, decoded as a fetched one would be."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{path}: cannot read: {exc.strerror or exc}", url=str(path)) from None
    try:
        text = decode_page(content, None, source=str(path))[0]
    except FetchError as exc:
        # Bytes that cannot be read honestly are still evidence of what was saved.
        raise FetchError(str(exc), url=path.resolve().as_uri(), content=content) from None
    return PagePart(path.resolve().as_uri(), content, text)


def follow_files(first: PagePart, *, max_pages: int) -> Following:
    """The saved pages beside a saved first page that its next-page links name."""
    return follow(
        first, lambda url: read_file(Path(unquote(urlsplit(url).path))), max_pages=max_pages
    )


def read_location(
    location: str,
    settings: FetchSettings,
    *,
    client: httpx.Client,
    max_pages: int,
    on_wait: OnWait | None = None,
) -> tuple[list[PagePart], str | None]:
    """The pages of a list at a URL or in a saved file, for commands that store nothing,
    and the problem when the list goes on past what was read."""
    if location.startswith(("http://", "https://")):
        from tracker.net.fetch import fetch

        result = fetch(location, client=client, settings=settings, on_wait=on_wait)
        first = PagePart(result.final_url, result.content, result.text or "", result.headers)
        more = follow_http(
            result, client=client, settings=settings, max_pages=max_pages, on_wait=on_wait
        )
    else:
        first = read_file(Path(location))
        more = follow_files(first, max_pages=max_pages)
    return [first, *more.parts], more.problem()

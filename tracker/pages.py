"""A member list's pages: read from a URL or a saved file, and followed when split over pages.

I/O at the edge: fetching and reading files happen here; deciding which link leads to the
next page is the parser's (`tracker.parse.paging`). A page that cannot be read fails the
whole list (FetchError naming it): a list missing its later pages would read as departures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tracker.config import FetchSettings
from tracker.decode import decode_page
from tracker.errors import FetchError
from tracker.parse.paging import next_page_url

if TYPE_CHECKING:
    import httpx


@dataclass
class PagePart:
    """One page of a list as read: its address, raw bytes (the evidence) and text."""

    url: str
    content: bytes
    text: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Following:
    """The pages after the first, and whether the cap stopped them before the list ended."""

    parts: list[PagePart]
    cut_at: int | None = None

    def problem(self) -> str | None:
        if self.cut_at is None:
            return None
        return (
            f"the list goes on after page {self.cut_at} (max_pages = {self.cut_at}); "
            "its later pages were not read"
        )


def follow(first: PagePart, get: Callable[[str], PagePart], *, max_pages: int) -> Following:
    """Read the pages after ``first`` in order, until the list ends or ``max_pages``."""
    parts: list[PagePart] = []
    seen = {first.url}
    contents = {first.content}
    page = first
    while (url := next_page_url(page.text, page.url)) is not None and url not in seen:
        if 1 + len(parts) >= max_pages:
            return Following(parts, cut_at=max_pages)
        page = get(url)
        if page.content in contents:
            # A site that ignores ?page=2 serves the first page again: the list ends.
            break
        parts.append(page)
        seen.add(url)
        contents.add(page.content)
    return Following(parts)


def fetch_part(url: str, *, client: httpx.Client, settings: FetchSettings) -> PagePart:
    """One page over HTTP with the source's settings (never conditional)."""
    from tracker.fetch import fetch

    result = fetch(url, client=client, settings=settings)
    return PagePart(url, result.content, result.text or "", result.headers)


def file_part(path: Path) -> PagePart:
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


def file_at(url: str) -> PagePart:
    """A saved page named by its file: URL (a page beside the first one)."""
    return file_part(Path(unquote(urlsplit(url).path)))


def read_location(
    location: str, settings: FetchSettings, *, max_pages: int
) -> tuple[list[PagePart], str | None]:
    """The pages of a list at a URL or in a saved file, for commands that store nothing,
    and the problem when the cap stopped them before the list ended."""
    if location.startswith(("http://", "https://")):
        import httpx

        with httpx.Client() as client:
            first = fetch_part(location, client=client, settings=settings)
            more = follow(
                first,
                lambda url: fetch_part(url, client=client, settings=settings),
                max_pages=max_pages,
            )
    else:
        first = file_part(Path(location))
        more = follow(first, file_at, max_pages=max_pages)
    return [first, *more.parts], more.problem()

"""A page's text from a saved file or a URL, for commands that read a page and store nothing."""

from __future__ import annotations

from pathlib import Path

from tracker.config import Source
from tracker.decode import decode_page
from tracker.errors import FetchError


def read_location(location: str, source: Source) -> str:
    """The decoded text of a saved page (a path) or of a URL fetched with the source's
    settings; FetchError names the file or URL when it cannot be read honestly."""
    if location.startswith(("http://", "https://")):
        import httpx

        from tracker.fetch import fetch

        with httpx.Client() as client:
            result = fetch(location, client=client, settings=source)
        return result.text or ""
    path = Path(location)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{path}: cannot read: {exc.strerror or exc}", url=location) from None
    return decode_page(content, None, source=str(path))[0]

"""WARC files (ISO 28500): archived pages written out as records, and read back.

I/O at the edge, with warcio (the reference WARC library, used by pywb and Webrecorder).
It is imported inside the functions, so that `import tracker.cli` stays light.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from gzip import BadGzipFile, GzipFile
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tracker.core.errors import ParseError
from tracker.core.stamps import utc_text

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord
    from warcio.warcwriter import WARCWriter

# Headers that described the transfer, not the page: the bytes are stored decoded, so
# replayed with them a browser would try to gunzip plain HTML.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class Exchange:
    """One page as it was received over HTTP: a response record, and a request record when
    the tracker sent that request to ``url`` (not for an archive's copy)."""

    url: str
    at: datetime
    status: int
    headers: dict[str, str]
    content: bytes
    # Where the bytes were actually fetched from, when that was an archive's copy: the
    # request went to the archive, later, so none to the original site is recorded.
    source_uri: str | None = None


class WarcOut:
    """Records appended to a gzipped WARC file, each returning its WARC-Record-ID."""

    def __init__(self, stream: IO[bytes]) -> None:
        from warcio.warcwriter import WARCWriter

        self.writer: WARCWriter = WARCWriter(stream, gzip=True)

    def warcinfo(self, filename: str, info: dict[str, str]) -> str:
        record = self.writer.create_warcinfo_record(filename, info)
        return self._write(record)

    def exchange(self, page: Exchange) -> str:
        """A response record, after its request record when one was sent; the response's id."""
        from warcio.statusandheaders import StatusAndHeaders

        extra = {"WARC-Source-URI": page.source_uri} if page.source_uri else {}
        kept = [(k, v) for k, v in page.headers.items() if k.lower() not in _TRANSFER_HEADERS]
        kept.append(("Content-Length", str(len(page.content))))
        status = f"{page.status} {_phrase(page.status)}"
        response = self.writer.create_warc_record(
            page.url,
            "response",
            payload=BytesIO(page.content),
            length=len(page.content),
            warc_headers_dict={"WARC-Date": utc_text(page.at), **extra},
            http_headers=StatusAndHeaders(status, kept, protocol="HTTP/1.1"),
        )
        if page.source_uri is not None:
            return self._write(response)
        parts = urlsplit(page.url)
        target = parts.path or "/"
        target += f"?{parts.query}" if parts.query else ""
        request = self.writer.create_warc_record(
            page.url,
            "request",
            warc_headers_dict={"WARC-Date": utc_text(page.at)},
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True
            ),
        )
        self.writer.write_request_response_pair(request, response)
        return str(response.rec_headers.get_header("WARC-Record-ID"))

    def resource(self, url: str, at: datetime, content: bytes, content_type: str) -> str:
        """Bytes that came from no HTTP exchange (a saved file, a CSV), as they are."""
        record = self.writer.create_warc_record(
            url,
            "resource",
            payload=BytesIO(content),
            length=len(content),
            warc_content_type=content_type,
            warc_headers_dict={"WARC-Date": utc_text(at)},
        )
        return self._write(record)

    def metadata(self, url: str, at: datetime, reading: dict[str, Any], concurrent_to: str) -> str:
        content = json.dumps(reading, ensure_ascii=False, indent=1).encode("utf-8")
        record = self.writer.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(content),
            length=len(content),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": utc_text(at), "WARC-Concurrent-To": concurrent_to},
        )
        return self._write(record)

    def _write(self, record: ArcWarcRecord) -> str:
        self.writer.write_record(record)
        return str(record.rec_headers.get_header("WARC-Record-ID"))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


@dataclass(frozen=True)
class ArchivedResponse:
    """An HTTP response held in a WARC (a revisit resolved to the bytes it points at)."""

    url: str
    at: datetime
    status: int
    headers: dict[str, str]
    content: bytes
    record_id: str

    @property
    def is_html(self) -> bool:
        return "html" in self.headers.get("content-type", "").lower()


@dataclass
class WarcReading:
    """The responses of a WARC file in file order, and what else it held, counted."""

    responses: list[ArchivedResponse] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def read_warc(path: Path) -> WarcReading:
    """Every HTTP response in the file, revisits resolved; ParseError (one line) when the
    file cannot be read as a WARC."""
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with path.open("rb") as stream:
            _gzip_whole(stream)
            found = _read(stream)
    except (ArchiveLoadFailed, EOFError, ValueError, TypeError, BadGzipFile, zlib.error) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ParseError(f"{path}: not a readable WARC file ({detail}); nothing stored") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not found.responses and not found.skipped:
        # An empty file (or gzip of nothing) reads as no records: imported, it would pass as
        # "0 pages", as if the capture had been looked at and held nothing of the source.
        raise ParseError(f"{path}: not a WARC file (it holds no records); nothing stored")
    return found


def _gzip_whole(stream: IO[bytes]) -> None:
    """EOFError when a gzipped file is cut short: warcio reads a cut last member as the
    end of the file, and would import what came before it as if it were all."""
    if stream.read(2) == b"\x1f\x8b":
        stream.seek(0)
        with GzipFile(fileobj=stream) as whole:
            while whole.read(1 << 20):
                pass
    stream.seek(0)


def _read(stream: IO[bytes]) -> WarcReading:
    from warcio.archiveiterator import ArchiveIterator

    found = WarcReading()
    by_digest: dict[str, ArchivedResponse] = {}
    by_capture: dict[tuple[str, str], ArchivedResponse] = {}
    # Digests checked as records are read: a truncated or altered record is an error, never
    # a shorter page.
    for record in ArchiveIterator(stream, check_digests="raise"):
        kind = record.rec_type
        if kind == "response" and record.http_headers is not None:
            response = _response(record)
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if digest:
                by_digest.setdefault(digest, response)
            by_capture[(response.url, record.rec_headers.get_header("WARC-Date"))] = response
            found.responses.append(response)
        elif kind == "revisit":
            original = by_digest.get(
                record.rec_headers.get_header("WARC-Payload-Digest") or ""
            ) or by_capture.get(
                (
                    record.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                    record.rec_headers.get_header("WARC-Refers-To-Date"),
                )
            )
            if original is None:
                found.skipped["revisits of a response not in the file"] += 1
                continue
            found.responses.append(_revisit(record, original))
        else:
            found.skipped[str(kind)] += 1
        _whole(record)
    return found


def _whole(record: ArcWarcRecord) -> None:
    """EOFError when the file ends inside the record: a page cut short would read as
    departures, and the records after it are lost."""
    while record.raw_stream.read(65536):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise EOFError("the file ends inside a record: truncated")


def _response(record: ArcWarcRecord) -> ArchivedResponse:
    headers = {name.lower(): value for name, value in record.http_headers.headers}
    # Decoded from any chunked or gzip transfer, as a fetch would have. Only a page's body
    # is kept: a whole site's crawl holds gigabytes of images and scripts.
    html = "html" in headers.get("content-type", "").lower()
    content = record.content_stream().read() if html else b""
    _whole(record)
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        at=_date(record),
        status=int(record.http_headers.get_statuscode() or 0),
        headers=headers,
        content=content,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _revisit(record: ArcWarcRecord, original: ArchivedResponse) -> ArchivedResponse:
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        at=_date(record),
        status=original.status,
        headers=original.headers,
        content=original.content,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _date(record: ArcWarcRecord) -> datetime:
    moment = datetime.fromisoformat(record.rec_headers.get_header("WARC-Date"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

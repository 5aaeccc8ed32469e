"""The `pages` table: every distinct page's raw bytes, the evidence every number traces to.

A page is identified by the sha256 of its bytes and stored once, zlib-compressed, with the
content type and response headers it arrived with; ``first_seen_at`` is when it first came.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime

from tracker.core.errors import StoreError
from tracker.core.stamps import sha256_hex, utc_text
from tracker.store.table import Described, Table, chunks, marks

SCHEMA = {
    1: """
    CREATE TABLE pages (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        compression TEXT NOT NULL,
        data BLOB NOT NULL,
        content_type TEXT,
        headers TEXT,
        first_seen_at TEXT NOT NULL
    );
    """
}
DESCRIBED = {
    "pages": Described(
        "Raw bytes of every page read, stored once per distinct content: the evidence every "
        "snapshot points at. `sha256sum` of the decompressed bytes matches the id.",
        {
            "sha256": "sha256 of the raw bytes (before compression).",
            "size": "Size of the raw bytes.",
            "compression": "How `data` is compressed (zlib).",
            "data": "The bytes, compressed.",
            "content_type": "Content-Type the server sent, if any.",
            "headers": "Response headers as JSON text (none for a saved file).",
            "first_seen_at": "When these bytes were first read (UTC).",
        },
    ),
}


class Pages(Table):
    def put_page(self, content: bytes, *, headers: dict[str, str], seen_at: datetime) -> str:
        """Archive raw bytes once per distinct content; return their sha256."""
        digest = sha256_hex(content)
        if not self.has_page(digest):
            self.db.table("pages").insert(
                {
                    "sha256": digest,
                    "size": len(content),
                    "compression": "zlib",
                    "data": zlib.compress(content, 9),
                    "content_type": headers.get("content-type"),
                    "headers": json.dumps(headers, ensure_ascii=False, sort_keys=True),
                    "first_seen_at": utc_text(seen_at),
                }
            )
        return digest

    def has_page(self, digest: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM pages WHERE sha256 = ?", [digest]).fetchone()
        return row is not None

    def page_headers(self, digest: str) -> dict[str, str]:
        """The response headers a page arrived with (none for a saved file)."""
        row = self.conn.execute("SELECT headers FROM pages WHERE sha256 = ?", [digest]).fetchone()
        return dict(json.loads(row[0])) if row is not None and row[0] else {}

    def page_bytes(self, digest: str) -> bytes:
        row = self.conn.execute(
            "SELECT compression, data FROM pages WHERE sha256 = ?", [digest]
        ).fetchone()
        if row is None:
            raise StoreError(f"no archived page with sha256 {digest}")
        return zlib.decompress(row[1]) if row[0] == "zlib" else bytes(row[1])

    def content_type(self, digest: str) -> str | None:
        """The Content-Type the page arrived with, if it was recorded."""
        row = self.conn.execute(
            "SELECT content_type FROM pages WHERE sha256 = ?", [digest]
        ).fetchone()
        return None if row is None else row[0]

    def page_facts(self, digests: set[str]) -> dict[str, tuple[int, str | None]]:
        """sha256 -> (size, Content-Type) of each archived page among `digests`."""
        # By key, a few hundred at a time (SQLite's limit on parameters): `content_type` lies
        # past the compressed bytes, so a scan of every row would read every archived page.
        found: dict[str, tuple[int, str | None]] = {}
        for chunk in chunks(sorted(digests)):
            rows = self.conn.execute(
                f"SELECT sha256, size, content_type FROM pages WHERE sha256 IN ({marks(len(chunk))})",
                chunk,
            )
            found.update((sha, (size, kind)) for sha, size, kind in rows)
        return found

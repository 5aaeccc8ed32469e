"""How moments and contents are written down: UTC text for times, sha256 for bytes.

Every layer stamps with these, so they live in the core: formatting a date must not load the
database layer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime


def ascii_digits(text: str) -> bool:
    """Whether `text` is digits as they look: `str.isdigit` also takes `²`, `١` and `２`,
    which `int` reads as numbers a reader would not see."""
    return text.isascii() and text.isdigit()


def utc_text(moment: datetime) -> str:
    """Timestamps are stored as fixed-width UTC text so that string order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware UTC datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Exactly what `utc_text` writes: fromisoformat alone would also read offsets and week dates.
_UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)


def parse_utc(text: str) -> datetime:
    """A time as `utc_text` wrote it, read back; ValueError for any other text.

    fromisoformat, not strptime: many times faster, and strptime's first call imports and
    compiles its own parser, 5 ms of any command that reads a snapshot. The exact shape is
    checked first, since fromisoformat also reads other ISO 8601 forms.
    """
    if not _UTC_TEXT.fullmatch(text):
        raise ValueError(f"not a UTC time as the tracker writes it: {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def sha256_hex(content: bytes) -> str:
    # Imported here: only writes hash, and hashlib (OpenSSL) is 3 ms of every read command.
    import hashlib

    return hashlib.sha256(content).hexdigest()

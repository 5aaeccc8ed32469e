"""Bytes into text, honestly: a page is decoded strictly or not at all.

A mis-decoded page parses into different names, and different names read as departures,
so every candidate charset must decode the bytes without a single error; lenient decoding
(what httpx does) would turn a wrong guess into silent mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from tracker.core.errors import FetchError

# Browsers only look this far for a <meta> declaration; a match further in is page content.
_META_WINDOW = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';\s]+)""", re.I)

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Chinese servers label GB18030 content "gb2312" or "gbk" all the time; GB18030 is a strict
# superset of both, so reading it as such never loses a character that the label allows.
_GB_LABELS = frozenset({"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "csgbk"})

# Python codecs that are not web charsets: a header naming one is bogus, and decoding with
# it would interpret backslashes or punycode rather than read text.
_NOT_WEB_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "utf-7"}
)

_REPLACEMENT = "\ufffd"


def decode_page(
    content: bytes, content_type: str | None = None, *, source: str = "page"
) -> tuple[str, str]:
    """Return ``(text, encoding)`` for a page's raw bytes, or raise FetchError naming source.

    Candidates, first that decodes strictly wins: a byte-order mark (it cannot be there by
    accident), the Content-Type charset, a ``<meta>`` charset, UTF-8, GB18030, then
    charset-normalizer's guess.
    """
    tried: list[str] = []
    for label in _candidates(content, content_type):
        encoding = _codec_name(label)
        if encoding is None:
            tried.append(f"{label} (unknown)")
            continue
        if encoding in tried:
            continue
        tried.append(encoding)
        text = _strict_decode(content, encoding)
        if text is not None:
            return text, encoding
    raise FetchError(f"{source}: cannot decode bytes honestly (tried: {', '.join(tried)})")


def _candidates(content: bytes, content_type: str | None) -> Iterator[str]:
    # A generator, so charset-normalizer (slow, imported lazily) only runs when needed.
    bom = _bom_encoding(content)
    if bom is not None:
        yield bom
    header = _HEADER_CHARSET.search(content_type or "")
    if header is not None:
        yield header.group(1)
    meta = _META_CHARSET.search(content, 0, _META_WINDOW)
    if meta is not None:
        yield meta.group(1).decode("ascii")
    yield "utf-8"
    # Undeclared non-UTF-8 bytes on the Chinese pages we track are GB-family; on short text
    # charset-normalizer prefers EUC-JP or Shift-JIS readings of GBK bytes (seen in tests).
    yield "gb18030"
    guess = _detect(content)
    if guess is not None:
        yield guess


def _bom_encoding(content: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding
    return None


def _detect(content: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    return None if best is None else best.encoding


def _codec_name(label: str) -> str | None:
    """Canonical Python codec name for a charset label, or None if it is not a web charset."""
    label = label.strip().lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if info.name in _GB_LABELS:
        return "gb18030"
    # Transforms such as base64 or rot13 are codecs too, but not text encodings.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB_CHARSETS:
        return None
    return info.name


def _strict_decode(content: bytes, encoding: str) -> str | None:
    try:
        text = content.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None
    if _REPLACEMENT in text and _encoded_replacement(encoding) not in content:
        # U+FFFD the bytes never spelled out means the codec papered over something.
        return None
    return text


def _encoded_replacement(encoding: str) -> bytes:
    # Encode after a prefix and drop the prefix's bytes, so a codec's BOM is not included.
    prefix = "a".encode(encoding)
    return ("a" + _REPLACEMENT).encode(encoding)[len(prefix) :]

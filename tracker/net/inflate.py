"""Undo a response's Content-Encoding with every layer's output capped as it is produced.

httpx decodes a whole read before anyone can count it: a 3.5 KB body sent as
``Content-Encoding: gzip, gzip`` grows to gigabytes inside one read. Here the raw bytes go
through one zlib decompressor per layer, each asked for at most ``PIECE`` bytes at a time,
and each layer's output is counted against the cap before more is asked for: memory stays
at the cap, whatever the ratio. Codings other than gzip and deflate are refused (they are
not asked for: see `ACCEPT`), and so are more than ``MAX_LAYERS`` stacked ones.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from itertools import chain

# What we can decode; sent as Accept-Encoding so that a server has no reason to send more.
ACCEPT = "gzip, deflate"
PIECE = 64 * 1024
MAX_LAYERS = 3
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class Undecodable(Exception):
    """The codings cannot be undone; the text says why, in one line."""


class TooLarge(Exception):
    """A layer's output went past the cap."""


def codings(header: str | None) -> list[str]:
    """The codings to undo, outermost first; Undecodable when one is unknown or too many."""
    named = [c.strip().lower() for c in (header or "").split(",")]
    applied = [c for c in named if c and c != "identity"]
    unknown = [c for c in applied if c not in _WBITS]
    if unknown:
        raise Undecodable(
            f"unsupported Content-Encoding {unknown[0]!r} (gzip and deflate are decoded)"
        )
    if len(applied) > MAX_LAYERS:
        raise Undecodable(
            f"Content-Encoding stacks {len(applied)} codings ({header}); "
            f"at most {MAX_LAYERS} are decoded"
        )
    return applied[::-1]


def decoded(raw: Iterable[bytes], header: str | None, cap: int) -> Iterator[bytes]:
    """The body with every coding in ``header`` undone; TooLarge past ``cap`` bytes."""
    chunks: Iterable[bytes] = raw
    for coding in codings(header):
        chunks = _inflate(chunks, coding, cap)
    return iter(chunks)


def _inflate(chunks: Iterable[bytes], coding: str, cap: int) -> Iterator[bytes]:
    inflater = _Inflater(coding)
    produced = 0
    # The empty chunk at the end drains what the decompressor still holds.
    for chunk in chain(chunks, [b""]):
        for piece in inflater.feed(chunk):
            produced += len(piece)
            if produced > cap:
                raise TooLarge
            yield piece
    if not inflater.zlib.eof:
        # A body cut short must not pass for a shorter page.
        raise Undecodable(f"the {coding} body is cut short: its stream does not end")


class _Inflater:
    """One layer. Deflate is sent both zlib-wrapped and raw in the wild: try both, as httpx."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.zlib = zlib.decompressobj(_WBITS[coding])
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Output for ``data`` in pieces of at most PIECE bytes; ``b""`` drains what is left."""
        while True:
            try:
                piece = self.zlib.decompress(data, PIECE)
            except zlib.error as exc:
                if self.coding != "deflate" or self.started:
                    raise Undecodable(f"cannot decode the {self.coding} body: {exc}") from None
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self.started = True
                continue
            self.started = True
            data = self.zlib.unconsumed_tail
            if piece:
                yield piece
            if not data and len(piece) < PIECE:
                return

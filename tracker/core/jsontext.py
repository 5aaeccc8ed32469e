"""The tracker's one JSON layout: one record per line, easy to read, grep and diff.

Reports, row listings, webhook bodies and feed files all print JSON this way, so it lives in
the core where every layer can reach it.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import msgspec

# Objects this shallow are opened up, one field per line; a list's items are records, each
# on one line; anything deeper stays on its line.
_JSON_OPEN_DEPTH = 2


def render_json(data: Any) -> str:
    """JSON with one record per line: easy to read, grep and diff.

    json.dumps(indent=...) falls back to the pure-Python encoder, five times slower on a
    diff of thousands of members; laying out the outer levels here keeps every record on
    json's C encoder, or on msgspec's where that writes the same text (`_flat_records`).
    """
    return _json(data, 0) + "\n"


def _json(value: Any, depth: int) -> str:
    if depth >= _JSON_OPEN_DEPTH or not isinstance(value, dict | list) or not value:
        return _compact(value)
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        lines = _flat_records(value, pad) or ",\n".join(pad + _compact(v) for v in value)
        return "[\n" + lines + "\n" + pad[2:] + "]"
    fields = (f"{pad}{_compact(str(k))}: {_json(v, depth + 1)}" for k, v in value.items())
    return "{\n" + ",\n".join(fields) + "\n" + pad[2:] + "}"


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


# msgspec writes a string, an int, true, false and null exactly as json does with
# ensure_ascii=False (every code point is checked by tests/test_jsontext.py), ten times
# faster, but with no space after a separator. Floats it may write otherwise; other types
# json gives to `str`.
_MSGSPEC = msgspec.json.Encoder()
_SCALARS = frozenset((str, int, bool, type(None)))


def _flat_records(items: list[Any], pad: str) -> str | None:
    """The items, one a line after `pad`, as `_compact` writes them, when every item is a
    dict of strings to scalars (a members listing, a diff's section): written by msgspec, a
    space put after each separator. A string holding "," or ":" (the text has more of them
    than separators) sends its item to json. None when some item is of another kind."""
    if not all(type(item) is dict for item in items):
        return None
    keys, values = chain.from_iterable(items), chain.from_iterable(map(dict.values, items))
    if not _SCALARS.issuperset(map(type, values)) or not {str}.issuperset(map(type, keys)):
        return None
    try:
        compact = _MSGSPEC.encode(items)
    except UnicodeEncodeError:  # a lone surrogate, which json writes as it is
        return None
    # Each item's n colons and n - 1 commas, and a comma between two items; spaced as bytes,
    # twice as fast as text.
    separators = 2 * sum(map(len, items)) - 1
    if compact.count(b",") + compact.count(b":") == separators and all(items):
        spaced = compact[1:-1].replace(b",", b", ").replace(b":", b": ")
        return pad + spaced.replace(b"}, {", b"},\n" + pad.encode() + b"{").decode()
    # Item by item, between their braces; a string holding "},{" makes one piece too many.
    pieces = compact[2:-2].decode().split("},{")
    if len(pieces) != len(items):
        return None
    return ",\n".join(
        pad + "{" + piece.replace(",", ", ").replace(":", ": ") + "}"
        if piece.count(",") + piece.count(":") == 2 * len(item) - 1
        else pad + _compact(item)
        for piece, item in zip(pieces, items, strict=True)
    )

"""The tracker's one JSON layout: one record per line, easy to read, grep and diff.

Reports, row listings, webhook bodies and feed files all print JSON this way, so it lives in
the core where every layer can reach it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain
from typing import Any

import msgspec
from msgspec.structs import astuple

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
# ensure_ascii=False (every code point is checked by tests/test_jsontext.py), and its
# `format(indent=0)` spaces separators as json does (", " and ": "), strings untouched:
# five times faster. Floats it may write otherwise; other types json gives to `str`.
_MSGSPEC = msgspec.json.Encoder()
_SCALARS = frozenset((str, int, bool, type(None)))


def _flat_records(items: list[Any], pad: str) -> str | None:
    """The items, one a line after `pad`, as `_compact` writes them, when every item is a
    dict of strings to scalars (a members listing, a diff's section): written by msgspec.
    None when some item is of another kind, or a string holds what parts two items."""
    if not all(type(item) is dict for item in items):
        return None
    values = chain.from_iterable(map(dict.values, items))
    # The distinct keys (a few dozen over thousands of rows; 10 M instructions fewer than
    # every key's type) must be str: a key hidden there by an equal str is of a str
    # subclass, which both encoders write as its text (unless a class was made to pretend).
    keys = set().union(*items)
    if not _SCALARS.issuperset(map(type, values)) or not all(type(k) is str for k in keys):
        return None
    inner = _inner(items)
    if inner is None:
        return None
    return pad + "{" + ("},\n" + pad + "{").join(inner) + "}"


def render_joined(heads: Sequence[msgspec.Struct], tails: Sequence[dict[str, Any]]) -> str | None:
    """`render_json` of the list of each head's fields followed by its tail's (keys no head
    field has), without building those rows: a members listing's 6,000 rows built, checked
    and written cost 200 M instructions. Heads are written together and each distinct tail
    once (a tail is often shared, `tracker.core.annotations.additions`). None where
    `_flat_records` would not write the rows (a value of another type, a lone surrogate, a
    string holding "}, {"), or the heads are not plain records of one type."""
    if not heads or not _plain_records(heads):
        return None
    shared = list({id(tail): tail for tail in tails}.values())
    values = chain(chain.from_iterable(map(astuple, heads)), *map(dict.values, shared))
    keys = set().union(*shared)
    if not _SCALARS.issuperset(map(type, values)) or not all(type(k) is str for k in keys):
        return None
    if not keys.isdisjoint(type(heads[0]).__struct_fields__):
        return None
    written, inner = _inner(heads), _inner(shared)
    if written is None or inner is None:
        return None
    texts = dict(zip(map(id, shared), inner, strict=True))
    rows = (
        f"{{{head}, {texts[id(tail)]}}}" if tail else f"{{{head}}}"
        for head, tail in zip(written, tails, strict=True)
    )
    return "[\n  " + ",\n  ".join(rows) + "\n]\n"


def _plain_records(heads: Sequence[msgspec.Struct]) -> bool:
    """Whether msgspec writes each of `heads` as `as_dict` gives it: one Struct type, every
    field under its own name, none left out when it holds its default, not as an array."""
    kind = type(heads[0])
    config = kind.__struct_config__
    return (
        all(type(head) is kind for head in heads)
        and kind.__struct_encode_fields__ == kind.__struct_fields__
        and not (config.omit_defaults or config.array_like or config.tag_field)
    )


def _inner(items: Sequence[Any]) -> list[str] | None:
    """What `_compact` writes of each of `items` (records of scalars) between its braces,
    as msgspec writes them; None where it cannot tell one from the next."""
    try:
        spaced = msgspec.json.format(_MSGSPEC.encode(items), indent=0)
    except UnicodeEncodeError:  # a lone surrogate, which json writes as it is
        return None
    # Items hold no records, so "}, {" parts two of them, unless a string holds it too.
    if spaced.count(b"}, {") != len(items) - 1:
        return None
    return spaced[2:-2].decode().split("}, {")

"""The tracker's one JSON layout: one record per line, easy to read, grep and diff.

Reports, row listings, webhook bodies and feed files all print JSON this way, so it lives in
the core where every layer can reach it.
"""

from __future__ import annotations

import json
from typing import Any

# Objects this shallow are opened up, one field per line; a list's items are records, each
# on one line; anything deeper stays on its line.
_JSON_OPEN_DEPTH = 2


def render_json(data: Any) -> str:
    """JSON with one record per line: easy to read, grep and diff.

    json.dumps(indent=...) falls back to the pure-Python encoder, five times slower on a
    diff of thousands of members; laying out the outer levels here keeps every record on
    json's C encoder.
    """
    return _json(data, 0) + "\n"


def _json(value: Any, depth: int) -> str:
    if depth >= _JSON_OPEN_DEPTH or not isinstance(value, dict | list) or not value:
        return _compact(value)
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(pad + _compact(v) for v in value) + "\n" + pad[2:] + "]"
    fields = (f"{pad}{_compact(str(k))}: {_json(v, depth + 1)}" for k, v in value.items())
    return "{\n" + ",\n".join(fields) + "\n" + pad[2:] + "}"


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)

"""Records as plain data: the one way a record (a msgspec Struct) becomes a dict or JSON text.

The records that flow through read commands are msgspec Structs, not pydantic models nor
dataclasses: building and importing pydantic models cost a read command more than its work,
and the dataclass decorator writes and compiles each class's methods at import (41 classes,
40–60 ms of every read command), where a Struct class is made in C. What pydantic gave that
output relies on lives here: nested records as dicts (`as_dict`, its `model_dump`), and
times as JSON writes them (`as_json`, its `model_dump(mode="json")`: ISO 8601, UTC as
`Z`), so that reports and golden files read exactly as they did. A record outside
the read commands' path that is still a dataclass becomes a dict the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import fields, is_dataclass
from datetime import datetime
from itertools import chain, compress, repeat
from operator import attrgetter, is_not
from typing import Any

from msgspec import Struct, structs

# Leaves that need no conversion: checked first, they are almost every value.
_PLAIN = (str, int, float)


def as_dict(record: Any, *, exclude: Collection[str] = (), given: bool = False) -> dict[str, Any]:
    """The record's fields in declaration order, nested records as dicts, containers copied;
    only those with a value (not None) when `given`."""
    if exclude or given or not isinstance(record, Struct):
        data = _picked(record, frozenset(exclude), given)
    else:
        data = structs.asdict(record)  # in C: most records are taken whole
    # Values are taken as they are: only containers and nested records are converted, and
    # a record of plain values (almost every one) is told by one pass in C.
    if not _UNCONVERTED.issuperset(map(type, data.values())):
        for name, value in data.items():
            data[name] = _plain(value)
    return data


def as_dicts(records: Sequence[Any]) -> list[dict[str, Any]]:
    """`as_dict` of each record: made in C when all are Structs of plain values (a
    snapshot's 6,000 listings), else one by one."""
    if all(isinstance(record, Struct) for record in records):
        dicts = list(map(structs.asdict, records))
        if _UNCONVERTED.issuperset(map(type, chain.from_iterable(map(dict.values, dicts)))):
            return dicts
    return [as_dict(record) for record in records]


def _picked(record: Any, exclude: frozenset[str], given: bool) -> dict[str, Any]:
    names, values_of = _shape(type(record), exclude)
    values = values_of(record)
    if given:
        valued = list(map(is_not, values, repeat(None)))
        names, values = tuple(compress(names, valued)), tuple(compress(values, valued))
    return dict(zip(names, values, strict=True))


def as_json(record: Any) -> dict[str, Any]:
    """`as_dict`, with every value as JSON holds it: times as ISO 8601 text, tuples as lists."""
    return _json_value(as_dict(record))  # type: ignore[no-any-return]


def json_text(record: Any) -> str:
    """The record as compact JSON text (how a record is stored in a database column)."""
    return json.dumps(as_json(record), ensure_ascii=False, separators=(",", ":"))


# Values of these exact types are never converted (a subclass of str may be anything).
_UNCONVERTED = frozenset((str, int, float, bool, type(None)))
# By record class and left-out fields: the names kept, and a getter of their values as a
# tuple, built once.
_SHAPES: dict[tuple[type, frozenset[str]], tuple[tuple[str, ...], Callable[[Any], tuple]]] = {}


def _shape(kind: type, exclude: frozenset[str]) -> tuple[tuple[str, ...], Callable[[Any], tuple]]:
    shape = _SHAPES.get((kind, exclude))
    if shape is None:
        names = tuple(name for name in _field_names(kind) if name not in exclude)
        shape = _SHAPES[kind, exclude] = (names, _getter(names))
    return shape


def _field_names(kind: type) -> tuple[str, ...]:
    if is_dataclass(kind):
        return tuple(f.name for f in fields(kind))
    # A Struct lists its fields in declaration order itself, as dataclasses.fields does.
    return kind.__struct_fields__  # type: ignore[attr-defined,no-any-return]


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if len(names) > 1:
        return attrgetter(*names)
    # attrgetter of one name gives the value, not a tuple of it.
    return lambda record: tuple(getattr(record, name) for name in names)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, Struct) or (is_dataclass(value) and not isinstance(value, type)):
        return as_dict(value)
    return value


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return json_time(value)
    return value


def json_time(moment: datetime) -> str:
    """A time as JSON output writes it: ISO 8601, `Z` for UTC."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text

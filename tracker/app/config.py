"""Reading config.toml into a validated `Config`, with one line per problem.

Precedence: ``--config`` option, then ``TRACKER_CONFIG``, then ``./config.toml``, then the
built-in defaults (the same values as the committed config.toml) when there is no file at
all. A file that exists but says nothing is an error: an emptied or truncated config.toml
would otherwise track the default site, quietly. Relative paths in a file
are resolved against that file's folder, so a cron job can run from anywhere.

msgspec checks the whole file in one call, which is all a valid file costs. It stops at a
table's first problem, though, so a file it refuses is read again key by key (`_read`): every
problem is reported at once, unknown keys first, in the words pydantic used to.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import msgspec

from tracker.core.config import (
    NOT_FINITE,
    NOT_FROM_FILE,
    Config,
    ConfigProblems,
    Problem,
    Table,
    checked,
    convert,
    validated,
)
from tracker.core.errors import ConfigError

Loc = tuple[str | int, ...]


class _Refused(Exception):
    """A value that had problems, already recorded."""


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the configuration, raising ConfigError naming each bad key."""
    chosen = path or os.environ.get("TRACKER_CONFIG")
    if chosen is None and Path("config.toml").is_file():
        chosen = "config.toml"
    if chosen is None:
        return Config()
    # Imported here: a command run without a config file (the defaults) never parses TOML.
    import tomllib

    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursing
        raise ConfigError(f"{file}: cannot read: arrays or tables nested too deeply") from None
    if not data:
        raise ConfigError(
            f"{file}: the config file is empty; give at least a [[sources]] entry, or remove "
            "the file to use the built-in defaults"
        )
    config = _validated(data, str(file))
    config.origin = str(file)
    base = file.resolve().parent
    if not config.store.path.is_absolute():
        config.store.path = base / config.store.path
    for watcher in config.watchers:
        if watcher.path is not None and not watcher.path.is_absolute():
            watcher.path = base / watcher.path
    return config


def _validated(data: dict[str, Any], origin: str) -> Config:
    """The file's Config, or ConfigError with one line per problem (`_read_key_by_key`)."""
    # `origin` is a field of Config that only the reader sets: the models would take it
    # from the file, so such a file goes the slow way, which calls it an unknown key.
    if NOT_FROM_FILE.isdisjoint(data):
        try:
            return validated(Config, data)
        except msgspec.ValidationError:
            pass
    return _read_key_by_key(data, origin)


def _read_key_by_key(data: dict[str, Any], origin: str) -> Config:
    """The file's Config, or ConfigError with one line per problem, unknown keys first. A
    misspelled key also reads as a missing one; "Field required" for the key it was taken
    for would only hide the typo."""
    lines: list[str] = []
    meant: set[Loc] = set()
    for loc, table in _unknown_keys(Config, data, ()):
        line, close = _unknown_key(loc, table, origin)
        lines.append(line)
        meant |= {(*loc[:-1], close)} if close else set()
    problems: list[Problem] = []
    config: Config | None = None
    try:
        config = _read(Config, data, (), problems)
    except _Refused:
        pass
    lines += [_problem(p, origin) for p in problems if p.at not in meant]
    if lines or config is None:
        raise ConfigError("\n".join(lines))
    return config


def _unknown_keys(
    table: type[Table], data: dict[str, Any], at: Loc
) -> Iterator[tuple[Loc, type[Table]]]:
    """Each key no model knows, depth first in the models' field order, as pydantic did."""
    known = _keys(table)
    for name, kind in known.items():
        inner, many = _table_in(kind)
        value = data.get(name)
        if inner is None or value is None:
            continue
        items = enumerate(value) if many and isinstance(value, list) else [(None, value)]
        for i, item in items:
            if isinstance(item, dict):
                where = (*at, name) if i is None else (*at, name, i)
                yield from _unknown_keys(inner, item, where)
    yield from (((*at, key), table) for key in data if key not in known)


def _unknown_key(loc: Loc, table: type[Table], origin: str) -> tuple[str, str | None]:
    """The line for a key no model knows, and the known key it is closest to, if any."""
    *path, key = loc
    names = [str(part) for part in path if isinstance(part, str)]
    numbers = [str(part + 1) for part in path if isinstance(part, int)]
    where = f" [{'.'.join(names)}]" if names else ""
    where += f" {' '.join(numbers)}" if numbers else ""
    where += ":" if where else ""
    # Imported here: only a misspelled key needs it, and every command loads the config.
    import difflib

    known = list(_keys(table))
    close = next(iter(difflib.get_close_matches(str(key), known, n=1)), None)
    hint = f" (did you mean {close!r}?)" if close else f" (known: {', '.join(known)})"
    return f"{origin}:{where} unknown key {str(key)!r}{hint}", close


@cache
def _keys(table: type[Table]) -> dict[str, Any]:
    """The keys a table of config.toml accepts, and each one's type."""
    fields = msgspec.structs.fields(table)
    return {f.name: f.type for f in fields if f.name not in NOT_FROM_FILE}


@cache
def _required(table: type[Table]) -> frozenset[str]:
    return frozenset(f.name for f in msgspec.structs.fields(table) if f.required)


def _table_in(kind: Any) -> tuple[type[Table] | None, bool]:
    """The model in a field's type, and whether the field is a list of them: `list[Source]`,
    `Selectors | None`, `Schedule`."""
    if isinstance(kind, type) and issubclass(kind, Table):
        return kind, False
    if get_origin(kind) is list:
        return _table_in(get_args(kind)[0])[0], True
    found = (_table_in(arg) for arg in get_args(kind))
    return next((table for table in found if table[0] is not None), (None, False))


def _read(table: type[Table], data: Any, at: Loc, problems: list[Problem]) -> Any:
    """``data`` as a ``table``, each of its keys read on its own so that every problem is
    added to ``problems``; raises _Refused if there were any."""
    if not isinstance(data, dict):
        message = f"Input should be a valid dictionary or instance of {table.__name__}"
        problems.append(Problem(at, message, data))
        raise _Refused
    values: dict[str, Any] = {}
    refused = False
    for name, kind in _keys(table).items():
        if name not in data:
            if name in _required(table):
                problems.append(Problem((*at, name), "Field required", None))
                refused = True
            continue
        try:
            # Checked here as well as in __post_init__, so that a bad value beside another
            # bad one is still reported.
            values[name] = checked(table, name, _value(kind, data[name], (*at, name), problems))
        except ConfigProblems as exc:
            problems += [p._replace(at=(*at, *p.at)) for p in exc.problems]
            refused = True
        except _Refused:
            refused = True
    if refused:
        raise _Refused
    try:
        return table(**values)
    except ConfigProblems as exc:
        problems += [p._replace(at=(*at, *p.at)) for p in exc.problems]
    except ValueError as exc:
        problems.append(Problem(at, str(exc), data))
    raise _Refused


def _value(kind: Any, value: Any, at: Loc, problems: list[Problem]) -> Any:
    """One key's value: a nested table (or list of them) read by `_read`, anything else by
    msgspec against the key's type and bounds."""
    table, many = _table_in(kind)
    if table is None and get_origin(kind) is list and isinstance(value, list):
        return _items(get_args(kind)[0], value, at, problems)
    if table is None:
        try:
            return convert(value, kind)
        except msgspec.ValidationError as exc:
            problems.append(_refusal(exc, kind, value, at))
            raise _Refused from None
    if not many:
        return _read(table, value, at, problems)
    if not isinstance(value, list):
        problems.append(Problem(at, "Input should be a valid list", value))
        raise _Refused
    return _items(table, value, at, problems)


def _items(kind: Any, values: list[Any], at: Loc, problems: list[Problem]) -> list[Any]:
    """A list's items, each read on its own so that every bad one is named (msgspec stops at
    a list's first); raises _Refused if any was."""
    before = len(problems)
    items = [_item(kind, item, (*at, i), problems) for i, item in enumerate(values)]
    if len(problems) > before:
        raise _Refused
    return items


def _item(kind: Any, item: Any, at: Loc, problems: list[Problem]) -> Any:
    """One item of a list, or None when refused (its problem recorded)."""
    try:
        return _value(kind, item, at, problems)
    except _Refused:
        return None


def _problem(problem: Problem, origin: str) -> str:
    where = ".".join(str(part) for part in problem.at) or "(top level)"
    value = problem.value
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{origin}: {where}: {problem.message}{shown}"


# Patterns, not compiled ones: only a refused file needs them, and compiling both when the
# module is imported cost every command 0.9 M instructions (`re` compiles them on first use).
_AT = r" - at `\$(.*)`$"
_STEP = r"\.(\w+)|\[(\d+)\]"
_BOUNDS = {
    ">=": "greater than or equal to",
    ">": "greater than",
    "<=": "less than or equal to",
    "<": "less than",
}
_TYPES = {
    "int": "a valid integer",
    "float": "a valid number",
    "str": "a valid string",
    "bool": "a valid boolean",
    "array": "a valid list",
    "object": "a valid dictionary",
}


def _refusal(error: msgspec.ValidationError, kind: Any, value: Any, at: Loc) -> Problem:
    """msgspec's refusal of a value, at the item it names (`$[1]`: the list's second)."""
    text = str(error)
    where = re.search(_AT, text)
    steps: Loc = ()
    if where:
        text = text[: where.start()]
        steps = tuple(int(i) if i else name for name, i in re.findall(_STEP, where[1]))
        for step in steps:
            value = value[step]
    return Problem((*at, *steps), _worded(text, kind, value), value)


def _worded(text: str, kind: Any, value: Any) -> str:
    """msgspec's message in the words config errors have always used (pydantic's)."""
    if _not_finite(value):
        return NOT_FINITE
    if choices := [repr(choice) for choice in _literal(kind)]:
        return f"Input should be {', '.join(choices[:-1])} or {choices[-1]}"
    if bound := re.fullmatch(r"Expected `\w+` ([<>]=?) (.+)", text):
        return f"Input should be {_BOUNDS[bound[1]]} {bound[2].removesuffix('.0')}"
    if pattern := re.fullmatch(r"Expected `str` matching regex (.+)", text):
        return f"String should match pattern {pattern[1]}"
    if wrong := re.fullmatch(r"Expected `(\w+)[^`]*`, got `[^`]*`", text):
        return f"Input should be {_TYPES.get(wrong[1], wrong[1])}"
    return text


def _not_finite(value: Any) -> bool:
    """inf or nan, given as a number or as text msgspec reads as one ("inf", "NaN")."""
    try:
        number = float(value) if isinstance(value, float | str) else 0.0
    except ValueError:
        return False
    return not math.isfinite(number)


def _literal(kind: Any) -> tuple[Any, ...]:
    """The values a `Literal[...]` type (or one in a union) allows."""
    if get_origin(kind) is Literal:
        return get_args(kind)
    return next((found for arg in get_args(kind) if (found := _literal(arg))), ())

"""Reading config.toml into a validated `Config`, with one line naming the bad key.

Precedence: ``--config`` option, then ``TRACKER_CONFIG``, then ``./config.toml``, then the
built-in defaults (the same values as the committed config.toml) when there is no file at
all. A file that exists but says nothing is an error: an emptied or truncated config.toml
would otherwise track the default site, quietly. Relative paths in a file
are resolved against that file's folder, so a cron job can run from anywhere.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tracker.core.config import Config
from tracker.core.errors import ConfigError


def _describe(error: ValidationError, origin: str) -> str:
    """One line per problem, unknown keys first. A misspelled key also reads as a missing
    one; "Field required" for the key it was taken for would only hide the typo."""
    problems = error.errors()
    lines: list[str] = []
    meant: set[tuple[int | str, ...]] = set()
    for loc in (p["loc"] for p in problems if p["type"] == "extra_forbidden"):
        line, close = _unknown_key(loc, origin)
        lines.append(line)
        meant |= {(*loc[:-1], close)} if close else set()
    for problem in problems:
        if problem["type"] != "extra_forbidden" and problem["loc"] not in meant:
            lines.append(_problem(problem, origin))
    return "\n".join(lines)


def _problem(problem: ErrorDetails, origin: str) -> str:
    where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
    message = problem["msg"].removeprefix("Value error, ")
    value = problem.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{origin}: {where}: {message}{shown}"


def _unknown_key(loc: tuple[int | str, ...], origin: str) -> tuple[str, str | None]:
    """The line for a key no model knows, and the known key it is closest to, if any."""
    *path, key = loc
    names = [str(part) for part in path if isinstance(part, str)]
    numbers = [str(part + 1) for part in path if isinstance(part, int)]
    where = f" [{'.'.join(names)}]" if names else ""
    where += f" {' '.join(numbers)}" if numbers else ""
    where += ":" if where else ""
    # Imported here: only a misspelled key needs it, and every command loads the config.
    import difflib

    known = [name for name in _fields(names) if name != "origin"]
    close = next(iter(difflib.get_close_matches(str(key), known, n=1)), None)
    hint = f" (did you mean {close!r}?)" if close else f" (known: {', '.join(known)})"
    return f"{origin}:{where} unknown key {str(key)!r}{hint}", close


def _fields(names: list[str]) -> list[str]:
    """The keys a table of config.toml accepts, found by walking the models."""
    model: type[BaseModel] | None = Config
    for name in names:
        model = _model_in(model.model_fields[name].annotation) if model else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model in a field's type: `list[Source]`, `Selectors | None`, `Schedule`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    found = (_model_in(arg) for arg in get_args(annotation))
    return next((model for model in found if model is not None), None)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the configuration, raising ConfigError naming the bad key."""
    chosen = path or os.environ.get("TRACKER_CONFIG")
    if chosen is None and Path("config.toml").is_file():
        chosen = "config.toml"
    if chosen is None:
        return Config()
    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    if not data:
        raise ConfigError(
            f"{file}: the config file is empty; give at least a [[sources]] entry, or remove "
            "the file to use the built-in defaults"
        )
    try:
        config = Config.model_validate({**data, "origin": str(file)})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(file))) from None
    base = file.resolve().parent
    if not config.store.path.is_absolute():
        config.store.path = base / config.store.path
    for watcher in config.watchers:
        if watcher.path is not None and not watcher.path.is_absolute():
            watcher.path = base / watcher.path
    return config

"""Reading config.toml into a validated `Config`, with one line naming the bad key.

Precedence: ``--config`` option, then ``TRACKER_CONFIG``, then ``./config.toml``, then the
built-in defaults (the same values as the committed config.toml). Relative paths in a file
are resolved against that file's folder, so a cron job can run from anywhere.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import ValidationError

from tracker.core.config import Config
from tracker.core.errors import ConfigError


def _describe(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{origin}: {where}: {message}{shown}"


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

"""Running `tracker` in-process against a config and database in a test's folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from tracker.cli import cli

Run = Callable[..., Result]

# The built-in defaults, asked for on purpose: an empty config file is an error.
DEFAULTS = "[store]\n"


def invoker(folder: Path, config: str = DEFAULTS, db: str = "t.db") -> Run:
    """`tracker --config FOLDER/config.toml --db FOLDER/DB ARGS…`, the config written first."""
    path = folder / "config.toml"
    path.write_text(config, encoding="utf-8")
    options = ["--config", str(path), "--db", str(folder / db)]

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [*options, *args])

    return invoke

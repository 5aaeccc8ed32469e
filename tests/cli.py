"""Running `tracker` in-process against a config and database in a test's folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from tracker.cli import cli

Run = Callable[..., Result]

# The built-in defaults, asked for on purpose: an empty config file is an error.
DEFAULTS = "[store]\n"

# For `python -c`: runs tracker commands (a JSON list of argument lists) in one process, one
# that a test sets apart (a read-only mount, a hash seed); prints each one's exit code,
# stdout and stderr as JSON.
RUN_ALL = """
import json, sys
from click.testing import CliRunner
from tracker.cli import cli
results = [CliRunner().invoke(cli, args) for args in json.loads(sys.argv[1])]
print(json.dumps([[r.exit_code, r.stdout, r.stderr] for r in results]))
"""


def invoker(folder: Path, config: str = DEFAULTS, db: str = "t.db") -> Run:
    """`tracker --config FOLDER/config.toml --db FOLDER/DB ARGS…`, the config written first."""
    path = folder / "config.toml"
    path.write_text(config, encoding="utf-8")
    options = ["--config", str(path), "--db", str(folder / db)]

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [*options, *args])

    return invoke

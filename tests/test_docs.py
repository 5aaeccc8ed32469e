"""Docs that tests check: every command documented, the README's commands are what CI runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from tracker.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "tracker") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path: str, command: click.Command) -> None:
    assert f"`{path}" in README or f"\n{path}" in README or f" {path} " in README, path


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_help_has_an_example(path: str, command: click.Command) -> None:
    assert "Example: tracker " in (command.help or ""), path


def _first_screen_commands() -> list[str]:
    first_screen = "\n".join(README.splitlines()[:24])
    return re.findall(r"```sh\n(.+?)\n```", first_screen)


def test_first_screen_has_the_run_and_the_test_command() -> None:
    run, test = _first_screen_commands()
    assert "pip install ." in run and run.endswith("tracker snapshot")
    assert "pip install -e '.[test]'" in test and test.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test = _first_screen_commands()[1]
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in script.splitlines()

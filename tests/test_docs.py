"""Docs that tests check: every command documented, the README's commands are what CI runs."""

from __future__ import annotations

import importlib.metadata
import itertools
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from tracker.cli import COMMANDS as COMMAND_TABLE
from tracker.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "tracker") -> Iterator[tuple[str, click.Command]]:
    """Every command under `group`, loaded as running it would (the root's are lazy)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None and command.name == name, name
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("name", sorted(COMMAND_TABLE), ids=str)
def test_tracker_help_lists_each_command_as_its_own_help_begins(name: str) -> None:
    """`tracker --help` lists the table's summaries without importing a command: each must be
    what click would take from the command's own help, at any width."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    stand_in = click.Command(name, help=COMMAND_TABLE[name].summary)
    assert stand_in.get_short_help_str(10_000) == command.get_short_help_str(10_000)


def test_tracker_version_is_the_installed_packages() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="tracker")
    assert result.exit_code == 0
    assert result.output == f"tracker, version {importlib.metadata.version('aiia-tracker')}\n"


def test_a_misspelled_command_is_answered_with_the_one_meant() -> None:
    result = CliRunner().invoke(cli, ["membres"])
    assert result.exit_code == 2
    assert "No such command 'membres'. Did you mean 'members'?" in result.output


@pytest.mark.parametrize("width", [50, 80, 200])
def test_tracker_help_is_what_click_lists_with_every_command_loaded(width: int) -> None:
    ctx = click.Context(cli, terminal_width=width)
    lazy, loaded = ctx.make_formatter(), ctx.make_formatter()
    cli.format_commands(ctx, lazy)
    click.Group.format_commands(cli, ctx, loaded)
    assert "  members " in lazy.getvalue()
    assert lazy.getvalue() == loaded.getvalue()


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


def _sh_lines() -> list[str]:
    return [
        line
        for block in re.findall(r"```sh\n(.*?)```", README, re.S)
        for line in block.splitlines()
    ]


# What the shell reads between commands; a lone `&` sends one to the background.
_SEPARATORS = {"&&", "||", ";", "|"}


def _shell_words(line: str) -> list[str]:
    """The line as the shell splits it: an unquoted `&` or `;` is an operator, not a word."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def _tracker_args(line: str) -> Iterator[list[str]]:
    """The arguments of each `tracker …` command on a shell line (`&&` chains, a trailing
    comment or redirection left out); a synopsis with [optional] parts is not a command."""
    words = _shell_words(line)
    commands = [list(group) for sep, group in itertools.groupby(words, _SEPARATORS.__contains__)]
    for words in commands:
        if words and words[0].split("/")[-1] == "tracker" and not any("[" in w for w in words):
            yield list(itertools.takewhile(lambda word: word not in {">", ">>"}, words[1:]))


README_COMMANDS = [args for line in _sh_lines() for args in _tracker_args(line)]


def parse_only(args: list[str]) -> None:
    """Resolve the command and convert every argument as click would, invoking nothing."""
    ctx = cli.make_context("tracker", list(args))
    command: click.Command = cli
    while isinstance(command, click.Group):
        # What the group left for its subcommand (click deprecates the public accessor).
        name, found, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        assert found is not None and name is not None, args
        command = found
        ctx = command.make_context(name, rest, parent=ctx)


def test_no_readme_line_sends_a_command_to_the_background() -> None:
    # An unquoted URL query (`?a=1&b=2`) would run the command on a cut URL, in the background.
    assert [line for line in _sh_lines() if "&" in _shell_words(line)] == []


def test_the_readme_has_many_commands() -> None:
    assert len(README_COMMANDS) > 30
    assert ["demo"] in README_COMMANDS


@pytest.mark.parametrize("args", README_COMMANDS, ids=" ".join)
def test_every_readme_command_parses(args: list[str]) -> None:
    parse_only(args)


@pytest.mark.parametrize(
    "args", [["dif", "1", "2"], ["diff", "1", "2", "--fromat", "json"], ["stats", "--by", "kind"]]
)
def test_a_misspelled_command_or_option_does_not_parse(args: list[str]) -> None:
    with pytest.raises(click.UsageError):
        parse_only(args)


def _actions_recipe() -> dict[str, Any]:
    """The GitHub Actions workflow the README gives under "From system cron or CI"."""
    section = README.split("### From system cron or CI", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    workflow: dict[str, Any] = yaml.safe_load(block[1])
    return workflow


def _recipe_steps() -> list[dict[str, Any]]:
    return [step for job in _actions_recipe()["jobs"].values() for step in job["steps"]]


RECIPE_COMMANDS = [
    args
    for step in _recipe_steps()
    for line in step.get("run", "").splitlines()
    for args in _tracker_args(line)
]


@pytest.mark.parametrize("args", RECIPE_COMMANDS, ids=" ".join)
def test_every_command_of_the_actions_recipe_parses(args: list[str]) -> None:
    parse_only(args)


def test_the_actions_recipe_commits_members_csv_and_publishes_the_site() -> None:
    assert ["run", "--once"] in RECIPE_COMMANDS
    members = ["members", "--at", "latest", "--format", "csv", "--output", "members.csv"]
    assert members in RECIPE_COMMANDS
    site = [args for args in RECIPE_COMMANDS if args[:2] == ["site", "build"]]
    assert len(site) == 1
    scripts = "\n".join(step.get("run", "") for step in _recipe_steps())
    # members.csv is ignored in the clone (the quick tour writes one): it must be forced in.
    assert "git add -f members.csv" in scripts
    uses = {step["uses"].split("@")[0]: step for step in _recipe_steps() if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == site[0][2]
    assert "actions/deploy-pages" in uses
    permissions = _actions_recipe()["permissions"]
    assert permissions == {"contents": "write", "pages": "write", "id-token": "write"}


NETWORK = {"snapshot", "baseline", "run", "backfill", "notify"}


def test_the_offline_tour_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the tour's first block, in a fresh folder, each exiting 0."""
    tour = README.split("## A quick tour", 1)[1]
    block = re.search(r"```sh\n(.*?)```", tour, re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.delenv("TRACKER_DB", raising=False)
    ran = []
    for line in block[1].splitlines():
        words = shlex.split(line, comments=True)
        if words[0] == "export":
            for word in words[1:]:
                monkeypatch.setenv(*word.split("=", 1))
            continue
        if words[0] != "tracker":
            continue
        assert words[1] not in NETWORK, line
        # Files the tour names live in the clone.
        args = [str(ROOT / w) if (ROOT / w).is_file() else w for w in words[1:]]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (line, result.output)
        ran.append(words[1])
    assert ran[0] == "demo" and len(ran) >= 8
    assert (tmp_path / "changes.md").read_text(encoding="utf-8").startswith("# ")


def _cited_tests() -> list[tuple[str, str]]:
    """Every `tests/FILE.py::name` the README cites; `::name` alone continues the last file."""
    cited, module = [], ""
    for module_part, name in re.findall(r"(tests/\w+\.py)?::(\w+)", README):
        module = module_part or module
        cited.append((module, name))
    return cited


def test_every_test_the_readme_cites_exists() -> None:
    cited = _cited_tests()
    assert len(cited) > 30
    missing = [
        f"{module}::{name}"
        for module, name in cited
        if f"def {name}(" not in (ROOT / module).read_text(encoding="utf-8")
    ]
    assert missing == []

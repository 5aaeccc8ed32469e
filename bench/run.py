"""Run every benchmark and print a table of medians, ratios and targets met or missed.

    python -m bench                          # the full run (5 to 10 minutes on 2 cores)
    python -m bench --quick                  # smaller data, for a quick look
    python -m bench --json out.json          # also write the figures as JSON
    python -m bench --markdown --skip infer --skip site  # the README's Performance table

The BeautifulSoup comparison needs the [bench] extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import diffing, growth, inference, interactive, parsing, site
from bench.measure import BenchError, Figure, as_json, markdown, table


@dataclass(frozen=True)
class Plan:
    """How much data each benchmark uses, and how many timed runs make a median."""

    parse_sizes: tuple[int, ...]
    diff_sizes: tuple[int, ...]
    rename_churns: tuple[float, ...]
    growth_members: int
    unchanged_ticks: int
    changing_ticks: int
    history_days: int
    history_versions: int
    history_members: tuple[int, int]
    # `tracker site build`: daily snapshots, distinct member lists among them, members.
    site_days: int
    site_versions: int
    site_members: int
    repeat: int
    process_repeat: int


FULL = Plan(
    parse_sizes=(567, 6_000, 60_000),
    diff_sizes=(6_000, 60_000),
    rename_churns=(0.01, 0.02, 0.05, 0.1, 0.2),
    growth_members=600,
    unchanged_ticks=1_000,
    changing_ticks=100,
    history_days=3_650,
    history_versions=150,
    history_members=(600, 6_000),
    site_days=3_650,
    site_versions=150,
    site_members=600,
    repeat=5,
    process_repeat=5,
)
QUICK = Plan(
    parse_sizes=(567, 6_000),
    diff_sizes=(6_000,),
    rename_churns=(0.01, 0.05, 0.2),
    growth_members=600,
    unchanged_ticks=100,
    changing_ticks=10,
    history_days=365,
    history_versions=15,
    history_members=(600, 1_200),
    site_days=365,
    site_versions=15,
    site_members=600,
    repeat=3,
    process_repeat=3,
)


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the figures as the README's Performance table, dated, with the machine",
    )
    parser.add_argument(
        "--only", choices=GROUPS, action="append", help="run only these groups (repeatable)"
    )
    parser.add_argument(
        "--skip", choices=GROUPS, action="append", default=[], help="leave out these groups"
    )
    return parser.parse_args(argv)


Measured = tuple[list[Figure], list[str]]


def run_groups(plan: Plan, groups: set[str], folder: Path) -> tuple[list[Figure], list[str]]:
    """The groups' figures in the usual order, and notes (the last saying what each took)."""
    figures: list[Figure] = []
    notes: list[str] = []
    took = []
    for name, measure in _groups(plan, folder).items():
        if name in groups:
            started = time.perf_counter()
            found, said = measure()
            took.append(f"{name} {time.perf_counter() - started:.0f} s")
            figures += found
            notes += said
    return figures, [*notes, "seconds per group: " + ", ".join(took)]


def _groups(plan: Plan, folder: Path) -> dict[str, Callable[[], Measured]]:
    return {
        "parse": lambda: parsing.measure(plan.parse_sizes, plan.repeat),
        "diff": lambda: (diffing.measure(plan.diff_sizes, plan.rename_churns, plan.repeat), []),
        "store": lambda: (
            growth.measure(
                folder,
                members=plan.growth_members,
                unchanged=plan.unchanged_ticks,
                changing=plan.changing_ticks,
            ),
            [],
        ),
        "cli": lambda: (
            interactive.measure(
                folder,
                days=plan.history_days,
                versions=plan.history_versions,
                members=plan.history_members,
                repeat=plan.process_repeat,
            ),
            [],
        ),
        "site": lambda: (
            site.measure(
                folder, days=plan.site_days, versions=plan.site_versions, members=plan.site_members
            ),
            [],
        ),
        "infer": inference.measure,
    }


GROUPS = tuple(_groups(FULL, Path()))


def machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    plan = QUICK if args.quick else FULL
    groups = set(args.only or GROUPS) - set(args.skip)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aiia-bench-") as folder:
        try:
            figures, notes = run_groups(plan, groups, Path(folder))
        except BenchError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
    elapsed = time.perf_counter() - started
    command = "python -m bench" + (" --quick" if args.quick else "")
    at = datetime.now(UTC)
    if args.markdown:
        print(f"Measured {at:%Y-%m-%d} on {machine()}: `{command}`, {elapsed:.0f} s.\n")
        print(markdown(figures), end="")
    else:
        print(f"{command}  ·  {machine()}  ·  medians of {plan.repeat} runs  ·  {elapsed:.0f} s\n")
        print(table(figures), end="")
    for note in notes:
        print(f"\nnote: {note}")
    missed = [
        figure.name.strip() + (f" vs {figure.peer}" if figure.peer else "")
        for figure in figures
        if figure.met is False
    ]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    if args.json is not None:
        context = {
            "command": command,
            "machine": machine(),
            "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seconds": round(elapsed, 1),
            "plan": asdict(plan),
            "notes": notes,
        }
        args.json.write_text(as_json(figures, context), encoding="utf-8")
    return 0

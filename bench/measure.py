"""Timing and reporting: medians of repeated runs, figures with their targets, the table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tracker.core.jsontext import render_json
from tracker.render.table import render_rows

REPO = Path(__file__).resolve().parents[1]
# A measurement shorter than this is repeated in a loop, so clock resolution never dominates.
MIN_SAMPLE_SECONDS = 0.05


class Figure(BaseModel):
    """One measured number, with the target it is held to (if any) and whether it met it."""

    group: str
    name: str
    value: float
    unit: str
    detail: str = ""
    target: str = ""
    met: bool | None = None

    def row(self) -> dict[str, Any]:
        status = {True: "met", False: "MISSED", None: ""}[self.met]
        shown = f"{_number(self.value)} {self.unit}"
        return {"measurement": self.name, "median": shown, "detail": self.detail} | {
            "target": self.target,
            "status": status,
        }


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 1 else f"{value:.1f}"


def median_seconds(func: Callable[..., object], *args: Any, repeat: int) -> float:
    """Median wall time of one call `func(*args)`, over `repeat` samples (each a loop for
    fast calls)."""
    started = time.perf_counter()
    func(*args)
    first = time.perf_counter() - started
    number = max(1, min(1000, int(MIN_SAMPLE_SECONDS / max(first, 1e-9))))
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            func(*args)
        samples.append((time.perf_counter() - started) / number)
    return statistics.median(samples)


class BenchError(RuntimeError):
    """A command the benchmark runs failed: its figures would be meaningless."""


def tracker_argv(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "tracker", *args]


def process_seconds(args: Sequence[str], *, cwd: Path, repeat: int) -> float:
    """Median wall time of `tracker ARGS` as a whole new process, after one warm-up run."""
    one_process_seconds(args, cwd=cwd)
    return statistics.median(one_process_seconds(args, cwd=cwd) for _ in range(repeat))


def one_process_seconds(args: Sequence[str], *, cwd: Path) -> float:
    """Wall time of one run of `tracker ARGS` as a new process; BenchError if it fails."""
    # An installed package has its bytecode compiled; a machine that forbids writing it
    # (PYTHONDONTWRITEBYTECODE) would make every run recompile the tracker from source.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRACKER_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run(tracker_argv(args), cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        raise BenchError(f"`tracker {' '.join(args)}` exited {done.returncode}: {error}")
    return elapsed


def table(figures: Sequence[Figure]) -> str:
    columns = ["measurement", "median", "detail", "target", "status"]
    return render_rows([figure.row() for figure in figures], columns, "table")


def as_json(figures: Sequence[Figure], context: dict[str, Any]) -> str:
    return render_json({**context, "figures": [figure.model_dump() for figure in figures]})

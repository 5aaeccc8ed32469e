"""Timing and reporting: medians of repeated runs, figures with their targets, the table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tracker.core.jsontext import render_json
from tracker.render.table import render_rows

REPO = Path(__file__).resolve().parents[1]
# A measurement shorter than this is repeated in a loop, so clock resolution never dominates.
MIN_SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class Figure:
    """One measured number, with the target it is held to (if any) and whether it met it,
    and the peer it is compared with: `ratio` is ours / the peer's, measured pair by pair."""

    group: str
    name: str
    value: float
    unit: str
    detail: str = ""
    target: str = ""
    met: bool | None = None
    peer: str = ""
    peer_value: float | None = None
    ratio: float | None = None

    def row(self) -> dict[str, str]:
        peer_shown = "" if self.peer_value is None else f"{_number(self.peer_value)} {self.unit}"
        return {
            "measurement": self.name,
            "ours": f"{_number(self.value)} {self.unit}",
            "peer": self.peer,
            "peer's": peer_shown,
            "ratio": "" if self.ratio is None else ratio_text(self.ratio),
            "target": self.target,
            "status": {True: "met", False: "MISSED", None: ""}[self.met],
            "detail": self.detail,
        }


def ratio_text(ratio: float) -> str:
    """Ours / the peer's, said the way round a reader thinks of it."""
    if ratio < 1:
        return f"{1 / ratio:.{_digits(1 / ratio)}f}x faster"
    return f"{ratio:.{_digits(ratio)}f}x slower" if ratio >= 1.005 else "same"


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 1 else f"{value:.1f}"


def _digits(value: float) -> int:
    return 2 if value < 10 else 1 if value < 100 else 0


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


@dataclass(frozen=True)
class Pair:
    """Two things timed alternately: each one's median, and the median of ours / the peer's
    over the pairs (a burst of machine noise slows both sides of a pair alike)."""

    ours: float
    peer: float
    ratio: float


def interleaved(ours: Callable[[], object], peer: Callable[[], object], *, repeat: int) -> Pair:
    """`ours` and `peer` timed in turn, A, B, A, B..., each sample a loop for fast calls."""
    loops = [_loops(ours), _loops(peer)]
    samples: list[tuple[float, float]] = []
    for _ in range(repeat):
        a, b = (_loop_seconds(func, n) for func, n in zip((ours, peer), loops, strict=True))
        samples.append((a, b))
    return _pair(samples)


def _loops(func: Callable[[], object]) -> int:
    """How many calls make one sample long enough for the clock (after a warm-up call)."""
    started = time.perf_counter()
    func()
    first = time.perf_counter() - started
    return max(1, min(1000, int(MIN_SAMPLE_SECONDS / max(first, 1e-9))))


def _loop_seconds(func: Callable[[], object], number: int) -> float:
    started = time.perf_counter()
    for _ in range(number):
        func()
    return (time.perf_counter() - started) / number


def _pair(samples: Sequence[tuple[float, float]]) -> Pair:
    return Pair(
        ours=statistics.median(a for a, _ in samples),
        peer=statistics.median(b for _, b in samples),
        ratio=statistics.median(a / b for a, b in samples),
    )


def tracker_argv(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "tracker", *args]


def paired_processes(ours: Sequence[str], peer: Sequence[str], *, cwd: Path, repeat: int) -> Pair:
    """Whole processes `ours` and `peer` run alternately, after one warm-up run each."""
    run_process(ours, cwd=cwd)
    run_process(peer, cwd=cwd)
    samples = [
        (run_process(ours, cwd=cwd)[0], run_process(peer, cwd=cwd)[0]) for _ in range(repeat)
    ]
    return _pair(samples)


def one_process_seconds(args: Sequence[str], *, cwd: Path) -> float:
    """Wall time of one run of `tracker ARGS` as a new process; BenchError if it fails."""
    return run_process(tracker_argv(args), cwd=cwd)[0]


def run_process(argv: Sequence[str], *, cwd: Path) -> tuple[float, bytes]:
    """Wall time and output of one run of `argv`; BenchError if it fails."""
    # An installed package has its bytecode compiled; a machine that forbids writing it
    # (PYTHONDONTWRITEBYTECODE) would make every run recompile the tracker from source.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRACKER_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        raise BenchError(f"`{' '.join(argv[1:])}` exited {done.returncode}: {error}")
    return elapsed, done.stdout


COLUMNS = ["measurement", "ours", "peer", "peer's", "ratio", "target", "status", "detail"]


def table(figures: Sequence[Figure]) -> str:
    rows = [figure.row() for figure in figures]
    # Columns nobody filled (no peer in the groups run) would only be noise.
    columns = [c for c in COLUMNS if c == "measurement" or any(row[c] for row in rows)]
    return render_rows(rows, columns, "table")


def markdown(figures: Sequence[Figure]) -> str:
    """The figures as the README's Performance table."""
    head = ["What", "Ours", "Peer", "Peer's", "Ratio", "Target", "Status"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for figure in figures:
        row = figure.row()
        what = row["measurement"].strip() + (f" ({row['detail']})" if row["detail"] else "")
        status = {"met": "met", "MISSED": "**missed**"}.get(row["status"], "")
        cells = [what, row["ours"], row["peer"], row["peer's"], row["ratio"], row["target"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in [*cells, status]) + " |")
    return "\n".join(lines) + "\n"


def as_json(figures: Sequence[Figure], context: dict[str, Any]) -> str:
    return render_json({**context, "figures": [asdict(figure) for figure in figures]})

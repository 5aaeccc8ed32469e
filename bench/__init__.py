"""Benchmarks: how fast the tracker parses, diffs and answers, and how its store grows.

Run ``python -m bench`` from the repository root (``--quick`` for a smaller run, ``--json
FILE`` to keep the figures). Timing is printed, never asserted.
"""

"""How much work SQLite does for a call: its virtual machine's steps, counted.

A count of steps is the same on every machine and every run, so a test can say "this costs
the same on a long history as on a short one" without timing anything.
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.store import Store


def sqlite_steps(store: Store, action: Callable[[], object]) -> int:
    """The virtual-machine steps SQLite ran on the store's connection during `action()`."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # carry on

    store.conn.set_progress_handler(count, 1)
    try:
        action()
    finally:
        store.conn.set_progress_handler(None, 1)
    return steps

"""When the tracker itself is failing, and when it has recovered: the alert state machine.

After `alert_after_failures` consecutive failed or quarantined readings of the site each
watcher subscribed to `error` gets one alert, and one `recovered` message when a reading
works again. The state (`alerting`) is read back from the outbox, so it survives restarts.
Pure: `tracker.app.notify` counts the failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tracker.core.models import Snapshot

HealthEvent = Literal["error", "recovered"]


@dataclass(frozen=True)
class Health:
    """What a health message says: how many readings failed, why, and the last good one."""

    failures: int
    cause: str
    last_good: Snapshot | None


def health_change(
    *, failed: bool, alerting: bool, failures: int, threshold: int
) -> HealthEvent | None:
    """`error` once `failures` in a row reach `threshold`, `recovered` once after; else None."""
    if failed:
        return "error" if not alerting and failures >= threshold else None
    return "recovered" if alerting else None

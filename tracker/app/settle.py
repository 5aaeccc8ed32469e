"""The one step after every write to a source's snapshots: change log, guesses, then watcher
messages.

Every workflow that adds snapshots or changes their status ends here, exactly once, inside
its own transaction: a capture (`tracker snapshot`, a `tracker run` tick, a Wayback
capture), an accepted quarantine, a baseline import. First the change log is brought in
step with the chain of ok snapshots (watchers' digests and `tracker history` read it), and
what the names of its members state is guessed and stored for the read commands
(`store_guesses`); then the watchers' messages are queued in the outbox, to be delivered
later.

Watchers hear only of readings of the present: a baseline or a Wayback capture changes the
log but is never news, and neither is an accepted snapshot that is no longer the latest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tracker.app.annotations import store_guesses
from tracker.app.changelog import keep_changes
from tracker.app.notify import capture_messages, news_messages
from tracker.core.config import Config
from tracker.core.models import CaptureOutcome, Snapshot
from tracker.store import Store


def settle(
    store: Store,
    config: Config,
    source_id: str,
    *,
    at: datetime,
    capture: CaptureOutcome | None = None,
    changed: Sequence[Snapshot] = (),
) -> None:
    """Settle what a workflow just wrote.

    `capture`: one reading of the page (whatever its outcome: its health counts too).
    `changed`: snapshots that joined the chain of ok snapshots, or left it, otherwise.
    """
    arrived = [*changed]
    if capture is not None and capture.outcome == "new" and capture.snapshot is not None:
        arrived.append(capture.snapshot)
    with store.atomic():
        keep_changes(store, source_id, arrived)
        # Also when none arrived: the first tick after the rules change (or the store is
        # upgraded) guesses every name again.
        store_guesses(store, arrived=bool(arrived))
        if capture is not None:
            queued = capture_messages(store, config, capture, at)
        else:
            queued = news_messages(store, config, source_id, changed, at)
        store.enqueue(queued, at)

"""Correcting history: `tracker reparse` re-reads every archived page with the current parser.

Each snapshot keeps the bytes it was read from. When the parser (or the source's selectors)
reads them differently now, the new reading is stored as a new version of the snapshot (same
pages, same capture time, the current parser version) and the old one is kept as evidence,
``superseded``, pointing at its successor. The guard judges the new reading against the ok
snapshot before it, as it judges a capture; a reading a person accepted (`tracker accept`)
keeps that verdict on its losses and growth, and is judged on the page alone. One transaction per snapshot, its change-log pairs
refreshed in it: interrupted, every snapshot is in one version or the other and the log
cites only current versions.

Baselines (CSET's CSV, parser `cset-csv-1`) are not pages: they are skipped and counted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import msgspec

from tracker.app.annotations import store_guesses, store_listed_guesses
from tracker.app.changelog import refresh_changes
from tracker.app.notify import subscribed
from tracker.core.config import Config, Source
from tracker.core.corrections import Reparse, Reread, correction
from tracker.core.decode import decode_page
from tracker.core.errors import FetchError, ParseError
from tracker.core.guard import anomalies
from tracker.core.models import Listing, ParseResult, Snapshot
from tracker.core.parse import PARSER_VERSION, read_pages
from tracker.core.stamps import utc_text
from tracker.render.corrections import reparse_message
from tracker.store import Store
from tracker.store.outbox import Queued

# What the capture added to a reading of a list it could not follow to its end
# (`tracker.net.pages.Following.problem`): the pages alone cannot tell it again.
_FOLLOW_PROBLEM = "the list goes on"


def reparse(
    store: Store,
    config: Config,
    sources: Sequence[Source],
    *,
    since: datetime | None,
    dry_run: bool,
    notify: bool,
    now: Callable[[], datetime],
) -> Reparse:
    """Re-read the snapshots of `sources` captured on or after `since`; store what changed."""
    done = Reparse(dry_run=dry_run)
    for source in sources:
        chain = _Chain(store, source, store.snapshots(source.id))
        if since is not None:
            done.boundary += _unlike_before(store, source, chain.snapshots, since)
        for snapshot in chain.snapshots:
            if snapshot.status in ("ok", "quarantined") and (
                since is None or snapshot.captured_at >= since
            ):
                _reparse_one(chain, snapshot, done, now)
        if not dry_run:
            done.events[source.id] = store.count_changes(source.id)
    if not dry_run and done.rereads:
        # Every name, as a settle does: the store may have held no whole set of guesses
        # under the current rules for each reading to add to (`_stored`).
        with store.atomic():
            store_guesses(store)
    if notify and not dry_run and done.rereads:
        done.queued = _notify(store, config, done, now())
    return done


@dataclass
class _Chain:
    """A source's snapshots as the run found them, and the readings it has corrected so far.

    The guard judges each new reading against the ok snapshot before it *as corrected*: in
    a dry run nothing is stored, yet it must say what the run would do.
    """

    store: Store
    source: Source
    snapshots: list[Snapshot]
    # Snapshot id -> the status of its new reading.
    corrected: dict[int, str] = field(default_factory=dict)
    # The latest new reading that is ok, by snapshot id: the only one a later snapshot can be
    # judged against (snapshots are re-read in time order), so the only one kept in memory.
    last_ok: tuple[int, list[Listing]] | None = None
    # (captured_at, id) of `snapshots`, in that (time) order.
    _order: list[tuple[datetime, int]] = field(init=False)

    def __post_init__(self) -> None:
        self._order = [(s.captured_at, s.id) for s in self.snapshots]

    def judged(
        self,
        snapshot: Snapshot,
        parsed: ParseResult,
        accepted: datetime | None,
        was: Sequence[Listing],
    ) -> list[str]:
        """Why the new reading is not believed, against the ok snapshot before it.

        An accepted reading is judged on the page alone: a person has already judged what
        it lost or gained (a page cut short included) and the names it read (`was`), but
        not the problems a new parser finds in it (a tier heading with no names after it).
        """
        if accepted is not None:
            reasons = anomalies(
                msgspec.structs.replace(parsed, cut_off=None),
                None,
                max_loss_share=self.source.max_loss_share,
                accepted=was,
            )
        else:
            reasons = anomalies(
                parsed,
                self._before(snapshot),
                max_loss_share=self.source.max_loss_share,
                max_growth_share=self.source.max_growth_share,
            )
        self.corrected[snapshot.id] = "quarantined" if reasons else "ok"
        if not reasons:
            self.last_ok = (snapshot.id, parsed.listings)
        return reasons

    def _before(self, snapshot: Snapshot) -> list[Listing] | None:
        """The listings of the ok snapshot before `snapshot`, as corrected so far."""
        # Bisect, then walk back to the nearest ok: a year of hourly snapshots made
        # rebuilding the list of earlier ones for each snapshot quadratic.
        place = bisect_left(self._order, (snapshot.captured_at, snapshot.id))
        for at in range(place - 1, -1, -1):
            candidate = self.snapshots[at]
            if self.corrected.get(candidate.id, candidate.status) != "ok":
                continue
            if self.last_ok is not None and self.last_ok[0] == candidate.id:
                return self.last_ok[1]
            return self.store.listings(candidate.id)
        return None


def _reparse_one(
    chain: _Chain, snapshot: Snapshot, done: Reparse, now: Callable[[], datetime]
) -> None:
    if snapshot.origin == "baseline":
        done.baselines += 1
        return
    done.examined += 1
    store = chain.store
    try:
        parsed = _reading(store, chain.source, snapshot)
    except (FetchError, ParseError) as exc:
        done.unreadable.append((snapshot, str(exc)))
        return
    was = store.listings(snapshot.id)
    changed = correction(was, parsed.listings)
    if changed is None:
        return
    accepted = store.accepted_at(snapshot.id)
    if done.dry_run:
        reasons = chain.judged(snapshot, parsed, accepted, was)
        done.rereads.append(Reread(snapshot, changed, reasons, accepted_at=accepted))
        return
    with store.atomic():
        reasons = chain.judged(snapshot, parsed, accepted, was)
        new = _stored(store, snapshot, parsed, reasons, now(), accepted)
    done.rereads.append(Reread(snapshot, changed, reasons, new, accepted))


def _unlike_before(
    store: Store, source: Source, snapshots: Sequence[Snapshot], since: datetime
) -> list[Snapshot]:
    """The last believed snapshot before `since`, if the current parser reads it otherwise:
    a person an older parser read as a member would "depart" at `since` in every diff
    across it (review11)."""
    last = next(
        (s for s in reversed(snapshots) if s.status == "ok" and s.captured_at < since), None
    )
    if last is None or last.origin == "baseline":
        return []
    try:
        parsed = _reading(store, source, last)
    except (FetchError, ParseError):
        return []
    return [] if correction(store.listings(last.id), parsed.listings) is None else [last]


def _reading(store: Store, source: Source, snapshot: Snapshot) -> ParseResult:
    """The snapshot's pages, every page of a list split over pages, read by the current parser."""
    texts = []
    for digest in store.page_digests(snapshot.id):
        content = store.page_bytes(digest)
        texts.append(decode_page(content, store.content_type(digest), source=digest[:12])[0])
    parsed = read_pages(texts, selectors=source.selectors).result
    # The capture knew the list went on past the pages it read; re-reading must not forget.
    for part in (snapshot.reason or "").split("; "):
        if part.startswith(_FOLLOW_PROBLEM):
            parsed.problems.append(part)
    return parsed


def _stored(
    store: Store,
    old: Snapshot,
    parsed: ParseResult,
    reasons: list[str],
    at: datetime,
    accepted: datetime | None,
) -> Snapshot:
    """The new version stored and the old one superseded by it, with the fetches that read it.

    A person's acceptance carries over to a new version kept ok; one quarantined for
    problems of its own waits for a person again.
    """
    new = store.add_snapshot(
        source_id=old.source_id,
        captured_at=old.captured_at,
        origin=old.origin,
        page_sha256=old.page_sha256,
        provenance=old.provenance,
        parsed=parsed,
        parser_version=PARSER_VERSION,
        status="quarantined" if reasons else "ok",
        reason="; ".join(reasons) or None,
        created_at=at,
        more_pages=store.more_pages(old.id),
        accepted_at=None if reasons else accepted,
    )
    why = f"re-read by parser {PARSER_VERSION} as snapshot {new.id}; {_was(old, accepted)}"
    store.supersede(old.id, new.id, reason=why)
    # A fetch's reading is the current version: a 304 confirms it, and it counts as a reading.
    store.repoint_fetches(old.id, new.id)
    # In the same transaction: the log never cites a superseded reading, and the guesses
    # stay whole (else every name they lack is guessed again each time it is shown), even
    # interrupted.
    refresh_changes(store, old.source_id, [old, new])
    store_listed_guesses(store, parsed.listings)
    return new


def _was(old: Snapshot, accepted: datetime | None) -> str:
    """What the superseded reading was: an accepted one says so, and when (its quarantine
    reason was cleared by the acceptance, so "ok" alone would hide that a person judged it)."""
    if accepted is not None:
        return f"it was ok, accepted by a person at {utc_text(accepted)}"
    return f"it was {old.status}" + (f": {old.reason}" if old.reason else "")


def _notify(store: Store, config: Config, done: Reparse, at: datetime) -> int:
    """One summary per subscribed watcher and source the reparse corrected, in one transaction."""
    queued: list[Queued] = []
    for source_id in dict.fromkeys(r.old.source_id for r in done.rereads):
        rereads = [r for r in done.rereads if r.old.source_id == source_id]
        for watcher in config.watchers:
            if subscribed(watcher, source_id):
                message = reparse_message(rereads, source_id, watcher.name, PARSER_VERSION, at)
                queued.append(Queued(message, rereads[-1].new.id if rereads[-1].new else None))
    with store.atomic():
        store.enqueue(queued, at)
    return len(queued)

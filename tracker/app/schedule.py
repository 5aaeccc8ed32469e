"""`tracker run`: a tick per source on the configured schedule, or one round for cron and CI.

A tick is what `tracker snapshot` does (the capture, settled: change log and watcher
messages in its transaction), followed by a delivery pass over the outbox.
APScheduler 3.x drives the ticks; it is imported only here, and only when needed.

Ticks run one at a time in one worker thread, each with its own database connection
(SQLite connections belong to the thread that opened them). SIGINT and SIGTERM set the
ticker's stop event: a fetch waiting on the network or between retries ends at once
(recorded as a failed fetch, never as a page), the tick finishes without delivering, and
the scheduler stops. A kill -9 is covered by the capture's single transaction.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from tracker.app.capture import capture_live
from tracker.app.changelog import current_logs
from tracker.app.deliver import Delivered, deliver, outlets
from tracker.core.config import Config, Schedule, Source
from tracker.core.errors import ConfigError, TrackerError, unexpected
from tracker.core.models import CaptureOutcome
from tracker.core.stamps import utc_text
from tracker.net.watchdog import stopping_on
from tracker.net.watchers import Context
from tracker.store import Store
from tracker.store.lock import DatabaseLock

if TYPE_CHECKING:
    from pathlib import Path

    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.base import BaseTrigger

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

log = logging.getLogger(__name__)


@dataclass
class Ticker:
    """One tick of one source, with every collaborator handed in."""

    config: Config
    open_store: Callable[[], Store]
    make_client: Callable[[], httpx.Client]
    now: Callable[[], datetime]
    env: Mapping[str, str]
    log: Callable[[str], None]
    # Set on SIGINT/SIGTERM: fetches and deliveries in progress end, none begins.
    stop: threading.Event = field(default_factory=threading.Event)

    def tick(self, source: Source) -> CaptureOutcome:
        store = self.open_store()
        try:
            with self.make_client() as client, stopping_on(self.stop):
                outcome = capture_live(
                    store, self.config, source, client=client, now=self.now, on_wait=self.log
                )
                # Messages not delivered stay in the outbox for the next run.
                delivered = Delivered() if self.stop.is_set() else self.deliver(store, client)
        finally:
            store.close()
        self.log(f"{utc_text(outcome.at)}  {source.id}: {outcome.message}; {delivered.summary()}")
        for error in delivered.failed.values():
            # Already scrubbed of secrets by the delivery.
            self.log(f"{utc_text(outcome.at)}  {source.id}: delivery failed: {error}")
        return outcome

    def deliver(self, store: Store, client: httpx.Client, *, force: bool = False) -> Delivered:
        targets = outlets(self.config.watchers, Context(self.env, client))
        backoff = self.config.schedule.retry_backoff
        return deliver(store, targets, now=self.now, backoff=backoff, force=force)

    def job(self, source: Source) -> None:
        """A scheduled tick: errors are logged, and the next tick comes anyway."""
        try:
            self.tick(source)
        except (TrackerError, sqlite3.Error) as exc:
            # A full disk or a long-held database lock must not end the service.
            self.log(f"{utc_text(self.now())}  {source.id}: error: {exc}")
        except Exception as exc:
            # Nor a bug: one line here, the traceback in the debug log (`tracker --debug`).
            log.debug("tick of %s failed", source.id, exc_info=exc)
            self.log(f"{utc_text(self.now())}  {source.id}: error: {unexpected(exc)}")


@dataclass(frozen=True)
class Round:
    """One tick per source (`tracker run --once`), or as many as ran before a stop signal."""

    outcomes: list[CaptureOutcome]
    skipped: list[str]

    @property
    def exit_code(self) -> int:
        """The worst tick's (1 failed, 3 quarantined); at least 1 when sources were skipped."""
        worst = max((outcome.exit_code for outcome in self.outcomes), default=0)
        return max(worst, 1) if self.skipped else worst


def live_ticker(
    config: Config, *, now: Callable[[], datetime], log: Callable[[str], None]
) -> Ticker:
    """The ticker of `tracker run` and `tracker notify`: the real database, network and env."""
    import os

    path = config.store.path
    return Ticker(
        config=config,
        open_store=lambda: _opened(path),
        make_client=httpx.Client,
        now=now,
        env=os.environ,
        log=log,
    )


def _opened(path: Path) -> Store:
    """The database, its change logs brought up to the current rules as any command that
    writes does on opening it: the sources no longer configured included."""
    store = Store.open(path)
    current_logs(store, may_write=True)
    return store


def deliver_now(ticker: Ticker, *, force: bool) -> Delivered:
    """`tracker notify`: one delivery pass, as the only writer of the database."""
    with DatabaseLock(ticker.config.store.path, command="tracker notify", now=ticker.now()):
        store = ticker.open_store()
        try:
            with ticker.make_client() as client:
                return ticker.deliver(store, client, force=force)
        finally:
            store.close()


def run_once(config: Config, ticker: Ticker) -> Round:
    """One tick per source; a stop signal cuts the current tick's waits short and skips
    the rest."""
    outcomes = []
    with on_signals(ticker.stop.set):
        for source in config.sources:
            if ticker.stop.is_set():
                break
            outcomes.append(ticker.tick(source))
    return Round(outcomes, [source.id for source in config.sources[len(outcomes) :]])


# Triggers -----------------------------------------------------------------------------

# Cron counts weekdays from Sunday (0 or 7); APScheduler 3.x from Monday, and its ranges and
# steps run Monday to Sunday, so `0-4` or `*/2` cannot be passed through: each item is
# expanded to the days it means in cron, then named (names are unambiguous).
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_weekdays(field: str) -> str:
    """Cron's day-of-week field as APScheduler weekday names; ValueError when malformed."""
    days = set().union(*(_cron_days(item) for item in field.lower().split(",")))
    return "*" if len(days) == 7 else ",".join(_DAYS[day] for day in sorted(days))


def _cron_days(item: str) -> set[int]:
    span, slash, step = item.partition("/")
    start, dash, end = span.partition("-")
    if span == "*":
        first, last = 0, 6
    else:
        # `3` is one day, `3/2` runs to Saturday.
        first = _cron_day(start)
        last = _cron_day(end) if dash else 6 if slash else first
        if last == 0 < first:
            last = 7  # Sunday closes a range as 7: `fri-sun`
    every = int(step) if step.isdigit() else 0 if slash else 1
    if every < 1 or first > last:
        raise ValueError(f"bad weekday {item!r}")
    return {day % 7 for day in range(first, last + 1, every)}


def _cron_day(text: str) -> int:
    if text in _DAYS:
        return _DAYS.index(text)
    if text.isdigit() and int(text) <= 7:
        return int(text)
    raise ValueError(f"bad weekday {text!r}")


def trigger(schedule: Schedule, origin: str) -> BaseTrigger:
    """The schedule as an APScheduler trigger; a bad cron or timezone is a ConfigError."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    jitter = schedule.jitter or None
    try:
        if schedule.interval_seconds is not None:
            return IntervalTrigger(
                seconds=schedule.interval_seconds, timezone=schedule.timezone, jitter=jitter
            )
        fields = (schedule.cron or "").split()
        if len(fields) != 5:
            raise ValueError("need 5 fields: minute hour day month weekday")
        minute, hour, day, month, weekday = fields
        if day != "*" and weekday != "*":
            # Cron fires when either matches, APScheduler only when both do.
            raise ValueError("cron runs when the day OR the weekday matches; restrict only one")
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=cron_weekdays(weekday),
            timezone=schedule.timezone,
            jitter=jitter,
        )
    except (ValueError, LookupError) as exc:
        what = "interval_seconds" if schedule.interval_seconds is not None else "cron"
        raise ConfigError(
            f"{origin}: schedule: bad {what} {schedule.cron or schedule.interval_seconds!r} "
            f"or timezone {schedule.timezone!r}: {exc}"
        ) from None


def describe_schedule(schedule: Schedule) -> str:
    when = (
        f"every {schedule.interval_seconds:g} s"
        if schedule.interval_seconds is not None
        else f"cron {schedule.cron!r}"
    )
    return f"{when} ({schedule.timezone}, jitter {schedule.jitter} s)"


# The service --------------------------------------------------------------------------


def build_scheduler(config: Config, job: Callable[[Source], Any]) -> BlockingScheduler:
    """One job per source. One worker thread: ticks never overlap, so one writer at a time."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    schedule = config.schedule
    # First, so that a bad timezone is reported as a ConfigError naming it.
    when = trigger(schedule, config.origin)
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(1)}, timezone=schedule.timezone
    )
    for source in config.sources:
        scheduler.add_job(
            job,
            when,
            args=[source],
            id=source.id,
            name=f"tick {source.id}",
            max_instances=1,
            coalesce=schedule.coalesce,
            misfire_grace_time=schedule.misfire_grace,
        )
    return scheduler


def announce_next_ticks(scheduler: BlockingScheduler, log: Callable[[str], None]) -> None:
    """Say when each source's next tick is due: once started, and after every tick.

    The time is the scheduler's own (jitter included), read under its job store lock, so
    after a tick it is already the following one.
    """
    from apscheduler.events import (
        EVENT_JOB_ERROR,
        EVENT_JOB_EXECUTED,
        EVENT_JOB_MISSED,
        EVENT_SCHEDULER_STARTED,
        JobEvent,
    )

    def on_event(event: Any) -> None:
        for job in scheduler.get_jobs():
            if not isinstance(event, JobEvent) or event.job_id == job.id:
                log(next_tick_text(job.id, job.next_run_time))

    done = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
    scheduler.add_listener(on_event, EVENT_SCHEDULER_STARTED | done)


def next_tick_text(source_id: str, when: datetime | None) -> str:
    if when is None:
        return f"tracker run: {source_id}: no further tick scheduled"
    local = f"{when:%Y-%m-%d %H:%M} {when.tzinfo}"
    return f"tracker run: {source_id}: next tick at {utc_text(when)} ({local})"


class Service:
    """Runs a scheduler in the foreground until stopped by a signal or `stop()`.

    Stopping sets ``halt``, the event its ticks observe (`Ticker.stop`), so that a tick
    waiting on a stalled server does not hold the stop for minutes.
    """

    def __init__(self, scheduler: BlockingScheduler, halt: threading.Event | None = None) -> None:
        self.scheduler = scheduler
        self.halt = halt or threading.Event()
        self._guard = threading.Lock()
        self._stopper: threading.Thread | None = None

    def stop(self) -> None:
        """Thread- and signal-safe: shut down from a helper thread, never from the caller.

        A signal handler runs in the main thread, possibly while it holds a scheduler lock
        that a finishing tick needs; waiting for that tick right there could deadlock.
        """
        self.halt.set()
        with self._guard:
            if self._stopper is None:
                self._stopper = threading.Thread(target=self._shutdown, name="tracker-stop")
                self._stopper.start()

    def _shutdown(self) -> None:
        from apscheduler.schedulers import SchedulerNotRunningError

        try:
            # wait=True: the tick in progress (its waits cut short) commits before we exit.
            self.scheduler.shutdown(wait=True)
        except SchedulerNotRunningError:
            pass

    def serve(self, signals: Sequence[signal.Signals] = STOP_SIGNALS) -> None:
        with on_signals(self.stop, signals):
            self.scheduler.start()
        if self._stopper is not None:
            self._stopper.join()


@contextmanager
def on_signals(
    handler: Callable[[], None], signals: Sequence[signal.Signals] = STOP_SIGNALS
) -> Iterator[None]:
    """Call `handler` on these signals for the duration; restore the old handlers after."""
    previous = {sig: signal.signal(sig, lambda *_: handler()) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

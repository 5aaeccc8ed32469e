"""What a valid configuration is: sources to track, where to store, when to run, whom to tell.

The models and their validation; `tracker.app.config` reads config.toml into them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from tracker.core.errors import ConfigError
from tracker.core.kinds import WATCHER_EVENTS
from tracker.core.models import OTHER_TIER, TIER_RANKS, tier_named

DEFAULT_URL = "http://aiiaorg.cn/index.php?m=alliance&c=index&a=structure"
DEFAULT_USER_AGENT = (
    "aiia-tracker/0.1 (membership research; polite: one request per run; "
    "+https://pypi.org/project/aiia-tracker/)"
)
CSET_CSV_URL = (
    "https://raw.githubusercontent.com/georgetown-cset/aiia/main/data/AIIA_collections.csv"
)


class _Strict(BaseModel):
    # No inf or nan: `timeout = inf` would wait for ever, `1e300` overflow a timer.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# A day: no timeout, wait or delay the tracker takes from a config file is longer.
DAY = 86_400
# The shortest schedule a config file may ask for: a polite tracker asks once a minute at
# most. The scheduler itself takes any Schedule (tests run ticks a fraction of a second
# apart by setting interval_seconds on a loaded config, past this check).
MIN_INTERVAL = 60


class Selectors(_Strict):
    """CSS selectors that, when given, take precedence over heading detection."""

    tier: str = Field(description="Selects the tier heading elements.")
    member: str = Field(description="Selects the member name elements.")


class FetchSettings(_Strict):
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = Field(10.0, gt=0, le=DAY)
    read_timeout: float = Field(30.0, gt=0, le=DAY)
    # Wall-clock bound on one fetch including retries' transfers: a server trickling bytes
    # must not hold a scheduled run for minutes. (A backfill adds its retry waits to it,
    # so only a source's own deadline is bounded by a day.)
    deadline: float = Field(60.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(2.0, ge=0, le=DAY)
    max_retry_after: float = Field(120.0, ge=0, le=DAY)
    max_page_bytes: int = Field(10_000_000, gt=0)

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        # Sent as an HTTP header, which httpx encodes as ASCII: anything else fails mid-run.
        if not (value.isascii() and value.isprintable()):
            raise ValueError("must be printable ASCII: it is sent as the User-Agent header")
        return value


class Source(FetchSettings):
    deadline: float = Field(60.0, gt=0, le=DAY)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    url: str
    # Other URLs the page has lived at (http/https, www, a new site), for Wayback backfill.
    aliases: list[str] = Field(default_factory=list)
    selectors: Selectors | None = None
    # A parse that loses more than this share of the previous snapshot's members is
    # quarantined rather than believed.
    max_loss_share: float = Field(0.2, ge=0, le=1)
    # A parse that adds more than this share of the previous snapshot's members is
    # quarantined too: sudden growth is as likely a misread as sudden loss.
    max_growth_share: float = Field(0.5, gt=0)
    # A member must be missing from this many consecutive ok snapshots to count as departed.
    confirm_departures: int = Field(1, ge=1)
    # A list split over pages (下一页, rel="next", ?page=N) is read up to this many pages; one
    # that goes on past them is quarantined rather than read short.
    max_pages: int = Field(10, ge=1, le=1000)

    @field_validator("url", "aliases")
    @classmethod
    def _http_url(cls, value: Any) -> Any:
        for url in [value] if isinstance(value, str) else value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return value


class StoreSettings(_Strict):
    path: Path = Path("snapshots/tracker.db")


class Schedule(_Strict):
    cron: str | None = "0 6 * * *"
    # At most a year apart: a tick that never comes is no schedule.
    interval_seconds: float | None = Field(None, ge=MIN_INTERVAL, le=366 * DAY)
    timezone: str = "Asia/Shanghai"
    jitter: int = Field(300, ge=0, le=DAY)
    misfire_grace: int = Field(3600, ge=1, le=DAY)
    coalesce: bool = True
    alert_after_failures: int = Field(3, ge=1)
    # Seconds before a failed watcher delivery is retried; doubled per attempt, capped at a day.
    retry_backoff: float = Field(60, ge=0, le=DAY)

    @model_validator(mode="after")
    def _one_trigger(self) -> Schedule:
        if self.interval_seconds is not None:
            self.cron = None
        if self.cron is None and self.interval_seconds is None:
            raise ValueError("set either cron or interval_seconds")
        if self.interval_seconds is not None and self.jitter > self.interval_seconds:
            # Ticks would overtake each other, and "every N s" would mean nothing.
            raise ValueError(
                f"jitter ({self.jitter} s) is longer than interval_seconds "
                f"({self.interval_seconds:g} s)"
            )
        return self


class Wayback(_Strict):
    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    capture_url: str = "https://web.archive.org/web/{timestamp}id_/{url}"
    # At least one request a day: a slower rate is a wait of more than a day.
    cdx_per_minute: float = Field(20, ge=1 / 1440)
    captures_per_second: float = Field(1, ge=1 / DAY)
    # The Wayback Machine sends no Retry-After on 429; wait this long instead.
    retry_wait: float = Field(60, ge=0, le=DAY)
    retries: int = Field(3, ge=0, le=10)

    @field_validator("capture_url")
    @classmethod
    def _template(cls, value: str) -> str:
        try:
            filled = value.format(timestamp="", url="")
        except (KeyError, IndexError, ValueError):
            filled = value
        if "{timestamp}" not in value or "{url}" not in value or "{" in filled:
            raise ValueError("must contain {timestamp} and {url} and no other {placeholder}")
        return value


WatcherKind = Literal["apprise", "webhook", "file", "feed"]


def _watcher_event(value: str) -> str:
    if value not in WATCHER_EVENTS:
        choices = ", ".join(repr(event) for event in WATCHER_EVENTS[:-1])
        raise ValueError(f"Input should be {choices} or {WATCHER_EVENTS[-1]!r}")
    return value


# A change kind watchers can subscribe to (`tracker.core.kinds`), or a health event.
WatcherEvent = Annotated[str, AfterValidator(_watcher_event)]


def _all_events() -> list[str]:
    return list(WATCHER_EVENTS)


class Watcher(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: WatcherKind
    url: str | None = None
    path: Path | None = None
    secret_env: str | None = None
    events: list[WatcherEvent] = Field(default_factory=_all_events)
    tiers: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    min_changes: int = Field(1, ge=1)
    sources: list[str] = Field(default_factory=list)
    feed_entries: int = Field(50, ge=1)
    max_length: int | None = Field(None, ge=100)

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, names: list[str]) -> list[str]:
        # A typo would otherwise match no change, and the watcher would silently hear nothing.
        ids = [tier_named(name) for name in names]
        unknown = [name for name, tier in zip(names, ids, strict=True) if tier is None]
        if unknown:
            known = ", ".join([*TIER_RANKS, OTHER_TIER])
            raise ValueError(f"unknown tier {unknown[0]!r} (use {known} or a Chinese label)")
        return [tier for tier in ids if tier is not None]

    @model_validator(mode="after")
    def _target(self) -> Watcher:
        needs = {"apprise": "url", "webhook": "url", "file": "path", "feed": "path"}[self.kind]
        if getattr(self, needs) is None:
            raise ValueError(f"a {self.kind} watcher needs `{needs}`")
        return self


def _default_sources() -> list[Source]:
    return [
        Source(
            id="aiia",
            name="China Artificial Intelligence Industry Alliance (AIIA) organizational structure",
            url=DEFAULT_URL,
        )
    ]


class Config(_Strict):
    sources: list[Source] = Field(default_factory=_default_sources, min_length=1)
    store: StoreSettings = Field(default_factory=StoreSettings)
    schedule: Schedule = Field(default_factory=Schedule)
    wayback: Wayback = Field(default_factory=Wayback)
    watchers: list[Watcher] = Field(default_factory=list)
    baseline_url: str = CSET_CSV_URL
    # Where the configuration came from, for messages; not read from the file.
    origin: str = Field("built-in defaults", exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> Config:
        for label, ids in (
            ("sources", [s.id for s in self.sources]),
            ("watchers", [w.name for w in self.watchers]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{label}: duplicate name {dupes[0]!r}")
        return self

    def source(self, source_id: str | None = None) -> Source:
        if source_id is None:
            return self.sources[0]
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise ConfigError(f"no source {source_id!r} in {self.origin} (known: {known})")

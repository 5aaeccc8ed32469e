"""What a valid configuration is: sources to track, where to store, when to run, whom to tell.

The models are msgspec Structs: their types and bounds are checked when a table is read with
`validated` (and again key by key by `tracker.app.config`, for a file that refuses), and the
checks beyond a type and a bound run in `__post_init__`, so a Struct built in code is checked
for those too.

No `from __future__ import annotations` here: msgspec would evaluate each annotation from its
text on first use, 11 M instructions (3 ms) in every command run beside a config.toml; made with
the classes, they cost 2 M.
"""

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, TypeVar

import msgspec
from msgspec import Meta, field

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

# A day: no timeout, wait or delay the tracker takes from a config file is longer.
DAY = 86_400
# The shortest schedule a config file may ask for: a polite tracker asks once a minute at
# most. The scheduler itself takes any Schedule (tests run ticks a fraction of a second
# apart by setting interval_seconds on a loaded config, past this check).
MIN_INTERVAL = 60


class Problem(NamedTuple):
    """One refused value: where it is within its table (`("events", 2)`), why, and itself."""

    at: tuple[str | int, ...]
    message: str
    value: Any


class ConfigProblems(ValueError):
    """Every value one table refuses, each at its key, so that a reader of config.toml can
    name each of them; msgspec passes it on as the cause of its ValidationError."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = (".".join(str(part) for part in p.at) + f": {p.message}" for p in problems)
        super().__init__("; ".join(lines))
        self.problems = problems


# A check of one key's value beyond its type and bounds: returns the value to keep (tier
# names become ids), or raises ValueError (or ConfigProblems, for items of a list).
Check = Callable[[Any], Any]
NOT_FINITE = "Input should be a finite number"


class Table(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A table of config.toml: no key it does not know, no float that is not finite."""

    # Keys whose values need more than a type and bounds, and their checks.
    _checks: ClassVar[Mapping[str, Check]] = {}

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name in self.__struct_fields__:
            try:
                setattr(self, name, checked(type(self), name, getattr(self, name)))
            except ConfigProblems as exc:
                problems += exc.problems
        if problems:
            raise ConfigProblems(problems)


def checked(cls: type[Table], name: str, value: Any) -> Any:
    """``value`` for key ``name`` of ``cls`` once past the checks beyond its type and bounds
    (what to keep of it), or ConfigProblems naming the key."""
    # No inf or nan: `timeout = inf` would wait for ever, `1e300` overflow a timer.
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigProblems([Problem((name,), NOT_FINITE, value)])
    check = cls._checks.get(name)
    try:
        return value if check is None else check(value)
    except ConfigProblems as exc:
        raise ConfigProblems([p._replace(at=(name, *p.at)) for p in exc.problems]) from None
    except ValueError as exc:
        raise ConfigProblems([Problem((name,), str(exc), value)]) from None


class Selectors(Table):
    """CSS selectors that, when given, take precedence over heading detection."""

    # Selects the tier heading elements.
    tier: str
    # Selects the member name elements.
    member: str


def _header_value(value: str) -> str:
    # Sent as an HTTP header, which httpx encodes as ASCII: anything else fails mid-run.
    if not (value.isascii() and value.isprintable()):
        raise ValueError("must be printable ASCII: it is sent as the User-Agent header")
    return value


class FetchSettings(Table):
    _checks = {"user_agent": _header_value}

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: Annotated[float, Meta(gt=0, le=DAY)] = 10.0
    read_timeout: Annotated[float, Meta(gt=0, le=DAY)] = 30.0
    # Wall-clock bound on one fetch including retries' transfers: a server trickling bytes
    # must not hold a scheduled run for minutes. (A backfill adds its retry waits to it,
    # so only a source's own deadline is bounded by a day.)
    deadline: Annotated[float, Meta(gt=0)] = 60.0
    retries: Annotated[int, Meta(ge=0, le=10)] = 3
    backoff: Annotated[float, Meta(ge=0, le=DAY)] = 2.0
    max_retry_after: Annotated[float, Meta(ge=0, le=DAY)] = 120.0
    max_page_bytes: Annotated[int, Meta(gt=0)] = 10_000_000


def _http_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


def _http_urls(urls: list[str]) -> list[str]:
    for url in urls:
        _http_url(url)
    return urls


# kw_only again: it applies to the fields a class adds, and `id` follows defaults.
class Source(FetchSettings, kw_only=True):
    _checks = {**FetchSettings._checks, "url": _http_url, "aliases": _http_urls}

    deadline: Annotated[float, Meta(gt=0, le=DAY)] = 60.0
    id: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: str
    url: str
    # Other URLs the page has lived at (http/https, www, a new site), for Wayback backfill.
    aliases: list[str] = field(default_factory=list)
    selectors: Selectors | None = None
    # A parse that loses more than this share of the previous snapshot's members is
    # quarantined rather than believed.
    max_loss_share: Annotated[float, Meta(ge=0, le=1)] = 0.2
    # A parse that adds more than this share of the previous snapshot's members is
    # quarantined too: sudden growth is as likely a misread as sudden loss.
    max_growth_share: Annotated[float, Meta(gt=0)] = 0.5
    # A member must be missing from this many consecutive ok snapshots to count as departed.
    confirm_departures: Annotated[int, Meta(ge=1)] = 1
    # A list split over pages (下一页, rel="next", ?page=N) is read up to this many pages; one
    # that goes on past them is quarantined rather than read short.
    max_pages: Annotated[int, Meta(ge=1, le=1000)] = 10


class StoreSettings(Table):
    path: Path = Path("snapshots/tracker.db")


class Schedule(Table):
    cron: str | None = "0 6 * * *"
    # At most a year apart: a tick that never comes is no schedule.
    interval_seconds: Annotated[float, Meta(ge=MIN_INTERVAL, le=366 * DAY)] | None = None
    timezone: str = "Asia/Shanghai"
    jitter: Annotated[int, Meta(ge=0, le=DAY)] = 300
    misfire_grace: Annotated[int, Meta(ge=1, le=DAY)] = 3600
    coalesce: bool = True
    alert_after_failures: Annotated[int, Meta(ge=1)] = 3
    # Seconds before a failed watcher delivery is retried; doubled per attempt, capped at a day.
    retry_backoff: Annotated[float, Meta(ge=0, le=DAY)] = 60

    def __post_init__(self) -> None:
        super().__post_init__()
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


def _template(value: str) -> str:
    try:
        filled = value.format(timestamp="", url="")
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        # "{timestamp.real}", "{url[a]}": a lookup in a field is no placeholder either.
        filled = value
    if "{timestamp}" not in value or "{url}" not in value or "{" in filled:
        raise ValueError("must contain {timestamp} and {url} and no other {placeholder}")
    return value


class Wayback(Table):
    _checks = {"capture_url": _template}

    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    capture_url: str = "https://web.archive.org/web/{timestamp}id_/{url}"
    # At least one request a day: a slower rate is a wait of more than a day.
    cdx_per_minute: Annotated[float, Meta(ge=1 / 1440)] = 20
    captures_per_second: Annotated[float, Meta(ge=1 / DAY)] = 1
    # The Wayback Machine sends no Retry-After on 429; wait this long instead.
    retry_wait: Annotated[float, Meta(ge=0, le=DAY)] = 60
    retries: Annotated[int, Meta(ge=0, le=10)] = 3


WatcherKind = Literal["apprise", "webhook", "file", "feed"]


def _watcher_events(events: list[str]) -> list[str]:
    """Each a change kind watchers can subscribe to (`tracker.core.kinds`), or a health event."""
    choices = ", ".join(repr(event) for event in WATCHER_EVENTS[:-1])
    message = f"Input should be {choices} or {WATCHER_EVENTS[-1]!r}"
    unknown = [Problem((i,), message, e) for i, e in enumerate(events) if e not in WATCHER_EVENTS]
    if unknown:
        raise ConfigProblems(unknown)
    return events


def _tier_ids(names: list[str]) -> list[str]:
    # A typo would otherwise match no change, and the watcher would silently hear nothing.
    ids = [tier_named(name) for name in names]
    unknown = [name for name, tier in zip(names, ids, strict=True) if tier is None]
    if unknown:
        known = ", ".join([*TIER_RANKS, OTHER_TIER])
        raise ValueError(f"unknown tier {unknown[0]!r} (use {known} or a Chinese label)")
    return [tier for tier in ids if tier is not None]


def _all_events() -> list[str]:
    return list(WATCHER_EVENTS)


class Watcher(Table):
    _checks = {"events": _watcher_events, "tiers": _tier_ids}

    name: Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    kind: WatcherKind
    url: str | None = None
    path: Path | None = None
    secret_env: str | None = None
    events: list[str] = field(default_factory=_all_events)
    # Read as tier ids: an id, an English tier name or a Chinese label.
    tiers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    min_changes: Annotated[int, Meta(ge=1)] = 1
    sources: list[str] = field(default_factory=list)
    feed_entries: Annotated[int, Meta(ge=1)] = 50
    max_length: Annotated[int, Meta(ge=100)] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        needs = {"apprise": "url", "webhook": "url", "file": "path", "feed": "path"}[self.kind]
        if getattr(self, needs) is None:
            raise ValueError(f"a {self.kind} watcher needs `{needs}`")


def _default_sources() -> list[Source]:
    return [
        Source(
            id="aiia",
            name="China Artificial Intelligence Industry Alliance (AIIA) organizational structure",
            url=DEFAULT_URL,
        )
    ]


class Config(Table):
    sources: list[Source] = field(default_factory=_default_sources)
    store: StoreSettings = field(default_factory=StoreSettings)
    schedule: Schedule = field(default_factory=Schedule)
    wayback: Wayback = field(default_factory=Wayback)
    watchers: list[Watcher] = field(default_factory=list)
    baseline_url: str = CSET_CSV_URL
    # Where the configuration came from, for messages; not read from the file.
    origin: str = "built-in defaults"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.sources:
            message = "List should have at least 1 item after validation, not 0"
            raise ConfigProblems([Problem(("sources",), message, [])])
        for label, ids in (
            ("sources", [s.id for s in self.sources]),
            ("watchers", [w.name for w in self.watchers]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{label}: duplicate name {dupes[0]!r}")

    def source(self, source_id: str | None = None) -> Source:
        if source_id is None:
            return self.sources[0]
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise ConfigError(f"no source {source_id!r} in {self.origin} (known: {known})")


# Keys of the models that config.toml may not set (the reader sets them).
NOT_FROM_FILE = frozenset({"origin"})

S = TypeVar("S", bound=Table)


def _path(kind: type, value: Any) -> Any:
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise ValueError("Input is not a valid path")


def convert(value: Any, kind: Any) -> Any:
    """``value`` read as ``kind`` (a field's type), raising msgspec.ValidationError. Not
    strictly: "3" and 3.0 are read as the integer 3, as they were under pydantic."""
    return msgspec.convert(value, kind, strict=False, dec_hook=_path)


def validated(cls: type[S], data: Mapping[str, Any]) -> S:
    """A table read as ``cls`` with every type, bound and check; ``cls(...)`` itself runs only
    the checks in ``__post_init__``. Raises msgspec.ValidationError at the first problem."""
    made: S = convert(data, cls)
    return made

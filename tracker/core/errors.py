"""The errors a user can see.

Every error the CLI reports is a ``TrackerError``; the CLI prints ``str(error)`` as one line
on stderr and exits with ``error.exit_code``. Anything else escaping is a bug: the CLI
reports it as one line too (`unexpected`, exit 70), its traceback only under --debug.

    TrackerError              exit 1
    ├── ConfigError           config.toml or an option has a bad value (names the key)
    ├── FetchError            the page could not be fetched or decoded (names the URL)
    ├── ParseError            bytes could not be read as a member list (names the file/URL)
    ├── AnomalyError          a parse was stored but quarantined (exit 3; says how to accept)
    ├── StoreError            the database or a reference into it is wrong (names the ref)
    │   └── RefPairError      OLD and NEW are one snapshot, or NEW is the older (names both)
    ├── BaselineError         a baseline file is unusable (names the file, line or column)
    ├── LockError             another `tracker run` holds the database (names pid and start)
    └── NotifyError           a watcher could not deliver (names the watcher, never secrets)
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error shown to a user."""

    exit_code = 1


class ConfigError(TrackerError):
    """A configuration file, environment variable or option has a bad value."""


class FetchError(TrackerError):
    """The page could not be fetched, or its bytes could not be decoded honestly."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        final_url: str | None = None,
        status_code: int | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.final_url = final_url
        self.status_code = status_code
        # A body that arrived but could not be read honestly: still evidence to archive.
        self.content = content
        self.headers = headers or {}


class ParseError(TrackerError):
    """The bytes could not be read as a tiered member list."""


class AnomalyError(TrackerError):
    """A snapshot was stored but quarantined: it is kept as evidence, never diffed."""

    exit_code = 3

    def __init__(self, message: str, snapshot_id: int | None = None) -> None:
        super().__init__(message)
        self.snapshot_id = snapshot_id


class StoreError(TrackerError):
    """The database is unusable, or a reference into it matches nothing."""


class RefPairError(StoreError):
    """Two references that cannot be compared as given: one snapshot, or NEW older than OLD."""


class BaselineError(TrackerError):
    """A baseline file (CSET's CSV) is missing, malformed or conflicts with what is stored."""


class LockError(TrackerError):
    """Another process holds the database for writing."""


class NotifyError(TrackerError):
    """A watcher could not deliver a message."""


# The end of a line reporting an exception nobody planned for (a bug, or a page beyond us).
DEBUG_HINT = "rerun with --debug for the traceback"

# A reason is one line in a fetch row, a log and a chat message: long enough to name the fault.
MAX_REASON = 300


def unexpected(error: BaseException) -> str:
    """One line for an exception nobody planned for: its type and (truncated) message."""
    text = str(error) if isinstance(error, TrackerError) else f"internal error: {_named(error)}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_REASON else f"{text[: MAX_REASON - 1]}…"


def _named(error: BaseException) -> str:
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class AnnotationError(TrackerError):
    """A user's annotations file has problems (one line each); nothing was stored."""

"""Watchers: where change summaries go. One small Protocol, plugins registered by kind.

A watcher gets a finished `Message` and either delivers it or raises NotifyError; retries,
ordering and bookkeeping belong to the outbox (`tracker.store.outbox`, emptied by
`tracker.app.deliver`). Secrets live only in the environment: `${NAME}` in a URL is
expanded at send time, and every error text is scrubbed of the expanded values before
anyone (log, database, terminal) sees it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import tempfile
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from tracker.core import atom
from tracker.core.config import Watcher as WatcherConfig
from tracker.core.errors import NotifyError
from tracker.core.jsontext import render_json
from tracker.core.message import Message
from tracker.net.watchdog import CLOSE, POLL, Watchdog, current_stop, time_left

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Wall-clock bound on one delivery, whatever the receiver does: a receiver trickling its
# answer must not hold a tick (or a stop) for minutes.
DELIVERY_DEADLINE = 30.0
_log = logging.getLogger(__name__)


class Watcher(Protocol):
    def send(self, message: Message) -> None: ...


@dataclass
class Context:
    """What watchers may use: the environment for secrets, an HTTP client for webhooks."""

    env: Mapping[str, str]
    client: httpx.Client | None = None


# Secrets ------------------------------------------------------------------------------


def expand(config: WatcherConfig, text: str, env: Mapping[str, str]) -> str:
    """Replace each `${NAME}` by the environment's value, at send time only."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise NotifyError(f"watcher {config.name}: environment variable {name} is not set")
        return env[name]

    return _VARIABLE.sub(value, text)


def secrets_of(config: WatcherConfig, env: Mapping[str, str]) -> list[str]:
    """The values that must never be shown: expanded variables and the signing key."""
    names = _VARIABLE.findall(config.url or "")
    names += [config.secret_env] if config.secret_env else []
    return sorted({env[n] for n in names if env.get(n)}, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def redacted_target(config: WatcherConfig) -> str:
    """Where a watcher sends, safe to print: never a path, credentials or an Apprise host.

    Tokens hide in webhook paths, and Apprise URLs often put one where the host would be
    (`tgram://BOT_TOKEN/CHAT`), so those show their scheme only.
    """
    if config.url is None:
        return str(config.path)
    scheme = config.url.partition(":")[0]
    if config.kind != "apprise":
        # Host and port as written: parsing the port would fail on `${PORT}` or a typo.
        try:
            return f"{scheme}://{urlsplit(config.url).netloc.rpartition('@')[2]}/…"
        except ValueError:
            pass  # an unclosed IPv6 bracket: no host to show
    return f"{scheme}://…"


# Kinds --------------------------------------------------------------------------------


class AppriseWatcher:
    """Any Apprise URL: Slack, Discord, Telegram, e-mail, ntfy, Matrix, JSON webhooks…"""

    def __init__(self, config: WatcherConfig, context: Context) -> None:
        self.config = config
        self.context = context

    def send(self, message: Message) -> None:
        with _quiet_apprise():
            import apprise

            service = apprise.Apprise.instantiate(
                expand(self.config, self.config.url or "", self.context.env)
            )
        if service is None:
            raise NotifyError(f"watcher {self.config.name}: not a usable Apprise URL")
        limits = [n for n in (self.config.max_length, service.body_maxlen) if n]
        # A channel without titles (title_maxlen 0) gets the title prepended to the body.
        room = len(message.title) + 2 if service.title_maxlen == 0 else 0
        body = message.text(min(limits) - room if limits else None)
        with tempfile.TemporaryDirectory(prefix="tracker-") as folder:
            attach = _attachment(message, Path(folder)) if service.attachment_support else None
            self._notify(
                apprise, service, message.title[: service.title_maxlen or None], body, attach
            )

    def _notify(
        self, apprise: Any, service: Any, title: str, body: str, attach: str | None
    ) -> None:
        sender = apprise.Apprise()
        sender.add(service)
        with apprise.LogCapture(level=logging.WARNING) as log:
            delivered = _bounded(
                self.config.name, lambda: sender.notify(body=body, title=title, attach=attach)
            )
        if not delivered:
            reason = log.getvalue().strip().splitlines()[-1:] or ["no reason given"]
            detail = scrub(reason[0].split(" - ")[-1], secrets_of(self.config, self.context.env))
            raise NotifyError(f"watcher {self.config.name}: Apprise could not deliver: {detail}")


def _bounded(name: str, work: Callable[[], bool]) -> bool:
    """``work()`` within the delivery deadline, or NotifyError when it is not done by then.

    Apprise's sockets are out of reach (its plugins use requests, whose timeouts are per
    read), so the work runs in a thread of its own that is abandoned at the deadline or on
    a stop; it ends when its own timeouts do.
    """
    done: list[bool] = []
    failed: list[Exception] = []

    def run() -> None:
        try:
            done.append(work())
        except Exception as exc:
            failed.append(exc)

    worker = threading.Thread(target=run, name=f"tracker-deliver-{name}", daemon=True)
    worker.start()
    left, stop = time_left(DELIVERY_DEADLINE), current_stop()
    while worker.is_alive() and left() > 0 and not stop.is_set():
        worker.join(min(POLL, max(left(), 0)))
    if failed:
        raise failed[0]
    if not done:
        why = (
            "a stop was requested" if stop.is_set() else f"not done within {DELIVERY_DEADLINE:g} s"
        )
        raise NotifyError(f"watcher {name}: delivery abandoned: {why}")
    return done[0]


@contextmanager
def _quiet_apprise() -> Iterator[None]:
    # Apprise's e-mail plugin imports the deprecated `imghdr` on first load; not our concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _attachment(message: Message, folder: Path) -> str:
    """The full report as a JSON file, for channels that take attachments."""
    path = folder / f"aiia-{message.source_id}-{message.event}-{message.delivery_id or 0}.json"
    path.write_text(json.dumps(message.data, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


class WebhookWatcher:
    """POST the diff JSON; signed with HMAC-SHA256 when `secret_env` names the key."""

    def __init__(self, config: WatcherConfig, context: Context) -> None:
        if context.client is None:
            raise NotifyError(f"watcher {config.name}: a webhook needs an HTTP client")
        self.config = config
        self.context = context
        self.client = context.client

    def send(self, message: Message) -> None:
        # Byte for byte what `tracker diff --format json` prints for the same two snapshots.
        body = render_json(message.data).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Tracker-Event": message.event,
            "X-Tracker-Delivery": str(message.delivery_id or ""),
            **self._signature(body),
        }
        url = expand(self.config, self.config.url or "", self.context.env)
        with Watchdog(time_left(DELIVERY_DEADLINE), current_stop()) as watchdog:
            try:
                response = self._post(url, body, headers, watchdog)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise self._failure(watchdog.fired, exc) from None
        if response.is_redirect:
            # Not followed: the body and its signature are for the configured receiver only.
            target = response.next_request.url if response.next_request else response.url
            where = scrub(str(target), secrets_of(self.config, self.context.env))
            raise NotifyError(
                f"watcher {self.config.name}: webhook answered HTTP {response.status_code}, "
                f"moved to {where} (not followed; update the watcher's url)"
            )
        if not response.is_success:
            raise NotifyError(
                f"watcher {self.config.name}: webhook answered HTTP {response.status_code}"
            )

    def _post(
        self, url: str, body: bytes, headers: dict[str, str], watchdog: Watchdog
    ) -> httpx.Response:
        """The receiver's answer, headers only: its body says nothing we act on."""
        request = self.client.build_request(
            "POST",
            url,
            content=body,
            headers={**headers, **CLOSE},
            timeout=DELIVERY_DEADLINE,
            extensions=watchdog.extensions(),
        )
        response = self.client.send(request, stream=True, follow_redirects=False)
        response.close()
        return response

    def _failure(self, fired: str | None, exc: Exception) -> NotifyError:
        name = self.config.name
        if fired == "stop":
            return NotifyError(f"watcher {name}: delivery interrupted: a stop was requested")
        if fired is not None:
            return NotifyError(
                f"watcher {name}: webhook gave no complete answer within {DELIVERY_DEADLINE:g} s"
            )
        detail = scrub(f"{type(exc).__name__}: {exc}", secrets_of(self.config, self.context.env))
        return NotifyError(f"watcher {name}: webhook failed: {detail}")

    def _signature(self, body: bytes) -> dict[str, str]:
        name = self.config.secret_env
        if name is None:
            return {}
        key = self.context.env.get(name)
        if not key:
            raise NotifyError(
                f"watcher {self.config.name}: environment variable {name} (secret_env) is not set"
            )
        digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()
        return {"X-Tracker-Signature": f"sha256={digest}"}


class FileWatcher:
    """Append one JSON line per message: the diff JSON plus `watcher` and `event`."""

    def __init__(self, config: WatcherConfig, context: Context) -> None:
        self.config = config
        self.path = Path(config.path or "")

    def send(self, message: Message) -> None:
        line = json.dumps(message.record(), ensure_ascii=False, sort_keys=True) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise NotifyError(
                f"watcher {self.config.name}: cannot append to {self.path}: {exc.strerror or exc}"
            ) from None


class FeedWatcher:
    """An Atom feed of the last `feed_entries` messages, rewritten atomically."""

    def __init__(self, config: WatcherConfig, context: Context) -> None:
        self.config = config
        self.path = Path(config.path or "")

    def send(self, message: Message) -> None:
        entries = [e for e in self._entries() if atom.entry_id(e) != self._id(message)]
        entries = [self._entry(message), *entries][: self.config.feed_entries]
        name = self.config.name
        self._write(
            atom.feed(
                f"urn:aiia-tracker:{name}",
                f"aiia-tracker: {name}",
                message.created_at,
                entries,
                author="aiia-tracker",
            )
        )

    def _id(self, message: Message) -> str:
        return f"urn:aiia-tracker:{self.config.name}:{message.delivery_id or message.created_at}"

    def _entry(self, message: Message) -> ET.Element:
        text = message.text(self.config.max_length)
        return atom.entry(self._id(message), message.title, message.created_at, text)

    def _entries(self) -> list[ET.Element]:
        try:
            root = ET.parse(self.path).getroot()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise NotifyError(
                f"watcher {self.config.name}: cannot read {self.path}: {exc.strerror or exc}"
            ) from None
        except ET.ParseError as exc:
            self._set_aside(f"not well-formed XML ({exc})")
            return []
        if root.tag != f"{{{atom.ATOM}}}feed":
            self._set_aside(f"not an Atom feed (root element {root.tag})")
            return []
        return root.findall(f"{{{atom.ATOM}}}entry")

    def _set_aside(self, problem: str) -> None:
        """Keep an unreadable feed as evidence and start a new one.

        Refusing to write would block every later delivery until someone deletes the file
        (one bad character once did); overwriting it would lose what it held.
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        serial = 1
        while kept.exists():
            serial += 1
            kept = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{serial}")
        try:
            self.path.rename(kept)
        except OSError as exc:
            raise NotifyError(
                f"watcher {self.config.name}: {self.path}: {problem}; cannot move it aside: "
                f"{exc.strerror or exc}"
            ) from None
        _log.warning(
            "watcher %s: %s: %s; kept as %s, started a new feed",
            self.config.name,
            self.path,
            problem,
            kept.name,
        )

    def _write(self, content: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            # A feed reader never sees a half-written file.
            os.replace(temp, self.path)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise self._unwritable(exc) from None

    def _unwritable(self, exc: OSError) -> NotifyError:
        reason = exc.strerror or str(exc)
        return NotifyError(f"watcher {self.config.name}: cannot write {self.path}: {reason}")


Factory = Callable[[WatcherConfig, Context], Watcher]
KINDS: dict[str, Factory] = {
    "apprise": AppriseWatcher,
    "webhook": WebhookWatcher,
    "file": FileWatcher,
    "feed": FeedWatcher,
}


def build(config: WatcherConfig, context: Context) -> Watcher:
    return KINDS[config.kind](config, context)

"""The Internet Archive, asked politely: the CDX API and the capture endpoint.

CDX requests and capture fetches each go through a rate limiter (clock and sleep injected,
so tests never sleep); 429 and 5xx answers wait ``retry_wait`` seconds, doubled on each
further retry, because the Wayback Machine sends no Retry-After. A host that does not
resolve or refuses the connection is not waited for (see `tracker.net.fetch`). Every wait
longer than a moment is announced through ``on_wait`` before it begins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial

import httpx

from tracker.core.cdx import CDX_FIELDS, CdxListing, parse_cdx, select_captures
from tracker.core.config import FetchSettings, Source, Wayback, validated
from tracker.core.models import FetchResult
from tracker.net.fetch import NOTICE_AFTER, OnWait, fetch


class RateLimiter:
    """At most one call per ``interval`` seconds, measured on the injected clock."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        why: str = "",
        on_wait: OnWait | None = None,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        # The limit's name in the announcement, e.g. its config key.
        self.why = why
        self.on_wait = on_wait
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            remaining = self._last + self.interval - self.clock()
            if remaining > 0:
                if self.on_wait is not None and remaining > NOTICE_AFTER:
                    self.on_wait(f"waiting {remaining:.0f} s: {self.why}")
                self.sleep(remaining)
        self._last = self.clock()


def archive_settings(source: Source, wayback: Wayback) -> FetchSettings:
    """The source's fetch settings with Wayback's retry policy.

    ``fetch`` waits ``backoff`` seconds, doubled each retry, when no Retry-After is sent;
    its deadline must leave room for those waits or it would give up before the first.
    """
    waits = sum(wayback.retry_wait * 2**attempt for attempt in range(wayback.retries))
    own = {name: getattr(source, name) for name in FetchSettings.__struct_fields__}
    return validated(
        FetchSettings,
        {
            **own,
            "retries": wayback.retries,
            "backoff": wayback.retry_wait,
            "max_retry_after": max(source.max_retry_after, wayback.retry_wait),
            "deadline": source.deadline + waits,
        },
    )


class WaybackArchive:
    """The CDX API and the capture endpoint, behind their rate limiters."""

    def __init__(
        self,
        wayback: Wayback,
        settings: FetchSettings,
        *,
        client: httpx.Client,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: OnWait | None = None,
    ) -> None:
        self.wayback = wayback
        self.settings = settings
        self.client = client
        self.clock = clock
        self.sleep = sleep
        self.on_wait = on_wait
        limit = partial(RateLimiter, clock=clock, sleep=sleep, on_wait=on_wait)
        self.cdx_limit = limit(
            60 / wayback.cdx_per_minute,
            why=f"[wayback] cdx_per_minute = {wayback.cdx_per_minute:g}",
        )
        self.capture_limit = limit(
            1 / wayback.captures_per_second,
            why=f"[wayback] captures_per_second = {wayback.captures_per_second:g}",
        )

    def list_captures(
        self, urls: Sequence[str], *, since: str | None = None, until: str | None = None
    ) -> CdxListing:
        """The captures worth fetching under any of the URLs, and the rows refused."""
        answers = [self._cdx(url, since, until) for url in urls]
        rows = [row for answer in answers for row in answer.captures]
        refused = [
            f"{url}: {note}" for url, a in zip(urls, answers, strict=True) for note in a.refused
        ]
        return CdxListing(select_captures(rows, since=since, until=until), refused)

    def _cdx(self, url: str, since: str | None, until: str | None) -> CdxListing:
        params = {
            "url": url,
            "output": "json",
            "fl": ",".join(CDX_FIELDS),
            # Revisits carry status "-": a page that reverts (A, B, A) comes back as one,
            # so filtering on 200 alone would lose the revert.
            "filter": "statuscode:(200|-)",
            "collapse": "digest",
        }
        params |= {key: value for key, value in (("from", since), ("to", until)) if value}
        query = str(httpx.URL(self.wayback.cdx_url, params=params))
        self.cdx_limit.wait()
        return parse_cdx(self._get(query).text or "", source=query)

    def fetch_capture(self, url: str) -> FetchResult:
        self.capture_limit.wait()
        return self._get(url)

    def _get(self, url: str) -> FetchResult:
        return fetch(
            url,
            client=self.client,
            settings=self.settings,
            sleep=self.sleep,
            clock=self.clock,
            on_wait=self.on_wait,
        )

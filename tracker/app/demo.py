"""`tracker demo`: a record built from invented pages shipped in the package, no network.

Every reading goes through the workflows a real one does (`import_baseline`, then
`capture_page` for each saved page, each settled), so the demo database answers every
command as a real one would. Nothing in it is real: the names are made up, the baseline is
CSET-shaped but not CSET's (its annotations are the demo's, never credited to CSET), and
each snapshot's provenance says it is demo data. The pages are stored as saved files (origin
`file`) dated when the story says, since that is what they are: copies read from disk, not
fetches of a live site.

The demo tracks its own source, written to DIR/config.toml beside the database: every
title, source line and credit then names the invented alliance, never the AIIA's page, so a
chart shared from the demo cannot pass for a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tracker.app.baseline import Evidence, Publisher, import_baseline
from tracker.app.capture import Page, capture_page
from tracker.app.config import load_config
from tracker.core.config import Config
from tracker.core.errors import ConfigError
from tracker.core.models import CaptureOutcome, Transfer
from tracker.store import Store

BASELINE = "baseline-2020-03-26.csv"
# The story, in capture order: a join and a departure; the site down for maintenance
# (quarantined, never diffed); a promotion, a rename and a join; a departure and a join,
# with spelling noise that is no change.
PAGES = (
    ("page-2021-06-01.html", datetime(2021, 6, 1, 2, 0, tzinfo=UTC)),
    ("outage-2022-09-08.html", datetime(2022, 9, 8, 2, 0, tzinfo=UTC)),
    ("page-2023-03-15.html", datetime(2023, 3, 15, 2, 0, tzinfo=UTC)),
    ("page-2024-05-01.html", datetime(2024, 5, 1, 2, 0, tzinfo=UTC)),
)
MARK = "#invented-demo-data"
SOURCE_NAME = "Demo alliance (invented names, not a real organisation)"
# The demo's own source and store, and no watchers: no one hears of invented changes.
# `baseline_url` points nowhere, so that `tracker baseline import` cannot pour CSET's real
# list into the invented record.
CONFIG = f"""\
# Written by `tracker demo`: the invented alliance its database tracks. Every name in
# tracker.db is made up; nothing in it is any real organisation's membership.
baseline_url = "https://demo.invalid/baseline.csv"

[[sources]]
id = "demo"
name = "{SOURCE_NAME}"
url = "https://demo.invalid/alliance/structure"

[store]
path = "tracker.db"
"""
# The baseline's annotations are as invented as its names: never CSET's, never credited.
PUBLISHER = Publisher("demo-2020", "invented demo data")


@dataclass(frozen=True)
class DemoStep:
    """One reading stored: what it was and the line its workflow said."""

    name: str
    message: str
    # The snapshot a step quarantined, for the reader to inspect; None when it was believed.
    quarantined: int | None = None


def demo_file(name: str) -> Traversable:
    return files("tracker") / "demo_data" / name


def demo_config(directory: Path) -> Config:
    """The demo's configuration, written to DIR/config.toml unless it is there already.

    A different config.toml in DIR is someone's own: it is never overwritten.
    """
    path = directory / "config.toml"
    try:
        if not path.exists():
            path.write_text(CONFIG, encoding="utf-8")
        elif path.read_text(encoding="utf-8", errors="replace") != CONFIG:
            raise ConfigError(
                f"{path} exists and is not the demo's: move it away, or give the demo another DIR"
            )
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot write the demo's config: {exc.strerror or exc}"
        ) from None
    return load_config(path)


def build_demo(store: Store, config: Config, *, now: Callable[[], datetime]) -> list[DemoStep]:
    """Store the demo's baseline and pages in an empty database, oldest first."""
    source = config.sources[0]
    csv = demo_file(BASELINE)
    where = f"{_uri(csv)}{MARK}"
    evidence = Evidence(where, csv.read_bytes(), {}, Transfer(url=where))
    imported = import_baseline(store, config, source, evidence, now=now, publisher=PUBLISHER)
    steps = [DemoStep(BASELINE, imported.message)]
    for name, captured_at in PAGES:
        resource = demo_file(name)
        url = f"{_uri(resource)}{MARK}"
        page = Page(
            url=url,
            content=resource.read_bytes(),
            headers={},
            captured_at=captured_at,
            origin="file",
            provenance=url,
        )
        steps.append(_step(name, capture_page(store, config, source, page, now=now)))
    return steps


def _step(name: str, outcome: CaptureOutcome) -> DemoStep:
    """The capture's own line, except for the outage: the generic hint would send a reader,
    without the demo's --config, to their real database (and an outage is never accepted)."""
    if outcome.outcome != "quarantined" or outcome.snapshot is None:
        return DemoStep(name, outcome.message)
    snapshot = outcome.snapshot
    message = (
        f"snapshot {snapshot.id} quarantined: {'; '.join(outcome.reasons)}. The site was down: "
        "the page is kept as evidence and left out of diffs"
    )
    return DemoStep(name, message, quarantined=snapshot.id)


def _uri(resource: Traversable) -> str:
    """Where the package keeps the file: a file:// URI when it is on disk, as it is when
    installed from a wheel or a source tree."""
    return Path(str(resource)).resolve().as_uri()

"""`tracker demo`: a record built from invented pages shipped in the package, no network.

Every reading goes through the workflows a real one does (`import_baseline`, then
`capture_page` for each saved page, each settled), so the demo database answers every
command as a real one would. Nothing in it is real: the names are made up, the baseline is
CSET-shaped but not CSET's, and each snapshot's provenance says it is demo data. The pages
are stored as saved files (origin `file`) dated when the story says, since that is what they
are: copies read from disk, not fetches of a live site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable

from tracker.app.baseline import Evidence, import_baseline
from tracker.app.capture import Page, capture_page
from tracker.core.config import Config, Source
from tracker.core.models import Transfer
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


@dataclass(frozen=True)
class DemoStep:
    """One reading stored: what it was and the line its workflow said."""

    name: str
    message: str


def demo_file(name: str) -> Traversable:
    return files("tracker") / "demo_data" / name


def build_demo(
    store: Store, config: Config, source: Source, *, now: Callable[[], datetime]
) -> list[DemoStep]:
    """Store the demo's baseline and pages in an empty database, oldest first."""
    # No watcher hears of invented changes.
    quiet = config.model_copy(update={"watchers": []})
    csv = demo_file(BASELINE)
    where = f"{_uri(csv)}{MARK}"
    evidence = Evidence(where, csv.read_bytes(), {}, Transfer(url=where))
    steps = [DemoStep(BASELINE, import_baseline(store, quiet, source, evidence, now=now).message)]
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
        steps.append(DemoStep(name, capture_page(store, quiet, source, page, now=now).message))
    return steps


def _uri(resource: Traversable) -> str:
    """Where the package keeps the file: a file:// URI when it is on disk, as it is when
    installed from a wheel or a source tree."""
    from pathlib import Path

    return Path(str(resource)).resolve().as_uri()

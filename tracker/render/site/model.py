"""What the site shows, gathered from the store once: the records every page is drawn from.

`tracker.app.site` fills it; `tracker.render.site.pages` turns it into files. Plain records:
nothing here reads a database or a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.models import Listing, Snapshot
from tracker.core.stats import Stats
from tracker.core.tenure import Holders, Line, Tenure
from tracker.render.report import DiffReport

# Kinds a browser would render as a document, running a captured page's scripts as part of
# the site: served as `.txt` (plain text from any server and from file://) instead.
DOCUMENTS = frozenset({"html", "xhtml", "svg", "xml"})


@dataclass(frozen=True)
class Archived:
    """One archived page as the site serves it: `pages/<sha256>.<ext>`, bytes as stored,
    `.txt` for a document (`DOCUMENTS`); saved by a reader as `<sha256>.<kind>`."""

    sha256: str
    kind: str
    size: int

    @property
    def path(self) -> str:
        return f"pages/{self.sha256}.{'txt' if self.kind in DOCUMENTS else self.kind}"

    @property
    def download(self) -> str:
        return f"{self.sha256}.{self.kind}"


@dataclass(frozen=True)
class Reading:
    """One snapshot (any status) with what its page shows beyond the record."""

    snapshot: Snapshot
    method: str | None
    pages: Sequence[Archived]
    # Which of `Site.lists` it lists: snapshots listing the same members share one
    # download (`downloads/members/<sha256>.csv|json`).
    list_id: int


@dataclass(frozen=True)
class Site:
    source_id: str
    source_name: str
    source_url: str
    # The tracker's version (the pages carry no build time: a rebuild of the same record
    # writes the same bytes).
    version: str
    # Every snapshot in time order, whatever its status.
    readings: Sequence[Reading]
    # The ok snapshots in time order: the chain every diff and run is read along.
    ok: Sequence[Snapshot]
    # Every member ever listed in an ok snapshot, in order of first appearance.
    members: Sequence[Tenure]
    # Which member page each key stood for when.
    holders: Holders
    # The latest ok snapshot's listings in page order.
    latest: Sequence[Listing]
    # The annotation of every key shown, its own or carried through renames.
    notes: dict[str, Annotation]
    # CSET's credit line when any of those annotations is CSET's (CC BY-NC 4.0).
    credit: str | None
    # The `changes` table, newest pair first.
    changes: Sequence[dict[str, Any]]
    # The latest snapshot's members by tier and type (annotations).
    composition: Stats | None
    # The oldest ok snapshot against the latest, when there are two.
    overall: DiffReport | None = None
    # Every distinct member list any snapshot holds, as lines in page order.
    lists: Sequence[Sequence[Line]] = field(default_factory=list)

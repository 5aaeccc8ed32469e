"""The membership over time: one row per ok snapshot, live, baseline and backfilled. Pure.

Tier columns count listings as the page shows them (CSET's 28 / 189 / 350), so they can
be checked against the page and against the sizes it declares; ``members`` counts distinct
organisations. Both come from the snapshot records, so a timeline of hundreds of
snapshots reads no listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tracker.core.models import Snapshot, tier_name, tier_rank
from tracker.core.stamps import utc_text

MEMBERS = "members"


def tiers_of(snapshots: Sequence[Snapshot]) -> list[str]:
    """Every tier any snapshot lists, highest first."""
    found = {tier for snapshot in snapshots for tier in snapshot.counts}
    return sorted(found, key=lambda tier: (tier_rank(tier), tier))


def timeline_rows(snapshots: Sequence[Snapshot]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and columns: when, where from, listings per tier, members, listings."""
    tiers = tiers_of(snapshots)
    rows = [
        {
            "id": snapshot.id,
            "captured_at": utc_text(snapshot.captured_at),
            "origin": snapshot.origin,
            **{tier: snapshot.counts.get(tier, 0) for tier in tiers},
            MEMBERS: snapshot.member_count,
            "listings": snapshot.listing_count,
        }
        for snapshot in snapshots
    ]
    return rows, ["id", "captured_at", "origin", *tiers, MEMBERS, "listings"]


# The one series that counts organisations, not lines of the page: named so that no
# reader takes it for one more tier's listings.
MEMBERS_SERIES = f"{MEMBERS}, all tiers (distinct)"


def timeline_series(snapshots: Sequence[Snapshot]) -> dict[str, list[tuple[datetime, int]]]:
    """Points to draw: listings per tier (named in English) and distinct members."""
    series = {
        f"{tier_name(tier)}: listings": [(s.captured_at, s.counts.get(tier, 0)) for s in snapshots]
        for tier in tiers_of(snapshots)
    }
    series[MEMBERS_SERIES] = [(s.captured_at, s.member_count) for s in snapshots]
    return series

"""The anomaly guard: decide whether a parse is believable before it can become history.

A parse that finds nobody, loses a large share of the members seen last time, or
disagrees with the tier sizes the page itself states is far more likely a broken page,
a redesign or a parser miss than a real exodus. Such snapshots are kept as evidence but
quarantined, so they never produce a false "departure".
"""

from __future__ import annotations

from tracker.models import TIER_NAMES_EN, ParseResult


def anomalies(
    parsed: ParseResult, previous_keys: set[str] | None, *, max_loss_share: float
) -> list[str]:
    """Reasons to distrust this parse; empty when it looks like a real member list."""
    if not parsed.listings:
        return ["no members found: the page has no tier heading or member list"]
    reasons = _self_inconsistency(parsed)
    if previous_keys:
        keys = {listing.key for listing in parsed.listings}
        lost = len(previous_keys - keys)
        share = lost / len(previous_keys)
        if share > max_loss_share:
            reasons.append(
                f"{lost} of the previous {len(previous_keys)} members are missing "
                f"({share:.0%}, limit {max_loss_share:.0%})"
            )
    return reasons


def _self_inconsistency(parsed: ParseResult) -> list[str]:
    reasons = []
    for section, declared in parsed.declared_counts.items():
        found = sum(1 for x in parsed.listings if section in (x.tier, x.tier_label))
        if found != declared:
            label = TIER_NAMES_EN.get(section, section)
            reasons.append(f"the page says {label} has {declared} members, parsed {found}")
    return reasons

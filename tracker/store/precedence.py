"""Which annotation row speaks first, in SQL: built from `tracker.core.annotations`.

The views and the names index order a key's annotation rows as the reports do
(`by_precedence`): this builds that ORDER BY from the one definition, `ORIGIN_RANKS`,
rather than writing it out again. A migration's SQL is fixed once released: when the ranks
change, a new migration recreates the views with the new expression.
"""

from __future__ import annotations

from tracker.core.fields import LIST_RANK, ORIGIN_RANKS


def ordered(column: str) -> str:
    """ORDER BY terms putting the origins in `column` first to last by precedence."""
    ranks = " ".join(f"WHEN '{origin}' THEN {rank}" for origin, rank in ORIGIN_RANKS.items())
    return f"CASE {column} {ranks} ELSE {LIST_RANK} END, {column} DESC"

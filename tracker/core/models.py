"""Typed records that flow between the pipeline stages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

import msgspec

# Higher rank number = lower tier. Unknown tiers sort after every known one.
TIER_RANKS: dict[str, int] = {
    "chair": 1,
    "vice_chair": 2,
    "standing_board": 3,
    "board": 4,
    "ordinary": 5,
}
OTHER_TIER = "other"
OTHER_RANK = 9

# Heading words, most specific first: "副理事长单位" contains "理事长单位" contains "理事单位".
# An association's president (会长) holds the rank an alliance's chair (理事长) does.
TIER_WORDS: tuple[tuple[str, str], ...] = (
    ("副理事长单位", "vice_chair"),
    ("副会长单位", "vice_chair"),
    ("常务理事单位", "standing_board"),
    ("理事长单位", "chair"),
    ("会长单位", "chair"),
    ("理事单位", "board"),
    ("普通会员单位", "ordinary"),
    ("会员单位", "ordinary"),
)
# Honorary and supervisory ranks sit outside the chain of tiers: 名誉理事长单位 is no chair.
_OUTSIDE_TIERS = ("名誉", "荣誉", "监事")

TIER_NAMES_EN: dict[str, str] = {
    "chair": "chair",
    "vice_chair": "vice-chair",
    "standing_board": "standing board",
    "board": "board",
    "ordinary": "ordinary",
    OTHER_TIER: "other",
}


def tier_name(tier: str) -> str:
    """A tier id as reports name it in English; an id the tracker does not know, as is."""
    return TIER_NAMES_EN.get(tier, tier)


def tier_rank(tier: str) -> int:
    return TIER_RANKS.get(tier, OTHER_RANK)


def tier_counts(listings: Iterable[Listing]) -> dict[str, int]:
    """Listings per tier, highest tier first."""
    counts: dict[str, int] = {}
    for listing in listings:
        counts[listing.tier] = counts.get(listing.tier, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: tier_rank(item[0])))


# The characters of the tier words in their traditional forms (理事單位, 會員單位).
_TRADITIONAL = str.maketrans("單會員長務監譽榮屬", "单会员长务监誉荣属")


def simplified(label: str) -> str:
    """A label with the tier words' traditional characters in their simplified forms."""
    return label.translate(_TRADITIONAL)


def tier_for_label(label: str) -> str:
    """Map a tier label as written on a page (decorations allowed) to a tier id."""
    label = simplified(label)
    if any(word in label for word in _OUTSIDE_TIERS):
        return OTHER_TIER
    for word, tier in TIER_WORDS:
        if word in label:
            return tier
    return OTHER_TIER


def tier_named(text: str) -> str | None:
    """A tier as a person may name it: an id, its English name or a Chinese label."""
    if text in TIER_RANKS or text == OTHER_TIER:
        return text
    english = {name: tier for tier, name in TIER_NAMES_EN.items()}
    found = english.get(text.strip().lower(), tier_for_label(text))
    return None if found == OTHER_TIER else found


Origin = Literal["live", "file", "baseline", "wayback", "warc"]
# Readings of the page as it is now; a baseline, a Wayback capture or a page imported from a
# WARC file is a reading of the past.
PRESENT_ORIGINS: tuple[Origin, ...] = ("live", "file")


def is_present(origin: str) -> bool:
    """Whether a snapshot of this origin read the page as it is now, so that what it
    changed is news, and it may stand for "the same page" on the next capture."""
    return origin in PRESENT_ORIGINS


# "replaced": a baseline superseded by `baseline import --replace`, kept as evidence only.
# "superseded": a reading corrected by `tracker reparse`, kept as evidence of what the older
# parser read; `superseded_by` names the version that replaced it.
SnapshotStatus = Literal["ok", "quarantined", "replaced", "superseded"]
FetchOutcome = Literal["new", "unchanged", "not_modified", "error", "quarantined"]


class Listing(msgspec.Struct, frozen=True, gc=False):
    """One line of the member list: an organisation as listed under one tier.

    Not validated when built: positions count from 1 (`position` ≥ 1), checked where a
    listing is read from a file a person gave (`tracker.core.cset`) and counted so by the
    parser; the database holds only listings that passed one of them.

    Not tracked by the garbage collector (`gc=False`): it holds only strings and an int,
    so it can never be in a reference cycle, and a parse builds one per member; untracked,
    one is cheaper to build and to free (14.62 M -> 14.49 M instructions per 567-member
    parse).
    """

    tier: str
    tier_label: str
    position: int
    name: str
    key: str


class ParseResult(msgspec.Struct):
    """What a page says: its listings in page order, and the tier sizes it declares."""

    listings: list[Listing]
    # Size the page states for a tier ("理事单位（189家）"), keyed by tier id, or by the label
    # as written for an unknown (`other`) tier, so the page can be checked against itself.
    declared_counts: dict[str, int] = msgspec.field(default_factory=dict)
    method: str = "headings"
    # What the parser saw that makes the reading doubtful ("理事单位: heading at
    # div.link_tit > a, 0 names read"); the guard quarantines a snapshot that has any.
    problems: list[str] = msgspec.field(default_factory=list)
    # Why the page looks cut short ("ends mid-document"), when it does: the guard distrusts
    # a reading of it that loses members.
    cut_off: str | None = None


class FetchResult(msgspec.Struct, frozen=True):
    """A page as received: raw bytes are the evidence, text is their honest decoding."""

    url: str
    final_url: str
    status_code: int
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    content: bytes = b""
    # None when the server answered 304 Not Modified.
    text: str | None = None
    encoding: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0
    attempts: int = 1


class Transfer(msgspec.Struct, frozen=True):
    """What the wire said about one fetch, as the `fetches` table records it."""

    url: str
    final_url: str | None = None
    status_code: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float | None = None
    attempts: int | None = None

    @classmethod
    def of(cls, url: str, result: FetchResult) -> Transfer:
        return cls(
            url=url,
            final_url=result.final_url,
            status_code=result.status_code,
            etag=result.etag,
            last_modified=result.last_modified,
            elapsed=round(result.elapsed, 3),
            attempts=result.attempts,
        )


# Keyword-only: optional fields sit among required ones in the table's column order.
class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """A stored, dated reading of one source."""

    id: int
    source_id: str
    captured_at: datetime
    origin: Origin
    page_sha256: str
    provenance: str | None = None
    parser_version: str
    status: SnapshotStatus
    reason: str | None = None
    counts: dict[str, int] = msgspec.field(default_factory=dict)
    member_count: int = 0
    listing_count: int = 0
    superseded_by: int | None = None


class CaptureOutcome(msgspec.Struct):
    """What one capture did. `snapshot` is the new snapshot, or the one the page matched."""

    source_id: str
    outcome: FetchOutcome
    at: datetime
    fetch_id: int = 0
    snapshot: Snapshot | None = None
    message: str = ""
    reasons: list[str] = msgspec.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.outcome in ("error", "quarantined")

    @property
    def exit_code(self) -> int:
        return {"error": 1, "quarantined": 3}.get(self.outcome, 0)

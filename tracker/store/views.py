"""Views for reading the database directly (Datasette, `sqlite3`): members, events, snapshots.

``current_members``: each source's latest ok snapshot, line by line, with each member's
annotation; ``member_events``: the change log with each member's annotation;
``snapshot_summary``: each snapshot with its tier counts as columns.

The annotation a member shows is the one `tracker.app.annotations` picks from what is
stored, in SQL: the key's own rows merged per field with those of its nearest former key
through the source's logged renames (fewest renames away, then key order); per field, the
user's value over any annotated list's (`tracker.store.precedence`), each shown field's
origin in ``<field>_source``; province and city together from one row. Its origin is that of
the first row giving a value (a flag worded otherwise, kept in ``extra``, is one), or, none
giving one, of the first row; marked with the former name (as that row spelled it) when one
of its values shows, or, none giving one, its origin does (``annotated_as``). Renames are
few, so following them per row is cheap. Guesses from names are stored apart (`guesses`),
never merged here.
"""

from __future__ import annotations

from tracker.core.fields import FLAG_FIELDS, PLACE_FIELDS
from tracker.store.annotations import ANNOTATION_COLUMNS
from tracker.store.changes import EVENT_COLUMNS
from tracker.store.names import FTS_TABLE
from tracker.store.precedence import ordered
from tracker.store.table import Described

# char(31) separates the keys of the path walked, so that a cycle (renamed back) ends.
_OWN = "(SELECT rowid FROM annotations WHERE key = {key} ORDER BY origin DESC LIMIT 1)"
# Most keys were never renamed: the index of renames answers that before any walk begins.
_CARRIED = """CASE WHEN EXISTS (
    SELECT 1 FROM changes WHERE source_id = {source} AND kind = 'renamed' AND key = {key}
) THEN (
    WITH RECURSIVE former(key, depth, path) AS (
        SELECT {key}, 0, char(31) || {key} || char(31)
        UNION ALL
        SELECT c.old_key, f.depth + 1, f.path || c.old_key || char(31)
        FROM former f JOIN changes c
        ON c.source_id = {source} AND c.kind = 'renamed' AND c.key = f.key
        WHERE instr(f.path, char(31) || c.old_key || char(31)) = 0
    )
    SELECT a.rowid FROM former f JOIN annotations a ON a.key = f.key WHERE f.depth > 0
    ORDER BY f.depth, f.key, a.origin DESC LIMIT 1
) END"""
# Written out, like every column list here, not read from the tables' definitions: a
# migration never changes once released. A member shows every annotation column; an event, those a reader
# scans a list of events by (a wide view is slow to facet in Datasette, column by column).
_MEMBER_NOTES = (
    "name_en_mt", "common_name_en", "common_name_zh", "type", "website", "crunchbase_url",
    "location", "city", "province", "size", "focus", "industry", "ai_category",
    "key_products", "state_owned", "not_chinese", "public_company", "exchange", "ticker",
    "notes",
)  # fmt: skip
_EVENT_NOTES = ("common_name_en", "type", "city", "province", "state_owned")


def _notes(columns: tuple[str, ...]) -> str:
    picked = ", ".join(f"a.{column}" for column in columns)
    return f"""{picked}, a.origin AS annotation_origin,
    CASE WHEN x.own IS NULL THEN a.name END AS annotated_as"""


_CURRENT = f"""
    CREATE VIEW current_members AS
    SELECT x.source_id, x.snapshot_id, x.captured_at, x.tier, x.tier_label, x.position,
        x.name, x.key, {_notes(_MEMBER_NOTES)},
        (SELECT id FROM member_names m WHERE m.key = x.key AND m.name = x.name) AS name_id
    FROM (
        SELECT s.source_id, s.id AS snapshot_id, s.captured_at, l.tier, l.tier_label,
            l.position, l.name, l.key, l.rowid AS line, {_OWN.format(key="l.key")} AS own
        FROM sources src
        JOIN snapshots s ON s.id = (
            SELECT id FROM snapshots WHERE source_id = src.id AND status = 'ok'
            ORDER BY captured_at DESC, id DESC LIMIT 1
        )
        JOIN listings l ON l.snapshot_id = s.id
    ) x
    LEFT JOIN annotations a
    ON a.rowid = coalesce(x.own, {_CARRIED.format(key="x.key", source="x.source_id")})
    ORDER BY x.source_id, x.line;
"""
_EVENTS = f"""
    CREATE VIEW member_events AS
    SELECT x.id, x.at, x.old_at, x.source_id, x.old_snapshot_id, x.new_snapshot_id, x.kind,
        x.key, x.name, x.tier, x.old_key, x.old_name, x.old_tier, x.direction, x.score,
        x.listed, x.old_listed,
        {_notes(_EVENT_NOTES)}
    FROM (
        SELECT c.*, o.captured_at AS old_at, {_OWN.format(key="c.key")} AS own
        FROM changes c JOIN snapshots o ON o.id = c.old_snapshot_id
    ) x
    LEFT JOIN annotations a
    ON a.rowid = coalesce(x.own, {_CARRIED.format(key="x.key", source="x.source_id")})
    ORDER BY x.at DESC, x.id;
"""
# The tier ids of `tracker.core.models`, written out: a migration never changes once released.
_TIERS = ("chair", "vice_chair", "standing_board", "board", "ordinary", "other")
_SUMMARY = f"""
    CREATE VIEW snapshot_summary AS
    SELECT id, source_id, captured_at, origin, status, reason, parser_version,
        member_count, listing_count,
        {", ".join(f"coalesce(json_extract(counts, '$.{tier}'), 0) AS {tier}" for tier in _TIERS)},
        1 + (SELECT count(*) FROM snapshot_pages p WHERE p.snapshot_id = s.id) AS pages,
        page_sha256, provenance, accepted_at, superseded_by
    FROM snapshots s
    ORDER BY source_id, captured_at, id;
"""
# Migration 5 (issue 16): per field, the user's value over any annotated list's (the
# latest-named first), as `tracker.core.annotations.merged` decides; the key whose
# annotations apply is the member's own, else its nearest former name's, as before.
_PICK = """(SELECT {column} FROM annotations WHERE key = x.noted AND {column} IS NOT NULL
    ORDER BY origin = 'user' DESC, origin DESC LIMIT 1)"""
_NOTED_KEY = "(SELECT key FROM annotations WHERE key = {key} LIMIT 1)"
_CARRIED_KEY = _CARRIED.replace("SELECT a.rowid FROM", "SELECT f.key FROM").replace(
    ", a.origin DESC LIMIT 1", " LIMIT 1"
)


def _merged(columns: tuple[str, ...]) -> str:
    picked = ", ".join(f"{_PICK.format(column=column)} AS {column}" for column in columns)
    origin = _PICK.format(column="origin")
    return f"""{picked}, {origin} AS annotation_origin,
    CASE WHEN x.noted IS NOT NULL AND x.noted != x.key THEN {_PICK.format(column="name")}
    END AS annotated_as"""


def _noted_key(key: str, source: str) -> str:
    carried = _CARRIED_KEY.format(key=key, source=source)
    return f"coalesce({_NOTED_KEY.format(key=key)}, {carried}) AS noted"


def _current_view(annotation: str, noted: str, *, fenced: bool = False) -> str:
    """`current_members` as a migration redefines it: how it picks the annotation varies."""
    lines = f"""
        SELECT s.source_id, s.id AS snapshot_id, s.captured_at, l.tier, l.tier_label,
            l.position, l.name, l.key, l.rowid AS line, {noted}
        FROM sources src
        JOIN snapshots s ON s.id = (
            SELECT id FROM snapshots WHERE source_id = src.id AND status = 'ok'
            ORDER BY captured_at DESC, id DESC LIMIT 1
        )
        JOIN listings l ON l.snapshot_id = s.id"""
    return f"""
    DROP VIEW current_members;
    CREATE VIEW current_members AS
    SELECT x.source_id, x.snapshot_id, x.captured_at, x.tier, x.tier_label, x.position,
        x.name, x.key, {annotation},
        (SELECT id FROM member_names m WHERE m.key = x.key AND m.name = x.name) AS name_id
    FROM {_rows(lines, fenced=fenced)}
    ORDER BY x.source_id, x.line;
"""


def _events_view(annotation: str, noted: str) -> str:
    """`member_events` as a migration redefines it: how it picks the annotation varies."""
    events = f"""
        SELECT c.*, o.captured_at AS old_at, {noted}
        FROM changes c JOIN snapshots o ON o.id = c.old_snapshot_id"""
    return f"""
    DROP VIEW member_events;
    CREATE VIEW member_events AS
    SELECT x.id, x.at, x.old_at, x.source_id, x.old_snapshot_id, x.new_snapshot_id, x.kind,
        x.key, x.name, x.tier, x.old_key, x.old_name, x.old_tier, x.direction, x.score,
        x.listed, x.old_listed,
        {annotation}
    FROM {_rows(events, fenced=False)}
    ORDER BY x.at DESC, x.id;
"""


def _rows(select: str, *, fenced: bool) -> str:
    """The view's rows, `x`; `fenced` (`current_members` since migration 7), each marked
    `annotated` when its key or former key has any annotation, and fenced off so that
    SQLite reads each row once.

    Unfenced, SQLite flattens `x` into the view and walks the former names once per
    annotation column that reads `x.former` (about 45 a row): 2 to 4 s for 6,000 members,
    over Datasette's 1 s limit (its facets read every row). `LIMIT -1 OFFSET 0` stops the
    flattening (a subquery with an OFFSET is never flattened); `MATERIALIZED` would say so
    more plainly, but is a syntax error before SQLite 3.35, and a view that does not parse
    makes the whole database unreadable there. The columns of an unannotated row then skip
    their lookups (`_first`): 0.2 s for the 6,000.
    """
    if not fenced:
        return f"({select}\n    ) x"
    return f"""(
        SELECT y.*, EXISTS (SELECT 1 FROM annotations WHERE key IN (y.key, y.former))
            AS annotated
        FROM ({select}
        ) y
        LIMIT -1 OFFSET 0
    ) x"""


_CURRENT_MERGED = _current_view(_merged(_MEMBER_NOTES), _noted_key("l.key", "s.source_id"))
_EVENTS_MERGED = _events_view(_merged(_EVENT_NOTES), _noted_key("c.key", "c.source_id"))
# Migration 6 (issue 16's review): the key's own rows and its nearest former key's merged
# per field (the user's value over CSET's, of one origin the key's own first); province and
# city taken together from the first row giving either (the views cannot consult the
# gazetteer, so never a user's city beside another origin's province); each shown field's
# origin in `<field>_source`; the origins ordered by `tracker.store.precedence`.
# SQLite resolves no outer column in a subquery's ORDER BY: the keys come in as a row.
_ROWS = """annotations JOIN (SELECT x.key AS own, x.former AS former) o
    ON key IN (o.own, o.former) WHERE {given} ORDER BY {order}, key = o.own DESC LIMIT 1"""

_SOURCED = _EVENT_NOTES


def _valued(column: str, *, worded: bool = False) -> str:
    """Whether a row gives `column`; with `worded` (migration 9), also when the row's value
    of a flag is CSET's wording ("Partially", kept in `extra`), a value to the reports too
    (`Annotation.gives`), shown blank beside its origin."""
    if worded and column in FLAG_FIELDS:
        return f"coalesce({column}, json_extract(extra, '$.{column}')) IS NOT NULL"
    return f"{column} IS NOT NULL"


def _given(column: str, *, worded: bool = False) -> str:
    if column in PLACE_FIELDS:
        return "(province IS NOT NULL OR city IS NOT NULL)"
    return _valued(column, worded=worded)


def _first(selected: str, column: str, guard: str, *, worded: bool = False, order: str = "") -> str:
    """The first row's `selected` by precedence (or `order`) among those giving `column`;
    only where `guard` holds, when one is given (a row with no annotation has none to look up)."""
    rows = _ROWS.format(given=_given(column, worded=worded), order=order or ordered("origin"))
    first = f"(SELECT {selected} FROM {rows})"
    return f"CASE WHEN {guard} THEN {first} END" if guard else first


# Migration 9: the row that leads `merged`'s merge, whose origin and name the annotation
# takes: the first by precedence that gives a value (coalesce stops at the first), else the
# first. A row that gives none contributes nothing.
_VALUES = ", ".join((*_MEMBER_NOTES, *(f"json_extract(extra, '$.{f}')" for f in FLAG_FIELDS)))
_LEADING = f"coalesce({_VALUES}) IS NULL, {ordered('origin')}"


def _lead(selected: str, guard: str) -> str:
    return _first(selected, "origin", guard, order=_LEADING)


def _carried_as(guard: str, *, led: bool) -> str:
    """The former name, when a value of its annotation shows (any column, not only those a
    view shows, as `tracker.core.annotations.merged` decides); with `led` (migration 9), also
    when the row leading the merge (`_lead`: the origin shown) is the former name's, as
    `merged` shows a note carried as it is when no note gives a value, and named as that row
    spells it. Asked first: a member without an annotation of its own answers it at once."""
    columns = [f"{_first('key', c, guard, worded=led)} = x.former" for c in _MEMBER_NOTES]
    if led:
        columns.insert(0, f"{_lead('key', guard)} = x.former")
    order = _LEADING if led else ordered("origin")
    name = f"(SELECT name FROM annotations WHERE key = x.former ORDER BY {order} LIMIT 1)"
    return f"CASE WHEN x.former IS NOT NULL AND ({' OR '.join(columns)}) THEN {name} END"


def _source(column: str, guard: str, *, worded: bool) -> str:
    """Who gave `column`: the first row's origin among those giving it (or, for province or
    city, the place), when that row gives it."""
    given = _valued(column, worded=worded)
    return _first(f"CASE WHEN {given} THEN origin END", column, guard, worded=worded)


def _picked(columns: tuple[str, ...], guard: str = "", *, led: bool = False) -> str:
    """The annotation columns; with `led` (migration 9), its origin and former name are the
    leading row's (`_lead`) and a flag's wording in `extra` is a value (`_valued`)."""
    picked = ", ".join(f"{_first(c, c, guard, worded=led)} AS {c}" for c in columns)
    sources = ", ".join(f"{_source(c, guard, worded=led)} AS {c}_source" for c in _SOURCED)
    origin = _lead("origin", guard) if led else _first("origin", "origin", guard)
    carried = _carried_as(guard, led=led)
    return f"{picked}, {origin} AS annotation_origin, {carried} AS annotated_as, {sources}"


def _former(key: str, source: str, walk: str = _CARRIED_KEY) -> str:
    return f"{walk.format(key=key, source=source)} AS former"


_CURRENT_PICKED = _current_view(_picked(_MEMBER_NOTES), _former("l.key", "s.source_id"))
_EVENTS_PICKED = _events_view(_picked(_EVENT_NOTES), _former("c.key", "c.source_id"))
# Migration 7: today's members, each read once (`_rows`), an unannotated one without
# lookups. Not the events: a page of them is read newest first by index and stops at the
# page's end, which a fenced view, sorted whole, cannot (0.1 s a page would become 0.3 s
# at 15,000 events, growing with the log).
_CURRENT_FENCED = _current_view(
    _picked(_MEMBER_NOTES, "x.annotated"), _former("l.key", "s.source_id"), fenced=True
)
# Migration 9, both views: each step back through renames reads the renames naming the
# key reached, by index. Left to choose, SQLite 3.54 reads every rename of the source at
# each step (1 s for the bench's 3,300 members, where 3.40 takes 0.04 s); CROSS JOIN is
# how SQLite is told the order. And the annotation's origin and former name are those of
# the first row giving a value (`_lead`), a flag worded in `extra` being one, as the reports
# show them: migrations 6 and 7 showed the first row's origin though it gave none (CSET's
# values under a later list's empty note showed as the later list's), never marked a former
# name's annotation that gives no value as carried, and read no flag's wording.
_WALK = _CARRIED_KEY.replace("FROM former f JOIN changes c", "FROM former f CROSS JOIN changes c")
_CURRENT_WALKED = _current_view(
    _picked(_MEMBER_NOTES, "x.annotated", led=True),
    _former("l.key", "s.source_id", _WALK),
    fenced=True,
)
_SHOWN = (*_EVENT_NOTES, "annotation_origin", "annotated_as", *(f"{c}_source" for c in _SOURCED))
# `member_events` walks the former names once per key of the log that may show an
# annotation (one annotated, or one renamed to: most of the log is neither) and looks the
# annotation up for those keys' events only (not fenced per key: a page would then pick
# every key's before its first row, 25 ms where it takes 11). A view with ORDER BY is not
# flattened into a count or GROUP BY without an ORDER BY of its own (Datasette's row count
# and facet suggestions): SQLite 3.40 computed every column of every event for them, 0.55 s
# for 14,851 events, 0.04 s so; a page still walks the log newest first by index. A table
# of each key's annotation kept by the store would count in about 0.01 s (the log alone
# takes 0.005 s), but every writer of annotations and renames (the log is rebuilt whole)
# would have to keep it; a view cannot go stale. The walk follows the event's own source:
# migration 6's, inside `changes c`, compared `c.source_id` with itself and followed every
# source's renames.
_NOTED_KEYS = f"""
        SELECT k.source_id, k.key, {_former("k.key", "k.source_id", _WALK)}
        FROM (
            SELECT source_id, key FROM changes WHERE kind = 'renamed'
            UNION SELECT source_id, key FROM changes WHERE key IN (SELECT key FROM annotations)
        ) k"""
_EVENTS_JOINED = f"""
    DROP VIEW member_events;
    CREATE VIEW member_events AS
    SELECT c.id, c.at, o.captured_at AS old_at, c.source_id, c.old_snapshot_id,
        c.new_snapshot_id, c.kind, c.key, c.name, c.tier, c.old_key, c.old_name, c.old_tier,
        c.direction, c.score, c.listed, c.old_listed, {", ".join(f"n.{c}" for c in _SHOWN)}
    FROM changes c JOIN snapshots o ON o.id = c.old_snapshot_id
    LEFT JOIN (
        SELECT x.source_id, x.key, {_picked(_EVENT_NOTES, led=True)}
        FROM {_rows(_NOTED_KEYS, fenced=True)}
        WHERE x.annotated
    ) n ON n.source_id = c.source_id AND n.key = c.key
    ORDER BY c.at DESC, c.id;
"""
SCHEMA = {
    4: _CURRENT + _EVENTS + _SUMMARY,
    5: _CURRENT_MERGED + _EVENTS_MERGED,
    6: _CURRENT_PICKED + _EVENTS_PICKED,
    7: _CURRENT_FENCED,
    9: _CURRENT_WALKED + _EVENTS_JOINED,
}

_WORDED = (
    " Named too for a value worded otherwise ('Partially', see `annotations.extra`), shown blank."
)
_NOTED = {
    "annotation_origin": "Who annotated the member first: user (`tracker annotate import`), "
    "else an annotated list such as cset-2020 (CSET, CC BY-NC 4.0), of those giving a value "
    "(one giving none is named only when nobody gives one); per field, a blank value is the "
    "next origin's (see each `<field>_source`).",
    "annotated_as": "When a value shown was annotated for a former name of the member "
    "(followed through the logged renames), or, no value given, the annotation whose origin "
    "is shown was: that name. Blank when every value (or the origin) is the member's own.",
    **{
        f"{column}_source": f"Who gave `{column}`: user or an annotated list (cset-2020); "
        f"blank when nobody did.{_WORDED if column in FLAG_FIELDS else ''}"
        for column in _SOURCED
    },
}
# Guesses are stored apart, by the rules' version; the tracker merges them when it shows a member.
_UNGUESSED = (
    " Values guessed from names (origin `inferred`) are not merged here: `guesses` holds what "
    "each name states, and `tracker members` shows them, marked. Province and city come "
    "together from one origin (where reports may complete them through the gazetteer)."
)


def _noted(columns: tuple[str, ...]) -> dict[str, str]:
    shown = {column: f"{ANNOTATION_COLUMNS[column]} (annotation)" for column in columns}
    return shown | _NOTED


_TIER_DESCRIPTIONS = {tier: f"Lines listed in the {tier} tier." for tier in _TIERS}
DESCRIBED = {
    "current_members": Described(
        "Today's members: each source's latest ok snapshot, line by line in page order, with "
        "each member's annotation (its own, or carried from a former name through the logged "
        f"renames: see `annotated_as`).{_UNGUESSED}",
        {
            "source_id": "The source (`sources`).",
            "snapshot_id": "The latest ok snapshot of the source.",
            "captured_at": "When it was captured (UTC).",
            "tier": "Tier id: chair, vice_chair, standing_board, board, ordinary or other.",
            "tier_label": "The tier's heading as the page wrote it.",
            "position": "Position within the tier, from 1.",
            "name": "The name as the page spelled it.",
            "key": "The member key: the name normalised, a member's identity across snapshots.",
            **_noted(_MEMBER_NOTES),
            "name_id": "The spelling's row in `member_names`, which full-text search matches.",
        },
        searched_by=(FTS_TABLE, "name_id"),
    ),
    "member_events": Described(
        "Every change between consecutive ok snapshots, newest first, with the member's "
        "English name, type and place from its annotation (a rename's from its former "
        f"name); `current_members` and `annotations` have every annotation column.{_UNGUESSED}",
        {
            "id": "Event id (`changes`).",
            "old_at": "When the older snapshot of the pair was captured (UTC).",
            **EVENT_COLUMNS,
            **_noted(_EVENT_NOTES),
        },
    ),
    "snapshot_summary": Described(
        "Every snapshot (ok or not) with its status and why, its parser, and its tier counts "
        "as columns: a reading's health at a glance.",
        {
            "id": "Snapshot id.",
            "source_id": "The source read (`sources`).",
            "captured_at": "When the page was read (UTC).",
            "origin": "How the page was obtained: live, file, baseline, wayback or warc.",
            "status": "ok (believed), quarantined, replaced or superseded.",
            "reason": "Why the reading was quarantined, replaced or superseded.",
            "parser_version": "Version of the parser that read the page.",
            "member_count": "Distinct members (keys) listed.",
            "listing_count": "Lines listed (a member in two tiers counts twice).",
            **_TIER_DESCRIPTIONS,
            "pages": "Pages the list was read from.",
            "page_sha256": "sha256 of the raw bytes of the first page (`pages`).",
            "provenance": "Where the bytes came from.",
            "accepted_at": "When a person accepted the reading, if one did.",
            "superseded_by": "The snapshot that corrects this one, if any.",
        },
    ),
}

"""The `member_names` table and its full-text index: every spelling a member was believed under.

One row per distinct (key, listed name) of any ok snapshot, with the English and common
names of the key's own annotation: a few thousand rows where ``listings`` holds millions,
so searching names stays cheap. Kept in step by triggers as listings arrive, as snapshots
join or leave the chain of ok readings, and as annotations are replaced; existing
databases are backfilled when migrated.

``member_names_fts`` (sqlite-utils' FTS5, kept in step by its own triggers) uses the
``trigram`` tokenizer (where SQLite has it: 3.34 or later): Chinese names have no spaces, so the default tokenizer would make a
whole name one word, and a search for part of it would find nothing. Trigrams find any
part of three characters or more, Chinese or English; a shorter part is matched with a
plain filter (``name LIKE '%星河%'``), which the table's size keeps fast. A renamed member's
new name has the English names only of its own annotation: searched by an English name
annotated under a former name, it is found under that former name (``member_events``
links the two).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from tracker.store.precedence import ordered
from tracker.store.table import Described

if TYPE_CHECKING:
    import sqlite_utils

# English names of a key's own annotation as migration 4 picked them (the latest origin
# winning); migration 5 picks them per field (below).
_NAME_OF = "(SELECT {field} FROM annotations WHERE key = {key} ORDER BY origin DESC LIMIT 1)"
_FIELDS = ("common_name_en", "name_en_mt", "common_name_zh")


def _names_of(key: str) -> str:
    return ", ".join(_NAME_OF.format(field=field, key=key) for field in _FIELDS)


def _annotated(key: str) -> str:
    settings = ", ".join(f"{field} = {_NAME_OF.format(field=field, key=key)}" for field in _FIELDS)
    return f"UPDATE member_names SET {settings} WHERE key = {key};"


_BELIEVED = "SELECT 1 FROM snapshots WHERE id = {snapshot} AND status = 'ok'"
# A name leaves the index when no ok snapshot lists it any more (a superseded misreading).
_UNBELIEVED = """
    DELETE FROM member_names WHERE id IN (
        SELECT m.id FROM member_names m JOIN listings l ON l.key = m.key AND l.name = m.name
        WHERE l.snapshot_id = old.id AND NOT EXISTS (
            SELECT 1 FROM listings o JOIN snapshots s ON s.id = o.snapshot_id
            WHERE o.key = m.key AND o.name = m.name AND s.status = 'ok'
        )
    );
"""
_TABLE = f"""
    CREATE TABLE member_names (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        common_name_en TEXT,
        name_en_mt TEXT,
        common_name_zh TEXT,
        UNIQUE (key, name)
    );
    CREATE TRIGGER member_names_listed AFTER INSERT ON listings
    WHEN EXISTS ({_BELIEVED.format(snapshot="new.snapshot_id")}) BEGIN
        INSERT OR IGNORE INTO member_names (key, name, {", ".join(_FIELDS)})
        VALUES (new.key, new.name, {_names_of("new.key")});
    END;
    CREATE TRIGGER member_names_believed AFTER UPDATE OF status ON snapshots
    WHEN new.status = 'ok' AND old.status != 'ok' BEGIN
        INSERT OR IGNORE INTO member_names (key, name, {", ".join(_FIELDS)})
        SELECT DISTINCT key, name, {_names_of("listings.key")}
        FROM listings WHERE snapshot_id = new.id;
    END;
    CREATE TRIGGER member_names_unbelieved AFTER UPDATE OF status ON snapshots
    WHEN old.status = 'ok' AND new.status != 'ok' BEGIN {_UNBELIEVED} END;
    CREATE TRIGGER member_names_annotated AFTER INSERT ON annotations BEGIN
        {_annotated("new.key")}
    END;
    CREATE TRIGGER member_names_reannotated AFTER UPDATE ON annotations BEGIN
        {_annotated("old.key")} {_annotated("new.key")}
    END;
    CREATE TRIGGER member_names_unannotated AFTER DELETE ON annotations BEGIN
        {_annotated("old.key")}
    END;
    INSERT INTO member_names (key, name, {", ".join(_FIELDS)})
    SELECT key, name, {_names_of("key")} FROM (
        SELECT DISTINCT l.key, l.name FROM listings l JOIN snapshots s ON s.id = l.snapshot_id
        WHERE s.status = 'ok' ORDER BY l.key, l.name
    );
"""
SEARCHED = ("name", *_FIELDS)
FTS_TABLE = "member_names_fts"  # sqlite-utils' name for the index of `member_names`


# SQLite gained the trigram tokenizer in 3.34 (2020). An older library gets the default,
# word by word: English names are still found by a whole word, Chinese ones by the filter.
TRIGRAMS = (3, 34, 0)


def _migrate(db: sqlite_utils.Database) -> None:
    db.executescript(_TABLE)
    tokenize = "trigram" if sqlite3.sqlite_version_info >= TRIGRAMS else None
    db.table("member_names").enable_fts(SEARCHED, create_triggers=True, tokenize=tokenize)


# Migration 5 (issue 16): each English name is the user's where given, else the latest
# annotated list's (per field, as `tracker.core.annotations.merged`), so a user's note
# giving only a type leaves CSET's English name searchable. Migration 6 orders the origins
# by the one definition of their precedence (`tracker.store.precedence`).
_MERGED_NAME_OF = (
    "(SELECT {field} FROM annotations WHERE key = {key} AND {field} IS NOT NULL "
    "ORDER BY {order} LIMIT 1)"
)


def _merged_names_of(key: str, order: str) -> str:
    return ", ".join(_MERGED_NAME_OF.format(field=field, key=key, order=order) for field in _FIELDS)


def _merged_annotated(key: str, order: str) -> str:
    settings = ", ".join(
        f"{field} = {_MERGED_NAME_OF.format(field=field, key=key, order=order)}"
        for field in _FIELDS
    )
    return f"UPDATE member_names SET {settings} WHERE key = {key};"


def _merged(order: str) -> str:
    return f"""
    DROP TRIGGER member_names_listed;
    CREATE TRIGGER member_names_listed AFTER INSERT ON listings
    WHEN EXISTS ({_BELIEVED.format(snapshot="new.snapshot_id")}) BEGIN
        INSERT OR IGNORE INTO member_names (key, name, {", ".join(_FIELDS)})
        VALUES (new.key, new.name, {_merged_names_of("new.key", order)});
    END;
    DROP TRIGGER member_names_believed;
    CREATE TRIGGER member_names_believed AFTER UPDATE OF status ON snapshots
    WHEN new.status = 'ok' AND old.status != 'ok' BEGIN
        INSERT OR IGNORE INTO member_names (key, name, {", ".join(_FIELDS)})
        SELECT DISTINCT key, name, {_merged_names_of("listings.key", order)}
        FROM listings WHERE snapshot_id = new.id;
    END;
    DROP TRIGGER member_names_annotated;
    CREATE TRIGGER member_names_annotated AFTER INSERT ON annotations BEGIN
        {_merged_annotated("new.key", order)}
    END;
    DROP TRIGGER member_names_reannotated;
    CREATE TRIGGER member_names_reannotated AFTER UPDATE ON annotations BEGIN
        {_merged_annotated("old.key", order)} {_merged_annotated("new.key", order)}
    END;
    DROP TRIGGER member_names_unannotated;
    CREATE TRIGGER member_names_unannotated AFTER DELETE ON annotations BEGIN
        {_merged_annotated("old.key", order)}
    END;
    {_merged_annotated("member_names.key", order)}
"""


# Migration 5 as released: the user's row first, then the latest-named origin.
_USER_FIRST = "origin = 'user' DESC, origin DESC"
SCHEMA = {4: _migrate, 5: _merged(_USER_FIRST), 6: _merged(ordered("origin"))}
DESCRIBED = {
    "member_names": Described(
        "Every spelling a member was listed under in a believed (ok) reading, with the "
        "English and common names of its own annotation: the table to search by part of a "
        "name (three characters or more; shorter parts with a 'contains' filter). A renamed "
        "member is found by an English name annotated under its former name there, under "
        "that former name.",
        {
            "id": "Row id (what the full-text index points at).",
            "key": "The member key: the name normalised, a member's identity across snapshots.",
            "name": "The name as the page spelled it.",
            "common_name_en": "English common name, from the key's own annotation.",
            "name_en_mt": "Machine-translated English name, from the key's own annotation.",
            "common_name_zh": "Chinese common (short) name, from the key's own annotation.",
        },
        searched_by=(FTS_TABLE, "id"),
    ),
}

"""The `guesses` table: what each listed name states about its member (type, province, city),
as the inference rules of one version read it (`tracker.core.infer`).

Guessing is pure and repeatable, so this table holds nothing that is not derived: it spares
a read command reading thousands of names again (about a third of `tracker members` on
6,000 members). Rows are keyed by the rules' version; those of another version are never
read, and are replaced when the guesses are next stored (`tracker.app.annotations`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import starmap
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

from tracker.core.models import Listing
from tracker.store.table import Described, Table, chunks, marks

if TYPE_CHECKING:
    from tracker.core.infer import Guess

SCHEMA = {
    7: """
    CREATE TABLE guesses (
        text TEXT NOT NULL,
        rules TEXT NOT NULL,
        type TEXT,
        province TEXT,
        city TEXT,
        PRIMARY KEY (rules, text)
    ) WITHOUT ROWID;
    """
}
DESCRIBED = {
    "guesses": Described(
        "What each name a member was listed under states about it, guessed by the "
        "tracker's rules (a stored reading of the names, never a fact someone gave): "
        "members shows these values marked as inferred.",
        {
            "text": "The name (or key) the guess was read from.",
            "rules": "The version of the inference rules that read it.",
            "type": "Industry, Academia or Government, from the form ending the name.",
            "province": "The province a place in the name lies in, in pinyin.",
            "city": "The city the name states, in pinyin.",
        },
    )
}


# A listing's columns, in `Listing`'s field order (a row's first values are its arguments).
_LISTING_COLUMNS = ", ".join(f"l.{field}" for field in Listing.__struct_fields__)
_LISTING = itemgetter(*range(len(Listing.__struct_fields__)))
# The listing columns a guess may be found by: only these are written into the SQL.
_GUESSED = {"name": "l.name", "key": "l.key"}


class Guesses(Table):
    def guesses(self, rules: str, texts: Collection[str]) -> dict[str, Guess]:
        """The stored guess for each of `texts` that has one under `rules`."""
        found: dict[str, Guess] = {}
        for chunk in chunks(list(texts)):
            rows = self.conn.execute(
                "SELECT text, type, province, city FROM guesses "
                f"WHERE rules = ? AND text IN ({marks(len(chunk))})",
                [rules, *chunk],
            )
            found.update((text, (kind, province, city)) for text, kind, province, city in rows)
        return found

    def guessed_listings(
        self, snapshot_id: int, rules: str, *, of: Literal["name", "key"] = "name"
    ) -> tuple[list[Listing], dict[str, Guess]]:
        """A snapshot's listings in page order, and the stored guess under `rules` of the
        name (or key) of each that has one: each guess found by its primary key as its
        listing is read, in one pass (looking 6,000 names up after reading them cost twice
        that)."""
        rows = self.conn.execute(
            f"SELECT {_LISTING_COLUMNS}, g.text IS NOT NULL, g.type, g.province, g.city "
            f"FROM listings l LEFT JOIN guesses g ON g.rules = ? AND g.text = {_GUESSED[of]} "
            "WHERE l.snapshot_id = ? ORDER BY l.rowid",
            [rules, snapshot_id],
        ).fetchall()
        listings = list(starmap(Listing, map(_LISTING, rows)))
        # By position, as selected: the text guessed, whether a guess was found, the guess.
        text, found = Listing.__struct_fields__.index(of), len(Listing.__struct_fields__)
        return listings, {row[text]: row[found + 1 :] for row in rows if row[found]}

    def guessed_under(self, rules: str) -> bool:
        """Whether guesses are stored under `rules` and under no other version."""
        row = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM guesses WHERE rules = ?), "
            "EXISTS (SELECT 1 FROM guesses WHERE rules != ?)",
            [rules, rules],
        ).fetchone()
        return bool(row[0]) and not row[1]

    def unguessed(self, rules: str) -> list[str]:
        """Every name and key an ok snapshot lists (`member_names`) with no guess under
        `rules`: what storing the guesses has left to read."""
        rows = self.conn.execute(
            "SELECT text FROM (SELECT name AS text FROM member_names "
            "UNION SELECT key FROM member_names) "
            "WHERE text NOT IN (SELECT text FROM guesses WHERE rules = ?) ORDER BY text",
            [rules],
        )
        return [text for (text,) in rows]

    def put_guesses(self, rules: str, found: Mapping[str, Guess]) -> None:
        """Store guesses made under `rules`, dropping any made under another version. Call
        inside the caller's transaction."""
        self.conn.execute("DELETE FROM guesses WHERE rules != ?", [rules])
        self.conn.executemany(
            "INSERT OR REPLACE INTO guesses (text, rules, type, province, city) "
            "VALUES (?, ?, ?, ?, ?)",
            [(text, rules, *guess) for text, guess in found.items()],
        )

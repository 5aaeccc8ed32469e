"""Which annotation describes each member: the one decision every output shares.

A key's own annotations win, merged per field across origins: the user's (`tracker annotate
import`) over CSET's over any other list's; a key without one takes the annotation of its
nearest former name, following the renames in the change log
(`tracker.core.annotations.carried`), marked with that name. A type, province or city that
none of them gives is guessed from the member's name (`tracker.core.infer`; read from the
guesses stored after every capture, `store_guesses`), and each value says its origin
(`Annotation.source_of`). `members`, `stats`, `history`, `diff`, watcher digests and the
site all ask here, so a member never reads one way in one output and
another way in the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from msgspec.structs import replace

from tracker.core.annotations import Annotation, carried, filled, former_keys
from tracker.core.infer import RULES, Guess, guess, guessed_note
from tracker.core.models import Listing
from tracker.store import Store

if TYPE_CHECKING:
    # Only a diff passes renames, and it has imported them: `stats` and `history` need not.
    from tracker.core.diff import Rename

# The fields a name can state (`tracker.core.infer`): guessed only when one is missing.
_INFERRED_FIELDS = ("type", "province", "city")


def annotations_of(
    store: Store,
    source_id: str,
    keys: Iterable[str],
    renamed: Sequence[Rename] = (),
    names: Mapping[str, str] | None = None,
    guessed: Mapping[str, Guess] | None = None,
) -> dict[str, Annotation]:
    """The annotation of each of `keys` that has one: its own or carried through renames,
    with what its name states filling the type, province and city nobody gave.

    `renamed`: renames the change log may not hold, such as those of the diff being
    reported (between any two snapshots) or of the digest being sent. `names`: the name each
    key is listed under; a key without one is guessed from itself (the name normalised: the
    same words, in one case and bracket width). `guessed`: stored guesses of the names the
    caller read with them (`Store.guessed_listings`); any other is looked up.
    """
    keys = set(keys)
    found = _carried(store, source_id, keys, renamed)
    listed = names or {}
    # Most keys have no annotation: their guess alone is their note.
    named = {
        key: listed.get(key, key)
        for key in keys
        if (note := found.get(key)) is None or _lacks_guessed(note)
    }
    guesses = _guesses(store, set(named.values()), guessed or {})
    alone: dict[Guess, Annotation | None] = {}
    for key, name in named.items():
        note = found.get(key)
        if note is None:
            shared = _guessed_alone(guesses[name], alone)
            if shared is not None:
                found[key] = replace(shared, key=key, name=name)
        # What the name states fills the fields the key's note lacks (none: it stays).
        elif (guess_note := guessed_note(key, name, guesses[name])) is not None:
            found[key] = filled(note, guess_note)
    return found


def _guessed_alone(found: Guess, made: dict[Guess, Annotation | None]) -> Annotation | None:
    """The note of a key with no other whose name states `found`, but for its key and name:
    made once per guess into `made`, as thousands of names share a few types and places
    (each of 5,800 made and merged alone cost `members` 4 M instructions more)."""
    if found not in made:
        note = guessed_note("", "", found)
        made[found] = None if note is None else filled(None, note)
    return made[found]


def listings_with_guesses(
    store: Store, snapshot_id: int, *, of: Literal["name", "key"] = "name"
) -> tuple[list[Listing], dict[str, Guess]]:
    """A snapshot's listings, and the guesses stored under the current rules of the names
    (or keys) they list, read together: what `annotations_of` takes as `guessed`."""
    return store.guessed_listings(snapshot_id, RULES, of=of)


def _carried(
    store: Store, source_id: str, keys: set[str], renamed: Sequence[Rename]
) -> dict[str, Annotation]:
    """Each of `keys` with an annotation of its own or of a former name (`carried`): only
    the renamed keys' former names are followed, and only keys annotated or renamed are
    merged, a few hundred of a listing's 6,000."""
    edges = [*store.rename_edges(source_id), *((r.old_key, r.new_key) for r in renamed)]
    formers = former_keys(edges, keys & {new for _, new in edges})
    own = store.annotations_for(keys.union(*formers.values()))
    return carried(formers | {key: [] for key in own.keys() & keys if key not in formers}, own)


def _lacks_guessed(note: Annotation) -> bool:
    return any(getattr(note, f) is None for f in _INFERRED_FIELDS)


def _guesses(store: Store, texts: set[str], known: Mapping[str, Guess]) -> Mapping[str, Guess]:
    """The guess of each of `texts` (and maybe of others): `known`, else stored under the
    current rules, else read now (a quarantined snapshot's names, or a store the current
    rules have not read yet)."""
    missing = texts - known.keys()
    if not missing:
        return known
    found = store.guesses(RULES, missing)
    return {**known, **found, **{text: guess(text) for text in missing - found.keys()}}


def store_listed_guesses(store: Store, listings: Iterable[Listing]) -> None:
    """Store the guesses of the names and keys `listings` hold that have none under the
    current rules, where the store holds every other one's: so it stays whole, and a
    settle that finds it whole (`store_guesses`) reads no names. Otherwise the next
    `store_guesses` reads them all. Call inside the transaction storing the listings."""
    if not store.guessed_under(RULES):
        return
    texts = {text for listing in listings for text in (listing.name, listing.key)}
    missing = texts - store.guesses(RULES, texts).keys()
    if missing:
        store.put_guesses(RULES, {text: guess(text) for text in missing})


def store_guesses(store: Store, *, arrived: bool = True) -> int:
    """Guess, under the current rules, every name and key ok snapshots list that has no
    guess under them yet, and store them (dropping guesses of older rules); how many.
    Part of settling every write (`tracker.app.settle`): call inside its transaction.

    Unless a snapshot `arrived` (joined or left the ok ones), only where the store holds
    no guess under the current rules or some under others (it was just upgraded, or the
    rules changed): an unchanged tick asks one indexed question, not for every name."""
    if not arrived and store.guessed_under(RULES):
        return 0
    texts = store.unguessed(RULES)
    if texts:
        store.put_guesses(RULES, {text: guess(text) for text in texts})
    return len(texts)

"""Which annotation describes each member: the one decision every output shares.

A key's own annotation wins; a key without one takes the annotation of its nearest former
name, following the renames in the change log (`tracker.core.annotations.carried`), marked
with that name. `members`, `stats`, `history`, `diff` and watcher digests all ask here, so
a renamed member never reads as annotated in one output and `unannotated` in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tracker.core.annotations import Annotation, carried, former_keys
from tracker.core.diff import Rename
from tracker.store import Store


def annotations_of(
    store: Store,
    source_id: str,
    keys: Iterable[str],
    renamed: Sequence[Rename] = (),
) -> dict[str, Annotation]:
    """The annotation of each of `keys` that has one, its own or carried through renames.

    `renamed`: renames the change log may not hold, such as those of the diff being
    reported (between any two snapshots) or of the digest being sent.
    """
    edges = [*store.rename_edges(source_id), *((r.old_key, r.new_key) for r in renamed)]
    formers = former_keys(edges, set(keys))
    wanted = set(formers) | {old for olds in formers.values() for old in olds}
    return carried(formers, store.annotations_for(wanted))

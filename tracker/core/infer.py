"""What an organisation's name alone says about it: its type, province and city, guessed.

For members nobody annotated (issue 16). Every value returned here is a guess and is marked
so wherever it is shown (origin `inferred`); a person's or CSET's value for the same field
always wins (`tracker.core.fields`). Pure: no I/O beyond the package's gazetteer.
"""

from __future__ import annotations

from tracker.core.annotations import Annotation


def infer(key: str, name: str) -> Annotation | None:
    """The type, province and city `name` states (CSET's vocabulary: type Industry,
    Academia or Government; province and city in pinyin, "Guangdong", "Shenzhen"); None
    when it states none of them."""
    return None

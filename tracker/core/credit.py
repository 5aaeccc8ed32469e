"""Whom every output that shows CSET's annotations must credit, and under what licence.

CSET's annotations are CC BY-NC 4.0, which requires attribution wherever they are shown:
reports in every format, tables, charts. One wording, here, so every output says the same.
Nothing heavy imported: renderers, charts and the CLI read it without loading anything else.
"""

from collections.abc import Iterable

CSET_CREDIT = (
    "Annotations: CSET, “China's Artificial Intelligence Industry Alliance” "
    "(Ngor Luong and Zachary Arnold, 2021), CC BY-NC 4.0, https://github.com/georgetown-cset/aiia"
)
CSET_ORIGIN = "cset-2020"
# The same, as the fields of a catalogue entry (Datasette's metadata).
CSET_LICENCE = "CC BY-NC 4.0"
CSET_LICENCE_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
CSET_SOURCE = "CSET, “China's Artificial Intelligence Industry Alliance” (2021)"
CSET_SOURCE_URL = "https://github.com/georgetown-cset/aiia"


def credit_for(origins: Iterable[str]) -> str | None:
    """CSET's credit line when any annotation shown is CSET's (by its origin), else None."""
    return CSET_CREDIT if any(origin == CSET_ORIGIN for origin in origins) else None

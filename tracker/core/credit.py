"""Whom every output that shows CSET's annotations must credit, and under what licence.

CSET's annotations are CC BY-NC 4.0, which requires attribution wherever they are shown:
reports in every format, tables, charts. One wording, here, so every output says the same.
No imports: renderers and charts read it without loading anything else.
"""

CSET_CREDIT = (
    "Annotations: CSET, “China's Artificial Intelligence Industry Alliance” "
    "(Ngor Luong and Zachary Arnold, 2021), CC BY-NC 4.0, https://github.com/georgetown-cset/aiia"
)
CSET_ORIGIN = "cset-2020"

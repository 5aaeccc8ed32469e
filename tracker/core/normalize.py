"""Names into keys: the identity of a member, immune to spelling noise.

Two spellings that differ only in character width, bracket style, spacing, invisible
characters or Latin case must give the same key, or a diff reports a false join and
departure. Display names keep the page's spelling, only trimmed.
"""

from __future__ import annotations

import re
import unicodedata

# After NFKC, full-width ASCII is already half-width; these CJK forms are not folded by it.
_PUNCT = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "〖": "(",
        "〗": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "｛": "(",
        "｝": ")",
        "{": "(",
        "}": ")",
        "〈": "<",
        "〉": ">",
        "《": "<",
        "》": ">",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "、": ",",
        "，": ",",
        "。": ".",
        "．": ".",
        "：": ":",
        "；": ";",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "－": "-",
        "・": "·",
        "•": "·",
        "‧": "·",
    }
)

# Whitespace of every kind (\s covers nbsp and the ideographic space), control characters
# (Cc: an ESC from `&#27;` would otherwise reach a terminal) and the invisible format
# characters (Cf: zero-width space and joiners, BOM, soft hyphen, bidi marks). Listed as
# ranges because scanning all of Unicode at import is slow.
_INVISIBLE = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000e0001\U000e0020-\U000e007f]+"
)
_EDGES = re.compile(
    "^[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]+|[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]+$"
)
_INNER_SPACE = re.compile("[\\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]*[\\t\\r\\n][\\s]*")


# str.translate walks every character through a dict lookup, which is slow on long CJK
# names; searching for the few characters it would change first is several times faster.
_HAS_PUNCT = re.compile("[" + re.escape("".join(chr(c) for c in _PUNCT)) + "]")


def normalize_key(name: str) -> str:
    """The identity of an organisation name: equal keys mean the same listed name."""
    # The quick check skips the (slow) full NFKC pass for names already in that form.
    if not unicodedata.is_normalized("NFKC", name):
        name = unicodedata.normalize("NFKC", name)
    if _HAS_PUNCT.search(name):
        name = name.translate(_PUNCT)
    return _INVISIBLE.sub("", name).casefold()


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]+")


def clean_display(name: str) -> str:
    """The name as the page spells it, without padding, line breaks or control characters."""
    if name.isprintable() and name[:1] != " " and name[-1:] != " ":
        # Nothing to clean (the usual case): every character handled below is unprintable
        # by Python's definition, but the ASCII space.
        return name
    return _INNER_SPACE.sub(" ", _EDGES.sub("", _CONTROL.sub("", name)))

"""Names into keys: the identity of a member, immune to spelling noise.

Two spellings that differ only in character width, bracket style, spacing, invisible
characters or Latin case must give the same key, or a diff reports a false join and
departure. Display names keep the page's spelling, only trimmed and without invisible
characters.
"""

from __future__ import annotations

import functools
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

# The invisible format characters (Unicode category Cf): bidi controls that make a name read
# reversed on screen, zero-width spaces and joiners, soft hyphen, BOM, tags. Listed as
# ranges because scanning all of Unicode at import is slow.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# What no text format may carry: lone surrogates (unencodable) and the noncharacters
# (invalid in XML and HTML): U+FDD0–U+FDEF, U+FFFE, U+FFFF, and their twins at the end of
# every other plane, kept apart: their 32 ranges in the classes below made keys of 120,000
# names 2.4 times slower (1.07 s to 2.59 s), and they are almost never there.
_NONCHARACTERS = "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTER = re.compile(
    "["
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
    )
    + "]"
)
# One range is quick to search, and every astral noncharacter lies in it.
_ABOVE_THE_FIRST = re.compile("[\U0001fffe-\U0010ffff]")


def _without_astral_noncharacters(text: str, instead: str = "") -> str:
    if _ABOVE_THE_FIRST.search(text) is None:
        return text
    return _ASTRAL_NONCHARACTER.sub(instead, text)


# Whitespace of every kind (\s covers nbsp and the ideographic space), control characters
# (Cc: an ESC from `&#27;` would otherwise reach a terminal), the format characters and
# the noncharacters.
_INVISIBLE = re.compile(f"[\\s\x00-\x1f\x7f-\x9f{_FORMAT}{_NONCHARACTERS}]+")


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
    return _without_astral_noncharacters(_INVISIBLE.sub("", name)).casefold()


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled on first use: the display and markup classes cost 9 M instructions
    to compile (re's compiler walks every code point of their ranges), which commands that
    only make keys (`members`, `history`, `diff` as text) need not spend."""
    return re.compile(pattern)


# A joiner between two emoji draws one glyph ("👨\u200d💻"); anywhere else it is invisible.
_EMOJI = "\u2190-\u2bff\U0001f000-\U0001faff"
_JOINS_EMOJI = f"(?<=[{_EMOJI}\ufe0f\U0001f3fb-\U0001f3ff])\u200d(?=[{_EMOJI}])"
# What a display name never keeps: controls (but the tabs and line breaks turned into
# spaces below), the format characters but a joiner inside emoji, and the noncharacters.
_DROPPED = f"{_JOINS_EMOJI}|([\x00-\x08\x0e-\x1f\x7f-\x9f{_FORMAT}{_NONCHARACTERS}]+)"
_LINE_BREAK = re.compile("\\s*[\t\n\v\f\r\u2028\u2029]\\s*")


def clean_display(name: str) -> str:
    """The name as the page spells it, without padding, line breaks or invisible characters.

    A bidi control (U+202E) would show the rest of a name reversed in every report and
    message; controls and noncharacters make XML and HTML invalid. Keys never hold any.
    """
    if name.isprintable() and name[:1] != " " and name[-1:] != " ":
        # Nothing to clean (the usual case): every character handled below is unprintable
        # by Python's definition, but the ASCII space.
        return name
    name = _without_astral_noncharacters(_compiled(_DROPPED).sub(_drop, name))
    return _LINE_BREAK.sub(" ", name.strip())


def _drop(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1) is None else ""


# What XML 1.0 or HTML5 forbids in a document: controls but tab, line feed and carriage
# return (HTML allows form feed, XML does not), surrogates and noncharacters.
_NOT_MARKUP = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]"


def markup_text(text: str) -> str:
    """Text any XML or HTML document may hold: each forbidden character becomes U+FFFD.

    Names are clean already (`clean_display`); error texts from servers, titles and rows
    stored by older versions may not be, and one such character makes a whole feed unreadable.
    """
    return _without_astral_noncharacters(_compiled(_NOT_MARKUP).sub("\ufffd", text), "\ufffd")

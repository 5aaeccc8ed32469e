"""Plain names: lines every per-line rule would read as one name, unchanged, told by one regex.

Most lines of a long member list are a Chinese organisation's name and nothing else
(``星河智能科技（北京）有限公司``). Running every wording rule on each of them is most of a
parse. A line made only of the characters below is one the rules provably leave alone, so
`sections.py` and `collect.py` take it in bulk and keep the per-line rules for the rest.

Why each rule leaves such a line alone (the characters are CJK ideographs U+4E00–U+9FFF and
full- or half-width round brackets, never first or last):

- it holds no character that marks a heading or furniture (``位员員版安``, colons, ``>``,
  Latin letters), nor one the name checks look further at (``于家从拥资占提的排序先画拼字``),
  nor a count's ``共计``: no heading, furniture, count, template, description or order note;
- no separator, space or full stop: one piece, no person before it, no sentence;
- it begins with an ideograph that is not a Chinese numeral (no numbering, bullet or
  group counter) and ends with one that is not ``日`` (no status note, date or bracket
  note); no ideograph is a digit (checked exhaustively in the tests);
- it is 2–80 characters long; a short one (≤ 10) is checked against the captions and
  closing words (``友情链接``, ``首页``), which are made of the same characters;
- clean_display keeps it as it is (printable, unpadded) and normalize_key only turns the
  full-width brackets half-width: its key is a translation (both checked character by
  character over the whole class in the tests).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.core.parse.text import CLOSERS, UI_WORDS

# What no plain line holds: heading and furniture hints, and the characters that send a
# name to further checks. (A count, "共189家", needs digits: no plain line is one.)
_EXCLUDED = "位员員版安于家从拥资占提的排序先画拼字"
_NUMERALS = "一二三四五六七八九十"


def _ideographs_but(excluded: str) -> str:
    """A character class body: the ideographs U+4E00–U+9FFF but the excluded ones."""
    out, start = [], 0x4E00
    for code in sorted(map(ord, excluded)):
        if start < code:
            out.append(f"{chr(start)}-{chr(code - 1)}")
        start = code + 1
    return "".join(out) + f"{chr(start)}-\u9fff"


_FIRST = f"[{_ideographs_but(_EXCLUDED + _NUMERALS)}]"
_INNER = f"[{_ideographs_but(_EXCLUDED)}（）()]"
_LAST = f"[{_ideographs_but(_EXCLUDED + '日')}]"
_PLAIN = re.compile(f"{_FIRST}{_INNER}{{0,78}}{_LAST}")
# Longer lines cannot be a caption or a closing word.
_MAX_CAPTION = 10
_CAPTIONS = UI_WORDS | CLOSERS


def is_plain(text: str) -> bool:
    """Whether the per-line rules read this line as exactly one name, itself."""
    if _PLAIN.fullmatch(text) is None:
        return False
    return len(text) > _MAX_CAPTION or _bare(text) not in _CAPTIONS


# Whole plain lines, each ended by its "\n" (see PlainRun.joined): long ones (11 to 80
# characters), and short ones without a bracket. A short line is is_plain's unless it is a
# caption, and no caption holds a bracket, so a caption among the lines taken is one as
# written (one set look-up finds it); a short line with a bracket, rare, stops the match
# and is asked alone. The lines are taken possessively: a line either is plain or not, and
# a greedy repetition would keep the place of every line it took to give them back
# one by one. Within a whole line too: its characters after the first are taken to its end
# (_LAST's are all _INNER's), and the last is looked at behind, not given back to _LAST (a
# seventh less per line).
_LONG_LINE = f"{_FIRST}{_INNER}{{{_MAX_CAPTION},79}}+(?<={_LAST})\n"
_SHORT_LINE = f"{_FIRST}[{_ideographs_but(_EXCLUDED)}]{{1,{_MAX_CAPTION - 1}}}+(?<={_LAST})\n"
_PLAIN_LINES = re.compile(f"(?:{_LONG_LINE}|{_SHORT_LINE})*+")


class PlainRun:
    """The lines of one simple list joined once, so that its plain lines can be told in
    bulk from any line on (the first may be a name the tier's shape starts with)."""

    __slots__ = ("texts", "joined", "line", "offset")

    def __init__(self, texts: Sequence[str], joined: str) -> None:
        self.texts = texts
        # "\n".join(texts), as the walk kept it (see items.Run), with the last line ended
        # as the others are, so that a match takes whole lines only.
        self.joined = joined + "\n"
        # A line asked for last and where it begins in `joined`: the reader asks from
        # lines further on each time, and most often only once, from the second line (a
        # running sum of every line's length cost half as much as the match).
        self.line = self.offset = 0

    def _start(self, index: int) -> int:
        """Where line ``index`` begins in `joined`."""
        if index < self.line:
            self.line = self.offset = 0
        self.offset += sum(map(len, self.texts[self.line : index])) + index - self.line
        self.line = index
        return self.offset

    def plain_from(self, index: int) -> int:
        """How many lines from ``index`` on is_plain holds for, one after the other.

        One regex match and a count, in C, from each line that stops it: the match takes
        whole plain lines (see _PLAIN_LINES) and stops at the first line that is not one,
        or is a short one with a bracket: is_plain is asked of that one alone, and if it
        holds, the match goes on after it. A caption among the short lines taken is then
        found by one set look-up."""
        joined, texts, start = self.joined, self.texts, self._start(index)
        count = 0
        while True:
            end = _PLAIN_LINES.match(joined, start).end()  # type: ignore[union-attr]
            count += joined.count("\n", start, end)
            at = index + count
            if at == len(texts) or not is_plain(texts[at]):
                break
            # A short plain line with a bracket: taken, and the match goes on after it.
            count += 1
            start = end + len(texts[at]) + 1
        lines = texts[index : index + count]
        if not _CAPTIONS.isdisjoint(lines):
            count = next(i for i, text in enumerate(lines) if text in _CAPTIONS)
        return count


def _bare(text: str) -> str:
    """NON_WORD.sub("", text) for a plain line: its brackets are all it has that is no word
    character (a third of the regex's cost)."""
    return text.replace("（", "").replace("）", "").replace("(", "").replace(")", "")


def plain_key(name: str) -> str:
    """normalize_key for a plain name (str.translate is several times slower)."""
    return name.replace("（", "(").replace("）", ")")


def plain_keys(names: list[str]) -> list[str]:
    """plain_key of each plain name, in three C calls (no plain name holds a "\n")."""
    if not names:
        return []
    joined = "\n".join(names)
    return joined.replace("（", "(").replace("）", ")").split("\n")

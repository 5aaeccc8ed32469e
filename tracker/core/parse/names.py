"""A name as a tier reads it: its text, where it came from, and flags its line gives it."""

from __future__ import annotations

from operator import itemgetter
from typing import Final

from selectolax.lexbor import LexborNode

# Name flags.
BOLD = 1  # its line was all in bold or heading markup
PAIRED = 2  # the person of an (organisation, person) pair on one line
LINE_START = 4  # the first name read from its line
LOGO_NAME = 8  # read from an image
LATIN = 16  # written in Latin letters only
AFTER_PERSON = 32  # an organisation after a person on its line ("李文　星河科技有限公司")
AFTER_PLACE = 64  # a member after a place on its line ("武汉　星河科技有限公司")
# A tier's flag only (see Section.flags): some name of it holds a space (" ", U+3000, nbsp),
# so it may put a person before each member (see firsts.without_people_first).
SPACED = 128

# A name read: its text, whether read from an image, its line's shape, its node and flags.
# A plain tuple, read by the indexes below: a long list makes one per member, and a
# NamedTuple (a tuple subclass) costs about three times as much to build and free.
Name = tuple[str, bool, int, LexborNode | None, int]
N_TEXT: Final = 0
N_LOGO: Final = 1
N_SHAPE: Final = 2
N_NODE: Final = 3
N_FLAGS: Final = 4

# A name's text, in C (a long tier's names are mapped to their texts more than once).
TEXT = itemgetter(0)

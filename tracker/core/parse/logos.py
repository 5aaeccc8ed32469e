"""Members shown as logos: an image names one organisation by its alt or title.

An ``<img>`` names one member by its ``alt``, else its ``title``, else the ``title`` of the
link around it, but only when the line it sits on (or, on a row of links, its own link) has
no text of its own: beside text an image is decoration or that text's own logo. Logos are
read only in a tier that has no text names at all: in a tier that has some, a logo captioned
in other words ("星河智能" over "星河智能科技有限公司") would list one organisation twice. An
image never yields a name when it is marked decorative (``alt=""``, ``aria-hidden``,
``role="presentation"``), sits in chrome, or when the candidate is decoration (only words
such as ``logo``, ``图片``, ``banner``, ``new``, ``更多`` with digits and punctuation), a file
name or path, a lower-case slug (``xinghe-logo``), shorter than four letters, a tier heading
or a count, or anything the line rule drops; a trailing ``logo`` or ``标志`` is cut off.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from tracker.core.parse.text import (
    ASCII_SPACE,
    COUNT_LINE,
    NON_WORD,
    clean_name,
    furniture,
    heading,
)

# An alt made only of these words, digits and punctuation names no one ("logo", "图片2",
# "banner-01", "更多>>"); Python's \W leaves CJK letters out, so real names never match.
_DECORATIVE = re.compile(
    r"(?:[\W_\d]*(?:logo|banner|icon|img|image|pic|picture|photo|thumb|new|hot|top|more|ad"
    r"|图片|图标|图|标志|徽标|广告|横幅|轮播图?|更多|二维码|qrcode|加载中|loading|default"
    r"|placeholder))+[\W_\d]*",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"[/\\]|\.(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?)$", re.IGNORECASE)
# "xinghe", "xinghe-logo", "img_03": a slug or a file stem, never how a page spells a member.
_SLUG = re.compile(r"[a-z0-9_.\- ]+")
# "星河智能科技有限公司logo": the name with a word saying it is a picture of it.
_LOGO_SUFFIX = re.compile(r"[\s_\-:：]*(?:logo|标志|徽标|图标)$", re.IGNORECASE)
# Shorter alts are badges ("新", "hot", "TOP"), or names too clipped to trust.
_MIN_LOGO_NAME = 4


def image_name(image: LexborNode, link: LexborNode | None) -> str | None:
    """The organisation an image shows: its alt, else its title, else the title of
    ``link``, the link around it (passed in: looking up for it is slow in deep markup).

    ``alt=""``, ``aria-hidden`` and ``role="presentation"`` are HTML's own marks of a
    decorative image, so they end the search rather than fall through to a title.
    """
    attrs = image.attributes
    if attrs.get("aria-hidden") == "true" or attrs.get("role") in ("presentation", "none"):
        return None
    alt = attrs.get("alt")
    if "alt" in attrs and not (alt or "").strip():
        return None
    candidates = (alt, attrs.get("title"), None if link is None else link.attributes.get("title"))
    return next((name for text in candidates if text and (name := _logo_name(text))), None)


def image_heading(image: LexborNode) -> str | None:
    """A tier heading drawn as an image: ``<img src="t2.png" alt="理事单位">``."""
    attrs = image.attributes
    for text in (attrs.get("alt"), attrs.get("title")):
        label = ASCII_SPACE.sub(" ", text or "").strip()
        if label and heading(label, evidence=True) is not None:
            return label
    return None


def _logo_name(text: str) -> str | None:
    """An alt or title as a member name, or None when it is decoration, a file or a heading."""
    name = _LOGO_SUFFIX.sub("", ASCII_SPACE.sub(" ", text).strip())
    if len(NON_WORD.sub("", name)) < _MIN_LOGO_NAME:
        return None
    if _DECORATIVE.fullmatch(name) or _FILE_NAME.search(name) or _SLUG.fullmatch(name):
        return None
    # A heading drawn as an image ("理事单位") or a stated size is not a member either.
    if heading(name) is not None or COUNT_LINE.fullmatch(name) or furniture(name):
        return None
    cleaned, problem = clean_name(name)
    return None if problem else cleaned

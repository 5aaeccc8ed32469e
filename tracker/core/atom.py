"""Atom documents (RFC 4287): the one place feeds are built, for watchers and the site.

Pure: elements in, bytes out. Every text goes through `markup_text`, since ElementTree
writes any character and one that XML forbids makes the whole feed unreadable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from tracker.core.normalize import markup_text

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def text_element(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = markup_text(text)
    return element


def entry(
    entry_id: str, title: str, updated: str, content: str, *, link: str | None = None
) -> ET.Element:
    """One entry; `content` is plain text."""
    element = ET.Element(f"{{{ATOM}}}entry")
    text_element(element, "id", entry_id)
    text_element(element, "title", title)
    text_element(element, "updated", updated)
    if link is not None:
        ET.SubElement(element, f"{{{ATOM}}}link", href=link)
    text_element(element, "content", content).set("type", "text")
    return element


def entry_id(element: ET.Element) -> str | None:
    return element.findtext(f"{{{ATOM}}}id")


def feed(
    feed_id: str, title: str, updated: str, entries: Iterable[ET.Element], *, author: str
) -> bytes:
    """The feed document, UTF-8 with its XML declaration."""
    root = ET.Element(f"{{{ATOM}}}feed")
    text_element(root, "id", feed_id)
    text_element(root, "title", title)
    text_element(root, "updated", updated)
    text_element(ET.SubElement(root, f"{{{ATOM}}}author"), "name", author)
    root.extend(entries)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

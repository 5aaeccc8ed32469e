"""Member lists shipped as data inside the page: Next.js, React Server Components, Nuxt."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from tracker.core.models import ParseResult
from tracker.core.parse.collect import Collector
from tracker.core.parse.text import ASCII_SPACE, Heading, clean_name, heading

_NAME_KEYS = frozenset(
    "name title companyname unitname orgname organization organizationname membername "
    "company org 名称 单位名称 企业名称 会员名称".split()
)
_TIER_KEYS = frozenset(
    "tier level type grade category membertype memberlevel levelname typename tiername "
    "label group 级别 类别 类型 等级 会员类型".split()
)
_NEXT_F = re.compile(r'self\.__next_f\.push\(\[\s*1\s*,\s*("(?:[^"\\]|\\.)*")\s*\]\)')
_NEXT_F_ROW = re.compile(r"[0-9a-zA-Z]+:[A-Z]{0,2}")
_NUXT = re.compile(r"__NUXT__\s*=\s*")
_MAX_DEPTH = 64
# Page data nests a few dozen levels (a React Server Components row nests about three per
# element); data nested deeper is refused before decoding: json's recursion is bounded by
# Python's, and the data cannot be read to say whether it held the members.
MAX_DATA_DEPTH = 500
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
# An escaped surrogate pair is a character; a lone one names none and cannot be stored.
_SURROGATE_ESCAPE = re.compile(
    r"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)


def by_json(tree: LexborHTMLParser) -> tuple[ParseResult, list[str]]:
    """The embedded data blob that yields the most listings (blobs often repeat each other),
    and the data that could not be read (nested too deep), which may have held members."""
    best = Collector()
    unread: list[str] = []
    for document in _json_documents(tree, unread):
        out = Collector()
        _collect_json(document, out, seen=set())
        if len(out.names) > len(best.names):
            best = out
    result = best.result("json")
    broken = [item.name for item in result.listings if "\ufffd" in item.name]
    if broken:
        result.problems.append(
            f"names in the page's data hold broken characters (lone surrogates, shown as "
            f"U+FFFD): {len(broken)}, such as {broken[0]!r}"
        )
    return result, unread


def _json_documents(tree: LexborHTMLParser, unread: list[str]) -> Iterator[list[Any]]:
    """Each data blob's decoded JSON values; scripts that are not JSON are passed over.

    The React Server Components stream is one blob spread over many scripts, its rows cut
    at arbitrary points, so its pushes are joined before reading.
    """
    stream: list[str] = []
    # By tag name: lexbor's own lookup, twice as fast as a CSS query.
    for script in tree.tags("script"):
        text = script.text()
        if script.id == "__NEXT_DATA__" or script.attributes.get("type") == "application/json":
            yield _loads_all([text], f"#{script.id}" if script.id else "JSON data", unread)
        elif "self.__next_f.push" in text:
            stream.append(text)
        elif (nuxt := _NUXT.search(text)) is not None:
            yield _nuxt_payload(text, nuxt.end(), unread)
    if stream:
        yield _loads_all(_next_f_rows("".join(stream)), "self.__next_f", unread)


def _loads_all(texts: Iterable[str], where: str, unread: list[str]) -> list[Any]:
    values = []
    for text in texts:
        if (depth := data_depth(text)) > MAX_DATA_DEPTH:
            unread.append(_too_deep(where, depth))
            continue
        try:
            values.append(json.loads(_SURROGATE_ESCAPE.sub(_keep_pairs, text)))
        except (ValueError, RecursionError):
            continue
    return values


def data_depth(text: str) -> int:
    """How deep the brackets of JSON text nest, strings aside; linear, no recursion."""
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _too_deep(where: str, depth: int) -> str:
    return (
        f"the page's data ({where}) nests {depth:,} deep, past the limit of "
        f"{MAX_DATA_DEPTH:,}: not read, and it may hold members"
    )


def _keep_pairs(match: re.Match[str]) -> str:
    """A surrogate pair stays; a lone surrogate becomes U+FFFD, which can be stored."""
    return match.group(1) or "\\ufffd"


def _next_f_rows(text: str) -> list[str]:
    """The JSON parts of a React Server Components stream: rows of ``id:JSON``."""
    chunks = []
    for literal in _NEXT_F.findall(text):
        try:
            chunks.append(json.loads(_SURROGATE_ESCAPE.sub(_keep_pairs, literal)))
        except ValueError:
            continue
    rows = "".join(chunk for chunk in chunks if isinstance(chunk, str)).split("\n")
    return [row[match.end() :] for row in rows if (match := _NEXT_F_ROW.match(row))]


def _nuxt_payload(text: str, start: int, unread: list[str]) -> list[Any]:
    """``window.__NUXT__=`` followed by JSON; a JS expression (Nuxt 2 IIFE) is not decoded."""
    payload = text[start:]
    if (depth := data_depth(payload)) > MAX_DATA_DEPTH:
        unread.append(_too_deep("window.__NUXT__", depth))
        return []
    try:
        value, _ = json.JSONDecoder().raw_decode(_SURROGATE_ESCAPE.sub(_keep_pairs, payload))
    except (ValueError, RecursionError):
        return []
    return [value]


def _collect_json(value: Any, out: Collector, seen: set[tuple[Any, ...]], depth: int = 0) -> None:
    """Depth-first through the data; `seen` drops a group the blob repeats verbatim.

    Page data nests a few levels; below ``_MAX_DEPTH`` nothing is a member list.
    """
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        _collect_object(value, out, seen, depth)
    elif isinstance(value, list):
        tagged = [_tagged_member(item) for item in value]
        group = [entry for entry in tagged if entry is not None]
        if group:
            _add_group(group, out, seen)
        for item, entry in zip(value, tagged, strict=True):
            if entry is None:
                _collect_json(item, out, seen, depth + 1)


def _collect_object(
    value: dict[str, Any], out: Collector, seen: set[tuple[Any, ...]], depth: int
) -> None:
    own = _object_heading(value)
    for key, child in value.items():
        found = own or _json_heading(key)
        names = _untagged_names(child) if found is not None and isinstance(child, list) else []
        if found is not None and names:
            _add_group([(found, name) for name in names], out, seen)
        else:
            _collect_json(child, out, seen, depth + 1)


def _add_group(
    group: list[tuple[Heading, str]], out: Collector, seen: set[tuple[Any, ...]]
) -> None:
    signature = tuple(group)
    if signature in seen:
        return
    seen.add(signature)
    for found in dict.fromkeys(found for found, _ in group):
        if found.count is not None:
            out.declare(found, found.count)
    for found, name in group:
        out.add(found, name)


def _json_heading(value: Any) -> Heading | None:
    if not isinstance(value, str):
        return None
    return heading(ASCII_SPACE.sub(" ", value).strip(), evidence=True)


def _object_heading(value: dict[str, Any]) -> Heading | None:
    """{"name": "理事单位", "members": [...]}: an object that is itself a tier section."""
    for key, child in value.items():
        if key.casefold() in _NAME_KEYS | _TIER_KEYS:
            found = _json_heading(child)
            if found is not None:
                return found
    return None


def _tagged_member(item: Any) -> tuple[Heading, str] | None:
    """{"name": "星河智能", "level": "理事单位"}: a member that carries its tier."""
    if not isinstance(item, dict):
        return None
    name = _field(item, _NAME_KEYS)
    found = _json_heading(_field(item, _TIER_KEYS))
    if name is None or found is None:
        return None
    cleaned, problem = clean_name(name)
    return None if problem else (found, cleaned)


def _untagged_names(items: list[Any]) -> list[str]:
    names = (_field(item, _NAME_KEYS) if isinstance(item, dict) else item for item in items)
    cleaned = (clean_name(name) for name in names if isinstance(name, str))
    return [name for name, problem in cleaned if problem is None]


def _field(item: dict[str, Any], keys: frozenset[str]) -> str | None:
    for key, value in item.items():
        if key.casefold() in keys and isinstance(value, str):
            return value
    return None

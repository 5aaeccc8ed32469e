"""Names gathered in page order, numbered per tier, into a ParseResult."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter

from tracker.core.models import Listing, ParseResult
from tracker.core.normalize import clean_display, normalize_key
from tracker.core.parse.firsts import Unpeopled
from tracker.core.parse.plain import plain_key, plain_keys
from tracker.core.parse.runs import repeated_half
from tracker.core.parse.text import Heading


@dataclass
class Collector:
    """Entries in page order and the sizes the page declares, before numbering."""

    # The entries in columns: each one's heading, name, and whether it was read from an
    # image (a tuple per name would cost more than the names' own list).
    headings: list[Heading] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    logo_flags: list[bool] = field(default_factory=list)
    # Sizes declared on the pages read so far, and on the page being read.
    counts: dict[str, int] = field(default_factory=dict)
    page_counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Whether the last entry was read from an image (see `add`), and whether any was.
    last_logo: bool = False
    logos: bool = False
    # How many runs of text names each tier was given in (two may be two copies of one).
    parts: dict[str, int] = field(default_factory=dict)
    # Names the reader took as plain (see `plain.py`): their keys need no cleaning.
    plain: set[str] = field(default_factory=set)

    def declare(self, heading: Heading, count: int) -> None:
        # A tier heading that appears twice on a page declares two parts of one tier.
        self.page_counts[heading.section] = self.page_counts.get(heading.section, 0) + count

    def declare_once(self, heading: Heading, count: int) -> None:
        # "共189家" on its own line restates the heading's count more often than it adds one.
        self.page_counts.setdefault(heading.section, count)

    def new_page(self) -> None:
        """The next page of the list: its headings repeat the sizes, they do not add to them."""
        for section, count in self.page_counts.items():
            self.counts[section] = max(count, self.counts.get(section, 0))
        self.page_counts = {}

    def add(self, heading: Heading, name: str, *, logo: bool = False) -> None:
        """One more name; a logo next to the same name (caption or hover twin) adds nothing.

        Text beside text is left alone: a page that lists a name twice means it.
        """
        if (logo or self.last_logo) and self.names:
            if self.headings[-1] == heading and same_organisation(self.names[-1], name):
                if not logo:
                    # The caption is what readers see, and what a text page would have given.
                    self.names[-1], self.logo_flags[-1] = name, False
                    self.last_logo = False
                return
        self.headings.append(heading)
        self.names.append(name)
        self.logo_flags.append(logo)
        self.last_logo = logo
        self.logos |= logo

    def extend(self, heading: Heading, names: list[str]) -> None:
        """Text names in order: `add` without a logo to weigh each against."""
        if not names:
            return
        self.parts[heading.section] = self.parts.get(heading.section, 0) + 1
        if self.last_logo:
            self.add(heading, names[0])
            names = names[1:]
        self.headings += repeat(heading, len(names))
        self.names += names
        self.logo_flags += repeat(False, len(names))
        self.last_logo = False

    def without_people_first(self, found: Mapping[tuple[Heading, str], Unpeopled]) -> list[str]:
        """The people dropped from before members, on a page where a tier puts a person
        before each member: ``found`` holds, by tier and name, each person another tier
        could not tell alone ("钟屿　星河厨业", "李文 星河科技有限公司" in a tier of a line
        or two, see firsts.page_people) and what is left of its name (nothing for a person
        read apart, which was read as a member)."""
        people: list[str] = []
        keep: list[int] = []
        for index, entry in enumerate(zip(self.headings, self.names, strict=True)):
            change = None if self.logo_flags[index] else found.get(entry)
            if change is not None:
                people.append(change[0])
                if change[1] is None:
                    continue
                self.names[index] = change[1]
            keep.append(index)
        if len(keep) < len(self.names):
            self.headings = [self.headings[index] for index in keep]
            self.names = [self.names[index] for index in keep]
            self.logo_flags = [self.logo_flags[index] for index in keep]
        return people

    def result(self, method: str) -> ParseResult:
        self.new_page()
        # A tier with any text names reads its names from the text alone: its images are
        # decoration or logos captioned in words that may differ ("星河智能" beside
        # "星河智能科技有限公司"), and reading both would list one organisation twice.
        copies = self._copies()
        headings, raws = self.headings, self.names
        if copies or self.logos:
            entries = list(zip(headings, raws, self.logo_flags, strict=True))
            worded = {heading.section for heading, _, logo in entries if not logo}
            entries = [
                entry
                for index, entry in enumerate(entries)
                if not ((entry[2] and entry[0].section in worded) or index in copies)
            ]
            headings = list(map(itemgetter(0), entries))
            raws = list(map(itemgetter(1), entries))
        # Most lists are plain names only: their keys in one step.
        if self.plain.issuperset(raws):
            listings = _listings(headings, raws, plain_keys(raws))
        else:
            listings = _listings(*_cleaned(headings, raws, self.plain))
        return ParseResult(
            listings=listings,
            declared_counts=dict(self.counts),
            method=method,
            problems=list(self.problems),
        )

    def _copies(self) -> set[int]:
        """Entries of a tier that repeat the whole tier before them (a desktop and a mobile
        copy of one list, each under its own headings)."""
        split = {section for section, parts in self.parts.items() if parts > 1}
        if not split:
            return set()
        by_section: dict[str, list[int]] = {}
        for index, heading in enumerate(self.headings):
            if heading.section in split:
                by_section.setdefault(heading.section, []).append(index)
        copies: set[int] = set()
        for indexes in by_section.values():
            half = repeated_half([self.names[i] for i in indexes])
            copies.update(indexes[len(indexes) - half :] if half else ())
        return copies


def _cleaned(
    headings: list[Heading], raws: list[str], plain: set[str]
) -> tuple[list[Heading], list[str], list[str]]:
    """Each name as shown and its key, leaving out names that clean to nothing."""
    kept: list[Heading] = []
    names: list[str] = []
    keys: list[str] = []
    for heading, raw in zip(headings, raws, strict=True):
        name = raw if raw in plain else clean_display(raw)
        key = plain_key(raw) if raw in plain else normalize_key(name)
        if key:
            kept.append(heading)
            names.append(name)
            keys.append(key)
    return kept, names, keys


def _listings(headings: list[Heading], names: list[str], keys: list[str]) -> list[Listing]:
    """Listings in page order, numbered per tier: positions go on across repeated headings
    of one tier."""
    listings: list[Listing] = []
    given: dict[str, int] = {}
    end = 0
    # Names come in runs under one heading: one step per run (groupby compares the
    # headings by identity first), each run's listings built from its columns in C (a
    # Struct's constructor costs no Python call per field).
    for heading, run in groupby(headings):
        begin, end = end, end + len(list(run))
        start = given.get(heading.section, 0)
        given[heading.section] = start + end - begin
        listings += map(
            Listing,
            repeat(heading.tier),
            repeat(heading.label),
            range(start + 1, start + 1 + end - begin),
            names[begin:end],
            keys[begin:end],
        )
    return listings


def same_organisation(one: str, other: str) -> bool:
    return normalize_key(clean_display(one)) == normalize_key(clean_display(other))

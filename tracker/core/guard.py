"""The anomaly guard: decide whether a parse is believable before it can become history.

A parse that finds nobody, loses a large share of the members seen last time (overall, or
within one tier), suddenly adds many more than it had, or disagrees with the tier sizes the page itself states is far more
likely a broken page, a redesign or a parser miss than a real exodus. Such snapshots are
kept as evidence but quarantined, so they never produce a false "departure".

A page that stops mid-document (a body cut short) is believed only when it loses no one;
the first snapshot, with nothing to compare, is not believed at all. Every snapshot, the
first included (it has nothing to lose), is also judged on the page alone: what the parser doubts (a tier heading with no names after it, tier words met only
in navigation, a list that goes on over pages not read), a tier whose new names mostly
do not look like organisations' (page furniture read as members) and names no member has
(two companies' run together, one ending in a tier word: an honours page, a feature card;
one holding a tier label and its colon: a row of links run into the next tier; a caption
listed three times in a tier: a column of links; a field of work alone, 人工智能: a card's
caption) quarantine it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from tracker.core.diff import Member, members
from tracker.core.models import Listing, ParseResult, tier_name
from tracker.core.parse import is_cut_short, is_field, looks_like_org

# A tier whose heading became an image, or that moved to a page of its own, loses all its
# members while the total barely moves (28 vice-chairs are 5% of the page). Real churn
# within a tier stays well below half; tiers smaller than this can change wholesale.
TIER_LOSS_SHARE = 0.5
MIN_TIER_SIZE_CHECKED = 5
# CSET's 2020 list: 566 of 567 names end like an organisation's (公司, 大学, 研究院 …). A tier
# where fewer than half do is more likely menus, buttons or news read as members.
MIN_ORG_SHARE = 0.5
MIN_TIER_SIZE_JUDGED = 3
# A company's full name, then another's (and maybe more names after it): names in sibling
# <span>s with nothing between them, or a cell joining two by a mark (甲…有限公司/乙…有限公司),
# read as one. No single name holds two legal forms so
# ("…有限公司北京分公司" and "…有限公司研究院" name a branch and an institute, and end in no
# legal form).
_FORM = "(?:股份有限公司|有限责任公司|有限公司)"
# A subsidiary named by its parent ("甲集团有限公司全资子公司乙…有限公司", 旗下, 下属) is one member.
_UNDER = "(?!(?:全资|控股)?子公司|旗下|下属|所属)"
# Between the two, nothing, a space or a mark a list sets between names (/, 、, ·, |, ；).
_BETWEEN = r"[\s/／\\、·•・|｜;；,，&＆+＋]*"
_TWO_COMPANIES = re.compile(rf".{{2,}}?{_FORM}{_BETWEEN}{_UNDER}[^\W\d_].+?{_FORM}")
# No organisation's name ends in a tier word: "…协会会员", "…联盟理事单位" is a membership
# the page's owner holds (an honours page, a company's profile), "首批会员" a card's caption.
_TIER_WORD_END = re.compile(
    r"(?:会员|会员单位|成员|成员单位|理事单位|常务理事单位|副理事长单位|理事长单位|副会长单位|会长单位)$"
)
# Nor holds a label and its colon: "甲公司 理事单位：乙公司 丙大学" is a row of names run into
# the next tier's label (a one-member tier, a colon set after the bold label).
_LABEL_INSIDE = re.compile(r"(?:会员|成员|单位)\s*[:：]")
# Nor is a name with no legal form listed three times in a tier: a page may list a member
# twice (CSET's list of 2020 does, three of them), but "官方网站" or "简介" beside each
# member is a column of links.
_MAX_REPEATS = 3


def anomalies(
    parsed: ParseResult,
    previous: Sequence[Listing] | None,
    *,
    max_loss_share: float,
    max_growth_share: float | None = None,
    accepted: Sequence[Listing] = (),
) -> list[str]:
    """Reasons to distrust this parse; empty when it looks like a real member list.

    Growth beyond ``max_growth_share`` of the previous snapshot's members is judged too
    when it is given (a capture gives it; reading a page on its own has nothing to grow).
    Names are judged only where nobody believed them: in the previous snapshot, or in the
    ``accepted`` reading of these same pages a person let in (`tracker accept`); what a
    reading adds to an accepted one is judged on its own.
    """
    if not parsed.listings:
        why = "; ".join(parsed.problems) or "the page has no tier heading or member list"
        return [f"no members found: {why}"]
    reasons = list(parsed.problems) + _self_inconsistency(parsed) + _cut_short(parsed)
    let_in = {listing.key for listing in accepted}
    believed = {listing.key for listing in previous or ()} | let_in
    reasons += _misread_names(parsed, believed) + _not_organisations(parsed, believed, let_in)
    if parsed.cut_off is not None and not previous:
        reasons.append(f"{parsed.cut_off}: its list may be incomplete")
    if previous:
        keys = {listing.key for listing in parsed.listings}
        before = members(previous)
        reasons += _losses(before, keys, max_loss_share) + _incomplete(parsed, before, keys)
        if max_growth_share is not None:
            reasons += _growth(before, keys, max_growth_share)
    return reasons


def _incomplete(parsed: ParseResult, before: dict[str, Member], keys: set[str]) -> list[str]:
    """A page that stopped mid-document is believed only when it lost nobody: what it lost
    may simply be what was never sent."""
    missing = sum(1 for key in before if key not in keys)
    if parsed.cut_off is None or not missing:
        return []
    return [f"{parsed.cut_off}; {_members(missing)} missing"]


def _growth(before: dict[str, Member], keys: set[str], limit: float) -> list[str]:
    """A page that suddenly lists many more members is as doubtful as one that lists fewer:
    another list read as members, or a page stuffed with names."""
    joined = len(keys - before.keys())
    share = joined / len(before)
    if share <= limit:
        return []
    return [
        f"+{_members(joined)}, more than {limit:.0%} growth over the previous "
        f"{len(before):,} ({share:.0%})"
    ]


def _losses(before: dict[str, Member], keys: set[str], limit: float) -> list[str]:
    lost = [member for key, member in before.items() if key not in keys]
    overall = _too_many(len(lost), len(before), limit, "")
    if overall:
        return [overall]
    sizes = Counter(member.tier for member in before.values())
    gone = Counter(member.tier for member in lost)
    found = (
        _too_many(gone[tier], size, TIER_LOSS_SHARE, f"{tier_name(tier)} ")
        for tier, size in sizes.items()
        if size >= MIN_TIER_SIZE_CHECKED
    )
    return [reason for reason in found if reason]


def _too_many(lost: int, total: int, limit: float, what: str) -> str | None:
    share = lost / total
    if share <= limit:
        return None
    return (
        f"{lost} of the previous {total} {what}members are missing ({share:.0%}, limit {limit:.0%})"
    )


def _cut_short(parsed: ParseResult) -> list[str]:
    # A name the template cut to fit matches no member: a departure and a join, both false.
    cut = [listing.name for listing in parsed.listings if is_cut_short(listing.name)]
    if not cut:
        return []
    return [f"{len(cut)} names are cut short, such as {cut[0]!r}: the full names are not shown"]


def _misread_names(parsed: ParseResult, believed: set[str]) -> list[str]:
    """Names no member has: two companies' run together, one ending in a tier word or holding
    a tier label, a caption listed three times in a tier (those the previous believed snapshot
    listed were accepted then, as in `_not_organisations`)."""
    fresh = [x for x in parsed.listings if x.key not in believed]
    names = [x.name for x in fresh]
    joined = [name for name in names if name.count("公司") > 1 and _TWO_COMPANIES.match(name)]
    held = [name for name in names if _TIER_WORD_END.search(name)]
    labelled = [name for name in names if _LABEL_INSIDE.search(name)]
    fields = [name for name in names if is_field(name)]
    listed = Counter((x.tier_label, x.name) for x in fresh)
    repeated = [
        name
        for (_, name), n in listed.items()
        if n >= _MAX_REPEATS and not looks_like_org(name, strict=True)
    ]
    reasons = []
    if joined:
        reasons.append(
            f"names holding two companies' names with nothing or a mark between them "
            f"({len(joined)}, such as {joined[0]!r}): names set side by side in the page's "
            "markup, or joined by a mark, were read as one"
        )
    if held:
        reasons.append(
            f"names ending in a tier word ({len(held)}, such as {held[0]!r}): a membership "
            "the page's owner holds or a caption, so honours or a feature card, not members"
        )
    if repeated:
        reasons.append(
            f"names with no legal form listed {_MAX_REPEATS} times or more in one tier "
            f"({len(repeated)}, such as {repeated[0]!r}): a column of links or captions beside "
            "each member"
        )
    if fields:
        reasons.append(
            f"names that are a field of work alone ({len(fields)}, such as {fields[0]!r}): "
            "a member card's caption, not a member"
        )
    if labelled:
        reasons.append(
            f"names holding a tier label and its colon ({len(labelled)}, such as "
            f"{labelled[0]!r}): a row of names was read into the next tier's label"
        )
    return reasons


def _not_organisations(
    parsed: ParseResult, believed: set[str], let_in: AbstractSet[str] = frozenset()
) -> list[str]:
    """Tiers whose new names mostly do not end like organisations' names.

    Names the previous believed snapshot already listed were judged then (a wall of
    brand logos accepted once is not quarantined again at every capture). Names a person
    let in (`let_in`) are left out of the count too: what a new reading of the same pages
    adds to them is judged alone, never diluted by names that person saw.
    """
    by_tier: dict[str, list[Listing]] = {}
    for listing in parsed.listings:
        if listing.key not in let_in:
            by_tier.setdefault(listing.tier_label, []).append(listing)
    reasons = []
    for label, listed in by_tier.items():
        names = [listing.name for listing in listed]
        odd = [x.name for x in listed if x.key not in believed and not looks_like_org(x.name)]
        if len(names) >= MIN_TIER_SIZE_JUDGED and len(odd) > (1 - MIN_ORG_SHARE) * len(names):
            shown = ", ".join(repr(name) for name in odd[:3])
            reasons.append(
                f"{label}: {len(odd)} of {len(names)} names do not look like organisations "
                f"({shown} …)"
            )
    return reasons


def _self_inconsistency(parsed: ParseResult) -> list[str]:
    reasons = []
    for section, declared in parsed.declared_counts.items():
        found = sum(1 for x in parsed.listings if section in (x.tier, x.tier_label))
        if found != declared:
            label = tier_name(section)
            reasons.append(f"the page says {label} has {declared} members, parsed {found}")
    return reasons


def _members(count: int) -> str:
    return f"{count:,} member" if count == 1 else f"{count:,} members"

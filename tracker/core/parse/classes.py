"""A register's class cell, read: the tier it gives its row, or why the row is no member.

A class cell says more than its class at times:

- a **footnote mark** (``理事单位*``, ``理事单位①``, ``理事单位[1]``, ``理事单位注``) points
  to a note below the table: it is dropped, so that the label is the class's (a label is
  no part of a diff, but the reading groups members by it, and an unknown class with a
  mark, ``观察员单位*``, would not end in 单位 and be passed over unremarked);
- a **withdrawal** (``会员单位（已退会）``, ``已注销``, ``暂停会员资格``, ``除名``) says the row is
  no longer a member, whatever its class: the row is no member, and the reading says why.
  An end that may be an office's or a term (``退出理事会``, ``暂停理事单位``, ``2025年到期``)
  is not guessed: the row is no member and the snapshot is held back. So too in a status
  or remark column beside the class (`read_note`) and after the member's name (`name_note`);
- **another qualifier** in brackets or after a ``…单位`` class (``理事单位（待定）``,
  ``原会员单位``): the tracker cannot tell whether it changes the tier or the membership,
  so the row is no member and the snapshot is held back, naming the cell. A few are
  known to leave the class as it is (轮值, 新增, a year). A term (``会员单位 2024-2026``,
  bracketed or not) is none of them: a register may list past terms, and the tracker
  cannot tell whether the term is over.

The bare words of a class (会员, 普通会员) name the ordinary class as 会员单位 does; a page
heading reading 会员 is not this module's (see ``text.heading``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tracker.core.models import OTHER_TIER, simplified
from tracker.core.parse.text import ASCII_SPACE, Heading, role_heading

# A footnote mark after a class, or before it: a star, a circled or bracketed number, 注.
_MARK_AFTER = re.compile(
    r"(?:[*＊※†‡#＃]+|[\u2460-\u2473\u2776-\u277f]|[\u00b9\u00b2\u00b3\u2070-\u2079]+"
    r"|[\[［【〔(（](?:\d{1,2}|注\d{0,2}|[*＊])[\]］】〕)）]|注[\d\u2460-\u2473]{0,2})$"
)
_MARK_BEFORE = re.compile(r"^[*＊※†‡#＃]+")
# What a register writes of a row that is no longer a member: withdrawn (退会, 退出),
# cancelled (注销, 撤销, 取消), expelled (除名, 开除, 劝退, 清退), suspended (暂停, 停止,
# 中止, 冻结), lapsed (失效, 过期, 终止).
_ENDED = "退会|退出|退盟|离会|除名|开除|劝退|清退|注销|吊销|撤销|取消|暂停|停止|中止|终止|冻结|失效|过期|解除"
# Any mention of one, so that the cell is read closely ("2025年到期" is a term, not an end).
WITHDRAWN = re.compile(f"{_ENDED}|已退|到期|不再是")
# A withdrawal said alone (已退会, 暂停会员资格, 会籍已注销): once the class is taken out.
_STATUS = re.compile(
    rf"(?:已经|已被|已|被|自动|主动)?(?:{_ENDED})(?:会员)?(?:资格|会籍)?"
    rf"|(?:会员)?(?:资格|会籍)(?:已经|已被|已|被)?(?:{_ENDED})|已退|已到期|已过期"
)
# Words that end a membership whatever follows them ("2022年退会"); 退出, 取消 or 暂停 need
# their object (退出理事会 leaves the board, not the association).
_LEFT = re.compile("退会|退盟|离会|除名|开除|劝退|清退")
_NEGATED = re.compile(rf"(?:未|不|没有|无|非)(?:{_ENDED}|退)")
# "退出副会长单位", "暂停理事单位": the office ended, or the membership?
_OFFICE_ENDED = re.compile(rf"(?:{_ENDED})(?:普通|常务|副)?(?:理事长|会长|理事|监事长|监事)")
# What a class cell holds beside a withdrawal: its class, brackets, separators.
_CLASS_WORDS = re.compile(
    r"(?:普通|常务|副)?(?:理事长|会长|理事|监事长|监事)(?:单位)?|(?:普通)?会员(?:单位)?"
    r"|[\s\-—–/／:：·,，、;；（()）【】\[\]［］〔〕]"
)
WITHDRAWN_WHY = "withdrawn, expelled or suspended"
QUALIFIED_WHY = "a class qualified beyond what the tracker reads"
UNPLACED_WHY = "an end the tracker cannot place (of the membership, or of an office?)"
OTHER_STATUS_WHY = "an end under a status of something else (a fee's, a certificate's?)"
# A status column about the membership; any other (缴费状态, 证书状态, 单位状态: the
# company's own?) says nothing the tracker reads of it.
_MEMBERSHIP_STATUS = re.compile(r"(?:当前|目前)?(?:会员|会籍|入会|在会|会员资格|资格)?状态")
# A remark in brackets, whichever their width.
_REMARK = re.compile(r"[（(【\[［〔]([^（()）【】\[\]［］〔〕]*)[）)】\]］〕]")
# After a …单位 class, what follows it; before any class, a word saying it is over (原, 前).
_AFTER_UNIT = re.compile(r"^(.{2,}?单位)[\s\-—–/／:：·,，、;；]*(.+)$")
# After any class (理事 2023-2026, 会员 2024年入会), a term or a year: from its first digit.
_BEFORE_DIGIT = re.compile(r"^(\D{2,}?)[\s\-—–/／:：·,，、;；]*(\d.*)$")
_FORMER = re.compile(r"^(?:原|前|曾为|曾是)")
# Qualifiers known to leave a member's class as it is: a rotating or founding role, a new
# member, another post its representative holds too (副会长（兼秘书长）), the year it joined.
_SAME_CLASS = re.compile(
    r"(?:轮值|新|新增|新入会|新加入|新晋|创始|发起|牵头|正式|连任|续任|首届|本届|当届)"
    r"|兼[\u4e00-\u9fff]{1,8}"
    r"|\d{4}\s*年?(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:入会|加入|起)?"
)
# The bare words of the ordinary class.
_ORDINARY = frozenset({"会员", "普通会员"})
# An office that names a tier when it is not one of the known tier words; a secretary
# general (秘书长) or a director (主任) is staff, not a rank of members.
_OFFICE = re.compile(r"(?:会长|理事长|理事|监事长|监事|会员|主席|委员|成员)$")


class ClassCell(NamedTuple):
    """A class cell read: the tier it gives its row, or why the row is none (`why`, and
    whether the tracker should hold the snapshot back for it, `held`). Neither: the cell
    names no tier (a blank, 非会员, staff, or a class the tier words lack)."""

    role: Heading | None
    why: str | None = None
    held: bool = False


def unmarked(value: str) -> str:
    """A class cell's text without its footnote marks (``理事单位①`` → ``理事单位``)."""
    text = value.strip()
    while (found := _MARK_AFTER.search(text)) is not None and found.start() > 0:
        text = text[: found.start()].rstrip()
    return _MARK_BEFORE.sub("", text)


def names_tier(value: str) -> bool:
    """Whether a cell names a known tier, or an office that is one (理事, 会员)."""
    found = role_heading(unmarked(value))
    return found is not None and (found.tier != OTHER_TIER or bool(_OFFICE.search(found.label)))


def names_class(value: str) -> bool:
    # 观察员单位 is worded as a class of members (any class ending in 会员 is a tier
    # already); 秘书长, 主任 are staff.
    text = unmarked(value)
    return text.endswith("单位") and role_heading(text) is not None


def read_class(value: str) -> ClassCell:
    """What a class cell says of its row (see the module's docstring)."""
    text = unmarked(value)
    if WITHDRAWN.search(text):
        left = _LEFT.search(text) is not None
        if _OFFICE_ENDED.search(text) and not left:
            return ClassCell(None, UNPLACED_WHY, held=True)
        return _withdrawal(_CLASS_WORDS.sub("", text), left=left)
    plain = _class_part(_REMARK.sub("", text).strip())
    ordinary = simplified(plain) in _ORDINARY
    if not (ordinary or names_tier(plain) or names_class(plain)):
        return ClassCell(None)
    qualifier = _qualifier(text)
    if qualifier is not None:
        return ClassCell(None, f"{QUALIFIED_WHY} by {qualifier!r}", held=True)
    # A known remark (轮值) leaves the class's tier; the label is the cell's but its marks.
    label = ASCII_SPACE.sub("", text).strip(" :：")
    if ordinary:
        return ClassCell(Heading("ordinary", label, None))
    role = role_heading(plain)
    if role is None or not names_tier(plain):
        return ClassCell(None)
    return ClassCell(Heading(role.tier, label, None))


def _after_class(text: str) -> re.Match[str] | None:
    """A class and what follows it unbracketed (会员单位 2024-2026, 理事单位 轮值, 理事 2023)."""
    for split in (_AFTER_UNIT, _BEFORE_DIGIT):
        after = split.match(text)
        # 单位会员 is a class (an institution's membership), not 单位 qualified by 会员.
        if after is not None and (names_tier(after[1]) or names_class(after[1])):
            return after
    return None


def _class_part(text: str) -> str:
    # The class is asked of the cell's class alone: a term after it (会员单位 2024-2026)
    # names no tier, and the whole cell would make the row classless, dropped unremarked.
    after = _after_class(text)
    return text if after is None else after[1]


def _qualifier(text: str) -> str | None:
    """The first qualifier in a class cell that does not leave its class as it is."""
    former = _FORMER.match(text)
    if former is not None:
        return former.group()
    remarks = [remark.strip() for remark in _REMARK.findall(text)]
    after = _after_class(_REMARK.sub("", text))
    if after is not None:
        remarks.append(after[2].strip())
    return next(
        (remark for remark in remarks if remark and _SAME_CLASS.fullmatch(remark) is None),
        None,
    )


def read_note(value: str, header: str) -> ClassCell | None:
    """What a status or remark column beside the class (状态, 备注) says of its row: a
    withdrawal said alone (已退会), one the tracker cannot read (退出理事会: the board, or the
    association?), or nothing. A remark is free text: only a withdrawal said alone is read.
    A status of something else (缴费状态, 证书状态) ends no membership when it says 已到期 or
    已撤销, but the tracker cannot tell that it leaves it either: the snapshot is held back."""
    if WITHDRAWN.search(value) is None:
        return None
    if header.endswith("状态") and _MEMBERSHIP_STATUS.fullmatch(header) is None:
        return ClassCell(None, OTHER_STATUS_WHY, held=True)
    return _withdrawal(_CLASS_WORDS.sub("", value), left=False)


def name_note(name: str) -> ClassCell | None:
    """What a remark after a member's name says of its row (甲公司（已退会）, 甲公司 已注销);
    the name's own words (星河注销代理有限公司) are not a remark."""
    if WITHDRAWN.search(name) is None:
        return None
    remarks = _REMARK.findall(name)
    if " " in name.strip():
        remarks.append(name.strip().rsplit(" ", 1)[1])
    said = (read_note(remark, "") for remark in remarks)
    return next((found for found in said if found is not None), None)


def _withdrawal(residue: str, *, left: bool) -> ClassCell:
    if _NEGATED.search(residue) is None and (left or _STATUS.fullmatch(residue)):
        return ClassCell(None, WITHDRAWN_WHY)
    return ClassCell(None, UNPLACED_WHY, held=True)

"""Member lists out of an AIIA structure page, whatever its markup.

The page has been rebuilt several times, so nothing here assumes one layout. The HTML is
read as a sequence of visual lines (a block element, a table cell or a ``<br>`` ends a
line); a short line shaped like a tier heading (``一、副理事长单位``, ``理事单位（189家）``)
opens a section, and the names on the lines after it, up to the next heading or the end
of the main content, are its members. Site chrome is skipped as a whole subtree. Lists
embedded as JSON (Next.js, Nuxt) are read too and win only when they are a strict superset
of what the HTML shows (see ``_prefer``).

Rule for lines that are not names (deliberately conservative: a dropped real member is a
false departure, a kept stray line is at worst a false join that a reader can dismiss):
a line is dropped when it has no letter at all (numbers, dates, punctuation), starts with a
date, ends with a colon (a lead-in), is a known UI/table-header phrase (``更多>>``, ``返回顶部``, ``首页``, ``序号``,
``单位名称``), starts with page metadata (``发布时间：``, ``来源：``, ``注：``), contains a
full stop ``。`` (prose), or is longer than 80 characters. A line that only states a count
(``共189家``) records the section's declared size instead.

Rule for logos (a tier shown as a wall of images, with no text): an ``<img>`` names one
member by its ``alt``, else its ``title``, else the ``title`` of the link around it, but
only when the line it sits on (or, on a row of links, its own link) has no text of its own;
beside text an image is decoration or that text's own logo. Logos are read only in a tier
that has no text names at all: in a tier that has some, a logo captioned in other words
("星河智能" over "星河智能科技有限公司") would list one organisation twice. An image never yields a name when it is marked
decorative (``alt=""``, ``aria-hidden``, ``role="presentation"``), sits in chrome, or when
the candidate is decoration (only words such as ``logo``, ``图片``, ``banner``, ``new``,
``更多`` with digits and punctuation), a file name or path, a lower-case slug
(``xinghe-logo``), shorter than four letters, a tier heading or a count, or anything the
line rule drops; a trailing ``logo`` or ``标志`` is cut off. A logo next to the same
organisation (same key), as its caption or as a second copy of the logo, is listed once;
a caption's spelling wins. Configured member selectors read images the same way when the
element they match has no text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from tracker.config import Selectors
from tracker.errors import ParseError
from tracker.models import OTHER_TIER, TIER_WORDS, ParseResult, tier_for_label
from tracker.normalize import clean_display, normalize_key

# Bumped whenever the same bytes can give a different list: 3 reads names from logos.
PARSER_VERSION = "3"

# --- Lines: heading shape, names, noise ---------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
_LEAD = (
    rf"[\W_]*(?P<num>(?:第?[{_CN_NUM}]+|\d{{1,3}})[、.．)）]"
    rf"|[（(](?:[{_CN_NUM}]+|\d{{1,3}})[)）])?[\W_]*"
)
_LABEL = r"(?P<label>[^\W\d_]\w{0,19}?)(?:名单|名录|列表)?"
# A stated size, "（189家）" "(共189家，排名不分先后)" "共189家" " 189 家", or an ordering note.
_DECOR = (
    r"(?:[\s:：\]】]*(?:"
    r"[（(\[【]\s*(?:共|计|合计)?\s*(?P<n1>\d{1,6})\s*[家个名]?\s*(?:[，,、;；][^)）\]】]*)?[)）\]】]"
    r"|(?:共|计|合计)?\s*(?P<n2>\d{1,6})\s*[家个名]"
    r"|[（(][^()（）]*(?:排名|先后|排序|笔画|拼音|字母)[^()（）]*[)）]))*"
)
_HEADING = re.compile(rf"{_LEAD}{_LABEL}{_DECOR}(?P<colon>[\s:：]*)[\W_]*")
# "理事单位：星河智能、青岚数据": a heading and its names on one line.
_INLINE_HEADING = re.compile(rf"{_LEAD}{_LABEL}{_DECOR}\s*[:：]\s*(?P<rest>\S.*)")
_COUNT_LINE = re.compile(r"[（(]?\s*(?:共|计|合计)\s*(\d{1,6})\s*[家个名]\s*[)）]?")
# How an unknown tier label ends; every known tier word ends so too.
_UNKNOWN_SUFFIXES = ("单位", "会员", "成员")
# Cheap pre-check so that ordinary name lines skip the heading expressions.
_HEADING_HINT = re.compile("|".join(_UNKNOWN_SUFFIXES))
# A label whose prefix names an organisation is a member ("星河会员单位服务中心"), not a tier.
_ORG_WORDS = re.compile(r"公司|大学|学院|研究院|研究所|集团|中心|医院|银行|实验室|有限|股份")
_MAX_HEADING = 40

_SEPARATORS = re.compile(r"[、；;\t]|\u3000+|[\u00a0 ]{2,}")
_ASCII_SPACE = re.compile(r"[ \t\r\n\f]+")
_NUMBERING = re.compile(
    r"(?:[·•◆◇■□●○▪▶►★☆\-*]|[\u2460-\u2473]"
    r"|\d{1,4}(?:[.．](?![A-Za-z0-9])|[、)）]|[:：](?!\d))"
    r"|[（(\[【]\d{1,4}[)）\]】])\s*"
)
_LETTER = re.compile(r"[^\W\d_]")
_NON_WORD = re.compile(r"[\W_]+")
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_UI_WORDS = frozenset(
    "更多 查看更多 more 返回 返回顶部 回到顶部 返回列表 返回首页 首页 上一页 下一页 尾页 末页 "
    "上一篇 下一篇 打印 打印本页 关闭 关闭窗口 分享 分享到 收藏 登录 注册 搜索 序号 编号 名称 "
    "单位名称 企业名称 会员名称 机构名称 会员单位名称 排名不分先后 申请入会 入会申请".split()
)
# Page metadata, only with its colon: "点击网络科技" or "阅读文化传媒" may well be members.
_META = re.compile(
    r"(?:发布时间|发布日期|更新时间|来源|作者|浏览(?:次数|量)?|点击(?:数|量|率)?|阅读(?:数|量)?"
    r"|责任编辑|编辑|注|备注|说明|联系电话|电话|地址|邮箱)\s*[:：]|版权所有|Copyright|©"
)
_MAX_NAME = 80
# How templates mark a name cut short: "星河智能科技..." "星河智能科技…" "星河智能科技。。。".
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{2,}|⋯+)$")


@dataclass(frozen=True)
class _Heading:
    tier: str
    label: str
    count: int | None

    @property
    def section(self) -> str:
        """Known tiers are one section whatever their label; each unknown label is its own."""
        return self.label if self.tier == OTHER_TIER else self.tier


def _heading(line: str, *, evidence: bool = False) -> _Heading | None:
    """The tier a line announces, if it is shaped like a tier heading.

    A known tier word is enough; an unknown "…单位" label also needs evidence that it is a
    heading (numbering, a count, a colon, heading markup), or a member named "…单位" in a
    list would split it.
    """
    if len(line) > _MAX_HEADING or not _HEADING_HINT.search(line):
        return None
    match = _HEADING.fullmatch(line)
    if match is None:
        return None
    decorated = bool(match["num"] or match["n1"] or match["n2"] or match["colon"].strip())
    return _tier_heading(match, evidence=evidence or decorated)


def _tier_heading(match: re.Match[str], *, evidence: bool) -> _Heading | None:
    label = match["label"]
    tier = tier_for_label(label)
    suffix = _suffix_of(label, known=tier != OTHER_TIER)
    if suffix is None or (tier == OTHER_TIER and not _plausible_unknown(label, evidence)):
        return None
    if _ORG_WORDS.search(label[: -len(suffix)]):
        return None
    count = match["n1"] or match["n2"]
    return _Heading(tier, label, int(count) if count else None)


def _plausible_unknown(label: str, evidence: bool) -> bool:
    # "观察员单位", "联络处成员单位"; not a bare table header "单位", nor a lead-in sentence
    # such as "以下为2024年新入会单位：", which would move the members after it to `other`.
    return evidence and 3 <= len(label) <= 10 and not any(char.isdigit() for char in label)


def _suffix_of(label: str, *, known: bool) -> str | None:
    words = [word for word, _ in TIER_WORDS] if known else _UNKNOWN_SUFFIXES
    return next((word for word in words if label.endswith(word)), None)


def _inline_heading(line: str) -> tuple[_Heading, str] | None:
    """A known tier label followed by a colon and its names on the same line."""
    match = _INLINE_HEADING.fullmatch(line)
    if match is None or tier_for_label(match["label"]) == OTHER_TIER:
        return None
    heading = _tier_heading(match, evidence=True)
    return None if heading is None else (heading, match["rest"])


def _split_names(line: str) -> Iterator[str]:
    for piece in _SEPARATORS.split(line):
        name = _clean_name(piece)
        if name:
            yield name


def _clean_name(text: str) -> str | None:
    name = text.strip()
    numbering = _NUMBERING.match(name) if name and not name[0].isalpha() else None
    if numbering is not None:
        name = name[numbering.end() :].strip()
    return name if _looks_like_name(name) else None


def _looks_like_name(text: str) -> bool:
    if not text or len(text) > _MAX_NAME or _is_prose(text) or text[-1] in ":：":
        return False
    if not _LETTER.search(text):
        return False
    if _META.match(text) or _DATE.match(text):
        return False
    return len(text) > 12 or _NON_WORD.sub("", text).casefold() not in _UI_WORDS


# --- Collecting entries into a ParseResult -------------------------------------------------


@dataclass
class _Collector:
    """Entries in page order and the sizes the page declares, before numbering."""

    # (heading, name, read from an image)
    entries: list[tuple[_Heading, str, bool]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Whether the last entry was read from an image (see `add`).
    last_logo: bool = False

    def declare(self, heading: _Heading, count: int) -> None:
        # A tier heading that appears twice declares two parts of one tier.
        self.counts[heading.section] = self.counts.get(heading.section, 0) + count

    def declare_once(self, heading: _Heading, count: int) -> None:
        # "共189家" on its own line restates the heading's count more often than it adds one.
        self.counts.setdefault(heading.section, count)

    def add(self, heading: _Heading, name: str, *, logo: bool = False) -> None:
        """One more name; a logo next to the same name (caption or hover twin) adds nothing.

        Text beside text is left alone: a page that lists a name twice means it.
        """
        if (logo or self.last_logo) and self.entries:
            last_heading, last_name, _ = self.entries[-1]
            if last_heading == heading and _same_organisation(last_name, name):
                if not logo:
                    # The caption is what readers see, and what a text page would have given.
                    self.entries[-1] = (heading, name, False)
                    self.last_logo = False
                return
        self.entries.append((heading, name, logo))
        self.last_logo = logo

    def result(self, method: str) -> ParseResult:
        positions: dict[str, int] = {}
        listings = []
        # A tier with any text names reads its names from the text alone: its images are
        # decoration or logos captioned in words that may differ ("星河智能" beside
        # "星河智能科技有限公司"), and reading both would list one organisation twice.
        worded = {heading.section for heading, _, logo in self.entries if not logo}
        for heading, raw, logo in self.entries:
            if logo and heading.section in worded:
                continue
            name = clean_display(raw)
            key = normalize_key(name)
            if not key:
                continue
            # Positions continue across repeated headings of one tier.
            section = heading.section
            position = positions[section] = positions.get(section, 0) + 1
            listings.append(
                {
                    "tier": heading.tier,
                    "tier_label": heading.label,
                    "position": position,
                    "name": name,
                    "key": key,
                }
            )
        # One validation call for the whole list is markedly faster than one per Listing.
        return ParseResult.model_validate(
            {"listings": listings, "declared_counts": self.counts, "method": method}
        )


def _same_organisation(one: str, other: str) -> bool:
    return normalize_key(clean_display(one)) == normalize_key(clean_display(other))


# --- Chrome ---------------------------------------------------------------------------------

_WAYBACK_BEGIN = "<!-- BEGIN WAYBACK TOOLBAR INSERT -->"
_WAYBACK_END = "<!-- END WAYBACK TOOLBAR INSERT -->"
# The Wayback Machine's toolbar, and phpcms's page links (<div id="pages">: as a class,
# "pages" may well name a content wrapper, so only these exact ids count).
_CHROME_IDS = frozenset({"wm-ipp-base", "wm-ipp", "wm-ipp-print", "donato", "pages"})
# Substrings for the CSS pre-filter; "bar" covers sidebar, topbar, toolbar, navbar.
_CHROME_ROOTS = ("nav", "menu", "crumb", "bar", "footer", "header", "copyright", "pag")
_CHROME_QUERY = ", ".join(
    ["nav", "header", "footer", "aside"]
    + [f"#{wid}" for wid in sorted(_CHROME_IDS)]
    + [f'[{attr}*="{root}" i]' for root in _CHROME_ROOTS for attr in ("class", "id")]
)
_CHROME_TOKENS = frozenset(
    "nav navbar navi navigation subnav topnav mainnav menu menus submenu topmenu mainmenu "
    "menubar breadcrumb breadcrumbs crumb crumbs sidebar footer header topbar toolbar "
    "copyright pager paging pagination pagenav".split()
)
# "card-header", "section-header", "panel-header" wrap a section title, not site chrome.
_COMPONENT_TOKENS = frozenset("card panel section table list box modal module tab item".split())
_TOKEN = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SECTIONING = frozenset({"article", "section", "main"})
# Invisible content: skipped, but unlike chrome it does not end a section.
_INVISIBLE_TAGS = frozenset(
    "-comment -doctype head script style noscript template select button textarea iframe "
    "svg object".split()
)


def _without_wayback_insert(html: str) -> str:
    start = html.find(_WAYBACK_BEGIN)
    end = html.find(_WAYBACK_END, start)
    if start < 0 or end < 0:
        return html
    return html[:start] + html[end + len(_WAYBACK_END) :]


def _chrome_nodes(tree: LexborHTMLParser) -> list[LexborNode]:
    """The site-chrome elements: one CSS query, then a check of each candidate."""
    return [node for node in tree.css(_CHROME_QUERY) if _is_chrome(node)]


def _is_chrome(node: LexborNode) -> bool:
    tag = node.tag
    if tag in ("nav", "aside") or node.id in _CHROME_IDS:
        return True
    if tag in ("header", "footer"):
        # HTML's own rule: a header inside an article or section belongs to it.
        return not _inside_sectioning(node)
    tokens = {token.lower() for token in _TOKEN.findall(_class_and_id(node))}
    if not tokens & _CHROME_TOKENS or tokens & _COMPONENT_TOKENS:
        return False
    # "page with-sidebar" style wrappers hold the content itself.
    return node.css_first("main, article, h1, h2") is None


def _class_and_id(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _inside_sectioning(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _SECTIONING:
            return True
        parent = parent.parent
    return False


# --- Logos --------------------------------------------------------------------------------

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


def _image_name(image: LexborNode) -> str | None:
    """The organisation an image shows: its alt, else its title, else its link's title.

    ``alt=""``, ``aria-hidden`` and ``role="presentation"`` are HTML's own marks of a
    decorative image, so they end the search rather than fall through to a title.
    """
    attrs = image.attributes
    if attrs.get("aria-hidden") == "true" or attrs.get("role") in ("presentation", "none"):
        return None
    alt = attrs.get("alt")
    if "alt" in attrs and not (alt or "").strip():
        return None
    link = _enclosing_link(image)
    candidates = (alt, attrs.get("title"), None if link is None else link.attributes.get("title"))
    return next((name for text in candidates if text and (name := _logo_name(text))), None)


def _enclosing_link(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag != "a":
        parent = parent.parent
    return parent


def _logo_name(text: str) -> str | None:
    """An alt or title as a member name, or None when it is decoration, a file or a heading."""
    name = _LOGO_SUFFIX.sub("", _ASCII_SPACE.sub(" ", text).strip())
    if len(_NON_WORD.sub("", name)) < _MIN_LOGO_NAME:
        return None
    if _DECORATIVE.fullmatch(name) or _FILE_NAME.search(name) or _SLUG.fullmatch(name):
        return None
    # A heading drawn as an image ("理事单位") or a stated size is not a member either.
    if _heading(name) is not None or _COUNT_LINE.fullmatch(name):
        return None
    return _clean_name(name)


# --- The heading walk -----------------------------------------------------------------------

_BLOCK = 1
_EMPHASIS = 2
_BREAK = 4
_LINK = 8
_IMAGE = 16
_TAG_FLAGS: dict[str, int] = {
    **dict.fromkeys(
        "address article aside blockquote center dd details dialog dir div dl fieldset "
        "figcaption figure footer form header hgroup li main menu nav ol p pre section "
        "summary table tbody tfoot thead tr td ul".split(),
        _BLOCK,
    ),
    **dict.fromkeys("h1 h2 h3 h4 h5 h6 th dt caption legend".split(), _BLOCK | _EMPHASIS),
    **dict.fromkeys("strong b".split(), _EMPHASIS),
    **dict.fromkeys("br hr".split(), _BREAK),
    "a": _LINK,
    "img": _IMAGE,
}


# A line from the walk: its text and its kind, plain, emphasised (some of it sat in heading
# markup) or a logo (one name read from an image). The empty line marks the end of the
# main content (site chrome begins).
_PLAIN, _EMPHASISED, _LOGO = 0, 1, 2
_Line = tuple[str, int]
_END_OF_CONTENT: _Line = ("", _PLAIN)


class _LineBuffer:
    """Text fragments of the line being read; `end` turns them into lines."""

    __slots__ = ("fragments", "emphasised", "lines", "links", "link_from", "logos")

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.emphasised = False
        self.lines: list[_Line] = []
        # Fragment ranges of the links on this line, and where the open link began.
        self.links: list[tuple[int, int]] = []
        self.link_from: int | None = None
        # Names read from the images on this line, by the index of their empty fragment.
        self.logos: dict[int, str] = {}

    def logo(self, name: str) -> None:
        # An empty fragment keeps the image's place, so each link knows its own images.
        self.logos[len(self.fragments)] = name
        self.fragments.append("")

    def open_link(self) -> None:
        self.link_from = len(self.fragments)

    def close_link(self) -> None:
        if self.link_from is not None:
            self.links.append((self.link_from, len(self.fragments)))
        self.link_from = None

    def end(self) -> None:
        if self.logos or len(self.links) > 1:
            for start, stop in self._spans():
                self._span(start, stop)
        else:
            # The common line, plain text: no ranges to work out.
            self._text("".join(self.fragments))
        self.fragments.clear()
        self.logos.clear()
        self.links.clear()
        self.emphasised = False
        if self.link_from is not None:
            # A block inside a link ended the line; the link goes on in the next one.
            self.link_from = 0

    def _span(self, start: int, stop: int) -> None:
        text = "".join(self.fragments[start:stop])
        if self.logos and not _LETTER.search(text):
            # Images speak only for a line (or link) with no text of its own: beside text
            # they are decoration, or that text's own logo.
            # By index within the span: a wall can put thousands of logos on one line.
            logos = self.logos
            self.lines.extend((logos[i], _LOGO) for i in range(start, stop) if i in logos)
        else:
            self._text(text)

    def _text(self, text: str) -> None:
        line = text.strip()
        if line:
            # Source line breaks and indentation render as one space; nbsp and U+3000 stay,
            # they separate names.
            if "  " in line or not line.isprintable():
                line = _ASCII_SPACE.sub(" ", line)
            self.lines.append((line, _EMPHASISED if self.emphasised else _PLAIN))

    def _spans(self) -> list[tuple[int, int]]:
        """The fragment ranges read apart: the line, or each link and bare image on it.

        A line splits only when it is nothing but links (and images between them).

        Member lists are often rows of links floated side by side with CSS
        (``<a>星河</a><a>青岚</a>``): read as one line they would merge every name into one.
        """
        fragments = self.fragments
        if len(self.links) > 1:
            inside = {i for start, stop in self.links for i in range(start, stop)}
            between = "".join(text for i, text in enumerate(fragments) if i not in inside)
            if not _LETTER.search(between):
                bare = [(i, i + 1) for i in self.logos if i not in inside]
                return sorted(self.links + bare) if bare else self.links
        return [(0, len(fragments))]


def _uncut_title(link: LexborNode) -> str | None:
    """A link's title when its text is that title cut short, as list templates do.

    ``<a title="星河智能科技有限公司">星河智能科技...</a>``: the shown text is not a name
    anyone could match, and would read as a departure plus a join.
    """
    title = link.attributes.get("title")
    if not title:
        return None
    text = link.text().strip()
    cut = _ELLIPSIS.search(text)
    if cut is None:
        return None
    shown, title = text[: cut.start()].rstrip(), _ASCII_SPACE.sub(" ", title).strip()
    return title if shown and title.startswith(shown) else None


def _is_prose(text: str) -> bool:
    # A full stop, but not "。。。" marking a name cut short: the guard must see that one.
    return "。" in text and "。" in _ELLIPSIS.sub("", text)


def is_cut_short(name: str) -> bool:
    """Whether a name ends the way templates mark text cut to fit ("星河智能科技...")."""
    return _ELLIPSIS.search(name) is not None


def _lines(root: LexborNode, chrome: set[int], unread: set[int]) -> list[_Line]:
    """The visual lines under root, in one depth-first pass, skipping the unread cells.

    The parser's hot loop, hence one function walking first_child/next with an explicit
    stack: no per-element iterator objects, and old table-in-font markup nests deeper than
    Python's recursion limit.
    """
    buffer = _LineBuffer()
    fragments = buffer.fragments
    emphasis = 0
    parents: list[tuple[LexborNode, int]] = []
    node = root.first_child
    while node is not None:
        tag = node.tag or ""
        if tag == "-text":
            text = node.text_content or ""
            # Indentation between blocks is not a line; between inline elements it is a space.
            if not text.isspace():
                fragments.append(text)
            elif fragments:
                fragments.append(" ")
            if emphasis:
                buffer.emphasised = True
        elif tag in _INVISIBLE_TAGS or node.mem_id in unread:
            pass
        elif node.mem_id in chrome:
            buffer.end()
            buffer.lines.append(_END_OF_CONTENT)
        else:
            flags = _TAG_FLAGS.get(tag, 0)
            if flags & (_BLOCK | _BREAK) and fragments:
                buffer.end()
            child = None if flags & _BREAK else node.first_child
            if flags & _IMAGE and (logo := _image_name(node)) is not None:
                buffer.logo(logo)
            if flags & _LINK and (title := _uncut_title(node)) is not None:
                buffer.open_link()
                fragments.append(title)
                buffer.close_link()
                child = None
            if child is not None:
                emphasis += 1 if flags & _EMPHASIS else 0
                if flags & _LINK:
                    buffer.open_link()
                parents.append((node, flags))
                node = child
                continue
        following = node.next
        while following is None and parents:
            parent, flags = parents.pop()
            emphasis -= 1 if flags & _EMPHASIS else 0
            if flags & _LINK:
                buffer.close_link()
            if flags & _BLOCK and fragments:
                buffer.end()
            following = parent.next
        node = following
    buffer.end()
    return buffer.lines


@dataclass
class _Sections:
    """Reads lines into sections: a heading opens one, chrome or the next heading ends it."""

    out: _Collector = field(default_factory=_Collector)
    current: _Heading | None = None

    def read(self, lines: Iterable[_Line]) -> None:
        for line, kind in lines:
            if not line:
                self.current = None
            elif kind == _LOGO:
                # Already one checked name: never a heading, never split.
                if self.current is not None:
                    self.out.add(self.current, line, logo=True)
            else:
                self.line(line, kind == _EMPHASISED)

    def line(self, line: str, emphasised: bool) -> None:
        if _HEADING_HINT.search(line, 0, _MAX_HEADING):
            heading = _heading(line, evidence=emphasised)
            if heading is not None:
                self.open(heading)
                return
            inline = _inline_heading(line)
            if inline is not None:
                self.open(inline[0])
                line = inline[1]
        if self.current is not None:
            self.members(line, self.current)

    def open(self, heading: _Heading) -> None:
        self.current = heading
        if heading.count is not None:
            self.out.declare(heading, heading.count)

    def members(self, line: str, heading: _Heading) -> None:
        count = _COUNT_LINE.fullmatch(line)
        if count is not None:
            self.out.declare_once(heading, int(count[1]))
            return
        for name in _split_names(line):
            self.out.add(heading, name)


def _by_headings(tree: LexborHTMLParser) -> ParseResult:
    sections = _Sections()
    if tree.body is not None:
        chrome = {node.mem_id for node in _chrome_nodes(tree)}
        sections.read(_lines(tree.body, chrome, _other_columns(tree)))
    return sections.out.result("headings")


# Column headers that mark the one column of a table holding the names.
_NAME_HEADERS = frozenset("名称 单位名称 企业名称 公司名称 机构名称 会员名称 会员单位名称".split())


def _other_columns(tree: LexborHTMLParser) -> set[int]:
    """Cells beside a table's name column: "序号 | 单位名称 | 所在地 | 入会时间".

    Read as lines, a city or a member type in the next cell would be one more "member".
    Only rows as wide as the header row are cut; a tier heading spanning the table stays.
    """
    columns: dict[int, tuple[int, frozenset[int]]] = {}
    unread: set[int] = set()
    for row in tree.css("tr"):
        table = _enclosing_table(row)
        cells = [cell for cell in row.iter() if cell.tag in ("td", "th")]
        names = frozenset(
            i for i, cell in enumerate(cells) if _NON_WORD.sub("", cell.text()) in _NAME_HEADERS
        )
        if names and len(cells) > 1:
            columns[table] = (len(cells), names)
            unread.update(cell.mem_id for cell in cells)
        elif table in columns and len(cells) == columns[table][0]:
            keep = columns[table][1]
            unread.update(cell.mem_id for i, cell in enumerate(cells) if i not in keep)
    return unread


def _enclosing_table(row: LexborNode) -> int:
    node = row.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return 0 if node is None else node.mem_id


# --- Configured selectors -------------------------------------------------------------------


def _by_selectors(tree: LexborHTMLParser, selectors: Selectors) -> ParseResult:
    tier_ids = _matched_ids(tree, selectors.tier, "tier")
    member_ids = _matched_ids(tree, selectors.member, "member") - tier_ids
    for chrome in _chrome_nodes(tree):
        for node in chrome.css(f"{selectors.tier}, {selectors.member}"):
            tier_ids.discard(node.mem_id)
            member_ids.discard(node.mem_id)
    out = _Collector()
    current: _Heading | None = None
    for node in tree.root.traverse() if tree.root is not None else ():
        if node.mem_id in tier_ids:
            current = _configured_heading(node.text(separator=" "))
            if current.count is not None:
                out.declare(current, current.count)
        elif node.mem_id in member_ids and current is not None:
            _add_member(out, current, node)
    return out.result("selectors")


def _add_member(out: _Collector, heading: _Heading, node: LexborNode) -> None:
    """A matched member element's names: its text, or its images' when it has no text."""
    text = _ASCII_SPACE.sub(" ", node.text(separator=" "))
    if _LETTER.search(text):
        for name in _split_names(text):
            out.add(heading, name)
        return
    # The configuration says this element is a member, so its images name it even among
    # text names; a logo and its hover twin name it once.
    seen: set[str] = set()
    for image in node.traverse(include_text=False):
        if image.tag == "img" and (logo := _image_name(image)) is not None:
            if (key := normalize_key(logo)) not in seen:
                seen.add(key)
                out.add(heading, logo)


def _matched_ids(tree: LexborHTMLParser, selector: str, role: str) -> set[int]:
    try:
        nodes = tree.css(selector)
    except SelectolaxError as exc:
        raise ParseError(f"configured {role} selector {selector!r} is not valid CSS") from exc
    if not nodes:
        # Silently falling back to heading detection would hide a broken configuration.
        raise ParseError(f"configured {role} selector {selector!r} matches nothing on the page")
    return {node.mem_id for node in nodes}


def _configured_heading(text: str) -> _Heading:
    line = _ASCII_SPACE.sub(" ", text).strip()
    heading = _heading(line, evidence=True)
    if heading is not None:
        return heading
    label = line.rstrip(" :：")
    return _Heading(tier_for_label(label), label, None)


# --- Embedded JSON --------------------------------------------------------------------------

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


def _by_json(tree: LexborHTMLParser) -> ParseResult:
    """The embedded data blob that yields the most listings (blobs often repeat each other)."""
    best = _Collector()
    for document in _json_documents(tree):
        out = _Collector()
        _collect_json(document, out, seen=set())
        if len(out.entries) > len(best.entries):
            best = out
    return best.result("json")


def _json_documents(tree: LexborHTMLParser) -> Iterator[list[Any]]:
    """Each data blob's decoded JSON values; scripts that are not JSON are passed over.

    The React Server Components stream is one blob spread over many scripts, its rows cut
    at arbitrary points, so its pushes are joined before reading.
    """
    stream: list[str] = []
    for script in tree.css("script"):
        text = script.text()
        if script.id == "__NEXT_DATA__" or script.attributes.get("type") == "application/json":
            yield _loads_all([text])
        elif "self.__next_f.push" in text:
            stream.append(text)
        elif (nuxt := _NUXT.search(text)) is not None:
            yield _nuxt_payload(text, nuxt.end())
    if stream:
        yield _loads_all(_next_f_rows("".join(stream)))


def _loads_all(texts: Iterable[str]) -> list[Any]:
    values = []
    for text in texts:
        try:
            values.append(json.loads(text))
        except ValueError:
            continue
    return values


def _next_f_rows(text: str) -> list[str]:
    """The JSON parts of a React Server Components stream: rows of ``id:JSON``."""
    chunks = []
    for literal in _NEXT_F.findall(text):
        try:
            chunks.append(json.loads(literal))
        except ValueError:
            continue
    rows = "".join(chunk for chunk in chunks if isinstance(chunk, str)).split("\n")
    return [row[match.end() :] for row in rows if (match := _NEXT_F_ROW.match(row))]


def _nuxt_payload(text: str, start: int) -> list[Any]:
    """``window.__NUXT__=`` followed by JSON; a JS expression (Nuxt 2 IIFE) is not decoded."""
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return []
    return [value]


def _collect_json(value: Any, out: _Collector, seen: set[tuple[Any, ...]]) -> None:
    """Depth-first through the data; `seen` drops a group the blob repeats verbatim."""
    if isinstance(value, dict):
        _collect_object(value, out, seen)
    elif isinstance(value, list):
        tagged = [_tagged_member(item) for item in value]
        group = [entry for entry in tagged if entry is not None]
        if group:
            _add_group(group, out, seen)
        for item, entry in zip(value, tagged, strict=True):
            if entry is None:
                _collect_json(item, out, seen)


def _collect_object(value: dict[str, Any], out: _Collector, seen: set[tuple[Any, ...]]) -> None:
    own = _object_heading(value)
    for key, child in value.items():
        heading = own or _json_heading(key)
        names = _untagged_names(child) if heading is not None and isinstance(child, list) else []
        if heading is not None and names:
            _add_group([(heading, name) for name in names], out, seen)
        else:
            _collect_json(child, out, seen)


def _add_group(
    group: list[tuple[_Heading, str]], out: _Collector, seen: set[tuple[Any, ...]]
) -> None:
    signature = tuple(group)
    if signature in seen:
        return
    seen.add(signature)
    for heading in dict.fromkeys(heading for heading, _ in group):
        if heading.count is not None:
            out.declare(heading, heading.count)
    for heading, name in group:
        out.add(heading, name)


def _json_heading(value: Any) -> _Heading | None:
    if not isinstance(value, str):
        return None
    return _heading(_ASCII_SPACE.sub(" ", value).strip(), evidence=True)


def _object_heading(value: dict[str, Any]) -> _Heading | None:
    """{"name": "理事单位", "members": [...]}: an object that is itself a tier section."""
    for key, child in value.items():
        if key.casefold() in _NAME_KEYS | _TIER_KEYS:
            heading = _json_heading(child)
            if heading is not None:
                return heading
    return None


def _tagged_member(item: Any) -> tuple[_Heading, str] | None:
    """{"name": "星河智能", "level": "理事单位"}: a member that carries its tier."""
    if not isinstance(item, dict):
        return None
    name = _field(item, _NAME_KEYS)
    heading = _json_heading(_field(item, _TIER_KEYS))
    if name is None or heading is None:
        return None
    cleaned = _clean_name(name)
    return None if cleaned is None else (heading, cleaned)


def _untagged_names(items: list[Any]) -> list[str]:
    names = (_field(item, _NAME_KEYS) if isinstance(item, dict) else item for item in items)
    return [cleaned for name in names if isinstance(name, str) and (cleaned := _clean_name(name))]


def _field(item: dict[str, Any], keys: frozenset[str]) -> str | None:
    for key, value in item.items():
        if key.casefold() in keys and isinstance(value, str):
            return value
    return None


# --- Entry point ----------------------------------------------------------------------------


def _prefer(html: ParseResult, embedded: ParseResult) -> ParseResult:
    """HTML is what readers see; JSON replaces it only when it holds all of it and more.

    That covers a page that renders the first screenful and ships the full list as data,
    without letting an unrelated data blob displace a good HTML parse.
    """
    if not embedded.listings:
        return html
    if not html.listings:
        return embedded
    shown = {(item.tier, item.key) for item in html.listings}
    data = {(item.tier, item.key) for item in embedded.listings}
    return embedded if shown < data else html


def parse_page(html: str, *, selectors: Selectors | None = None) -> ParseResult:
    """The tiered member list a page shows; empty listings when it shows none.

    Raises ParseError only when configured selectors are invalid or match nothing.
    """
    tree = LexborHTMLParser(_without_wayback_insert(html))
    if selectors is not None:
        return _by_selectors(tree, selectors)
    return _prefer(_by_headings(tree), _by_json(tree))

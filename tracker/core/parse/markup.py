"""What the markup says: site furniture, title blocks, and where an element sits.

Structure is the first signal of what a piece of a page is. A nav bar, a sidebar, a
breadcrumb, a login box or a footer is recognised by its tag, role, id or class, and is
never read for members; an element whose class says it is a title (``*tit*``,
``*title*``, ``hd``, ``caption``, ``heading``) is heading markup, so it ends a tier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.core.parse.text import looks_like_org

# The Wayback Machine's toolbar, and phpcms's page links (<div id="pages">: as a class,
# "pages" may well name a content wrapper, so only these exact ids count).
_CHROME_IDS = frozenset({"wm-ipp-base", "wm-ipp", "wm-ipp-print", "donato", "pages"})
# Substrings for the CSS pre-filter; each candidate is then checked token by token.
_CHROME_ROOTS = (
    "nav", "menu", "crumb", "bar", "foot", "header", "copyright", "pag", "side", "login",
    "search", "tree", "share", "btn", "button", "weizhi",
)  # fmt: skip
# Any of the roots in a lowered class or id, in one search (a generator of substring tests
# costs several times more, once for each element with a class).
_CHROME_ROOT = re.compile("|".join(_CHROME_ROOTS))
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary", "menu")
# Every element that could be chrome; the roots are matched in Python, which is several
# times faster than as CSS substring selectors over every element of a long list.
_CHROME_QUERY = "nav, header, footer, aside, form, [class], [id], [role]"
# Each selector of a query costs lexbor a test at every node; looking a tag up by name
# costs a fifth of that. Most pages have none of the tags (a search box's form first,
# the most frequent): the attribute selectors alone then find the same elements.
_CHROME_TAGS = ("form", "header", "footer", "nav", "aside")
_CHROME_ATTRIBUTES = "[class], [id], [role]"
_CHROME_TOKENS = frozenset(
    "nav navbar navi navigation subnav topnav mainnav leftnav menu menus submenu topmenu "
    "mainmenu leftmenu menubar breadcrumb breadcrumbs crumb crumbs sidebar side leftside "
    "rightside sidenav sidemenu footer foot footnav header topbar toolbar copyright pager "
    "paging pagination pagenav login signin search searchbar tree share btn button "
    "weizhi".split()
)
# A breadcrumb sits between a page's title and its content: it ends no tier that has not
# begun.
_CRUMB_TOKENS = frozenset("breadcrumb breadcrumbs crumb crumbs tree weizhi".split())
# Parts of a component, not of the site: "card-header", "box-footer", "panel-btn".
_PART_TOKENS = frozenset("header foot footer bar btn button".split())
_COMPONENT_TOKENS = frozenset(
    "card panel section table list box modal module item title tit".split()
)
# "nav-tabs", "tab-menu": a strip of tabs switches panels of the content itself.
_TAB_TOKENS = frozenset({"tab", "tabs"})
_TOKEN = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SECTIONING = frozenset({"article", "section", "main"})
# Chrome this small ("展开", a search box, slider arrows) sits inside content: skipped, it
# ends nothing ("更多" between the shown and the hidden part of a list).
_MAX_CONTROL_TEXT = 8
# A chrome-named element holding this share of the page's text is the page's wrapper.
_WRAPPER_SHARE = 0.6
_CONTENT_TAGS = frozenset({"main", "article", "h1"})
LINK_TAGS = frozenset({"a"})
# A few elements are walked in Python for a tenth of what a CSS query costs (lexbor parses
# its selector anew at each call: 20,000-36,000 instructions). Past this many the query
# is cheaper.
_MAX_WALKED = 64
_TEXT_ID = 2  # lexbor's tag id of text ("-text"): an int, where a tag is a new string


def chrome_nodes(tree: LexborHTMLParser) -> dict[int, tuple[LexborNode, str]]:
    """The outermost site-chrome elements by id, each with its kind.

    One CSS query, then a check of each candidate. Kinds: "chrome", "breadcrumb" (ends no
    tier that has not begun) and "control" (ends nothing).
    """
    candidates = _chrome_candidates(tree)
    return _chrome_among(tree, candidates, [node.attributes for node in candidates])


def structure(
    tree: LexborHTMLParser,
) -> tuple[dict[int, tuple[LexborNode, str]], dict[int, LexborNode], dict[int, LexborNode]]:
    """`chrome_nodes`, and the elements whose class says what they hold, by id: titles
    (``div.link_tit``, ``div.panel-heading``) and English renderings of the text beside
    them (``<span class="en">Xinghe Technology Co., Ltd.</span>``), which name no one new.

    One CSS query for both (each is a pass over every element of the page): the chrome
    query's candidates hold every element with a class, and one without is neither."""
    candidates = _chrome_candidates(tree)
    # Built anew at each access: once a candidate, for both.
    attributes = [node.attributes for node in candidates]
    return _chrome_among(tree, candidates, attributes), *_classed(candidates, attributes)


def _chrome_candidates(tree: LexborHTMLParser) -> list[LexborNode]:
    """``tree.css(_CHROME_QUERY)``, in document order: without the tag selectors when no
    element has one of the tags (with them, the query alone knows the order)."""
    if any(map(tree.tags, _CHROME_TAGS)):
        return tree.css(_CHROME_QUERY)
    return tree.css(_CHROME_ATTRIBUTES)


def _chrome_among(
    tree: LexborHTMLParser, candidates: list[LexborNode], attributes: list[dict[str, str | None]]
) -> dict[int, tuple[LexborNode, str]]:
    body = tree.body
    found: dict[int, tuple[LexborNode, str]] = {}
    if body is None:
        return found
    total = _TextLength(body)
    below: dict[int, bool] = {}
    for node, attrs in zip(candidates, attributes, strict=True):
        if (
            not _named_chrome(node, attrs)
            or _below_found(node, found, below)
            or _holds_content(node)
        ):
            continue
        text = node.text(deep=True, strip=True)
        # "page with-sidebar" style wrappers hold the content itself.
        if total.within(len(text), _WRAPPER_SHARE):
            continue
        found[node.mem_id] = (node, _kind(node, text))
    return found


class _TextLength:
    """The length of an element's text, each text node stripped, computed only as far as
    a comparison needs it.

    Stripping each of a long list's text nodes costs twice as much as reading them as
    they are, so the length is bounded first by one unstripped read: at most all of it,
    at least what is not whitespace (strip removes only whitespace, and text nodes of
    ASCII whitespace alone strip to nothing). Only a comparison the bounds leave open
    needs the stripped read. Before either, what is not whitespace in the first text
    nodes is a lower bound too: most chrome is short beside the first few lines alone."""

    __slots__ = ("node", "bounds", "exact", "seen", "walk")

    def __init__(self, node: LexborNode) -> None:
        self.node = node
        self.bounds: tuple[int, int] | None = None
        self.exact: int | None = None
        # What is not whitespace in the text nodes walked so far (the whole page's text
        # read at once costs a thirtieth of the parse).
        self.seen = 0
        self.walk = node.traverse(include_text=True)

    def within(self, length: int, share: float) -> bool:
        """Whether the length is positive and ``length`` at least ``share`` of it."""
        if self.bounds is None and self._short(length, share):
            return False
        if self.bounds is None:
            text = self.node.text(deep=True, skip_empty=True)
            self.bounds = (len("".join(text.split())), len(text))
        low, high = self.bounds
        if high == 0 or length < share * low:
            return False
        if low and length >= share * high:
            return True
        if self.exact is None:
            self.exact = len(self.node.text(deep=True, strip=True))
        return bool(self.exact) and length >= share * self.exact

    def _short(self, length: int, share: float) -> bool:
        """Whether ``length`` is less than ``share`` of the text walked so far, walking on
        only until it is (text nodes are what the text is made of, in the same walk)."""
        while length >= share * self.seen:
            node = next(self.walk, None)
            if node is None:
                return False
            if node.tag_id == _TEXT_ID:
                self.seen += len("".join((node.text_content or "").split()))
        return True


def _below_found(node: LexborNode, found: Container[int], below: dict[int, bool]) -> bool:
    """Whether node sits inside chrome found already, remembering the answer for each
    element on the way up: nested menus would otherwise cost a walk to the root each.

    The query answers in document order, so an enclosing element is found before."""
    path = []
    parent = node.parent
    answer = False
    while parent is not None:
        if parent.mem_id in found:
            answer = True
            break
        if (known := below.get(parent.mem_id)) is not None:
            answer = known
            break
        path.append(parent.mem_id)
        parent = parent.parent
    below.update(dict.fromkeys(path, answer))
    return answer


def inside(node: LexborNode, elements: Container[int]) -> bool:
    """Whether one of the elements (by id) encloses node."""
    return ancestor(node, lambda parent: parent.mem_id in elements) is not None


def ancestor(node: LexborNode, match: Callable[[LexborNode], bool]) -> LexborNode | None:
    """The nearest element enclosing node that matches."""
    parent = node.parent
    while parent is not None:
        if match(parent):
            return parent
        parent = parent.parent
    return None


def _kind(node: LexborNode, text: str) -> str:
    """ "breadcrumb", "control" (a button, a search box, slider arrows: nothing to read and
    no end of anything) or "chrome" (``text``: the node's, stripped)."""
    tokens = {token.lower() for token in _TOKEN.findall(_class_and_id(node))}
    if tokens & _CRUMB_TOKENS:
        return "breadcrumb"
    if len(text) <= _MAX_CONTROL_TEXT and len(first_found(node, LINK_TAGS, 2)) <= 1:
        return "control"
    return "chrome"


def _named_chrome(node: LexborNode, attrs: dict[str, str | None]) -> bool:
    tag = node.tag
    if tag in ("nav", "aside", "form") or node.id in _CHROME_IDS:
        return True
    if tag in ("header", "footer"):
        # HTML's own rule: a header inside an article or section belongs to it.
        return not _inside_sectioning(node)
    if attrs.get("role") in _CHROME_ROLES:
        return True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    lowered = names.lower()
    if _CHROME_ROOT.search(lowered) is None:
        return False
    return any(_chrome_word(word) for word in names.split())


def _chrome_word(word: str) -> bool:
    """One class or id, "left_sidebar" or "box-header": chrome unless part of a component."""
    tokens = {token.lower() for token in _TOKEN.findall(word)}
    chrome = tokens & _CHROME_TOKENS
    if not chrome or tokens & _TAB_TOKENS:
        return False
    return not (chrome <= _PART_TOKENS and tokens & _COMPONENT_TOKENS)


def _holds_content(node: LexborNode) -> bool:
    return bool(first_found(node, _CONTENT_TAGS))


def first_found(node: LexborNode, tags: frozenset[str], count: int = 1) -> list[LexborNode]:
    """The first ``count`` elements that ``node.css`` of the type selectors ``tags`` finds:
    the node itself and the elements in it of those tags, in document order."""
    found = []
    for walked, element in enumerate(node.traverse(include_text=False)):
        if element.tag in tags:
            found.append(element)
            if len(found) == count:
                return found
        if walked == _MAX_WALKED:
            return node.css(", ".join(sorted(tags)))[:count]
    return found


def _class_and_id(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def _inside_sectioning(node: LexborNode) -> bool:
    return ancestor(node, lambda parent: parent.tag in _SECTIONING) is not None


# --- Title blocks ---------------------------------------------------------------------------

_TITLE_ROOT = re.compile("tit|hd|caption|head|biaoti")
# "title", "subtitle", "tit", "intit", "left_tit", "titbox", "hd", "panel-heading": but not
# "entity", which merely holds the letters.
_RENDERING = frozenset(
    "en eng english ename enname en-name en_name name-en name_en entitle en-title title-en "
    "title_en".split()
)
_TITLE_TOKEN = re.compile(r"tit\w*|\w*tit(?:le)?|hd|caption|heading|head|biaoti")


def _classed(
    candidates: list[LexborNode], attributes: list[dict[str, str | None]]
) -> tuple[dict[int, LexborNode], dict[int, LexborNode]]:
    titles: dict[int, LexborNode] = {}
    renderings: dict[int, LexborNode] = {}
    for node, attrs in zip(candidates, attributes, strict=True):
        # Neither check finds anything in an empty class.
        classes = attrs.get("class")
        if not classes:
            continue
        # A link styled as a title ("a.title" in a list of news or members) is an item,
        # not a heading over items.
        if node.tag != "a" and _titled(classes):
            titles[node.mem_id] = node
        elif _RENDERING.intersection(classes.lower().split()):
            renderings[node.mem_id] = node
    return titles, renderings


def _titled(classes: str) -> bool:
    lowered = classes.lower()
    if _TITLE_ROOT.search(lowered) is None:
        return False
    for word in classes.split():
        tokens = [token.lower() for token in _TOKEN.findall(word)]
        if any(_TITLE_TOKEN.fullmatch(token) for token in tokens):
            return True
        # "box-header" and "card-header" title a box; a bare "header" is the site's.
        if "header" in tokens and not _chrome_word(word):
            return True
    return False


# --- The site itself --------------------------------------------------------------------

# "组织架构 - 某产业联盟", "某产业联盟_组织架构", "理事单位 | 某产业联盟": a page title names
# the site beside the page.
_TITLE_PARTS = re.compile(r"\s*(?:[-_|｜·–—:：]+|\s{2,})\s*")


def site_names(tree: LexborHTMLParser) -> set[str]:
    """The organisation the site belongs to, as its page title names it."""
    # By tag name: a tenth of what a CSS query costs (lexbor parses its selector anew).
    title = next(iter(tree.tags("title")), None)
    if title is None:
        return set()
    parts = _TITLE_PARTS.split(" ".join(title.text().split()))
    return {part for part in parts if len(part) >= 4 and looks_like_org(part)}


# --- Where an element sits -----------------------------------------------------------------


def css_path(node: LexborNode | None, depth: int = 4) -> str:
    """A short CSS path to a node, ``div.main > div.box-header > h2``, for people to follow."""
    parts: list[str] = []
    while node is not None and node.tag not in (None, "html", "body", "-undef") and depth:
        if node.tag.startswith("-"):
            node = node.parent
            continue
        parts.append(describe(node))
        node = node.parent
        depth -= 1
    return " > ".join(reversed(parts)) or "body"


def describe(node: LexborNode) -> str:
    """``div#menu.clearfix``: a tag with its id and first class."""
    attrs = node.attributes
    out = node.tag or "?"
    if attrs.get("id"):
        out += f"#{attrs['id']}"
    classes = (attrs.get("class") or "").split()
    if classes:
        out += f".{classes[0]}"
    return out

"""The quality gate: is there an article here worth summarising?

Summarising a home page, a login form or a paywall teaser produces confident-sounding junk, so these pages
stop here with a `NotArticle` whose message tells the person who shared the link what linkbrief saw. Two
looks at the page:

- before extraction, from the raw page (cheap, and extraction of an empty shell is pointless): empty pages,
  and JavaScript-only shells (almost no text, scripts, and an empty app root or an "enable JavaScript"
  notice);
- after extraction, from the page and the extracted text together: login walls (a password field or a
  "sign in to continue" notice, and little article text), paywall stubs (a subscriber notice or schema.org
  `isAccessibleForFree: false`, and little text), index pages (little text on a page of links, or text that
  is the teasers of a list of story cards), and pages with too little text to summarise.

Signals that commonly appear on real articles too (a "Subscribe" box, a login form in the header, a menu full
of links, related-story cards) are only ever used together with "the extracted text is short" or "the text
is nothing but teasers": a real article is not rejected for its furniture. On the 181 real articles of the
extraction benchmark the gate rejects exactly the two paywall teasers it contains.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement

from bot.errors import NotArticle
from bot.pipeline.blocks import Block, count_words
from bot.pipeline.metadata import JSON_LD_SCRIPTS
from bot.pipeline.overlap import TextIndex

MIN_ARTICLE_WORDS = 40
SHELL_MAX_VISIBLE_WORDS = 60
SHELL_MAX_TEXT_CHARS = 5000
LOGIN_MAX_ARTICLE_WORDS = 150
PAYWALL_MAX_ARTICLE_WORDS = 200
INDEX_MIN_LINK_SHARE = 0.5
MIN_STORY_CARDS = 5
TEASER_MIN_WORDS = 5
TEASER_MAX_WORDS = 120
CARD_MAX_CHARS = 1000
LISTING_MAX_INTRO_WORDS = 150
CARD_LINE_COVERAGE = 0.5
ROUNDUP_MAX_CARDS = 20
HEADLINE_MAX_OFFSET = 40  # characters of a date or kicker that may stand before a card's headline
INDEX_MIN_TEASER_SHARE = 0.6
INDEX_MIN_LINK_TEXT_SHARE = 0.7
LINK_TEXT_CHECK_MAX_WORDS = 1000

JS_NOTICES = (
    "enable javascript",
    "enabling javascript",
    "javascript is required",
    "javascript is disabled",
    "javascript must be enabled",
    "requires javascript",
    "turn on javascript",
    "javascript enabled",
    "activate javascript",
    "javascript aktivieren",
    "activer javascript",
    "activez javascript",
    "habilita javascript",
    "включите javascript",
)
LOGIN_NOTICES = (
    "sign in to continue",
    "log in to continue",
    "login to continue",
    "sign in to read",
    "log in to read",
    "sign in to view",
    "log in to view",
    "login required",
    "sign-in required",
    "create an account to continue",
    "bitte melden sie sich an",
    "veuillez vous connecter",
)
PAYWALL_NOTICES = (
    "subscribe to continue reading",
    "subscribe to keep reading",
    "subscribe to read",
    "to continue reading",
    "continue reading with",
    "keep reading with",
    "already a subscriber",
    "already subscribed",
    "subscribers only",
    "for subscribers only",
    "exclusive to subscribers",
    "this article is for subscribers",
    "this content is for subscribers",
    "available to subscribers",
    "become a subscriber",
    "unlock this article",
    "unlock full access",
    "register to continue reading",
    "start your free trial",
    "weiterlesen mit",
    "réservé aux abonnés",
)

INDEX_PAGE = "This looks like a home or index page (mostly links), not an article."
LISTING_PAGE = "This is a list of articles (a home, section, tag or search page), not an article."

_ARTICLE_TYPE_RE = re.compile(
    r'"@type"\s*:\s*\[?\s*"(?:News|Blog|Reportage|Analysis|Opinion|Tech|Scholarly)?(?:Article|Posting)"'
)
_FREE_FALSE_RE = re.compile(r'"isAccessibleForFree"\s*:\s*"?false"?', re.IGNORECASE)
_APP_ROOT_IDS = frozenset({"root", "app", "__next", "__nuxt", "svelte", "main-app", "application"})
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the raw page looks like, measured once."""

    visible_words: int
    link_words: int
    visible_text: str
    noscript_text: str
    script_count: int
    has_empty_app_root: bool
    has_password_field: bool
    marked_not_free: bool

    @property
    def link_share(self) -> float:
        return self.link_words / self.visible_words if self.visible_words else 0.0


# Script, style and noscript hold only text, so testing the parent is enough (and much cheaper than ancestors).
_VISIBLE_TEXT = XPath(".//text()[not(parent::script or parent::style or parent::noscript or parent::template)]")
_LINK_TEXT = XPath(".//a//text()[not(parent::script or parent::style)]")
_NOSCRIPT_TEXT = XPath("//noscript//text()")
_PASSWORD_FIELDS = XPath("//input[translate(@type, 'PASWORD', 'pasword') = 'password']")
_APP_ROOTS = XPath("//div[@id] | //main[@id]")
_HEADING_ANCESTOR = XPath("ancestor::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]")
_HEADING_INSIDE = XPath(".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]")


def page_signals(tree: HtmlElement) -> PageSignals:
    body = tree.find(".//body")
    scope = body if body is not None else tree
    visible_text = " ".join(" ".join(_VISIBLE_TEXT(scope)).split())
    link_text = " ".join(_LINK_TEXT(scope))
    return PageSignals(
        visible_words=len(_WORD_RE.findall(visible_text)),
        link_words=len(_WORD_RE.findall(link_text)),
        visible_text=visible_text,
        noscript_text=" ".join(" ".join(_NOSCRIPT_TEXT(tree)).split()),
        script_count=sum(1 for _ in tree.iter("script")),
        has_empty_app_root=any(_is_empty_app_root(element) for element in _APP_ROOTS(tree)),
        has_password_field=bool(_PASSWORD_FIELDS(tree)),
        marked_not_free=bool(_FREE_FALSE_RE.search(" ".join(JSON_LD_SCRIPTS(tree)))),
    )


def _is_empty_app_root(element: _Element) -> bool:
    return (element.get("id") or "").lower() in _APP_ROOT_IDS and not "".join(element.itertext()).strip()


def _mentions(text: str, notices: tuple[str, ...]) -> bool:
    lowered = text.casefold()
    return any(notice in lowered for notice in notices)


def check_page(tree: HtmlElement) -> None:
    """Reject, before extraction, pages with nothing to extract (empty pages, JavaScript shells)."""
    body = tree.find(".//body")
    if body is not None and len(body.text_content()) > SHELL_MAX_TEXT_CHARS:
        return  # plenty of text (script source included): measuring it precisely is not worth the time
    signals = page_signals(tree)
    if _is_js_shell(signals):
        raise NotArticle("The page only shows its content with JavaScript, so there is no article text to read.")
    if signals.visible_words == 0:
        raise NotArticle("The page is empty: there is no text on it.")


def _is_js_shell(signals: PageSignals) -> bool:
    if signals.visible_words > SHELL_MAX_VISIBLE_WORDS or signals.script_count == 0:
        return False
    notice = _mentions(f"{signals.visible_text} {signals.noscript_text}", JS_NOTICES)
    return notice or signals.has_empty_app_root


def check_article(tree: HtmlElement, blocks: list[Block]) -> list[Block]:
    """Reject, after extraction, walls, stubs and listing pages; accept anything with a real body.

    Returns the article's blocks without a list of story cards at their end (the "more stories" block an
    extractor kept): those cards are how a listing page is recognised, and on an article they are not its text.
    """
    cards = story_cards(tree)
    if len(cards) >= MIN_STORY_CARDS:
        # A page that says it is one article is a roundup ("10 things to know", a deals list, a listicle): its
        # cards are the article. schema.org Article data is that statement (CMSs write it on article pages
        # only); `og:type` article is also a site-wide default on some sites, so it only counts for a modest
        # number of cards; a home or section page holds many more.
        schema_article, og_article = article_declarations(tree)
        roundup = schema_article or (og_article and len(cards) < ROUNDUP_MAX_CARDS)
        blocks = _without_story_cards(blocks, TextIndex(cards), may_refuse=not roundup)
    words = sum(block.words for block in blocks)
    if words < PAYWALL_MAX_ARTICLE_WORDS:
        _check_short_article(tree, blocks, words)
    elif words < LINK_TEXT_CHECK_MAX_WORDS and _is_link_text(tree, blocks, words):
        raise NotArticle(INDEX_PAGE)
    return blocks


def _without_story_cards(blocks: list[Block], cards: TextIndex, *, may_refuse: bool = True) -> list[Block]:
    """The blocks without the story cards at their end; NotArticle when cards are most of the text.

    A listing page is cards from top to bottom (perhaps after a short introduction); an article that ends
    with related stories keeps a body of its own once they are taken away. With `may_refuse` off (a roundup
    article), the cards are only taken away when a body of some length is left without them.
    """
    all_words = sum(block.words for block in blocks)
    kept = list(blocks)
    while kept:
        last = kept[-1]
        lines = _lines(last)
        cut = len(lines)
        while cut and cards.contains(lines[cut - 1]):
            cut -= 1
        if cut == len(lines):
            break  # the last block is not a card: the article ends here
        kept.pop()
        if cut:
            kept.append(Block(text="\n".join(lines[:cut]), kind=last.kind, link_chars=0))
            break
    body_words = sum(block.words for block in kept)
    if not may_refuse:
        return kept if body_words >= LISTING_MAX_INTRO_WORDS else blocks
    if body_words < LISTING_MAX_INTRO_WORDS and all_words - body_words >= 2 * body_words:
        raise NotArticle(LISTING_PAGE)  # an introduction above a list of stories: a section or tag page
    if body_words and _card_words(kept, cards) >= INDEX_MIN_TEASER_SHARE * body_words:
        raise NotArticle(LISTING_PAGE)  # cards all the way, whatever follows them
    return kept


def _lines(block: Block) -> list[str]:
    """A list block's items (a list of cards often arrives as one list block), or the block as one line."""
    return block.text.split("\n") if block.kind == "list" else [block.text]


def _card_words(blocks: list[Block], cards: TextIndex) -> float:
    """Words of the text found in story cards, line by line (a list of cards is often one list block)."""
    found = 0.0
    for block in blocks:
        for line in _lines(block):
            coverage = cards.coverage(line)
            if coverage >= CARD_LINE_COVERAGE:
                found += coverage * count_words(line)
    return found


def _check_short_article(tree: HtmlElement, blocks: list[Block], words: int) -> None:
    """Short text: look at the page around it to say why (the page's signals are only measured here)."""
    signals = page_signals(tree)
    text = "\n".join(block.text for block in blocks)
    page_and_text = f"{signals.visible_text} {text}"
    login_notice = _mentions(page_and_text, LOGIN_NOTICES)
    if words < LOGIN_MAX_ARTICLE_WORDS and (
        (signals.has_password_field and (words < MIN_ARTICLE_WORDS or login_notice))
        or (words < 2 * MIN_ARTICLE_WORDS and login_notice)
    ):
        raise NotArticle("The page asks you to sign in before it shows the article.")
    if signals.marked_not_free or _mentions(page_and_text, PAYWALL_NOTICES):
        raise NotArticle("Only a paywall teaser is visible: the article is for subscribers.")
    if _is_link_text(tree, blocks, words):
        raise NotArticle(INDEX_PAGE)
    if words < MIN_ARTICLE_WORDS:
        if signals.visible_words < MIN_ARTICLE_WORDS:
            raise NotArticle("The page is empty or almost empty: there is no article text to read.")
        if signals.link_share >= INDEX_MIN_LINK_SHARE:
            raise NotArticle(INDEX_PAGE)
        raise NotArticle("The page has too little article text to summarise.")


def _is_link_text(tree: HtmlElement, blocks: list[Block], words: int) -> bool:
    """Is the extracted text mostly the page's link texts (a menu or sitemap an extractor fell back to)?

    Only asked when the blocks carry no link markup at all: trafilatura's fallbacks return plain text, so the
    blocks are measured against the page's own link texts instead.
    """
    if not words or any(block.link_chars for block in blocks):
        return False  # link markup survived, so combine has already dropped the link blocks
    link_index = TextIndex(" ".join(anchor.itertext()) for anchor in tree.iter("a"))
    link_words = sum(block.words for block in blocks if link_index.contains(block.text, 0.8))
    return link_words >= INDEX_MIN_LINK_TEXT_SHARE * words


def article_declarations(tree: HtmlElement) -> tuple[bool, bool]:
    """Whether the page declares itself one article in schema.org data, and in `og:type`."""
    schema_article = bool(_ARTICLE_TYPE_RE.search(" ".join(JSON_LD_SCRIPTS(tree))))
    og_article = any(
        (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type"
        and (meta.get("content") or "").strip().lower().startswith("article")
        for meta in tree.iter("meta")
    )
    return schema_article, og_article


def story_cards(tree: HtmlElement) -> list[str]:
    """Texts (headline and teaser) of "story cards": a headline link plus a short text, repeated in one list.

    This is the shape of home, section, tag and search pages. A card is the smallest element around a headline
    link (>= 3 words, not a link inside running text) that holds some other text, or the link's container and
    the element right after it (`<dt>` and `<dd>`, a heading and its standfirst). It counts only when at least
    `MIN_STORY_CARDS` cards share a parent or grandparent, since an article has at most one such unit.
    """
    body = tree.find(".//body")
    cards: list[tuple[_Element, str]] = []
    seen: set[_Element] = set()
    texts = _TextsUpTo(CARD_MAX_CHARS)
    for link in (body if body is not None else tree).iter("a"):
        link_text = " ".join(" ".join(link.itertext()).split())
        if count_words(link_text) < 3:
            continue
        card, card_text = _card_around(link, link_text, texts)
        if card is None or card in seen or not _leads_card(link, link_text, card_text):
            continue
        seen.add(card)
        if TEASER_MIN_WORDS <= count_words(card_text.replace(link_text, " ")) <= TEASER_MAX_WORDS:
            cards.append((card, card_text))
    siblings: Counter[_Element] = Counter()
    for card, _ in cards:
        for ancestor in _parent_and_grandparent(card):
            siblings[ancestor] += 1
    return [
        text
        for card, text in cards
        if any(siblings[ancestor] >= MIN_STORY_CARDS for ancestor in _parent_and_grandparent(card))
    ]


def _leads_card(link: _Element, link_text: str, card_text: str) -> bool:
    """A headline link heads its card (or is a heading); a link inside running text is one the article makes."""
    if _HEADING_ANCESTOR(link) or _HEADING_INSIDE(link):
        return True
    return card_text.find(link_text) <= HEADLINE_MAX_OFFSET


class _TextsUpTo:
    """`_text_up_to(element, limit)` of the elements of one page, each read once.

    The links of a listing share their containers: without this, every link's climb reads the same list and
    section elements again (on the scrapinghub corpus: 84 readings per page instead of 61, and story-card
    detection cost 1.6 ms of CPU per page instead of 1.2)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._texts: dict[_Element, str] = {}

    def __call__(self, element: _Element) -> str:
        text = self._texts.get(element)
        if text is None:
            text = self._texts[element] = _text_up_to(element, self.limit)
        return text


def _card_around(link: _Element, link_text: str, texts: _TextsUpTo) -> tuple[_Element | None, str]:
    node = link
    while (parent := node.getparent()) is not None:
        text = texts(parent)
        if len(text) > CARD_MAX_CHARS:
            return _card_with_next(node, link_text, texts)
        if len(text) > 1.25 * len(link_text) + 10:
            return parent, text
        node = parent
    return None, ""


def _card_with_next(node: _Element, link_text: str, texts: _TextsUpTo) -> tuple[_Element | None, str]:
    """The headline's container and the element after it, when that holds a teaser and no other headline."""
    following = node.getnext()
    if following is None or not isinstance(following.tag, str) or any(True for _ in following.iter("a")):
        return None, ""
    teaser = texts(following)
    if not teaser or len(teaser) > CARD_MAX_CHARS:
        return None, ""
    return node, f"{link_text} {teaser}"


def _text_up_to(element: _Element, limit: int) -> str:
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    return " ".join(" ".join(parts).split())


def _parent_and_grandparent(element: _Element) -> list[_Element]:
    parent = element.getparent()
    if parent is None:
        return []
    grandparent = parent.getparent()
    return [parent] if grandparent is None else [parent, grandparent]

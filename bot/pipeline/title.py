"""The article's headline, chosen among the page's own claims by agreement.

A page names its article in up to five places: the visible `<h1>`, `og:title`/`twitter:title`, JSON-LD
`headline`, `itemprop=headline` and `<title>`. Each is wrong on some sites in its own way: the `<h1>` is the
site's logo or a section name ("U.S. & World"), `<title>` carries the site name (" | Site", "Site: "), a meta
title is a wire slug, trafilatura's pick is whichever came first. Where two independent places agree, that text
is the headline; the visible `<h1>` breaks ties, because the headline is what the reader saw above the article.

Every claim is also cut at the separators sites put between headline, section and site name (" | ", " - ",
" » ", ...), so "Storm closes schools | U.S. & World | Daily Herald" offers "Storm closes schools" as a candidate
that the `<h1>` and `og:title` then support. Candidates that are the site's name (its `og:site_name`, publisher
or domain), a menu entry, a slug or a page-furniture phrase lose, whatever supports them.

A heading is read in the pieces its markup sets apart, not as one run of text: a kicker or section label in an
element of its own ("City | ", a "Dachzeile") stands above the headline, and running it into the headline
("Night trains Sleeper service returns to the coast") makes a sentence nobody wrote. See `_heading_text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from bot.pipeline.furniture import is_dateline
from bot.pipeline.metadata import declared_language, json_ld_documents

MAX_H1 = 5
MAX_TITLE_WORDS = 40
SUPPORT_SHARE = 0.7  # of the smaller text's words found in the other, for two texts to agree
COVER_SHARE = 0.5  # of the larger text's words (site names aside) the shared words must make up
MIN_DESCRIPTIVE_WORDS = 3
SITE_NAME_SLACK = 0.25  # of a piece's letters that may be other than the site's names, for it to be the name
H1_BONUS = 1.5
H1_AGREED_BONUS = 1.0

_SEPARATOR_RE = re.compile(r"\s+(?:\||-|–|—|::|»|«|·|•|/|~|\\)\s+|\s*\|\s*")
_WORD_RE = re.compile(r"\w+")
_WAYBACK_PATH = re.compile(r"/web/\w+/(https?://.+)", re.IGNORECASE)
_SLUG_RE = re.compile(r"\bBC-|\bWritethru\b|\b\d+(?:st|nd|rd|th)Ld\b|^[a-z]\d{3,}\b|^[\w-]+-[\w-]+-[\w-]+$")
_VISIBLE_TEXT = XPath(".//text()[not(ancestor::style or ancestor::script or ancestor::noscript)]")
_HEADLINE_PROPS = XPath("//*[@itemprop='headline']")
_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
     "report", "scholarlyarticle", "techarticle", "posting", "socialmediaposting", "liveblogposting", "review"}
)  # fmt: skip
_META_TITLES = {
    "og:title": "og",
    "twitter:title": "twitter",
    "dc.title": "dc",
    "dcterms.title": "dc",
    "sailthru.title": "meta",
    "parsely-title": "meta",
    "title": "meta",
}
_META_SITE_NAMES = frozenset({"og:site_name", "application-name", "twitter:site", "publisher", "copyright"})
# Headings that name a part of a page, never an article: comment forms, menus, generic sections.
_FURNITURE_TITLES = re.compile(
    r"^(?:navigation|main menu|menu|hauptmenü|navigation und service|search|suche|home|startseite|accueil|inicio|"
    r"news|nachrichten|aktuelles|aktuelle|actualités|noticias|blog|archiv|archive|archives|allgemein|"
    r"general|uncategorized|themen|topics|kategorie|category|categories|pressemitteilungen|press releases|"
    r"comments?|kommentare?|commentaires?|leave a (?:reply|comment)|write a reply or comment.*|"
    r"talkback.*|add your (?:opinion|comment)|related (?:articles|stories|posts)|more stories|"
    r"you may also like|sign in|log in|anmelden|login|404|page not found|seite nicht gefunden|page|sections|"
    r"social(?: network)? links|share|teilen|impressum|kontakt|contact|about|menü|"
    # sidebar widgets of blog themes, in the languages the furniture vocabulary covers
    r"suchen|rechercher|buscar|recent (?:posts|comments)|neueste (?:beiträge|kommentare)|letzte beiträge|"
    r"articles récents|commentaires récents|entradas recientes|comentarios recientes|tags|schlagwörter|"
    r"kategorien|catégories|categorías|service|meta|links|blogroll|follow us|folge uns|newsletter)\W*$",
    re.IGNORECASE,
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_CLOSING_PUNCTUATION = ",.;:!?)]}»”’…"
_OPENING_PUNCTUATION = "([{«„“‚‘¿¡"
_FRENCH_SPACED = frozenset(":;!?»")  # French typography sets a space before these
_UNBROKEN = frozenset({"wbr", "script", "style", "noscript", "template"})  # elements that set no piece apart


@dataclass(frozen=True, slots=True)
class _Claim:
    """One place on the page that names the article: where it is (`source`) and what it says."""

    source: str
    text: str
    words: frozenset[str]
    word_count: int
    core: frozenset[str]  # `words` without the pieces that are the site's name


@dataclass(frozen=True, slots=True)
class _Candidate:
    source: str
    text: str
    words: frozenset[str]
    word_count: int
    whole: bool  # the claim's whole text, not a piece cut at a separator


def choose_title(
    tree: HtmlElement,
    url: str | None,
    fallback: str | None = None,
    *,
    json_ld: list[object] | None = None,
    names: list[str] | None = None,
) -> str | None:
    """The headline of the article on this page, or `fallback` (trafilatura's pick) when the page offers none.

    `json_ld` (the page's parsed JSON-LD) and `names` (its `site_names`) are read from the page when not given;
    extraction passes what it has already read.
    """
    json_ld = json_ld_documents(tree) if json_ld is None else json_ld
    site_keys = _site_keys(site_names(tree, json_ld) if names is None else names, url)
    claims = _claims(tree, json_ld, site_keys)
    if not claims:
        return _tidy(fallback) if fallback else None
    candidates: dict[str, _Candidate] = {}
    for candidate in _candidates(claims):
        key = _key(candidate.text)
        if key and key not in candidates:
            candidates[key] = candidate
    short = {_plain(c.text) for c in candidates.values() if c.word_count <= MIN_DESCRIPTIVE_WORDS}
    links = _link_texts(tree, url, short)
    best: tuple[float, int, str] | None = None
    for candidate in candidates.values():
        score = _score(candidate, claims, site_keys, links)
        ranking = (score, min(candidate.word_count, MAX_TITLE_WORDS), candidate.text)
        if best is None or ranking[:2] > best[:2]:
            best = ranking
    if best is None:
        return _tidy(fallback) if fallback else None
    return best[2]


def _score(candidate: _Candidate, claims: list[_Claim], site_keys: frozenset[str], links: frozenset[str]) -> float:
    supporting = {claim.source for claim in claims if _agrees(claim, candidate)}
    score = float(len(supporting))
    if candidate.whole and candidate.source == "h1":
        score += H1_BONUS  # the headline as the reader saw it above the article, kicker included
        if len(supporting) > 1:
            score += H1_AGREED_BONUS  # and another claim agrees: the page's own wording of it wins
    if candidate.word_count >= MIN_DESCRIPTIVE_WORDS:
        score += 0.5
    key = _key(candidate.text)
    if candidate.whole and any(
        _is_site_name(_key(piece), len(_words(piece)), site_keys) for piece in _pieces(candidate.text)
    ):
        score -= 1.0  # "Headline | Site": the headline is the same claim with the site's name taken off
    if _is_site_name(key, candidate.word_count, site_keys):
        score -= 3.0
    if candidate.word_count <= MIN_DESCRIPTIVE_WORDS and _plain(candidate.text) in links:
        score -= 1.5  # a menu entry or section link
    if _FURNITURE_TITLES.match(candidate.text.strip(" :.!")) or _SLUG_RE.search(candidate.text):
        score -= 4.0
    if is_dateline(candidate.text):
        score -= 4.0  # "20. Januar 2022": when, not what
    if candidate.word_count > MAX_TITLE_WORDS:
        score -= 2.0
    return score


def _agrees(claim: _Claim, candidate: _Candidate) -> bool:
    """The claim says the same as the candidate: one holds (nearly) all of the other's words, and the smaller
    makes up a good part of the larger once site names are set aside ("Headline | Site" agrees with
    "Headline"; "Headline | Section | Site" does not make the section a headline)."""
    if not candidate.words:
        return False
    shared = len(candidate.words & claim.words)
    if shared < SUPPORT_SHARE * min(len(candidate.words), len(claim.words)):
        return False
    larger = max(len(claim.core), len(candidate.words))
    return len(candidate.words & claim.core) >= COVER_SHARE * larger


def _candidates(claims: list[_Claim]) -> Iterator[_Candidate]:
    for claim in claims:
        yield _candidate(claim.source, claim.text, whole=True)
        for piece in _pieces(claim.text):
            yield _candidate(claim.source, piece, whole=False)


def _pieces(text: str) -> list[str]:
    """The parts of a claim between separators, and both sides of a "Site: Headline" colon."""
    pieces = _segments(text)
    if len(pieces) < 2:
        pieces = []
    if ": " in text:
        head, _, rest = text.partition(": ")
        pieces.extend((head.strip(), rest.strip()))
    return pieces


def _segments(text: str) -> list[str]:
    """The claim cut in reading order at separators and at a spaced colon inside a part ("Headline : Site")."""
    segments: list[str] = []
    for part in _SEPARATOR_RE.split(text):
        if not part or not part.strip():
            continue
        segments.extend(piece.strip() for piece in part.split(" : ", 1) if piece.strip())
    return segments


def _core_words(text: str, all_words: frozenset[str], site_keys: frozenset[str]) -> frozenset[str]:
    """A claim's words on the headline's side of the site's name: "Headline | Site | Tagline | 2005" keeps
    "Headline", "Site: Headline" keeps "Headline"; a claim with no site name in it keeps all its words."""
    segments = _segments(text)
    for index, segment in enumerate(segments):
        if _is_site_name(_key(segment), len(_words(segment)), site_keys):
            kept = segments[:index] if index else segments[1:]
            headline_side = frozenset(word for piece in kept for word in _words(piece))
            return headline_side or all_words
    words = set(all_words)
    for piece in _pieces(text):  # "Site: Headline"
        piece_words = _words(piece)
        if _is_site_name(_key(piece), len(piece_words), site_keys):
            words -= set(piece_words)
    return frozenset(words) or all_words


def _candidate(source: str, text: str, *, whole: bool) -> _Candidate:
    words = _words(text)
    return _Candidate(source=source, text=text, words=frozenset(words), word_count=len(words), whole=whole)


def _claims(tree: HtmlElement, json_ld: list[object], site_keys: frozenset[str]) -> list[_Claim]:
    """The page's claims in the order ties are broken: the `<h1>`s, `itemprop=headline`, meta titles, JSON-LD,
    `<title>`. The headings are read last, because how a heading's pieces join depends on what the metadata say."""
    metadata: list[_Claim] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        source = _META_TITLES.get(key)
        if source:
            metadata.extend(_claim(source, meta.get("content"), site_keys))
    for headline in _json_ld_headlines(json_ld):
        metadata.extend(_claim("jsonld", headline, site_keys))
    title = tree.find(".//title")
    if title is not None:
        metadata.extend(_claim("title", title.text_content(), site_keys))
    french = declared_language(tree) == "fr"  # French typography spaces a colon
    headings: list[_Claim] = []
    for index, heading in enumerate(tree.iter("h1")):
        if index >= MAX_H1:
            break
        headings.extend(_claim("h1", _heading_text(heading, metadata, french), site_keys))
    for element in _HEADLINE_PROPS(tree):
        if element.tag == "meta":
            headings.extend(_claim("itemprop", element.get("content"), site_keys))
        else:
            headings.extend(_claim("itemprop", _heading_text(element, metadata, french), site_keys))
    return headings + metadata


def _heading_text(heading: HtmlElement, metadata: list[_Claim], french: bool) -> str:
    """The text of a visible heading, its pieces joined as a reader reads them.

    A heading often holds a kicker or section label and the headline in elements of their own, shown one above
    the other ("City | " over the headline, a "Dachzeile" or kicker over it): joined, they make a run-on
    sentence ("Night trains Sleeper service returns to the coast"), or carry a colon for screen readers with a
    stray space before it ("Night trains : Sleeper service..."). So, when the heading has pieces:

    - where the heading itself joins them with a colon ("Kicker: Headline"), or the last piece goes on in lower
      case (inline emphasis in a sentence), the heading as it reads;
    - where the page's metadata write the whole heading as one text, that text, in their spelling ("Kicker:
      Headline" from a `<title>` of "Kicker: Headline | Site"); a separator between the pieces there
      ("Kicker - Headline") says they are two parts, not one text;
    - where the metadata agree with the last piece, the headline under its label: that piece alone;
    - otherwise (nothing to tell) the pieces joined, as before.
    """
    parts = _heading_parts(heading, french)
    joined = _join(parts, french)
    if len(parts) < 2:
        return joined
    label, headline = _join(parts[:-1], french), parts[-1]
    if label.endswith(":") or headline.startswith(":") or headline[:1].islower():
        return joined
    key = _key(joined)
    for claim in metadata:
        for segment in _segments(claim.text):
            if _key(segment) == key:
                return segment
    if any(_agrees(claim, _candidate("h1", headline, whole=True)) for claim in metadata):
        return headline
    return joined


def _heading_parts(heading: HtmlElement, french: bool) -> list[str]:
    """The heading's text in the pieces its markup sets apart: each child element's text and the text between
    them. A lone wrapper (a link round the whole heading, a `<span>` holding kicker and headline) is looked
    through; comments, scripts and `<wbr>` do not split the text around them."""
    node = heading
    while True:
        children = [child for child in node if isinstance(child.tag, str)]
        if len(children) != 1 or _text_words(node) != _text_words(children[0]):
            break
        node = children[0]
    parts: list[str] = []
    pending = node.text or ""
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _UNBROKEN:
            parts.extend((pending, _join([" ".join(text.split()) for text in _VISIBLE_TEXT(child)], french)))
            pending = ""
        pending += child.tail or ""
    parts.append(pending)
    return [" ".join(part.split()) for part in parts if part.strip()]


def _text_words(element: HtmlElement) -> list[str]:
    return " ".join(_VISIBLE_TEXT(element)).split()


def _join(parts: list[str], french: bool) -> str:
    """Pieces of a heading as one text: a space between words, none before closing punctuation or after opening
    punctuation, except where French typography sets one (before ":", ";", "!", "?" and "»", after "«")."""
    text = ""
    for part in parts:
        if not part:
            continue
        if not text or (text[-1] in _OPENING_PUNCTUATION and not (french and text[-1] == "«")):
            text += part
        elif part[0] in _CLOSING_PUNCTUATION and not (french and part[0] in _FRENCH_SPACED):
            text = text.rstrip() + part
        else:
            text += " " + part
    return text


def _claim(source: str, text: str | None, site_keys: frozenset[str]) -> Iterator[_Claim]:
    tidy = _tidy(text)
    if tidy:
        words = _words(tidy)
        if words:
            all_words = frozenset(words)
            core = _core_words(tidy, all_words, site_keys)
            yield _Claim(source=source, text=tidy, words=all_words, word_count=len(words), core=core)


def _json_ld_headlines(json_ld: list[object]) -> Iterator[str]:
    for data in json_ld:
        for node in _json_nodes(data):
            types = node.get("@type")
            type_names = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
            headline = node.get("headline")
            name = node.get("name")
            if isinstance(headline, str):
                yield headline
            elif type_names & _ARTICLE_TYPES and isinstance(name, str):
                yield name


def _json_nodes(data: object, depth: int = 0) -> Iterator[dict[str, object]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_nodes(graph, depth + 1)
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict | list):
            yield from _json_nodes(main, depth + 1)


def site_names(tree: HtmlElement, json_ld: list[object]) -> list[str]:
    """The names the page gives its site: `og:site_name`, `application-name`, the JSON-LD publisher or website."""
    names: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_SITE_NAMES and meta.get("content"):
            names.append(_tidy(meta.get("content")))
    for data in json_ld:
        for node in _json_nodes(data):
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                names.append(_tidy(publisher["name"]))
            types = node.get("@type")
            name = node.get("name")
            if (types == "WebSite" or (isinstance(types, list) and "WebSite" in types)) and isinstance(name, str):
                names.append(_tidy(name))
    return [name for name in names if name]


def _site_keys(names: list[str], url: str | None) -> frozenset[str]:
    keys = {_key(name) for name in names}
    host = _site_host(url) if url else ""
    labels = [label for label in host.lower().split(".") if label not in ("www", "m", "amp")]
    if labels and labels[-1].isdigit():
        labels = []  # an IP address names no site
    if len(labels) >= 2:
        keys.add(_key(labels[-2]))
        keys.add(_key("".join(labels[-2:])))
    return frozenset(key for key in keys if key)


def _site_host(url: str) -> str:
    """The host of the site the page belongs to; for a Wayback Machine copy, the archived page's host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "web.archive.org":
        archived = _WAYBACK_PATH.match(parts.path)
        if archived:
            return urlsplit(archived.group(1)).hostname or host
    return host


def _is_site_name(key: str, word_count: int, site_keys: frozenset[str]) -> bool:
    if not key:
        return False
    rest = key
    for site in sorted(site_keys, key=len, reverse=True):
        rest = rest.replace(site, "")
    if len(rest) <= SITE_NAME_SLACK * len(key):
        return True  # the site's name, repeated or with its abbreviation: "Jugendwerk Württemberg (ejw)"
    for site in site_keys:
        if word_count > 4:
            continue
        # "IT-Learner.de" for the site "itlearner" (a domain ending more), "Courier" for "The Daily Courier".
        if (site in key or key in site) and len(key) >= 0.5 * len(site):
            return True
    return False


def _link_texts(tree: HtmlElement, url: str | None, wanted: set[str]) -> frozenset[str]:
    """Which of the `wanted` texts are also the text of a link to another page (a menu entry or section link;
    a headline linked to its own permalink does not count)."""
    if not wanted:
        return frozenset()
    own_path = urlsplit(url).path.rstrip("/") if url else None
    found = set()
    for link in tree.iter("a"):
        text = _plain(link.text_content())
        if text not in wanted:
            continue
        href = (link.get("href") or "").strip()
        if own_path and href and _path_of(url or "", href) == own_path:
            continue
        found.add(text)
    return frozenset(found)


def _path_of(base: str, href: str) -> str | None:
    """The path a link leads to; None for an href no URL parser accepts (pages are written by strangers)."""
    try:
        return urlsplit(urljoin(base, href)).path.rstrip("/")
    except ValueError:
        return None


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD_RE.findall(text)]


def _key(text: str) -> str:
    """Letters and digits only, lower case, umlauts spelled out: how a name compares with a domain label."""
    folded = text.casefold().translate(_UMLAUTS)
    folded = unicodedata.normalize("NFKD", folded)
    return "".join(character for character in folded if character.isalnum())


def _tidy(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.replace("\u00ad", "").replace("\u200b", "").split())  # soft hyphens, zero widths
    return text.strip(" |-–—:·•»«")

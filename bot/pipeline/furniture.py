"""Page furniture at the edges of the extracted text: what stands above the first sentence and below the last.

Extractors keep the article's container, and a container holds more than the article: the timestamp and byline
above it, a "3 min read" line, the share bar, a sponsor's disclosure, the photo caption, the wire service's
editor's note; below it, "Further reading", the comment prompt and the related-links list. Both summarisers
lean on the opening of `text` (whatever stands first becomes the TL;DR), so one such line costs a whole reply.

The rules here are about shape and vocabulary that hold across sites and languages, never about one page:

- at the head, blocks are dropped until the first one that reads as prose (a sentence of some length, ending
  like one); furniture is recognised on the way (datelines, bylines, reading times, bars, notices, editor's
  notes, wire slugs, polls, slogans), and short lines that are not sentences (a kicker, a repeated headline)
  go with it;
- at the tail, headings, comment prompts, notices and short non-sentences go, up to the last prose block;
- anywhere, a photo caption that carries its credit ("(Photo: Jane Doe/Reuters)") and a lone "Advertisement"
  go: they are never part of what the author wrote.

What the head held that is metadata (the byline's names) is returned so it can fill an empty `author`. A cap
keeps the rules from eating an article whose opening they misjudge: they never remove more than a fifth of the
text's words from either edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pipeline.blocks import Block

MAX_EDGE_BLOCKS = 8
MAX_EDGE_SHARE = 0.2
PROSE_MIN_WORDS = 8
LONG_PROSE_WORDS = 30
SHORT_LINE_WORDS = 20
BYLINE_MAX_WORDS = 24
NOTICE_MAX_WORDS = 60
CAPTION_MAX_WORDS = 45
BAR_MIN_SEGMENTS = 3
BAR_SEGMENT_MAX_WORDS = 4
SHARE_WORDS_SHARE = 0.6
SLOGAN_MAX_WORDS = 6
TAIL_LINK_DENSITY = 0.5
TITLE_REPEAT_SHARE = 0.5

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = tuple(".!?…\"”»’)'")
_TRAILING_SYMBOLS_RE = re.compile(r"[\s~\U0001F000-\U0001FAFF\u2190-\u21FF\u2600-\u27BF\uFE0F\u200d]+$")
_SENTENCE_BOUNDARY_RE = re.compile(r"\w{2,}[.!?]\s+[A-ZÀ-ÖØ-Þ„“\"]")

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "januar februar märz mai juni juli oktober dezember jänner "
    "janvier février mars avril juin juillet août septembre octobre novembre décembre "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
    "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro "
    "gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre "
    "januari februari maart mei augustus"
)
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag sonnabend "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "lunes martes miércoles jueves viernes sábado domingo "
    "segunda terça quarta quinta sexta feira sábado "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
)
# Words that only ever dress a date or time: "Updated on", "às", "um ... Uhr", "GMT", "hours ago".
_DATE_FILLER = (
    "updated update posted published last modified on at am pm a.m p.m gmt utc bst est edt cst cdt mst mdt pst "
    "pdt cet cest mez mesz amt ist jst aest hrs hr h uhr um am den stand aktualisiert veröffentlicht zuletzt "
    "publié mis à jour le à par il y a publicado actualizado atualizado em às de do da del el a las "
    "pubblicato aggiornato alle ore il gepubliceerd bijgewerkt op om ago hours hour minutes minute min mins "
    "days day vor stunden minuten hace horas minutos th st nd rd of the date time"
)
DATE_WORDS = frozenset((_MONTHS + " " + _WEEKDAYS).split())
_FILLER_WORDS = frozenset(_DATE_FILLER.split())

_READING_TIME_RE = re.compile(
    r"\b\d+\s*(?:-|–)?\s*(?:min(?:ute)?s?|minuten|minutos|minuti|minuter)\b\.?\s*"
    r"(?:read|reading|lesezeit|lesedauer|de leitura|de lectura|de lecture|di lettura)"
    r"|(?:reading time|read time|lesezeit|lesedauer|tempo de leitura|tiempo de lectura|temps de lecture|"
    r"tempo di lettura|leestijd)\s*:?\s*(?:ca\.?\s*)?\d+",
    re.IGNORECASE,
)
_BYLINE_START_RE = re.compile(
    r"^(?:by|von|par|por|di|door|av|przez|written by|posted by|geschrieben von|publicado por|publié par|"
    r"escrito por|scritto da|autor(?:in)?:|author:|auteur\s*:|text:|texto:)\s+",
    re.IGNORECASE,
)
_BYLINE_INSIDE_RE = re.compile(
    r"\b(?:posted|publicado|published|written|geschrieben|publié)\s+(?:by|por|von|par)\b", re.IGNORECASE
)
_TRAILING_BY_RE = re.compile(r"\s*\b(?:by|von|par|por)\s+(?:[A-Z][\w.'’-]*\s*){1,4}$")
_EDITOR_NOTE_RE = re.compile(
    r"^(?:\(?(?:UPDATES|UPDATE \d+|ADDS|RECASTS|CORRECTS|REFILES|REPEATS|WRAPUP|ADVISORY)\b"
    r"|editor'?s note\b|editor’s note\b|note to readers\b|anm\. d\. red\b|anmerkung der redaktion\b"
    r"|note de la rédaction\b|nota del editor\b|nota da redação\b)",
    re.IGNORECASE,
)
_SLUG_RE = re.compile(r"(?:^|\s)(?:[a-z]?\d{3,}\s+)?BC-[\w-]+|\b\d*(?:st|nd|rd|th)?Ld-Writethru\b", re.IGNORECASE)
_POLL_RE = re.compile(
    r"^(?:poll|umfrage|sondage|encuesta|enquete|sondaggio|vote|stem)\s*:|\b(?:vote now|jetzt abstimmen)\b",
    re.IGNORECASE,
)
_NOTICE_PHRASES = (
    # sponsorship and affiliate disclosures
    "contains references to products",
    "we may receive compensation",
    "we may earn a commission",
    "we may earn commission",
    "advertisers do not influence",
    "affiliate link",
    "affiliate-link",
    "enthält affiliate",
    "enthält werbung",
    "sponsored content",
    "paid partnership",
    "in partnership with",
    "this post is sponsored",
    "dieser beitrag enthält",
    "contenu sponsorisé",
    "contenido patrocinado",
    # reprint and copy notices
    "for your personal, non-commercial use",
    "non-commercial use only",
    "presentation-ready copies",
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "todos los derechos reservados",
    # newsletters, apps, subscriptions, support
    "sign up for our",
    "sign up to our",
    "subscribe to our",
    "subscribe now",
    "newsletter",
    "start your day with",
    "get the latest",
    "download our app",
    "download the app",
    "follow us on",
    "like us on facebook",
    "please support",
    "support local",
    "support our journalism",
    "become a member",
    "jetzt abonnieren",
    "abonnez-vous",
    "suscríbete",
    "assine",
    # reader mail and comment prompts
    "submit your letter",
    "letters to the editor",
    "leave a comment",
    "leave a reply",
    "add your opinion",
    "add your comment",
    "what do you think",
    "join the conversation",
    "comments are closed",
    "kommentar schreiben",
    "laisser un commentaire",
    "deja un comentario",
    # pointers to other pages
    "click here",
    "read more",
    "read also",
    "see also",
    "related articles",
    "related stories",
    "more stories",
    "further reading",
    "lesen sie auch",
    "mehr zum thema",
    "weiterlesen",
    "lire aussi",
    "à lire aussi",
    "leia também",
    "lea también",
    "leggi anche",
)
_LONE_NOTICES = frozenset(
    [
        "advertisement",
        "advertisements",
        "anzeige",
        "werbung",
        "publicité",
        "publicidad",
        "pubblicità",
        "advertentie",
        "reklame",
        "sponsored",
        "gesponsert",
        "ad",
        "ads",
    ]
)
_SHARE_WORDS = frozenset(
    [
        "share",
        "shares",
        "sharing",
        "facebook",
        "twitter",
        "tweet",
        "x",
        "email",
        "e",
        "mail",
        "print",
        "digg",
        "linkedin",
        "whatsapp",
        "reddit",
        "pinterest",
        "telegram",
        "xing",
        "flipboard",
        "tumblr",
        "messenger",
        "copy",
        "link",
        "comment",
        "comments",
        "save",
        "bookmark",
        "teilen",
        "drucken",
        "kommentare",
        "kommentar",
        "partager",
        "imprimer",
        "commentaires",
        "compartir",
        "imprimir",
        "comentarios",
        "comentários",
        "condividi",
        "stampa",
        "commenti",
        "delen",
        "printen",
        "reageren",
    ]
)
_BAR_SEPARATOR_RE = re.compile(r"\s*[|•·/»]\s*")
_CREDIT_RE = re.compile(
    r"\((?:photo|photos|foto|fotos|image|images|bild|picture|credit|crédit|crédito|quelle|source|fuente|"
    r"illustration)s?\b[^)]{0,80}\)"
    r"|\b(?:photo|foto|bild|image|credit|crédit|crédito|photograph)\s*(?:by|:|©)\s*\S"
    r"|©\s*\S"
    # a credit glued to the caption's last sentence ("...in New York.Reuters") or after a slash ("Jane Doe/AP")
    r"|(?:[a-z]\.|/\s?)(?:Reuters|AFP|AP|AP Photo|Getty Images|Getty|dpa|EPA|Shutterstock|iStock|Bloomberg|"
    r"Xinhua|Imago|picture alliance|Keystone|ANP|ANSA)\)?\.?\s*$"
)
_SLOGAN_END = "!"


@dataclass(frozen=True, slots=True)
class TrimmedText:
    """The article's blocks without their edge furniture, and the names a dropped byline gave."""

    blocks: list[Block]
    byline: str | None


def trim_furniture(blocks: list[Block], title: str | None = None) -> TrimmedText:
    """Drop furniture at both edges of the text and captions/advertisement lines anywhere."""
    blocks = [block for block in blocks if not _is_anywhere_furniture(block)]
    if not blocks:
        return TrimmedText(blocks, None)
    total_words = sum(block.words for block in blocks)
    blocks, byline = _head_cut(blocks, total_words, title)
    tail = _tail_cut(blocks, total_words)
    if tail:
        blocks = blocks[: len(blocks) - tail]
    return TrimmedText(blocks, byline)


def _head_cut(blocks: list[Block], total_words: int, title: str | None) -> tuple[list[Block], str | None]:
    """The blocks without the furniture above the first prose block, and the byline among it.

    Short lines there that are not furniture by shape or vocabulary stay (a kicker, a standfirst, the first
    subheading are the article's), unless they repeat the headline in other words.
    """
    head = 0
    while head < min(len(blocks), MAX_EDGE_BLOCKS) and not (is_prose(blocks[head]) and not is_furniture(blocks[head])):
        head += 1
    title_words = frozenset(_words(title or ""))
    kept: list[Block] = []
    dropped_words = 0
    byline: str | None = None
    follows_furniture = False
    for block in blocks[:head]:
        # A few words right after furniture belong to it: a poll's options, a share bar's second line.
        trailing = follows_furniture and block.words <= SLOGAN_MAX_WORDS and _is_short_line(block)
        follows_furniture = trailing or is_furniture(block) or _repeats_title(block, title_words)
        if not follows_furniture:
            kept.append(block)
            continue
        dropped_words += block.words
        if byline is None and _is_byline(block.text):
            byline = byline_names(block.text)
    if dropped_words > MAX_EDGE_SHARE * total_words:
        return blocks, None  # the rules misjudge this page; the opening stays as extracted
    return kept + blocks[head:], byline


def _repeats_title(block: Block, title_words: frozenset[str]) -> bool:
    """A short line that is mostly the headline's words: the headline again, reworded or with a kicker."""
    words = _words(block.text)
    if not words or not title_words or block.words > SHORT_LINE_WORDS:
        return False
    return sum(word in title_words for word in words) >= TITLE_REPEAT_SHARE * len(words)


def _tail_cut(blocks: list[Block], total_words: int) -> int:
    cut = 0
    dropped_words = 0
    for block in reversed(blocks[-MAX_EDGE_BLOCKS:]):
        if len(blocks) - cut <= 1:
            break
        # Only what is furniture by its vocabulary or links: an article may well end on a short line of its
        # own ("Dekantieren nicht notwendig", a recipe's last step), which the head rules would drop.
        linked = block.link_density >= TAIL_LINK_DENSITY  # "Further reading" entries, related headlines
        if not (is_furniture(block) or block.kind == "heading" or linked):
            break
        dropped_words += block.words
        if dropped_words > MAX_EDGE_SHARE * total_words:
            return 0
        cut += 1
    return cut


def is_prose(block: Block) -> bool:
    """A block that reads as the article itself: sentences of some length, ending like sentences."""
    if block.kind in ("list", "table", "code"):
        return True  # article content of another shape; not what edge furniture looks like
    if block.kind in ("heading", "caption"):
        return False
    if block.words >= LONG_PROSE_WORDS:
        return True
    if block.words < PROSE_MIN_WORDS:
        return False
    text = _TRAILING_SYMBOLS_RE.sub("", block.text)  # "...on KLOOK! 🙂", "below ⬇️"
    return text.endswith(_SENTENCE_END) or bool(_SENTENCE_BOUNDARY_RE.search(text))


def is_furniture(block: Block) -> bool:
    """A block that is page furniture by its shape or vocabulary, wherever it stands."""
    text = block.text.strip()
    if block.kind == "caption" or _is_anywhere_furniture(block):
        return True
    return (
        is_dateline(text)
        or _is_byline(text)
        or bool(_READING_TIME_RE.search(text) and block.words <= SHORT_LINE_WORDS)
        or _is_bar(text, block.words)
        or bool(_EDITOR_NOTE_RE.match(text) and block.words <= NOTICE_MAX_WORDS)
        or bool(_SLUG_RE.search(text) and block.words <= SHORT_LINE_WORDS)
        or bool(_POLL_RE.search(text) and block.words <= SHORT_LINE_WORDS)
        or _is_notice(text, block.words)
        or (block.words <= SLOGAN_MAX_WORDS and text.endswith(_SLOGAN_END))
    )


def _is_anywhere_furniture(block: Block) -> bool:
    text = block.text.strip()
    if block.words <= 2 and " ".join(_words(text)) in _LONE_NOTICES:
        return True
    return block.kind in ("paragraph", "caption") and block.words <= CAPTION_MAX_WORDS and bool(_CREDIT_RE.search(text))


def _is_short_line(block: Block) -> bool:
    return block.words < PROSE_MIN_WORDS and not block.text.rstrip().endswith(_SENTENCE_END)


def is_dateline(text: str) -> bool:
    """A line that is a date or time with its dressing ("Updated: Monday, 12 Jan 2008 08:57am GMT")."""
    text = _TRAILING_BY_RE.sub("", text)
    words = _words(text)
    if not words or len(words) > SHORT_LINE_WORDS:
        return False
    dated = [word for word in words if word in DATE_WORDS or word.isdigit() or _is_clock(word)]
    if not dated:
        return False
    rest = [word for word in words if word not in DATE_WORDS and word not in _FILLER_WORDS and not _is_numeric(word)]
    return len(rest) <= 1 and len(rest) <= 0.25 * len(words)


def _is_clock(word: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}(?:am|pm|h\d{0,2}|uhr)", word))


def _is_numeric(word: str) -> bool:
    return word.isdigit() or _is_clock(word) or bool(re.fullmatch(r"\d+(?:st|nd|rd|th|er|e|º|ª)", word))


def _is_byline(text: str) -> bool:
    words = _words(text)
    if not words or len(words) > BYLINE_MAX_WORDS:
        return False
    if _BYLINE_START_RE.match(text):
        rest = _BYLINE_START_RE.sub("", text, count=1)
        names = re.split(r"\s*[|,;•·–—-]\s*|\s+\band\b\s+|\s+\bund\b\s+|\s+\bet\b\s+|\s+\by\b\s+|\s+\be\b\s+", rest)
        first = names[0] if names else ""
        # "By Jane Doe | 12 Jan" and "By Jane Doe and John Roe" are bylines; "By the time it ended, ..." is not.
        return bool(first) and first[:1].isupper() and len(_words(first)) <= 5 and not rest.rstrip().endswith(".")
    return bool(_BYLINE_INSIDE_RE.search(text)) and len(words) <= SHORT_LINE_WORDS


def byline_names(text: str) -> str | None:
    """The people's names in a byline ("By Jane Doe and John Roe | Monday" -> "Jane Doe, John Roe")."""
    rest = _BYLINE_START_RE.sub("", text.strip(), count=1)
    match = _BYLINE_INSIDE_RE.search(rest)
    if match:
        rest = rest[match.end() :]
    rest = re.split(r"\s*[|•·–—]\s*|\s+-\s+|\s*\d", rest)[0]
    names = [name.strip(" ,.:") for name in re.split(r",|;|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+|\s+e\s+", rest)]
    names = [name for name in names if name and name[:1].isupper() and 1 <= len(_words(name)) <= 4]
    return ", ".join(names) or None


def _is_bar(text: str, words: int) -> bool:
    """A navigation, service or share bar: many short pieces between separators, or mostly sharing words."""
    if words > SHORT_LINE_WORDS * 2:
        return False
    segments = [segment for segment in _BAR_SEPARATOR_RE.split(text) if segment.strip()]
    if len(segments) >= BAR_MIN_SEGMENTS and all(len(_words(s)) <= BAR_SEGMENT_MAX_WORDS for s in segments):
        return True
    tokens = _words(text)
    if not tokens or words > SHORT_LINE_WORDS:
        return False
    return sum(token in _SHARE_WORDS for token in tokens) >= SHARE_WORDS_SHARE * len(tokens)


def _is_notice(text: str, words: int) -> bool:
    if words > NOTICE_MAX_WORDS:
        return False
    lowered = text.casefold()
    if lowered.lstrip("*[( ").split(",")[0].split(":")[0].strip(" .") in _LONE_NOTICES:
        return True  # "Anzeige, enthält Affiliate Links", "*Werbung. ...", "Advertisement:"
    return any(phrase in lowered for phrase in _NOTICE_PHRASES)


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD_RE.findall(text)]

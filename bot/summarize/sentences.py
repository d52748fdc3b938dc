"""Article text → the sentences a summary may quote, in order, each marked fit or unfit to stand alone.

Sentence boundaries come from `sentencex` (Wikimedia's rule-based segmenter: ~300 languages, abbreviation lists
per language, keeps quotations whole, a compiled core that splits a 20,000-word report in milliseconds).
Around it this module owns what a segmenter does not know about: paragraphs and list items, page furniture
(see `clutter`), invisible characters, and whether a sentence is complete enough to be shown on its own, since
a key point or an answer that is a fragment is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentencex import segment

from bot.summarize.clutter import is_furniture, trim_connective, trim_furniture

# Zero-width and bidirectional-control characters: invisible, and able to disguise what a reader sees.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Markdown / plain-text block markers that are layout, not words.
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_QUOTE_MARK = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_MARK = re.compile(r"^\s{0,6}(?:[-*+•▪●◦‣–—]|\d{1,3}[.)])\s+")
_TERMINAL = re.compile(r"[.!?…。！？؟][\"'”’»)\]]*$")
_OPENING_PUNCTUATION = "\"'“‘«„([¿¡ \u00a0\u202f"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w+", re.UNICODE)

MIN_WORDS = 5
MAX_WORDS = 70
_SEGMENTER_FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the article, trimmed of furniture, with where it sits."""

    text: str
    index: int  # position among the article's sentences
    block: int  # paragraph (or list item / heading) it belongs to
    opens_block: bool
    words: int
    standalone: bool  # complete, not furniture, not a question, a readable length: fit to show alone
    is_question: bool


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    is_list_item: bool
    is_heading: bool


def join_sentences(texts: list[str]) -> str:
    """Consecutive sentences as one text: a space between them, none after CJK full stops."""
    joined = ""
    for text in texts:
        if joined and not joined.endswith(("。", "！", "？")):
            joined += " "
        joined += text
    return joined


def clean_text(text: str) -> str:
    """Normalised line endings, no control or invisible characters; otherwise untouched."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _INVISIBLE.sub("", _CONTROL.sub("", text))


def word_count(text: str) -> int:
    """Words, counting two CJK characters as one word so length limits mean the same in every script."""
    words = len(_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    return max(words, words - 1 + cjk // 2) if cjk else words


def _blocks(text: str) -> list[_Block]:
    """Paragraphs: blank-line separated, and also single lines that are headings or list items.

    Extractors differ on whether paragraphs are separated by one newline or two, and hard-wrapped text
    continues a sentence on the next line; a line that does not end a sentence and is followed by one
    starting in lower case is joined to it.
    """
    blocks: list[_Block] = []
    for paragraph in _BLANK_LINE.split(text):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        merged: list[str] = []
        for line in lines:
            continues = (
                merged and not _TERMINAL.search(merged[-1]) and not _LIST_MARK.match(line) and line[:1].islower()
            )
            if continues:
                merged[-1] = f"{merged[-1]} {line}"
            else:
                merged.append(line)
        for line in merged:
            is_heading = bool(_HEADING_MARK.match(line))
            is_list_item = bool(_LIST_MARK.match(line))
            body = _LIST_MARK.sub("", _QUOTE_MARK.sub("", _HEADING_MARK.sub("", line)), count=1)
            body = " ".join(body.split())
            if not body:
                continue
            if not _TERMINAL.search(body) and word_count(body) <= 12 and not is_list_item:
                is_heading = True  # a short line that ends no sentence is a title or a label
            blocks.append(_Block(body, is_list_item=is_list_item, is_heading=is_heading))
    return blocks


def _quotes_balanced(text: str) -> bool:
    """Quotes and brackets close where they open: a half-quotation is a fragment."""
    if text.count('"') % 2 or text.count("«") != text.count("»") or text.count("(") != text.count(")"):
        return False
    if "„" in text:  # German: „…“ (or „…”)
        return text.count("„") == text.count("“") + text.count("”")
    return text.count("“") == text.count("”")


def ends_like_a_sentence(text: str) -> bool:
    """The text ends with a full stop, "!", "?" or "…" (a closing quote or bracket after it allowed): a headline
    or a standfirst bullet ("Vote will soon see if watchdogs given power …") does not."""
    return bool(_TERMINAL.search(text))


def _is_standalone(text: str, words: int, block: _Block) -> bool:
    if block.is_heading or words < MIN_WORDS or words > MAX_WORDS:
        return False
    opening = text.lstrip(_OPENING_PUNCTUATION)[:1]
    if not opening or opening.islower() or not (opening.isalnum() or _CJK.match(opening)):
        return False  # starts in lower case or with punctuation: a continuation
    if not ends_like_a_sentence(text) and not block.is_list_item:
        return False
    if text.rstrip("\"'”’»)] ").endswith((":", ";", ",")):
        return False
    return _quotes_balanced(text)


_ENDS_WITH_INITIAL = re.compile(r"(?:^|[\s-])[A-Z]\.\s*$")
# After a lone initial: an abbreviation, a lower-case word, or an amount written with separators (a currency's
# letter: "G. 160.083.711"; a plain "45 people" may start a sentence after "Group A.").
_CONTINUES_ABBREVIATION = re.compile(r"^\s*(?:[A-Z][a-z]{0,3}\.[,;]?|[a-z]|\d{1,3}(?:[.,]\d{3})+\b)")


def _rejoin_initials(pieces: list[str]) -> list[str]:
    """Undo splits after a lone initial: "Rep. David McKinley, R-W." + "Va., visited …" is one sentence, and so is
    "… deberá devolver G." + "160.083.711 a la Contraloría." (a sentence rarely ends on one capital letter)."""
    joined: list[str] = []
    for piece in pieces:
        if joined and _ENDS_WITH_INITIAL.search(joined[-1]) and _CONTINUES_ABBREVIATION.match(piece):
            joined[-1] = f"{joined[-1].rstrip()} {piece.lstrip()}"
        else:
            joined.append(piece)
    return joined


def split_sentences(text: str, language: str | None) -> list[Sentence]:
    """The article's sentences in order, furniture removed, each marked fit to stand alone or not."""
    seg_language = language or _SEGMENTER_FALLBACK_LANGUAGE
    sentences: list[Sentence] = []
    for block_index, block in enumerate(_blocks(clean_text(text))):
        pieces = [block.text] if block.is_heading else _rejoin_initials(list(segment(seg_language, block.text)))
        first = True
        for piece in pieces:
            raw = " ".join(piece.split())
            if not raw or is_furniture(raw):
                continue
            sentence = trim_connective(trim_furniture(raw, opens_paragraph=first), language)
            if not sentence or is_furniture(sentence) or not _WORD.search(sentence):
                continue
            words = word_count(sentence)
            is_question = sentence.rstrip("\"'”’»)] ").endswith(("?", "？", "؟"))
            sentences.append(
                Sentence(
                    text=sentence,
                    index=len(sentences),
                    block=block_index,
                    opens_block=first,
                    words=words,
                    standalone=_is_standalone(sentence, words, block) and not is_question,
                    is_question=is_question,
                )
            )
            first = False
    return sentences

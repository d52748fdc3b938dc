"""Is a claim the model wrote supported by the article? Checked by the facts a reader would act on.

A model paraphrases freely, so wording is not checked; the checkable facts are. A claim is supported when every
number, every quoted string and every capitalised name in it appears in the article (title included), after
normalisation: case folded, typographic quotes and dashes unified, whitespace collapsed, thousands separators
dropped from numbers ("1,200" = "1200"). A claim with any such fact missing from the article is dropped: a wrong
figure or an invented name in a summary does more harm than a shorter summary.

Capitalised words at the start of a sentence are not names (every sentence starts with one), and in languages
that capitalise every noun (German, Luxembourgish) capitals say nothing about names, so only numbers and quotes
are checked there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r'"([^"]{3,}?)"')
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"(]\s*)$")
_NOUN_CAPITALISING = frozenset({"de", "lb"})
# Capitalised words that are not names even mid-sentence (English pronoun, common abbreviations in prose).
_NOT_NAMES = frozenset({"i"})


def normalise(text: str) -> str:
    """Case-folded NFKC text with one kind of quote and dash and single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_CHARS).translate(_DASHES)
    return " ".join(text.split()).casefold()


def _number_value(token: str) -> str:
    """'1,200' and '1.200' → '1200'; '3.5' and '3,5' → '3.5': separators of thousands vanish, a decimal stays."""
    groups = re.split(r"[.,]", token)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return "".join(groups)
    if len(groups) == 2:
        return f"{groups[0]}.{groups[1]}"
    return token


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """The article's text and numbers, normalised once for checking many claims."""

    text: str
    numbers: frozenset[str]
    words: frozenset[str]
    language: str | None

    @classmethod
    def of(cls, text: str, title: str | None = None, language: str | None = None) -> ArticleFacts:
        full = normalise(f"{title or ''}\n{text}")
        numbers = frozenset(_number_value(n) for n in _NUMBER.findall(full))
        words = frozenset(_base(w) for w in _WORD.findall(full))
        return cls(full, numbers, words, language)


def _base(word: str) -> str:
    """The word without a trailing possessive ('Acme's' → 'acme'), case-folded."""
    word = word.casefold()
    for suffix in ("'s", "'"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def unsupported_facts(claim: str, facts: ArticleFacts) -> list[str]:
    """The numbers, quotes and names in `claim` that the article does not contain (empty: supported)."""
    plain = unicodedata.normalize("NFKC", claim).translate(_QUOTE_CHARS).translate(_DASHES)
    missing: list[str] = []
    for number in _NUMBER.findall(plain):
        if _number_value(number) not in facts.numbers:
            missing.append(number)
    for quoted in _QUOTED.findall(plain):
        if normalise(quoted) not in facts.text:
            missing.append(f'"{quoted}"')
    if facts.language not in _NOUN_CAPITALISING:
        for match in _WORD.finditer(plain):
            word = match.group(0)
            if not word[0].isupper() or _SENTENCE_START.search(plain[: match.start()]):
                continue
            if _base(word) not in facts.words and word.casefold() not in _NOT_NAMES:
                missing.append(word)
    return missing


def is_supported(claim: str, facts: ArticleFacts) -> bool:
    """True when every number, quote and name in the claim appears in the article."""
    return not unsupported_facts(claim, facts)

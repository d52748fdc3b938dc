"""Which language an article is in, and the words of that language that carry no topic.

The summariser scores sentences by the content words they share, so it needs, per language, a stop-word list
(`stop-words`, one list per language) and a stemmer (`snowballstemmer`, the Snowball algorithms), so that
"Wahl"/"Wahlen" or "élection"/"élections" count as one term. Nothing here assumes English: a language without
a list or a stemmer still works, only with raw lower-cased words (and in-article term rarity) doing the job.

When the extractor did not report a language, the stop-word lists themselves tell: the list that covers the
largest share of the article's words names its language. That is only used to pick lists and question
templates, never shown to anyone, so a rough vote is enough and costs microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
import stop_words

WORD_RE = re.compile(r"\w+", re.UNICODE)
_NO_STOP_WORD_SCRIPTS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# ISO 639-1 code → Snowball algorithm name. Only languages Snowball knows; others go unstemmed.
_SNOWBALL_BY_CODE = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

# Languages the vote chooses between: the Latin- and Cyrillic-script languages a workplace most often shares.
# Scripts the lists do not separate well (CJK, Arabic…) fall back to "no language": raw words still work.
_DETECTABLE = (
    "en", "de", "fr", "es", "pt", "it", "nl", "ru", "uk", "pl", "sv", "da", "nb", "fi", "cs", "tr", "id",
)  # fmt: skip
_DETECT_SAMPLE_WORDS = 600
# The winner must cover this share of the words (tables and lists of names cover little) and clearly beat the
# runner-up (Spanish and Portuguese share many short words).
_DETECT_MIN_SHARE = 0.05
_DETECT_MIN_LEAD = 1.25
# The English list in `stop-words` has ~1,300 entries (ordinary verbs included); the vote counts only short,
# truly grammatical words so that a long list does not win by size.
_DETECT_MAX_WORD_LEN = 4


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: how word lists are written in this package."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class LanguageTools:
    """Everything the summariser needs to know about one language."""

    code: str | None
    stop_words: frozenset[str]
    stemmer_name: str | None

    def stem(self, word: str) -> str:
        """The stem of a lower-cased word (cached: articles repeat their words)."""
        if self.stemmer_name is None:
            return word
        return _stem(self.stemmer_name, word)

    def content_terms(self, text: str) -> list[str]:
        """Stems of the words of `text` that are not stop words: what a sentence is about."""
        terms = []
        for word in WORD_RE.findall(text.lower()):
            if word in self.stop_words or (len(word) < 2 and not word.isdigit()):
                continue
            terms.append(self.stem(word))
        return terms


@lru_cache(maxsize=200_000)
def _stem(stemmer_name: str, word: str) -> str:
    return _stemmer(stemmer_name).stemWord(word)


@lru_cache(maxsize=64)
def _stemmer(stemmer_name: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(stemmer_name)


@lru_cache(maxsize=64)
def _stop_words(code: str) -> frozenset[str]:
    try:
        return frozenset(w.lower() for w in stop_words.get_stop_words(code))
    except stop_words.StopWordError:
        return frozenset()


@lru_cache(maxsize=1)
def _detection_lists() -> tuple[tuple[str, frozenset[str]], ...]:
    lists = []
    for code in _DETECTABLE:
        words = frozenset(w for w in _stop_words(code) if len(w) <= _DETECT_MAX_WORD_LEN)
        if words:
            lists.append((code, words))
    return tuple(lists)


def normalise_code(language: str | None) -> str | None:
    """'de-AT', 'pt_BR', 'EN' → 'de', 'pt', 'en'; anything that is not a plausible code → None."""
    if not language:
        return None
    code = re.split(r"[-_]", language.strip(), maxsplit=1)[0].lower()
    if code == "no":
        return "nb"
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def detect_language(text: str) -> str | None:
    """The language whose grammatical words cover most of the text, or None when none clearly does."""
    sample = text[:20_000]
    letters = sum(1 for c in sample if c.isalpha())
    if not letters or len(_NO_STOP_WORD_SCRIPTS.findall(sample)) > 0.3 * letters:
        return None  # Chinese, Japanese, Korean: no list of ours covers them
    words = WORD_RE.findall(sample.lower())[:_DETECT_SAMPLE_WORDS]
    if not words:
        return None
    shares = sorted(
        ((sum(1 for w in words if w in listed) / len(words), -order, code)
         for order, (code, listed) in enumerate(_detection_lists())),
        reverse=True,
    )  # fmt: skip
    (best_share, _, best_code), (runner_up, _, _) = shares[0], shares[1]
    if best_share < _DETECT_MIN_SHARE or best_share < runner_up * _DETECT_MIN_LEAD:
        return None
    return best_code


def language_tools(text: str, declared: str | None) -> LanguageTools:
    """Tools for the declared language, or for the detected one when none was declared."""
    code = normalise_code(declared) or detect_language(text)
    if code is None:
        return LanguageTools(code=None, stop_words=frozenset(), stemmer_name=None)
    return LanguageTools(code=code, stop_words=_stop_words(code), stemmer_name=_SNOWBALL_BY_CODE.get(code))

"""Languages: which one a page declares and its text is in, and, per language, the words that carry no topic.

The article's language. Templates often declare one language for a whole multilingual site (`<html lang="en">`
over a German article), and many pages declare none, so the declaration alone is not enough. py3langid
(langid.py's maintained fork, the detector trafilatura itself uses; its model ships inside the wheel, nothing is
downloaded) classifies the extracted text (`identify_language`). The declaration wins when the text is short or
the detector unsure; a confident detection on enough text wins over a contradicting declaration
(`choose_language`).

The summariser's tools. The summariser scores sentences by the content words they share, so it needs, per
language, a stop-word list (`stop-words`, one list per language) and a stemmer (`snowballstemmer`, the Snowball
algorithms), so that "Wahl"/"Wahlen" or "élection"/"élections" count as one term (`language_tools`). Nothing
here assumes English: a language without a list or a stemmer still works, only with raw lower-cased words (and
in-article term rarity) doing the job. When an article has no language, the stop-word lists themselves tell
(`detect_language`): the list that covers the largest share of the article's words names its language. That is
only used to pick lists and question templates, never shown to anyone, so a rough vote is enough and costs
microseconds, where the model costs a second to load and 70 MB that only the CPU pool's workers hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import snowballstemmer
import stop_words

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

WORD_RE = re.compile(r"\w+", re.UNICODE)
_CODE_RE = re.compile(r"[a-z]{2,3}")
_NOT_LANGUAGES = frozenset({"und", "xx", "zxx", "mul"})
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
        """Stems of the words of `text` that are not stop words: what a sentence is about.

        Cached per text: the summariser asks for the same sentences' terms in ranking, key-point choice,
        repeat checks and questions (on the scrapinghub corpus 56% of the calls are repeats)."""
        return list(_content_terms(self.stop_words, self.stemmer_name, text))


@lru_cache(maxsize=4096)
def _content_terms(stop_words: frozenset[str], stemmer_name: str | None, text: str) -> tuple[str, ...]:
    terms = []
    for word in WORD_RE.findall(text.lower()):
        if word in stop_words or (len(word) < 2 and not word.isdigit()):
            continue
        terms.append(_stem(stemmer_name, word) if stemmer_name is not None else word)
    return tuple(terms)


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
    """ "en-US", "pt_BR", "EN", "de, en" -> "en", "pt", "en", "de"; "no" -> "nb" (Snowball's and the stop-word
    lists' name for Norwegian); anything that is not a language tag ("und", "x-default") -> None."""
    if not language:
        return None
    code = re.split(r"[-_\s,;]", language.strip().lower(), maxsplit=1)[0]
    if code == "no":
        return "nb"
    return code if _CODE_RE.fullmatch(code) and code not in _NOT_LANGUAGES else None


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


# -- the article's language (py3langid) ----------------------------------------------------------------------------

DETECTION_SAMPLE_CHARS = 1000
CONFIDENT = 0.95
MIN_WORDS_TO_OVERRIDE = 30


@cache
def _identifier() -> LanguageIdentifier:
    """The model (about 1 s to load): loaded once per process, ideally in the forkserver before forking.

    py3langid (and numpy under it) is imported here, not at the top: the summariser's word tools live in this
    module too, and a process that only reads stored summaries (`linkbrief summarize` of a known URL) must not
    pay for the detector's import."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_model() -> None:
    _identifier()


def identify_language(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) of the text, or None for text without letters."""
    sample = text[:DETECTION_SAMPLE_CHARS]
    if not any(character.isalpha() for character in sample):
        return None
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)


def choose_language(declared: str | None, text: str, words: int) -> str | None:
    """The article's language: the declared one (already `normalise_code`d) unless the text clearly says
    otherwise."""
    detected = identify_language(text)
    if detected is None:
        return declared
    code, probability = detected
    if declared is None:
        return code if probability >= 0.5 else None
    if code != declared and probability >= CONFIDENT and words >= MIN_WORDS_TO_OVERRIDE:
        return code
    return declared

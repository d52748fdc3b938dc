"""How much each sentence matters to its article, and which few together cover it without repeating.

The score is the classic unsupervised recipe that holds up on news and blogs alike:
- centrality: cosine between the sentence and the article's centroid (its most characteristic terms,
  weighted by in-article term frequency × inverse sentence frequency), so what the article keeps talking about
  counts, and words every sentence uses do not;
- position: writers put the point first (the news lead, a blog's opening, each paragraph's topic sentence);
  the prior decays slowly with the sentence's rank and favours paragraph openers in long texts;
- title overlap, when there is a title: the headline is the author's own summary;
- penalties for what reads badly out of context: very short or very long sentences, openers that point back
  ("But he…"), direct speech with no one to attribute it to.
`keypoints` selects by maximal marginal relevance: each pick is the best remaining sentence minus its
similarity to those already picked (`REDUNDANCY_WEIGHT`), so two sentences saying the same thing are never both
chosen.

The score picks the TL;DR, where the lead rightly wins. Key points need a second measure, `importance`: the
same recipe with a weaker position prior, a bonus for what a reader of news keeps (numbers, named people and
places) and a cost for quoted words (a voice rather than a fact), so that the key points come from the whole
article (the consequence, the other side, the outcome and its numbers) rather than from the sentences right
after the lead. Measured on news: key points chosen this way keep what a reader sees (TL;DR and key points) at
LEAD-3's ROUGE while a third of them come from beyond the first three sentences.

Everything is plain Python over small dicts: ~30 sentences for a news story, ~1,000 for a long report.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.pipeline.language import LanguageTools
from bot.summarize.sentences import Sentence

CENTROID_TERMS = 100
POSITION_WEIGHT = 1.5
TITLE_WEIGHT = 0.3
BACK_REFERENCE_PENALTY = 0.08
DIRECT_SPEECH_PENALTY = 0.05
REDUNDANCY_WEIGHT = 0.7
# Key points: position counts for less than in the TL;DR score; facts count for more, quotations for less.
IMPORTANCE_POSITION_WEIGHT = 0.95
NUMBER_BONUS = 0.1
NAME_BONUS = 0.02
MAX_NAME_BONUSES = 3
QUOTATION_PENALTY = 0.3

# Sentence openers that lean on the sentence before ("But he said…"): weaker on their own.
_BACK_REFERENCES = {
    "en": "he she it they them this that these those his her its their but and so also however yet then "
    "meanwhile there here such",
    "de": "er sie es dies diese dieser dieses das aber und auch doch dabei damit dann denn deshalb jedoch so",
    "fr": "il elle ils elles cela ce ces cette mais et aussi donc alors puis pourtant cependant",
    "es": "él ella ellos ellas esto eso esta este estos pero y también así entonces además sin embargo",
    "pt": "ele ela eles elas isso isto esta este mas e também assim então além porém",
    "it": "lui lei loro questo questa quello ma e anche così quindi però",
    "nl": "hij zij ze het dit dat deze maar en ook dus toch",
    "ru": "он она оно они это этот эта эти но и также тоже однако поэтому тогда",
}
_BACK_REFERENCE_WORDS = {code: frozenset(words.split()) for code, words in _BACK_REFERENCES.items()}
_FIRST_WORD = re.compile(r"^[\"'“‘«„(\[¿¡]*(\w+)", re.UNICODE)
_STARTS_WITH_QUOTE = re.compile(r"^[\"“‘'«„]")
_NUMBER = re.compile(r"\d")
_QUOTATION = re.compile(r"[\"“][^\"”]{3,}[\"”]|‘[^’]{3,}’|(?<!\w)'[^']{3,}'(?!\w)")
_INNER_NAME = re.compile(r"(?<=\s)[A-ZÀ-ÖØ-ÞА-Я][\w'’-]+")


@dataclass(frozen=True, slots=True)
class RankedArticle:
    """The article's sentences with their unit-length term vectors and scores (indexes match `sentences`)."""

    sentences: tuple[Sentence, ...]
    vectors: tuple[dict[str, float], ...]
    scores: tuple[float, ...]
    term_counts: Counter[str]  # stemmed content terms over the whole article
    importance: tuple[float, ...] = ()  # what key points are chosen by (see the module docstring)

    def similarity(self, i: int, j: int) -> float:
        return dot(self.vectors[i], self.vectors[j])


def unit(vector: dict[str, float]) -> dict[str, float]:
    """The vector scaled to length 1 (empty stays empty), so a dot product is a cosine."""
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {term: weight / norm for term, weight in vector.items()} if norm else {}


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse vectors; the cosine when both are unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


def _position_prior(sentence: Sentence, standalone_rank: int, total: int) -> float:
    """Early sentences matter more; in long texts, so do the openers of paragraphs."""
    lead = 1.0 / math.sqrt(1.0 + standalone_rank)
    if total > 40 and sentence.opens_block:
        lead = max(lead, 0.35)
    return lead


def _form_penalty(sentence: Sentence, language: str | None) -> float:
    penalty = 0.0
    if sentence.words < 10:
        penalty += 0.12 * (10 - sentence.words) / 5
    if sentence.words > 20:
        penalty += 0.01 * (sentence.words - 20)
    match = _FIRST_WORD.match(sentence.text)
    words = _BACK_REFERENCE_WORDS.get(language or "", frozenset())
    if match and match.group(1).lower() in words:
        penalty += BACK_REFERENCE_PENALTY
    if _STARTS_WITH_QUOTE.match(sentence.text):
        penalty += DIRECT_SPEECH_PENALTY
    return penalty


def rank(sentences: list[Sentence], tools: LanguageTools, title: str | None) -> RankedArticle:
    """Score every sentence; sentences unfit to stand alone get -inf so they are never picked."""
    term_lists = [tools.content_terms(s.text) for s in sentences]
    sentence_count = len(sentences)
    document_frequency: Counter[str] = Counter()
    term_frequency: Counter[str] = Counter()
    for terms in term_lists:
        document_frequency.update(set(terms))
        term_frequency.update(terms)
    inverse = {term: math.log((sentence_count + 1) / (count + 0.5)) + 1.0 for term, count in document_frequency.items()}
    vectors = tuple(
        unit({term: count * inverse[term] for term, count in Counter(terms).items()}) for terms in term_lists
    )
    weighted = {term: count * inverse[term] for term, count in term_frequency.items()}
    centroid = unit(dict(sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:CENTROID_TERMS]))
    title_vector = unit({term: inverse.get(term, 1.0) for term in tools.content_terms(title)}) if title else {}

    standalone_total = sum(1 for s in sentences if s.standalone)
    scores: list[float] = []
    importance: list[float] = []
    standalone_rank = 0
    for sentence, vector in zip(sentences, vectors, strict=True):
        if not sentence.standalone:
            scores.append(-math.inf)
            importance.append(-math.inf)
            continue
        prior = _position_prior(sentence, standalone_rank, standalone_total)
        content = dot(vector, centroid) + TITLE_WEIGHT * dot(vector, title_vector) - _form_penalty(sentence, tools.code)
        scores.append(content + POSITION_WEIGHT * prior)
        importance.append(
            content + IMPORTANCE_POSITION_WEIGHT * prior + _fact_bonus(sentence.text) - _speech_cost(sentence.text)
        )
        standalone_rank += 1
    return RankedArticle(tuple(sentences), vectors, tuple(scores), term_frequency, tuple(importance))


def _speech_cost(text: str) -> float:
    """Quoted words are a voice, not a fact; a bullet made mostly of a quotation tells a reader little."""
    quoted = sum(len(m.group(0).split()) for m in _QUOTATION.finditer(text))
    return QUOTATION_PENALTY * quoted / max(1, len(text.split()))


def _fact_bonus(text: str) -> float:
    """Numbers and names are what a reader keeps from a news story (the toll, the score, who decided)."""
    names = len(set(_INNER_NAME.findall(text)))
    return NUMBER_BONUS * bool(_NUMBER.search(text)) + NAME_BONUS * min(names, MAX_NAME_BONUSES)

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
Selection is maximal marginal relevance: each pick is the best remaining sentence minus its similarity to
those already picked, so two sentences saying the same thing are never both chosen.

Everything is plain Python over small dicts: ~30 sentences for a news story, ~1,000 for a long report.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.summarize.language import LanguageTools
from bot.summarize.sentences import Sentence

CENTROID_TERMS = 100
POSITION_WEIGHT = 1.5
TITLE_WEIGHT = 0.3
BACK_REFERENCE_PENALTY = 0.08
DIRECT_SPEECH_PENALTY = 0.05
REDUNDANCY_WEIGHT = 0.7
# Two sentences this similar say the same thing: never pick both.
DUPLICATE_SIMILARITY = 0.6

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


@dataclass(frozen=True, slots=True)
class RankedArticle:
    """The article's sentences with their unit-length term vectors and scores (indexes match `sentences`)."""

    sentences: tuple[Sentence, ...]
    vectors: tuple[dict[str, float], ...]
    scores: tuple[float, ...]
    term_counts: Counter[str]  # stemmed content terms over the whole article

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
    standalone_rank = 0
    for sentence, vector in zip(sentences, vectors, strict=True):
        if not sentence.standalone:
            scores.append(-math.inf)
            continue
        score = (
            dot(vector, centroid)
            + POSITION_WEIGHT * _position_prior(sentence, standalone_rank, standalone_total)
            + TITLE_WEIGHT * dot(vector, title_vector)
            - _form_penalty(sentence, tools.code)
        )
        scores.append(score)
        standalone_rank += 1
    return RankedArticle(tuple(sentences), vectors, tuple(scores), term_frequency)


def select(ranked: RankedArticle, count: int, exclude: frozenset[int] = frozenset()) -> list[int]:
    """Indexes of up to `count` sentences by maximal marginal relevance, in the order they were picked."""
    chosen: list[int] = []
    overlap = {i: 0.0 for i, score in enumerate(ranked.scores) if score > -math.inf and i not in exclude}
    while overlap and len(chosen) < count:
        best, best_value = None, -math.inf
        for i, similarity in overlap.items():
            if similarity >= DUPLICATE_SIMILARITY:
                continue
            value = ranked.scores[i] - REDUNDANCY_WEIGHT * similarity
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(best)
        del overlap[best]
        for i in overlap:
            overlap[i] = max(overlap[i], ranked.similarity(i, best))
    return chosen

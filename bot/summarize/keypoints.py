"""The key points: the few sentences that, after the TL;DR, tell a reader the most about the whole article.

The TL;DR already stands for the lead, so key points are chosen from everything else by `importance` (centrality
in the article, facts, a weak position prior; see `ranking`), one at a time by maximal marginal relevance: each
pick is the most important sentence left, less its similarity to the TL;DR and to the points already picked. A
sentence that says the TL;DR, a chosen point or an answer the page gives itself again (`overlap`) is never
picked, nor one that cannot be read alone (`fitness`). The chosen points are shown in article order.
"""

from __future__ import annotations

import math

from bot.pipeline.language import LanguageTools
from bot.summarize.fitness import fit_for_bullet
from bot.summarize.overlap import content_words, says_again
from bot.summarize.ranking import REDUNDANCY_WEIGHT, RankedArticle

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 4
# Longer articles earn more key points: one more at each of these word counts.
EXTRA_KEY_POINT_AT_WORDS = (1500, 3000)
# An extra key point must be at least this share as important as the weakest of the first two.
EXTRA_KEY_POINT_MIN_SHARE = 0.8


def key_point_count(article_words: int) -> int:
    """How many key points an article of this length earns (2 to 4)."""
    extra = sum(1 for threshold in EXTRA_KEY_POINT_AT_WORDS if article_words >= threshold)
    return min(MAX_KEY_POINTS, MIN_KEY_POINTS + extra)


def choose_key_points(
    ranked: RankedArticle,
    tools: LanguageTools,
    article_words: int,
    tldr_indexes: tuple[int, ...],
    already_said: list[frozenset[str]],
) -> list[int]:
    """Sentence indexes of the key points, in article order.

    `already_said` holds the content words of what the reply shows besides the key points (the TL;DR, the
    page's own answers): a sentence repeating one of them is not a key point.
    """
    words = [content_words(s.text, tools) for s in ranked.sentences]
    candidates = {
        i
        for i, sentence in enumerate(ranked.sentences)
        if ranked.importance[i] > -math.inf
        and i not in tldr_indexes
        and fit_for_bullet(sentence, tools.code)
        and not any(says_again(words[i], said) for said in already_said)
    }
    similarity = {i: max((ranked.similarity(i, t) for t in tldr_indexes), default=0.0) for i in candidates}
    chosen: list[int] = []
    count = key_point_count(article_words)
    while candidates and len(chosen) < count:
        best = max(candidates, key=lambda i: (ranked.importance[i] - REDUNDANCY_WEIGHT * similarity[i], -i))
        chosen.append(best)
        candidates = {i for i in candidates if i != best and not says_again(words[i], words[best])}
        for i in candidates:
            similarity[i] = max(similarity[i], ranked.similarity(i, best))
    return sorted(_within_floor(ranked, chosen))


def _within_floor(ranked: RankedArticle, picked: list[int]) -> list[int]:
    """The first two picks, and the extra ones that matter nearly as much as they do."""
    core, extra = picked[:MIN_KEY_POINTS], picked[MIN_KEY_POINTS:]
    if not extra:
        return core
    floor = min(ranked.importance[i] for i in core) * EXTRA_KEY_POINT_MIN_SHARE
    return core + [i for i in extra if ranked.importance[i] >= floor]

"""The offline summariser every install gets: TL;DR, key points and questions answered, from the text alone.

No key, no network, no model: every field is made of the article's own sentences (so nothing is invented),
picked by `ranking` and phrased as questions by `questions`. Same text in, same summary out.

The reader must never see the same sentence twice. The TL;DR is the best sentence (in news, the lead); when
`compress` can shorten it clearly (its point without attribution, asides and background clauses: at most 80% of
its words, four or more fewer), the TL;DR is that short form and the full sentence may still be a key point, where
its details belong; otherwise the TL;DR is the sentence itself and the key points come from the rest of the
article. Keeping the lead among the key points is what holds their ROUGE at LEAD-3's level on news, so the
compressed form is preferred whenever it reads as a sentence of its own. The Q&A then answers from sentences not
shown above it, where the article has such sentences.

Rules for thin input (no junk rather than filler):
- no sentence at all (empty text, only furniture) → `tldr` None, no key points, no questions;
- fewer than 3 sentences fit to stand alone → that many key points (possibly none), TL;DR from the best;
- text with no sentence fit to stand alone (one huge paragraph without full stops; only headings; only
  sentences over 70 words) → the TL;DR is its opening clause, cut at a clause boundary within 50 words and
  marked with "…"; no key points or questions, since any would be fragments (under 5 words in all: None);
- questions only where a sentence's structure supports a specific one: 0 to 3 pairs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from bot.summarize.base import Summary, SummaryInput
from bot.summarize.compress import compress
from bot.summarize.language import language_tools
from bot.summarize.questions import generate_questions
from bot.summarize.ranking import DUPLICATE_SIMILARITY, RankedArticle, rank, select
from bot.summarize.sentences import Sentence, join_sentences, split_sentences, word_count

SUMMARIZER_NAME = "extractive-1"

TLDR_MAX_WORDS = 50
MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 5
# Longer articles earn more key points: one more at each of these word counts.
_EXTRA_KEY_POINT_AT_WORDS = (900, 2500)
# An extra key point must score at least this share of the weakest of the first three.
_EXTRA_KEY_POINT_MIN_SHARE = 0.8
# The TL;DR may be a compressed lead only when it is clearly shorter than the sentence a key point will show.
COMPRESSED_MAX_SHARE = 0.8
COMPRESSED_MIN_WORDS_REMOVED = 4
_CLAUSE_BREAK = re.compile(r"[;:,—–]\s|\s[-–—]\s")


def _key_point_count(article_words: int) -> int:
    extra = sum(1 for threshold in _EXTRA_KEY_POINT_AT_WORDS if article_words >= threshold)
    return min(MAX_KEY_POINTS, MIN_KEY_POINTS + extra)


def _key_points(ranked: RankedArticle, article_words: int, exclude: frozenset[int] = frozenset()) -> list[int]:
    """Sentence indexes of the key points, in article order."""
    picked = select(ranked, _key_point_count(article_words), exclude)
    core, extra = picked[:MIN_KEY_POINTS], picked[MIN_KEY_POINTS:]
    if extra:
        floor = min(ranked.scores[i] for i in core) * _EXTRA_KEY_POINT_MIN_SHARE
        core += [i for i in extra if ranked.scores[i] >= floor]
    return sorted(core)


def _tldr_sentences(ranked: RankedArticle) -> tuple[int, ...]:
    """The best sentence that fits in the word limit, with its successor when both are short."""
    fitting = [
        i
        for i, score in enumerate(ranked.scores)
        if score > float("-inf") and ranked.sentences[i].words <= TLDR_MAX_WORDS
    ]
    if not fitting:
        return ()
    best = max(fitting, key=lambda i: (ranked.scores[i], -i))
    sentence = ranked.sentences[best]
    following = best + 1
    if (
        sentence.words < 15
        and following < len(ranked.sentences)
        and ranked.scores[following] > float("-inf")
        and ranked.sentences[following].block == sentence.block
        and sentence.words + ranked.sentences[following].words <= TLDR_MAX_WORDS
    ):
        return (best, following)
    return (best,)


def _clearly_shorter(compressed: str, full: str) -> bool:
    """A reader sees two different things, not the same sentence twice."""
    short, long = word_count(compressed), word_count(full)
    return short <= COMPRESSED_MAX_SHARE * long and long - short >= COMPRESSED_MIN_WORDS_REMOVED


def _tldr_and_key_points(
    ranked: RankedArticle, article_words: int, language: str | None
) -> tuple[str | None, list[int], frozenset[int]]:
    """(TL;DR, key point sentence indexes, TL;DR sentence indexes).

    The lead usually carries the article's point, so it is both the TL;DR and the first key point: leaving it
    out of the key points loses about two ROUGE points on news (measured: 39.9 against 41.6 R-1, below LEAD-3),
    because the key points are the faithful record of the article's main facts. Where the lead compresses into
    a clearly shorter sentence (`compress`: its point without attribution, asides and background clauses), that
    is the TL;DR and the full sentence stays a key point, with its details. Where it does not, the TL;DR and key
    point 1 are the same sentence, and whoever displays both shows it once (`Summary.key_points_beyond_tldr`).
    Other sentences that say the TL;DR again (a caption or recap repeating the lead) are never key points.
    """
    tldr_indexes = _tldr_sentences(ranked)
    if not tldr_indexes:
        return None, _key_points(ranked, article_words), frozenset()
    full = join_sentences([ranked.sentences[i].text for i in tldr_indexes])
    if len(tldr_indexes) == 1:
        compressed = compress(full, language)
        if _clearly_shorter(compressed, full):
            return compressed, _key_points(ranked, article_words), frozenset(tldr_indexes)
    repeats = frozenset(
        i
        for i in range(len(ranked.sentences))
        if i not in tldr_indexes and any(ranked.similarity(i, t) >= DUPLICATE_SIMILARITY for t in tldr_indexes)
    )
    return full, _key_points(ranked, article_words, exclude=repeats), frozenset(tldr_indexes)


def _opening_clause(sentences: list[Sentence]) -> str | None:
    """For text with no usable sentence: its opening words, cut at a clause break, marked as cut."""
    text = " ".join(s.text for s in sentences)
    words = text.split()
    if len(words) < 5:
        return None
    head = " ".join(words[:TLDR_MAX_WORDS])
    if len(words) <= TLDR_MAX_WORDS:
        return head
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(head) if m.start() > len(head) // 3]
    cut = head[: breaks[-1]] if breaks else head
    return cut.rstrip(" ,;:—–-") + " …"


def summarize_extractive(article: SummaryInput) -> Summary:
    """Summarise an extracted article; pure and deterministic."""
    tools = language_tools(article.text, article.language)
    sentences = split_sentences(article.text, tools.code)
    if not sentences:
        return Summary(tldr=None, summarizer=SUMMARIZER_NAME)
    if not any(s.standalone for s in sentences):
        return Summary(tldr=_opening_clause(sentences), summarizer=SUMMARIZER_NAME)
    ranked = rank(sentences, tools, article.title)
    article_words = sum(word_count(s.text) for s in sentences)
    tldr, key_point_indexes, tldr_indexes = _tldr_and_key_points(ranked, article_words, tools.code)
    qa = generate_questions(ranked, tools, article.title, tldr_indexes, frozenset(key_point_indexes))
    return Summary(
        tldr=tldr,
        key_points=tuple(ranked.sentences[i].text for i in key_point_indexes),
        qa=tuple(qa),
        summarizer=SUMMARIZER_NAME,
    )


Offload = Callable[[Callable[[SummaryInput], Summary], SummaryInput], Awaitable[Summary]]


async def _in_thread(function: Callable[[SummaryInput], Summary], article: SummaryInput) -> Summary:
    return await asyncio.to_thread(function, article)


class ExtractiveSummarizer:
    """The `Summarizer` for `LINKBRIEF_SUMMARIZER=extractive`: the sync core, run off the event loop.

    `offload` decides where the CPU work runs. The pipeline passes its worker-process pool, so a very long
    article (a second of CPU for 100,000 words) never holds the bot's event loop; alone, a thread does.
    """

    name = SUMMARIZER_NAME

    def __init__(self, offload: Offload = _in_thread) -> None:
        self._offload = offload

    async def summarize(self, article: SummaryInput) -> Summary:
        return await self._offload(summarize_extractive, article)

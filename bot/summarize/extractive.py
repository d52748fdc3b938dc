"""The offline summariser every install gets: TL;DR, key points and questions answered, from the text alone.

No key, no network, no model: every field is made of the article's own sentences (so nothing is invented),
picked by `ranking` and `keypoints` and phrased as questions by `questions`; the page's own Q&A (`page_qa`)
comes first when the page has one. Same text in, same summary out.

Nothing in a reply is said twice, judged on content words (`overlap`), not on equal text:
- the TL;DR is the best sentence that carries the article's point (`fitness`: a statement with its subject, a
  verb and a fact, not a teaser, a scene-setter or a quotation), with its successor when both are short. It is
  the sentence as written, not a compressed form: it alone stands for the lead now, and compression drops who
  said it and when, which no key point restores (measured on news: about one R-1 point less for what a reader
  sees);
- the lead is represented once, by the TL;DR: `key_points` never hold the TL;DR's sentences or anything saying
  them again, and are chosen for importance across the whole article (`keypoints`), in article order. Two to
  four of them (a third from 1,500 words, a fourth from 3,000): a TL;DR and two key points are as long as the
  three lead sentences a news reader would skim (about 80 words), and a third point on a short article costs
  more in length than it adds (about two R-1 points less);
- the page's own answers come before any generated pair, and no answer says the TL;DR, a key point or an
  earlier answer again (`page_qa`);
- a reply that would have no question at all may show one key point's sentence as the question it answers
  (a cause, a number, a manner, a time or a place, checked), with the next best sentence as a key point in its
  place, when the key points keep at least `_SWAP_MIN_IMPORTANCE` of their importance (`_key_point_as_question`).

Rules for thin input (no junk rather than filler):
- no sentence at all (empty text, only furniture) → `tldr` None, no key points, no generated questions (the
  page's own Q&A, if any, is still given);
- few sentences fit to stand alone → fewer key points (possibly none): never the TL;DR's own sentences;
- text with no sentence fit to stand alone (one huge paragraph without full stops; only headings; only
  sentences over 70 words) → the TL;DR is its opening clause, cut at a clause boundary within 50 words and
  marked with "…"; no key points or generated questions, since any would be fragments (under 5 words: None);
- generated questions only where a sentence's structure supports a specific one: 0 to 3 pairs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from bot.article import QAPair
from bot.pipeline.language import LanguageTools, language_tools
from bot.summarize.base import Summary, SummaryInput
from bot.summarize.fitness import carries_point
from bot.summarize.keypoints import MAX_KEY_POINTS, MIN_KEY_POINTS, choose_key_points
from bot.summarize.overlap import content_words, says_again
from bot.summarize.page_qa import DISPLAY_COUNT, questions_answered, readable_pairs
from bot.summarize.questions import QuestionPool, question_pool
from bot.summarize.ranking import RankedArticle, rank
from bot.summarize.sentences import Sentence, ends_like_a_sentence, join_sentences, split_sentences, word_count

__all__ = [
    "MAX_KEY_POINTS",
    "MIN_KEY_POINTS",
    "SUMMARIZER_NAME",
    "TLDR_MAX_WORDS",
    "ExtractiveSummarizer",
    "summarize_extractive",
]

SUMMARIZER_NAME = "extractive-1"

TLDR_MAX_WORDS = 50
# A short TL;DR sentence takes its successor along when together they stay within this.
_TLDR_PAIR_BELOW_WORDS = 15
# A key point given up for a question (`_key_point_as_question`) may cost the key points at most this share of
# their summed importance.
_SWAP_MIN_IMPORTANCE = 0.8
_CLAUSE_BREAK = re.compile(r"[;:,—–]\s|\s[-–—]\s")


def _tldr_sentences(ranked: RankedArticle, language: str | None) -> tuple[int, ...]:
    """The best sentence that carries the point within the word limit, with its successor when both are short.

    Sentences that only set a scene, tease or lean on the headline (`carries_point`), or that end without a
    full stop as a standfirst's bullets do, are passed over for the next best; when no sentence carries a
    point, the best that fits is taken, as a summary needs a TL;DR.
    """
    scored = [i for i, score in enumerate(ranked.scores) if score > float("-inf")]
    # An article of one long sentence (a wire report's single paragraph) still gets that sentence as its TL;DR
    # rather than none, up to twice the usual length.
    fitting = [i for i in scored if ranked.sentences[i].words <= TLDR_MAX_WORDS] or [
        i for i in scored if ranked.sentences[i].words <= 2 * TLDR_MAX_WORDS
    ]
    if not fitting:
        return ()
    pointed = [i for i in fitting if carries_point(ranked.sentences[i], language, _shown_with(ranked, i))] or fitting
    # A standfirst's bullets are written like headlines, without a full stop: the article's own sentences say
    # the same as sentences.
    pointed = [i for i in pointed if ends_like_a_sentence(ranked.sentences[i].text)] or pointed
    best = max(pointed, key=lambda i: (ranked.scores[i], -i))
    following = _tldr_partner(ranked, best)
    return (best,) if following is None else (best, following)


def _tldr_partner(ranked: RankedArticle, index: int) -> int | None:
    """The successor a short TL;DR sentence takes along: in its paragraph, no quotation, both within the limit."""
    sentence = ranked.sentences[index]
    following = index + 1
    if (
        sentence.words < _TLDR_PAIR_BELOW_WORDS
        and following < len(ranked.sentences)
        and ranked.scores[following] > float("-inf")
        and ranked.sentences[following].block == sentence.block
        and ranked.sentences[following].text[:1] not in "\"“‘'«„"
        and sentence.words + ranked.sentences[following].words <= TLDR_MAX_WORDS
    ):
        return following
    return None


def _shown_with(ranked: RankedArticle, index: int) -> Sentence | None:
    partner = _tldr_partner(ranked, index)
    return None if partner is None else ranked.sentences[partner]


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


def _page_pairs_beyond(
    article: SummaryInput, tools: LanguageTools, tldr: str | None
) -> tuple[list[QAPair], list[frozenset[str]]]:
    """The page's own pairs a reader has not just read as the TL;DR, and their answers' content words."""
    said = [content_words(tldr, tools)] if tldr else []
    kept: list[QAPair] = []
    answers: list[frozenset[str]] = []
    for pair in readable_pairs(article.page_qa, tools.code):
        words = content_words(pair.answer, tools)
        if not any(says_again(words, earlier) for earlier in [*said, *answers]):
            kept.append(pair)
            answers.append(words)
    return kept, answers


def _key_point_as_question(
    ranked: RankedArticle,
    tools: LanguageTools,
    asked_about: QuestionPool,
    article_words: int,
    tldr_indexes: tuple[int, ...],
    tldr_words: list[frozenset[str]],
    key_point_indexes: list[int],
) -> tuple[list[int], list[QAPair]] | None:
    """For a reply with no question at all: one key point's sentence shown as the question it answers, and
    the next best sentence as a key point in its place; None when no key point answers a question, or when
    the key points would lose more than `_SWAP_MIN_IMPORTANCE` of their importance by it.

    Questions may not repeat what a reply shows, and the sentences that answer one are often the ones that
    make the best key points, so on nearly half of news articles the key points took every answer there was.
    A reader is better served by the same sentence under the question it answers plus one more fact than by
    the sentence alone; but a key point carries the article's point more than an answer does (measured: taking
    answers first whenever one exists costs about one R-1 point of what a reader sees, a swap limited this
    way costs nothing), hence one pair at most and only where no other question exists.
    """
    asked = asked_about.key_point_question(frozenset(key_point_indexes))
    if asked is None:
        return None
    replaced = choose_key_points(
        ranked,
        tools,
        article_words,
        tuple(sorted({*tldr_indexes, *asked.sentences})),
        [*tldr_words, content_words(asked.pair.answer, tools)],
    )
    importance = ranked.importance
    if len(replaced) < len(key_point_indexes) or sum(importance[i] for i in replaced) < _SWAP_MIN_IMPORTANCE * sum(
        importance[i] for i in key_point_indexes
    ):
        return None
    return replaced, [asked.pair]


def summarize_extractive(article: SummaryInput) -> Summary:
    """Summarise an extracted article; pure and deterministic."""
    tools = language_tools(article.text, article.language)
    sentences = split_sentences(article.text, tools.code)
    if not sentences or not any(s.standalone for s in sentences):
        tldr = _opening_clause(sentences) if sentences else None
        page_pairs, _ = _page_pairs_beyond(article, tools, tldr)
        return Summary(tldr=tldr, qa=tuple(page_pairs), summarizer=SUMMARIZER_NAME)
    ranked = rank(sentences, tools, article.title)
    article_words = sum(word_count(s.text) for s in sentences)
    tldr_indexes = _tldr_sentences(ranked, tools.code)
    tldr = join_sentences([ranked.sentences[i].text for i in tldr_indexes]) if tldr_indexes else None
    page_pairs, page_answers = _page_pairs_beyond(article, tools, tldr)
    tldr_words = [content_words(tldr, tools)] if tldr else []
    key_point_indexes = choose_key_points(ranked, tools, article_words, tldr_indexes, tldr_words + page_answers)
    generated: list[QAPair] = []
    if len(page_pairs) < DISPLAY_COUNT:
        asked_about = question_pool(ranked, tools, article.title, frozenset(tldr_indexes))
        generated = asked_about.questions(frozenset(key_point_indexes))
        if not generated and not page_pairs:
            swapped = _key_point_as_question(
                ranked, tools, asked_about, article_words, tldr_indexes, tldr_words, key_point_indexes
            )
            if swapped is not None:
                key_point_indexes, generated = swapped
    key_points = [ranked.sentences[i].text for i in key_point_indexes]
    shown = tldr_words + [content_words(point, tools) for point in key_points]
    return Summary(
        tldr=tldr,
        key_points=tuple(key_points),
        qa=tuple(questions_answered(page_pairs, generated, tools, shown)),
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

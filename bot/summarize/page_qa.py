"""The page's own questions and answers, made readable, and merged with the generated ones.

A page that publishes an FAQ ("Common Questions Answered", FAQPage data) has said what its readers ask, in
its own words, and answered it: those pairs are better than any question we can build from a sentence. So they
come first, in page order. They are often long (a question with a preamble, an answer of a paragraph), so the
question is kept to its question sentence and a readable length, and the answer to its first sentence, or two
when the first is short. Generated pairs only fill up to the display count, and only on topics the page's own pairs
do not cover. Nothing shown twice: a pair whose answer says the TL;DR, a key point or an earlier answer again
is left out (`overlap`).
"""

from __future__ import annotations

import re

from bot.article import QAPair
from bot.pipeline.language import LanguageTools
from bot.summarize.overlap import content_words, says_again, shared_share
from bot.summarize.sentences import join_sentences, split_sentences, word_count

# How many pairs a reply shows before "More questions": generated pairs fill up to this, never beyond.
DISPLAY_COUNT = 3
# The page's own pairs kept at most (the rest of a long FAQ is on the page).
MAX_PAGE_PAIRS = 10
QUESTION_MAX_WORDS = 25
ANSWER_MAX_WORDS = 60
# A first sentence shorter than this ("Yes.", "In March 2027.") takes the next one along.
SHORT_ANSWER_WORDS = 15
# "Common question: what …?", "Q: how …?": a label before the question itself.
_LABEL = re.compile(r"^[^:?]{1,40}:\s+(?=[a-z]|[A-Z]\w*\s)")
# A generated question whose content words are mostly in one of the page's pairs asks what the page answered.
COVERED_SHARE = 0.6


def readable_question(question: str, language: str | None) -> str | None:
    """The question sentence of a page's question (a preamble or a label dropped), cut to a readable length."""
    text = " ".join(question.split())
    if not text:
        return None
    sentences = [s.text for s in split_sentences(text, language) if s.is_question] or [text]
    asked = _LABEL.sub("", sentences[-1], count=1)
    asked = asked[:1].upper() + asked[1:]
    words = asked.split()
    if len(words) <= QUESTION_MAX_WORDS:
        return asked if asked.endswith(("?", "？", "؟")) else asked.rstrip(".!:;,") + "?"
    return " ".join(words[:QUESTION_MAX_WORDS]).rstrip(",;:") + " …?"


def readable_answer(answer: str, language: str | None) -> str | None:
    """The answer's first sentence, with the second when the first is short; over-long text is cut.

    An FAQ answer's first sentence answers; what follows is usually commentary that the TL;DR and key points
    already carry, so the second sentence is kept only when the first is too short to answer on its own.
    """
    text = " ".join(answer.split())
    if not text:
        return None
    sentences = [s.text for s in split_sentences(text, language)]
    if not sentences:
        return None
    kept = [sentences[0]]
    short_first = word_count(sentences[0]) < SHORT_ANSWER_WORDS
    if len(sentences) > 1 and short_first and word_count(sentences[0]) + word_count(sentences[1]) <= ANSWER_MAX_WORDS:
        kept.append(sentences[1])
    joined = join_sentences(kept)
    words = joined.split()
    return joined if len(words) <= ANSWER_MAX_WORDS else " ".join(words[:ANSWER_MAX_WORDS]) + " …"


def readable_pairs(pairs: tuple[QAPair, ...], language: str | None) -> list[QAPair]:
    """The page's own pairs, trimmed, in page order; pairs without a question or an answer are left out."""
    readable: list[QAPair] = []
    for pair in pairs:
        question, answer = readable_question(pair.question, language), readable_answer(pair.answer, language)
        if question and answer and all(question != kept.question for kept in readable):
            readable.append(QAPair(question=question, answer=answer))
    return readable[:MAX_PAGE_PAIRS]


def _covered(pair: QAPair, page_pairs: list[QAPair], tools: LanguageTools) -> bool:
    """The generated pair asks about something one of the page's own pairs already answers."""
    asked = content_words(pair.question, tools)
    answered = content_words(pair.answer, tools)
    for own in page_pairs:
        own_words = content_words(f"{own.question} {own.answer}", tools)
        if asked and len(asked & own_words) / len(asked) >= COVERED_SHARE:
            return True
        if shared_share(answered, own_words) >= COVERED_SHARE:
            return True
    return False


def questions_answered(
    page_pairs: list[QAPair], generated: list[QAPair], tools: LanguageTools, shown: list[frozenset[str]]
) -> list[QAPair]:
    """The page's own pairs first, then generated ones up to `DISPLAY_COUNT`; no answer repeats what is shown.

    `shown` holds the content words of the TL;DR and the key points.
    """
    said = list(shown)
    chosen: list[QAPair] = []
    for pair in page_pairs:
        words = content_words(pair.answer, tools)
        if not any(says_again(words, earlier) for earlier in said):
            chosen.append(pair)
            said.append(words)
    for pair in generated:
        if len(chosen) >= DISPLAY_COUNT:
            break
        words = content_words(pair.answer, tools)
        if any(says_again(words, earlier) for earlier in said) or _covered(pair, page_pairs, tools):
            continue
        chosen.append(pair)
        said.append(words)
    return chosen

"""Questions a colleague would ask about this article, each answered by one or two of its own sentences.

No model: a question is only asked where a sentence's own structure says what it answers, so the question is
grammatical and names its subject, and the answer is a span of the article. English has the most kinds
(`questions_en_facts`: why, how, how many / how much, when, what, who; `questions_en`: reported speech with
its topic, passives with a complement, definitions; `questions_en_apposition`: "Who is X?" from "X, a …,",
asked only where nothing better is left); German, French, Spanish, Portuguese and Russian have templates for
speech, announcements and definitions (`questions_intl`) and for how many / when where a count or a date opens
the sentence (`questions_intl_facts`). A language without patterns gets no questions rather than English ones;
an article without suitable sentences gets fewer than three, not filler.

This module picks among the candidates. The Q&A should add to the summary, not restate it: sentences shown as
the TL;DR or a key point are not used as answers while the rest of the article can supply a question. Among
the rest: the summariser's own sentence score plus a bonus per kind of question (a reason or a number is what
a colleague asks first), spread over the article (no two answers side by side), different kinds preferred, no
two questions alike, returned in article order. A quotation that runs on into the next sentence without a new
attribution is answered with both sentences.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from bot.summarize.base import QAPair
from bot.summarize.english_clause import parse_clause
from bot.summarize.language import WORD_RE, LanguageTools
from bot.summarize.question_names import (
    PRONOUN_RESOLUTION_WINDOW,
    QUOTE_START,
    QuestionContext,
    proper_words,
    surnames,
    the_nouns,
)
from bot.summarize.questions_en import (
    EN_QUOTE_THEN_SPEAKER,
    EN_QUOTE_THEN_VERB,
    en_definition,
    en_passive,
    en_person_subject,
    en_speech,
    reported_clause,
)
from bot.summarize.questions_en_apposition import apposition_question
from bot.summarize.questions_en_facts import fact_questions, is_specific
from bot.summarize.questions_intl import (
    TEMPLATES,
    Templates,
    announcement_question,
    definition_question_of,
    speech_question,
)
from bot.summarize.questions_intl_facts import intl_fact_questions
from bot.summarize.ranking import RankedArticle
from bot.summarize.sentences import Sentence, join_sentences

MAX_PAIRS = 3
ANSWER_MAX_WORDS = 70
# Answers closer than this (in sentences) to one already chosen cover the same part of the article (1: two
# answers may be neighbours, never overlap; the near-duplicate check keeps neighbours from asking the same thing).
MIN_ANSWER_DISTANCE = 1
_KIND_BONUS = {
    "why": 0.3,
    "how many": 0.28,
    "how": 0.26,
    "when": 0.24,
    "speech": 0.2,
    "passive": 0.16,
    "what": 0.12,
    "who": 0.1,
    "definition": 0.1,
    "identity": 0.0,
    "event": 0.15,
    "plan": 0.18,
    "finding": 0.16,
    "object": 0.04,
    "happened": 0.06,
}
# Kinds asked about what a speaker reports ("Police said the man was arrested after …"): the facts, not "what".
_REPORTED_KINDS = frozenset({"why", "how many", "how", "when"})
# A second question of a kind already chosen must beat the others by this much.
_REPEATED_KIND_PENALTY = 0.15
# Sentences already on screen as a key point are answers only when nothing else is left, and then rank lower.
_SHOWN_PENALTY = 0.6
# Two questions sharing this share of their words ask the same thing.
_NEAR_DUPLICATE = 0.6
# Sentences (by score) that question patterns are tried on; the rest could not win a place anyway.
_CANDIDATE_SENTENCES = 80


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int  # the answering sentence
    question: str
    answer: str
    kind: str
    subject: str
    score: float
    span: int = 1  # sentences the answer takes
    shown: bool = False  # the answer is already a key point


def _continuation(ranked: RankedArticle, index: int) -> int:
    """1, or 2 when the next sentence goes on quoting the same speaker with no attribution of its own."""
    following = index + 1
    if following >= len(ranked.sentences):
        return 1
    nxt = ranked.sentences[following]
    if (
        nxt.block == ranked.sentences[index].block
        and QUOTE_START.match(nxt.text)
        and nxt.standalone
        and ranked.sentences[index].words + nxt.words <= ANSWER_MAX_WORDS
        and not EN_QUOTE_THEN_SPEAKER.search(nxt.text)
        and not EN_QUOTE_THEN_VERB.search(nxt.text)
    ):
        return 2
    return 1


def _worth_reading(ranked: RankedArticle) -> set[int]:
    """The best-scoring sentences and the two before each (where a pronoun's person is named).

    Bounds the pattern matching on a 20,000-word report to a few hundred sentences; a short article is read
    whole.
    """
    best = sorted(
        (i for i, score in enumerate(ranked.scores) if score > -math.inf), key=lambda i: (-ranked.scores[i], i)
    )[:_CANDIDATE_SENTENCES]
    return {j for i in best for j in range(max(0, i - PRONOUN_RESOLUTION_WINDOW), i + 1)}


def _english_questions(
    sentence: Sentence, ctx: QuestionContext, last_person: tuple[int, str] | None, continuation: str
) -> tuple[list[tuple[str, str, str]], str | None]:
    """([(kind, question, subject)], speaker named by the sentence or None)."""
    found: list[tuple[str, str, str]] = []
    speech = en_speech(sentence, ctx, last_person, continuation)
    if speech is not None:
        question, speaker = speech
        if question:
            found.append(("speech", question, speaker))
        reported = reported_clause(sentence)
        clause = parse_clause(reported) if reported else None
        facts = fact_questions(clause, ctx, None) if clause is not None else []
        found += [(q.kind, q.question, q.subject) for q in facts if q.kind in _REPORTED_KINDS]
        return found, speaker
    recent = last_person[1] if last_person and sentence.index - last_person[0] <= PRONOUN_RESOLUTION_WINDOW else None
    clause = parse_clause(sentence.text)
    person = None
    if clause is not None:
        found += [(q.kind, q.question, q.subject) for q in fact_questions(clause, ctx, recent)]
        if clause.subject in ctx.surnames:
            person = clause.subject  # "Stancil was arrested …": a later "he" is Stancil
    for kind, pattern in (("passive", en_passive), ("definition", en_definition)):
        result = pattern(sentence, ctx)
        if result is not None and is_specific(result[0], ctx):
            found.append((kind, *result))
    if not found:
        # "Who is X?" only where the sentence offers nothing better: what a source said, or what a named
        # subject did, is what a colleague asks first.
        apposition = apposition_question(sentence, ctx)
        if apposition is not None:
            found.append(("identity", *apposition))
    return found, person


def _intl_questions(sentence: Sentence, ctx: QuestionContext, templates: Templates) -> list[tuple[str, str, str]]:
    found = []
    for kind, template_pattern in (
        ("speech", speech_question),
        ("event", announcement_question),
        ("definition", definition_question_of),
    ):
        result = template_pattern(sentence, ctx, templates)
        if result is not None:
            found.append((kind, *result))
    found += [(q.kind, q.question, q.subject) for q in intl_fact_questions(sentence, ctx)]
    return found


def _candidates(
    ranked: RankedArticle, ctx: QuestionContext, tldr: set[int], key_points: set[int]
) -> Iterator[_Candidate]:
    """Every sentence that answers a question, with its questions; in article order, as speakers carry over."""
    last_person: tuple[int, str] | None = None  # (sentence index, name) for a "he said" that follows
    templates = TEMPLATES.get(ctx.language)
    worth = _worth_reading(ranked)
    for sentence, score in zip(ranked.sentences, ranked.scores, strict=True):
        if sentence.index not in worth or sentence.words > ANSWER_MAX_WORDS or sentence.is_question:
            continue
        span = _continuation(ranked, sentence.index)
        if ctx.language == "en":
            person = en_person_subject(sentence, ctx)
            if person is not None:
                last_person = (sentence.index, person)
            continuation = ranked.sentences[sentence.index + 1].text if span == 2 else ""
            found, speaker = _english_questions(sentence, ctx, last_person, continuation)
            if speaker is not None:
                last_person = (sentence.index, speaker)
        elif templates is not None:
            found = _intl_questions(sentence, ctx, templates)
        else:
            found = []
        if not found or score == -math.inf or sentence.index in tldr:
            continue
        for kind, question, subject in found:
            answer_span = span if kind == "speech" else 1
            if any(i in tldr for i in range(sentence.index, sentence.index + answer_span)):
                answer_span = 1
            shown = any(i in key_points for i in range(sentence.index, sentence.index + answer_span))
            yield _Candidate(
                index=sentence.index,
                question=question,
                answer=join_sentences(
                    [s.text for s in ranked.sentences[sentence.index : sentence.index + answer_span]]
                ),
                kind=kind,
                subject=subject.lower(),
                score=score + _KIND_BONUS[kind] - (_SHOWN_PENALTY if shown else 0.0),
                span=answer_span,
                shown=shown,
            )


def _too_close(a: _Candidate, b: _Candidate) -> bool:
    """Answers that touch or sit side by side cover the same part of the article."""
    gap = MIN_ANSWER_DISTANCE - 1
    return a.index < b.index + b.span + gap and b.index < a.index + a.span + gap


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD_RE.findall(text)}


def _alike(a: _Candidate, b: _Candidate) -> bool:
    if a.question == b.question or (a.subject == b.subject and a.kind == b.kind):
        return True
    first, second = _words(a.question), _words(b.question)
    return len(first & second) / max(1, len(first | second)) >= _NEAR_DUPLICATE


def _choose(pool: list[_Candidate]) -> list[_Candidate]:
    """Greedy: the best candidate left, with a penalty for kinds already chosen, that is neither close to nor
    alike any chosen one; "Who is X?" only while no other question qualifies, key-point answers only while
    nothing else does."""
    chosen: list[_Candidate] = []
    remaining = list(pool)
    while remaining and len(chosen) < MAX_PAIRS:
        kinds = Counter(c.kind for c in chosen)
        allowed = [c for c in remaining if not any(_too_close(c, o) or _alike(c, o) for o in chosen)]
        if not allowed:
            break
        fresh = (
            [c for c in allowed if not c.shown and c.kind != "identity"]
            or [c for c in allowed if not c.shown]
            or allowed
        )
        best = max(fresh, key=lambda c: (c.score - _REPEATED_KIND_PENALTY * kinds[c.kind], -c.index))
        chosen.append(best)
        remaining.remove(best)
    chosen.sort(key=lambda c: c.index)
    return chosen


def generate_questions(
    ranked: RankedArticle,
    tools: LanguageTools,
    title: str | None,
    tldr_sentences: frozenset[int] = frozenset(),
    key_point_sentences: frozenset[int] = frozenset(),
) -> list[QAPair]:
    """Up to three question–answer pairs, in article order; fewer (or none) rather than generic ones.

    `tldr_sentences` are never answers; `key_point_sentences` only when the rest of the article offers none.
    """
    language = tools.code or ""
    if language != "en" and language not in TEMPLATES:
        return []
    term_counts = ranked.term_counts + Counter(tools.content_terms(title)) if title else ranked.term_counts
    proper, common = proper_words(ranked.sentences)
    ctx = QuestionContext(
        language, proper, common, term_counts, tools, the_nouns(ranked.sentences), surnames(ranked.sentences, common)
    )
    pool = list(_candidates(ranked, ctx, set(tldr_sentences), set(key_point_sentences)))
    return [QAPair(question=c.question, answer=c.answer) for c in _choose(pool)]

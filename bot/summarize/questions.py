"""Questions a colleague would ask about this article, each answered by one or two of its own sentences.

No model: a question is only asked where a sentence's own structure says what it answers, so the question is
grammatical and names its subject, and the answer is a span of the article. English has the most kinds
(`questions_en_facts`: why, how, how many / how much, when, where, what, who; `questions_en`: reported speech with
its topic, passives with a complement, definitions; `questions_en_apposition`: "Who is X?" from "X, a …,",
asked only where nothing better is left, also from a role before a name: "AA president Edmund King" → "Who is
Edmund King?" answered "Edmund King is the AA president."); German, French, Spanish, Portuguese and Russian have
templates for speech, announcements, definitions and a name with its role in commas (`questions_intl`) and for
how many / when where a count or a date opens the sentence, or a date sits inside a plain German or Spanish
statement (`questions_intl_facts`). A language without patterns gets no questions rather than
English ones; an article without suitable sentences gets fewer than three, not filler.

Precision before count: every English pair passes `question_checks` before it can be chosen. The answer is cut
where a photo caption runs into the next sentence; an answer opening with "He"/"She" gets the name it stands for
(the person the question was made about, or the one person the sentence before names) or is dropped, as is one
opening with "It", "They" or "The group"; the question must not point back ("the pair", "the 46-year-old"), end
on a preposition whose object was cut, or join two clauses; and the answer must hold what the kind asks for (a
cause, a means, a time, a number) and carry no heading run into it ("WASPS v EXETER (SUNDAY …) Nathan Hughes
…"). A clause after an introduction that sets the place ("On Titan, clouds spew …") is asked about only when its
subject is a named person or organisation: without the place the question would say something else. In other
languages an answer opening with a pronoun is dropped.

This module picks among the candidates. The Q&A should add to the summary, not restate it: sentences shown as
the TL;DR or a key point are not used as answers while the rest of the article can supply a question (a reply
with none may trade one key point for the fact question it answers: `QuestionPool.key_point_question`), and an
answer that says the TL;DR, a key point or another chosen answer again (`overlap`, as the reply judges it) is no
candidate at all, since the reply would hide it and a pair the reader can see should take its place. Among
the rest: the summariser's own sentence score plus a bonus per kind of question (a reason or a number is what
a colleague asks first), spread over the article (no two answers side by side), different kinds preferred, no
two questions alike (one speaker on two different topics is two questions, and so are two facts of one kind
about one person: "When did X graduate …?", "When did X move …?"), at most two "Who is X?" and none
about the person the article keeps naming, none that calls someone by a surname the article gives to two
people ("Giggs" for Ryan or Rhodri), returned in article order. A quotation that runs on into the next
sentence without a new attribution is answered with both sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from bot.pipeline.language import WORD_RE, LanguageTools, word_set
from bot.summarize.base import QAPair
from bot.summarize.english_clause import parse_clause
from bot.summarize.fitness import leans_on_earlier_text
from bot.summarize.overlap import content_words, says_again
from bot.summarize.question_checks import (
    answer_answers,
    cut_run_on,
    question_is_self_contained,
    resolve_answer,
    resolve_person,
)
from bot.summarize.question_names import (
    EN_TITLES,
    NAME_PARTICLES,
    PRONOUN_RESOLUTION_WINDOW,
    PRONOUNS,
    QUOTE_START,
    QuestionContext,
    proper_words,
    shared_surnames,
    surnames,
    the_nouns,
    without_nickname,
)
from bot.summarize.questions_en import (
    EN_QUOTE_THEN_SPEAKER,
    EN_QUOTE_THEN_VERB,
    en_definition,
    en_passive,
    en_speech,
    reported_clause,
)
from bot.summarize.questions_en_apposition import (
    apposition_question,
    bare_role_question,
    title_question,
    without_role_aside,
)
from bot.summarize.questions_en_facts import fact_questions, is_specific, names_an_actor
from bot.summarize.questions_intl import (
    TEMPLATES,
    Templates,
    announcement_question,
    definition_question_of,
    identity_question_of,
    speech_question,
    without_discourse_adverbs,
)
from bot.summarize.questions_intl_facts import intl_fact_questions
from bot.summarize.ranking import RankedArticle
from bot.summarize.sentences import Sentence, join_sentences

MAX_PAIRS = 3
ANSWER_MAX_WORDS = 70
# How much of the opening (with the title) counts as what the article is about: a quotation's topic must be
# there, or it is a word the quote mentions in passing ("What did Woods say about the hole?").
LEAD_WORDS = 60
# Answers closer than this (in sentences) to one already chosen cover the same part of the article (1: two
# answers may be neighbours, never overlap; the near-duplicate check keeps neighbours from asking the same thing).
MIN_ANSWER_DISTANCE = 1
_KIND_BONUS = {
    "why": 0.3,
    "how many": 0.28,
    "how": 0.26,
    "how long": 0.26,
    "when": 0.24,
    "where": 0.22,
    "speech": 0.2,
    "passive": 0.16,
    "what": 0.12,
    "who": 0.1,
    "definition": 0.1,
    "identity": 0.0,
    "event": 0.15,
    "plan": 0.18,
    "request": 0.18,
    "finding": 0.16,
    "object": 0.04,
    "happened": 0.06,
}
# Kinds whose answer is checked to hold what the question asks for (a cause, a number, a manner, a time, a place;
# `question_checks.answer_answers`). The ones asked about what a speaker reports ("Police said the man was
# arrested after …": the facts, not "what"), and the only ones worth giving a key point up for.
_FACT_KINDS = frozenset({"why", "how many", "how", "when", "how long", "where"})
# A second question of a kind already chosen must beat the others by this much.
_REPEATED_KIND_PENALTY = 0.15
# Sentences already on screen as a key point are answers only when nothing else is left, and then rank lower.
_SHOWN_PENALTY = 0.6
# "Who is X?" at most this often in one reply: a list of people's roles is not what a reader asked.
_MAX_IDENTITY = 2
# A name the article repeats this often is what it is about: asking who that is tells the reader nothing.
_MAIN_CHARACTER_MENTIONS = 5
# Kinds whose question carries the fact asked about ("When did X graduate from …?", "When did X move to …?"):
# two about one subject from different sentences are two questions unless their words say the same.
_DISTINCT_FACT_KINDS = frozenset({"when", "how many", "why", "how", "how long"})
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
    words: frozenset[str] = frozenset()  # the answer's content words, to tell a repeat

    @property
    def sentences(self) -> frozenset[int]:
        """The sentences the answer takes."""
        return frozenset(range(self.index, self.index + self.span))


@dataclass(frozen=True, slots=True)
class _Found:
    """A question a sentence supports; `answer` only where the answer is not the sentence itself."""

    kind: str
    question: str
    subject: str
    answer: str | None = None


# "'…,' said the man.": a quotation attributed to someone described, not named; maybe not the same speaker.
_ATTRIBUTED_TO_SOMEONE = re.compile(r"[’'\"”]\s*,?\s*(?:said|says|added)\s+(?:the|a|an|his|her)\s")


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
        and not _ATTRIBUTED_TO_SOMEONE.search(nxt.text)
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


# "also", "too", "as well": the sentence adds someone to others who did the same, so "Who …?" has several
# true answers and this sentence gives only some of them.
_ONE_OF_SEVERAL = re.compile(r"\b(?:also|too|as well)\b", re.IGNORECASE)


# An introduction that sets the place ("On Titan, clouds spew …", "In Britain, 200 people …"): a question
# without it would state something else ("Why do clouds spew hydrocarbons?"), unless its subject is a named
# person or organisation.
_PLACE_INTRODUCTION = re.compile(
    r"^(?:In|On|At|Across|Outside|Inside|Throughout|Around|Near)\s+(?:the\s+)?[A-Z]"
    r"(?!(?:anuary|ebruary|arch|pril|ay|une|uly|ugust|eptember|ctober|ovember|ecember|onday|uesday|ednesday|"
    r"hursday|riday|aturday|unday)\b)"
    # or a setting: "In the video released yesterday, two gay couples were included" (not a time: "In the end")
    r"|^(?:In|On|At|Inside)\s+the\s+(?!(?:meantime|end|past|future|morning|afternoon|evening|night|wake|"
    r"aftermath|interim|beginning|first|second|third|last|next|same|following|run-up|days?|weeks?|weekend|"
    r"months?|years?|season|summer|winter|spring|autumn|fall|event|process|case|meanwhile)\b)[a-z]"
)


def _english_questions(
    sentence: Sentence, ctx: QuestionContext, last_person: tuple[int, str] | None, continuation: str
) -> tuple[list[_Found], str | None]:
    """(the questions the sentence answers, the speaker when the sentence is attributed speech, else None).

    The patterns read the sentence without a quoted nickname inside a name ("Anna 'Chickadee' Cardwell" → "Anna
    Cardwell"); the answer is the sentence as the article writes it."""
    sentence = replace(sentence, text=without_nickname(sentence.text, ctx))
    found: list[_Found] = []
    speech = en_speech(sentence, ctx, last_person, continuation)
    if speech is not None:
        question, speaker = speech
        if question:
            found.append(_Found("speech", question, speaker))
        reported = reported_clause(sentence)
        clause = parse_clause(reported) if reported else None
        facts = fact_questions(clause, ctx, None) if clause is not None else []
        found += [_Found(q.kind, q.question, q.subject) for q in facts if q.kind in _FACT_KINDS]
        return found + _identity(sentence, ctx), speaker
    recent = last_person[1] if last_person and sentence.index - last_person[0] <= PRONOUN_RESOLUTION_WINDOW else None
    clause = parse_clause(without_role_aside(sentence.text))
    if clause is not None:
        facts = fact_questions(clause, ctx, recent)
        if _PLACE_INTRODUCTION.match(sentence.text[: clause.subject_start]):
            # "On Titan, clouds spew …": without the place the question says something else; "In NSW, the
            # Greens called on …" still names who did it
            facts = [q for q in facts if names_an_actor(q.subject, ctx)]
        if _ONE_OF_SEVERAL.search(sentence.text):
            facts = [q for q in facts if q.kind != "who"]  # "X and Y also scored": others did it too
        found += [_Found(q.kind, q.question, q.subject) for q in facts]
    for kind, pattern in (("passive", en_passive), ("definition", en_definition)):
        result = pattern(sentence, ctx)
        if result is not None and is_specific(result[0], ctx):
            found.append(_Found(kind, *result))
    return found + _identity(sentence, ctx), None


def _identity(sentence: Sentence, ctx: QuestionContext) -> list[_Found]:
    """ "Who is X?" from an apposition or a role before a name, answered by that description. `_choose` takes
    one only where nothing better is left: what a source said, or what a named subject did, is what a
    colleague asks first."""
    apposition = (
        apposition_question(sentence, ctx) or title_question(sentence, ctx) or bare_role_question(sentence, ctx)
    )
    if apposition is None:
        return []
    if _bare_office(apposition.answer, apposition.name) or _capitalised_by_caption(apposition.answer, ctx):
        return []  # "Who is Ahmet Davutoglu?" → "the Prime Minister": of which country, the reader must guess
    if apposition.name.split()[-1].lower().strip(".") in NAME_PARTICLES | EN_TITLES:
        return []  # "Who is Louis Van?": the name was cut before its last part
    if _main_character(apposition.name, ctx):
        return []  # "Who is Donald Trump?" in an article about him: the summary has told the reader already
    return [_Found("identity", apposition.question, apposition.name, apposition.answer)]


# Words of an office's name that say nothing of whose office it is ("the Assistant Fire Chief").
_OFFICE_WORDS = word_set(
    """
    prime minister chief assistant acting deputy vice president director secretary chairman chairwoman chair
    officer fire police commissioner spokesman spokeswoman spokesperson general executive head manager governor
    mayor senior junior principal superintendent inspector sergeant captain detective attorney judge justice
    coach leader minister foreign home interior finance health defence defense education state shadow chancellor
    """
)


def _bare_office(answer: str, name: str) -> bool:
    """The answer gives an office by its title alone: "X is the Prime Minister.", "X is the Acting Chief."."""
    role = answer.removeprefix(name).strip().removesuffix(".")
    words = role.split()
    if len(words) < 3 or words[0] not in {"is", "was"} or words[1] != "the":
        return False
    return all(word.lower() in _OFFICE_WORDS for word in words[2:])


def _capitalised_by_caption(answer: str, ctx: QuestionContext) -> bool:
    """A role with a word the article writes in lower case, capitalised: a caption or heading ran into it
    ("Thierry Henry is a 1998 Iconic Arsenal striker.")."""
    words = answer.rstrip(".").split()[2:]
    return any(w[:1].isupper() and w.lower() in ctx.common and w.lower() not in _OFFICE_WORDS for w in words)


def _intl_questions(sentence: Sentence, ctx: QuestionContext, templates: Templates) -> list[_Found]:
    found = []
    for kind, template_pattern in (
        ("speech", speech_question),
        ("event", announcement_question),
        ("definition", definition_question_of),
    ):
        result = template_pattern(sentence, ctx, templates)
        if result is not None:
            found.append(_Found(kind, *result))
    found += [_Found(q.kind, q.question, q.subject) for q in intl_fact_questions(sentence, ctx)]
    found = [replace(item, question=without_discourse_adverbs(item.question, ctx.language)) for item in found]
    identity = identity_question_of(sentence, ctx)
    if identity is not None and not _main_character(identity[1], ctx):
        found.append(_Found("identity", *identity))  # "¿Quién es Elián Villegas?" → his role, as in English
    return found


_HE_OR_SHE = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")


def _preceding(ranked: RankedArticle, index: int) -> list[str]:
    """The sentences a pronoun in sentence `index` may point back to, nearest last."""
    return [s.text for s in ranked.sentences[max(0, index - PRONOUN_RESOLUTION_WINDOW) : index]]


def _person_before(
    ranked: RankedArticle, index: int, ctx: QuestionContext, last_speaker: tuple[int, str] | None
) -> tuple[int, str] | None:
    """Who a "he"/"she" in sentence `index` stands for: the speaker of the sentence just before, when that was
    attributed speech (news goes on quoting the same person), else the one person the nearest sentence before
    names; None when that sentence names several people."""
    if last_speaker is not None and last_speaker[0] == index - 1:
        return last_speaker
    if not _HE_OR_SHE.search(ranked.sentences[index].text):
        return None  # nothing to resolve: spare the search
    person = resolve_person(_preceding(ranked, index), ctx)
    return (index, person) if person is not None else None


def _checked_answer(ranked: RankedArticle, index: int, span: int, found: _Found, ctx: QuestionContext) -> str | None:
    """The answer as a reader sees it, or None when the pair must not be shown.

    English answers are cut where a caption runs into the next sentence, an opening "He"/"She" becomes the name
    it stands for (or the pair is dropped), and the question must be self-contained and really answered. Other
    languages drop answers that open with a bare pronoun or another pointer back (`leans_on_earlier_text`: "C'est
    ce qu'a annoncé X", "Darin …").
    """
    question, kind, subject = found.question, found.kind, found.subject
    answer = join_sentences([s.text for s in ranked.sentences[index : index + span]])
    if ctx.language != "en":
        first = answer.split()[0].lower().strip(",.") if answer.split() else ""
        pointing = first in PRONOUNS.get(ctx.language, set()) or leans_on_earlier_text(answer, ctx.language)
        return None if pointing else answer
    cut = cut_run_on(answer, question)
    if cut is None:
        return None
    # A "he" the question was made from is already resolved: the question names the person, so does the answer.
    known = subject if kind == "speech" or _HE_OR_SHE.match(ranked.sentences[index].text) else None
    resolved = resolve_answer(
        cut, question, _preceding(ranked, index), ctx, known if known and known in question else None
    )
    if resolved is None or not question_is_self_contained(question, kind, ctx, subject):
        return None
    return resolved if answer_answers(question, resolved, kind) else None


def _on_screen(
    ranked: RankedArticle, ctx: QuestionContext, tldr: set[int], key_points: set[int]
) -> list[frozenset[str]]:
    """The content words of the TL;DR and of each key point, as the reply shows them."""
    lines = [join_sentences([ranked.sentences[i].text for i in sorted(tldr)])] if tldr else []
    lines += [ranked.sentences[i].text for i in sorted(key_points)]
    return [content_words(line, ctx.tools) for line in lines]


def _candidates(ranked: RankedArticle, ctx: QuestionContext, tldr: set[int]) -> Iterator[_Candidate]:
    """Every sentence that answers a question, with its questions; in article order, as speakers carry over.

    An answer the reply would hide as a repeat of the TL;DR (`overlap`) is no candidate: it would only take the
    place of one the reader gets to see. The key points are judged afterwards (`_beside_key_points`), as the
    summariser may try more than one set of them."""
    on_screen = _on_screen(ranked, ctx, tldr, set())
    last_speaker: tuple[int, str] | None = None  # (sentence index, name) of the last attributed speech
    templates = TEMPLATES.get(ctx.language)
    worth = _worth_reading(ranked)
    for sentence, score in zip(ranked.sentences, ranked.scores, strict=True):
        if sentence.index not in worth or sentence.words > ANSWER_MAX_WORDS or sentence.is_question:
            continue
        span = _continuation(ranked, sentence.index)
        if ctx.language == "en":
            last_person = _person_before(ranked, sentence.index, ctx, last_speaker)
            continuation = ranked.sentences[sentence.index + 1].text if span == 2 else ""
            found, speaker = _english_questions(sentence, ctx, last_person, continuation)
            if speaker is not None:
                last_speaker = (sentence.index, speaker)
        elif templates is not None:
            found = _intl_questions(sentence, ctx, templates)
        else:
            found = []
        if not found or score == -math.inf or sentence.index in tldr:
            continue
        for item in found:
            kind, question, subject = item.kind, item.question, item.subject
            if kind == "who" and _main_character(subject, ctx):
                continue  # "Who drifted in the Atlantic?" → Jordan, whom the whole article is about
            if _surname_of_several(question, ctx):
                continue  # "What did Jordan say …?" where the article quotes Frank and Louis Jordan
            answer_span = span if kind == "speech" else 1
            if any(i in tldr for i in range(sentence.index, sentence.index + answer_span)):
                answer_span = 1
            answer = item.answer or _checked_answer(ranked, sentence.index, answer_span, item, ctx)
            if answer is None:
                continue
            words = content_words(answer, ctx.tools)
            if any(says_again(words, said) for said in on_screen):
                continue  # the reply would hide it: the TL;DR says it already
            yield _Candidate(
                index=sentence.index,
                question=question,
                answer=answer,
                kind=kind,
                subject=subject.lower(),
                score=score + _KIND_BONUS[kind],
                span=answer_span,
                words=words,
            )


def _beside_key_points(
    pool: list[_Candidate], ranked: RankedArticle, ctx: QuestionContext, key_points: frozenset[int]
) -> list[_Candidate]:
    """The candidates a reply showing these key points can have: none that says a key point again (the reply
    would hide it), and those whose answer is a key point's sentence marked as shown and ranked lower."""
    said = _on_screen(ranked, ctx, set(), set(key_points))
    kept: list[_Candidate] = []
    for candidate in pool:
        if any(says_again(candidate.words, line) for line in said):
            continue
        if key_points & candidate.sentences:
            candidate = replace(candidate, shown=True, score=candidate.score - _SHOWN_PENALTY)
        kept.append(candidate)
    return kept


def _surname_of_several(question: str, ctx: QuestionContext) -> bool:
    """The question calls someone by a surname the article gives to two people ("Giggs" for Ryan or Rhodri),
    with no first name before it: the reader cannot tell whom it asks about."""
    if not ctx.shared_surnames:
        return False
    tokens = [t.strip("?,.;:") for t in question.split()]
    for position, token in enumerate(tokens):
        if re.sub(r"['’]s?$", "", token) not in ctx.shared_surnames:
            continue
        before = tokens[position - 1] if position else ""
        if not (before[:1].isupper() and before.lower().strip(".") not in EN_TITLES and position > 1):
            return True
    return False


def _main_character(name: str, ctx: QuestionContext) -> bool:
    """The article keeps naming this person or organisation (by the last word of the name): asking who did
    something the article is about answers with the one name the reader has just read in the TL;DR."""
    words = name.split()
    if not words:
        return False
    parts = [p for p in re.split(r"[-‐]", words[-1].lower().strip(".'’")) if p]  # "Montoya-Lewis"
    return any(ctx.term_counts.get(ctx.tools.stem(p), 0) >= _MAIN_CHARACTER_MENTIONS for p in parts)


def _too_close(a: _Candidate, b: _Candidate) -> bool:
    """Answers that touch or sit side by side cover the same part of the article."""
    gap = MIN_ANSWER_DISTANCE - 1
    return a.index < b.index + b.span + gap and b.index < a.index + a.span + gap


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD_RE.findall(text)}


def _topic(question: str) -> str | None:
    """What a "What did X say about Y?" question is about (Y), or None for other questions."""
    head, about, topic = question.rstrip("?").rpartition(" about ")
    return topic.lower() if about and head.startswith("What") else None


def _stems(text: str) -> set[str]:
    """Content words without a plural -s, cut to five letters: "the law" and "laws" share "law"."""
    return {w.rstrip("s")[:5] for w in _words(text) if w not in {"the", "a", "an", "of", "and"}}


def _alike(a: _Candidate, b: _Candidate) -> bool:
    if a.question == b.question:
        return True
    first_topic, second_topic = _topic(a.question), _topic(b.question)
    if a.kind == b.kind == "speech" and first_topic and second_topic:
        # One speaker on two different subjects is two questions, two speakers on one subject too.
        same_speaker = a.subject.split()[-1:] == b.subject.split()[-1:]  # "Hiroshi Ueda" and "Mr Ueda"
        return same_speaker and bool(_stems(first_topic) & _stems(second_topic))
    if a.subject == b.subject and a.kind == b.kind and a.kind not in _DISTINCT_FACT_KINDS:
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
        allowed = [
            c
            for c in remaining
            if not any(_too_close(c, o) or _alike(c, o) or says_again(c.words, o.words) for o in chosen)
            and not (c.kind == "identity" and kinds["identity"] >= _MAX_IDENTITY)
        ]
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


def _lead_terms(ranked: RankedArticle, tools: LanguageTools, title: str | None) -> frozenset[str]:
    """Content stems of the title and of the article's opening sentences (up to `LEAD_WORDS` words)."""
    opening: list[str] = [title] if title else []
    words = 0
    for sentence in ranked.sentences:
        if words >= LEAD_WORDS:
            break
        opening.append(sentence.text)
        words += sentence.words
    return frozenset(tools.content_terms(" ".join(opening)))


def _context(ranked: RankedArticle, tools: LanguageTools, title: str | None) -> QuestionContext | None:
    """What the question patterns need to know about the whole article; None for a language without them."""
    language = tools.code or ""
    if language != "en" and language not in TEMPLATES:
        return None
    term_counts = ranked.term_counts + Counter(tools.content_terms(title)) if title else ranked.term_counts
    proper, common = proper_words(ranked.sentences)
    return QuestionContext(
        language,
        proper,
        common,
        term_counts,
        tools,
        the_nouns(ranked.sentences),
        surnames(ranked.sentences, common),
        _lead_terms(ranked, tools, title),
        # German capitalises every noun: "Ressortchef Geyer" and "Matthias Geyer" are one man, not two first names
        shared_surnames(ranked.sentences, common) if language != "de" else frozenset(),
    )


@dataclass(frozen=True, slots=True)
class KeyPointQuestion:
    """A question a key point's sentence answers, and the sentences its answer takes."""

    pair: QAPair
    sentences: frozenset[int]


class QuestionPool:
    """Every question an article's sentences support outside its TL;DR, found once; which of them a reply
    asks depends on its key points, which the summariser may choose twice (`bot.summarize.extractive`)."""

    def __init__(self, ranked: RankedArticle, ctx: QuestionContext | None, tldr_sentences: frozenset[int]) -> None:
        self._ranked = ranked
        self._ctx = ctx
        self._pool = list(_candidates(ranked, ctx, set(tldr_sentences))) if ctx is not None else []

    def questions(self, key_point_sentences: frozenset[int] = frozenset()) -> list[QAPair]:
        """Up to three pairs, in article order, beside these key points: their sentences are answers only when
        the rest of the article offers none."""
        if self._ctx is None:
            return []
        pool = _beside_key_points(self._pool, self._ranked, self._ctx, key_point_sentences)
        return [QAPair(question=c.question, answer=c.answer) for c in _choose(pool)]

    def key_point_question(self, key_point_sentences: frozenset[int]) -> KeyPointQuestion | None:
        """The best question of a checked kind (`_FACT_KINDS`) whose answer is one of the key points' sentences.

        For a reply that would otherwise have none: the summariser may show that sentence as this pair instead
        of as a key point. Judged with only the TL;DR on screen, since the key point it comes from is what the
        pair would replace.
        """
        pool = [c for c in self._pool if c.kind in _FACT_KINDS and c.sentences & key_point_sentences]
        chosen = _choose(pool)
        if not chosen:
            return None
        best = max(chosen, key=lambda c: (c.score, -c.index))
        return KeyPointQuestion(QAPair(best.question, best.answer), best.sentences)


def question_pool(
    ranked: RankedArticle, tools: LanguageTools, title: str | None, tldr_sentences: frozenset[int] = frozenset()
) -> QuestionPool:
    """The questions of an article whose TL;DR is `tldr_sentences` (never answers); none for a language
    without question patterns."""
    return QuestionPool(ranked, _context(ranked, tools, title), tldr_sentences)


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
    return question_pool(ranked, tools, title, tldr_sentences).questions(key_point_sentences)

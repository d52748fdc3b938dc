"""Passage retrieval for follow-up questions: which 1–3 sentences of one article answer a question, if any.

Offline and per article: the article's sentences (as the summariser splits them) are ranked against the
question with BM25 (`bm25s`, over stemmed words from `language_tools`, grammatical words left out, so
"fares"/"fare" and "Wahlen"/"Wahl" match). The article's own question/answer pairs (the summary's `qa` and the
page's `page_qa`) are candidates too: a pair is matched on its question *and* answer and quoted by its answer,
so a page FAQ's answer (which extraction keeps out of the text) can be quoted at all.

Ranking is BM25 plus two nudges: a sentence near the top of the article gets a bonus fading with its position
(news puts its main facts first, and people ask about the main facts), and one holding the kind of fact asked
for (a figure or a date for "how many / how much / when", a name for "who") gets another.

BM25 ranks, but its scores do not say whether anything answers: they grow with the question's length and the
article's vocabulary. Whether the article says is decided by *coverage*: the share of the question's term
weight that the passage holds. Each term weighs its rarity in the article (idf over the candidates); a term
found only in the sentence before counts half (the sentence may say "he" for the name the question uses). A
term the article never uses weighs half the rarest term's weight when it is an ordinary word (often a
paraphrase: "bought" for "sold") and twice that weight when it is a name (a capitalised word inside the
question: a question about someone the article never names is about another story). Terms of the title count
half: the whole article is about them. A question asking for a figure, a date or a person is answered only by
a passage holding one. Under `MIN_COVERAGE` the answer is "the article does not say"; between it and
`CONFIDENT_COVERAGE` the passages are quoted as the closest the article comes, not as its answer.

The constants were chosen on the graded set of `benchmarks/followups.py` (which has no held-out part): a
false "the article does not say" misleads more than a quoted near miss the reader can judge, so the threshold
favours the precision of "does not say" over its recall.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np

from bot.article import QAPair
from bot.pipeline.language import WORD_RE, LanguageTools, language_tools, word_set
from bot.summarize.sentences import split_sentences

# Share of the question's term weight the best passage must hold for the article to be taken as answering.
MIN_COVERAGE = 0.3
# Between MIN_COVERAGE and this, the passages are quoted as the closest the article comes, not as its answer.
CONFIDENT_COVERAGE = 0.5
MAX_PASSAGES = 3
# A second or third passage is quoted only when it scores at least this share of the best one and covers
# enough of the question on its own: quoting weak neighbours only dilutes the answer.
SECOND_PASSAGE_SHARE = 0.75
SECOND_PASSAGE_COVERAGE = 0.6
TITLE_TERM_WEIGHT = 0.5
# Sentences shorter than this many words are headings, bylines or captions, not answers.
MIN_PASSAGE_WORDS = 4
# BM25 parameters: sentences are short and similar in length, so length normalisation matters less than in
# whole-document search.
K1 = 1.2
B = 0.5
# The bonus (in BM25 score units, relative to the best score) a passage with the kind of fact the question asks
# for gets.
KIND_BONUS = 0.15
# News puts its main facts first, and people ask about the main facts: a sentence near the top gets up to this
# share of the best score as a bonus, fading with its position.
POSITION_BONUS = 0.4
POSITION_FADE = 5.0
# A passage can answer a question asking for a quantity or a time only if it holds a figure or a date, and a
# "who" question only if it names someone; when none of the close candidates does, the article does not say.
REQUIRE_KIND = True
# A sentence often names its subject only in the sentence before ("He performed most recently in Istanbul"):
# a question term found only there counts for this share of its weight.
CONTEXT_CREDIT = 0.5
# A question term the article never uses weighs this many times the rarest term it does use: usually the very
# thing asked about ("salary", "coach"), sometimes a paraphrase ("bought" for "sold").
UNKNOWN_TERM_FACTOR = 0.5
# ...except a name (a capitalised word inside the question): a question about someone the article never names is
# about another story.
UNKNOWN_NAME_FACTOR = 2.0

# Words a question uses to talk about the article rather than about its subject ("what does the article say
# about…", "according to the story…"): stemmed per language and ignored, English only (other languages keep them,
# which only makes their coverage stricter).
_META_WORDS = (
    "article", "story", "piece", "report", "author", "writer", "say", "says", "said", "mention", "mentioned",
    "mentions", "tell", "tells", "according", "text", "explain", "explains", "describe", "describes", "think",
    "know", "linkbrief", "please", "anything", "something", "thing", "things",
)  # fmt: skip
# English grammatical words. The `stop-words` English list is no use here: its 1,300 entries include country codes
# and ordinary words a question is often about ("test", "year", "free", "million", "members").
_ENGLISH_STOP_WORDS = word_set(
    "a about above across after again against all also am an and any are aren as at be because been before being "
    "below between both but by can cannot could couldn did didn do does doesn doing don down during each either else "
    "ever every few for from further had hadn has hasn have haven having he her here hers herself him himself his "
    "how i if in into is isn it its itself just let may me might more most much must my myself neither no nor not "
    "now of off on once only or other ought our ours ourselves out over own same shall she should shouldn so some "
    "such than that the their theirs them themselves then there these they this those though through to too under "
    "until up upon us very was wasn we were weren what when where which while who whom whose why will with won "
    "would wouldn yet you your yours yourself many get got going ll ve re"
)
# Other languages: the lists' short words (four letters at most) are their grammatical ones.
_MAX_STOP_WORD_LETTERS = 4
# The kinds of fact a question asks for (English question words; other languages get no kind), and what a passage
# must hold to give one. Checked in this order: "how much does it cost" asks for money, not any figure.
_NUMBER_WORDS = (
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?|half|twice|once|single|double|triple)\b"
)
_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"\b(?:how much|cost|costs|price|prices|pay|paid|spend|spent|worth|fare|fee|salary)\b", re.I),
        re.compile(
            r"[$£€¥]|\b(?:euros?|dollars?|pounds?|cents?|pence|yen|francs?|rupees?|free)\b|\d\s?(?:bn|m|k)\b", re.I
        ),
    ),
    (
        re.compile(r"\b(?:how (?:many|long|far|old|big|large|often|tall|high|fast|heavy)|what (?:percentage|share|"
                   r"number|amount|age|score))\b", re.I),
        re.compile(_NUMBER_WORDS, re.I),
    ),
    (
        re.compile(r"\b(?:when|what (?:year|date|time|day|month))\b", re.I),
        re.compile(_NUMBER_WORDS + r"|\b(?:january|february|march|april|may|june|july|august|september|october|"
                   r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
                   r"tomorrow|tonight|week|weekend|month|year|decade|century|spring|summer|autumn|winter|morning|"
                   r"evening|night|ago|soon|next|last|recently|later|earlier|since|until)\b", re.I),
    ),
    (re.compile(r"\b(?:who|whom|whose)\b", re.I), re.compile(r"(?<=[\w,;] )[A-Z][a-z]+|^[A-Z][a-z]+ [A-Z][a-z]+")),
)  # fmt: skip
_MENTION = re.compile(r"<[@!#][^<>]*>")


@dataclass(frozen=True, slots=True)
class Passage:
    """One candidate answer: a sentence of the article, or the answer of one of its question/answer pairs."""

    text: str
    source: Literal["text", "qa", "page_qa"]
    index: int  # sentence position in the article, or the pair's position among its kind
    score: float  # BM25 (with the question-kind nudge)
    coverage: float  # share of the question's term weight it holds, in [0, 1]


@dataclass(frozen=True, slots=True)
class Retrieval:
    """The ranked candidates for one question, and which of them answer it (none: the article does not say)."""

    question_terms: tuple[str, ...]
    ranked: tuple[Passage, ...]  # every candidate with any matching term, best first
    answer: tuple[Passage, ...]  # the 1–3 passages to quote, best first; empty when the article does not say

    @property
    def answered(self) -> bool:
        return bool(self.answer)

    @property
    def best_coverage(self) -> float:
        return self.ranked[0].coverage if self.ranked else 0.0

    @property
    def confident(self) -> bool:
        """The quoted passages cover the question well enough to be called its answer (else: the closest)."""
        return bool(self.answer) and max(p.coverage for p in self.answer) >= CONFIDENT_COVERAGE


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    source: Literal["text", "qa", "page_qa"]
    index: int
    terms: list[str]


def question_text(message: str) -> str:
    """A Slack message as a question: mentions (`<@U…>`, `<!here>`, `<#C…>`) and link markup removed."""
    text = _MENTION.sub(" ", message)
    text = re.sub(r"<(https?://[^<>|]*)(?:\|([^<>]*))?>", lambda m: m.group(2) or m.group(1), text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def retrieve(
    question: str,
    *,
    text: str,
    title: str | None = None,
    language: str | None = None,
    qa: Sequence[QAPair] = (),
    page_qa: Sequence[QAPair] = (),
    limit: int = MAX_PASSAGES,
) -> Retrieval:
    """The passages of the article (`text`, plus its `qa` and `page_qa` pairs) that answer `question`."""
    tools = language_tools(text, language)
    terms = _question_terms(question, tools)
    candidates = _candidates(text, tools, qa, page_qa, frozenset(_opening(t) for t in terms))
    if not terms or not candidates:
        return Retrieval(tuple(terms), (), ())
    weights = _term_weights(terms, candidates, tools, title, _names(question, tools))
    total = sum(weights.values())
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index([c.terms or [""] for c in candidates], show_progress=False)
    scores = np.asarray(retriever.get_scores(terms), dtype=float)
    best_raw = float(scores.max()) if len(scores) else 0.0
    if best_raw <= 0:
        return Retrieval(tuple(terms), (), ())
    kind = next((holds for asks, holds in _KINDS if asks.search(question)), None)
    ranked: list[Passage] = []
    previous: set[str] = set()
    for candidate, raw in zip(candidates, scores, strict=True):
        held = set(candidate.terms)
        context, previous = (previous if candidate.source == "text" else set()), held
        if raw <= 0:
            continue
        matched = sum(w if t in held else CONTEXT_CREDIT * w if t in context else 0.0 for t, w in weights.items())
        coverage = matched / total if total else 0.0
        fits = kind is None or bool(kind.search(candidate.text))
        bonus = KIND_BONUS * best_raw if kind is not None and fits else 0.0
        if candidate.source == "text":
            bonus += POSITION_BONUS * best_raw / (1 + candidate.index / POSITION_FADE)
        if REQUIRE_KIND and not fits:
            coverage = 0.0
        ranked.append(Passage(candidate.text, candidate.source, candidate.index, float(raw) + bonus, coverage))
    ranked.sort(key=lambda p: (-p.score, -p.coverage, p.source != "text", p.index))
    ranked = _unique(ranked)
    return Retrieval(tuple(terms), tuple(ranked), _answer(ranked, limit))


def _answer(ranked: list[Passage], limit: int) -> tuple[Passage, ...]:
    """The passages to quote: the best one if it covers the question enough, then close seconds."""
    if not ranked:
        return ()
    best = max(ranked[: limit * 2], key=lambda p: (p.coverage, p.score))
    if best.coverage < MIN_COVERAGE:
        return ()
    chosen = [ranked[0]] if ranked[0].coverage >= MIN_COVERAGE else [best]
    for passage in ranked:
        if len(chosen) >= limit:
            break
        if passage in chosen:
            continue
        if passage.score >= SECOND_PASSAGE_SHARE * chosen[0].score and passage.coverage >= SECOND_PASSAGE_COVERAGE:
            chosen.append(passage)
    return tuple(chosen)


def _question_terms(question: str, tools: LanguageTools) -> list[str]:
    meta = {tools.stem(word) for word in _META_WORDS} if tools.code in (None, "en") else set()
    return list(dict.fromkeys(t for t in terms_of(question_text(question), tools) if t not in meta))


def terms_of(text: str, tools: LanguageTools, *, only: frozenset[str] | None = None) -> list[str]:
    """The stems of the words of `text` that can carry an answer: not grammatical words, not single letters.

    The summariser's stop-word lists are long: right for telling what a sentence is mainly about, wrong for
    matching a question, which is often about exactly such a word. Only grammatical words are left out here.

    `only`: the opening letters (`_opening`) of the question's terms. A word that opens otherwise cannot stem to
    any of them (Snowball stemmers change endings, not openings), so it is kept unstemmed, marked so it never
    equals a stem: it still counts for the sentence's length, and stemming, the costly part (pure Python),
    is spent only on the few words that may match.
    """
    stop = _stop_words(tools)
    terms = []
    for word in WORD_RE.findall(text.lower()):
        if word in stop or (len(word) < 2 and not word.isdigit()):
            continue
        terms.append(tools.stem(word) if only is None or _opening(word) in only else _UNSTEMMED + word)
    return terms


_UNSTEMMED = "\x00"


def _opening(word: str) -> str:
    """A word's first two letters without diacritics (stemmers may turn "ä" into "a")."""
    decomposed = unicodedata.normalize("NFKD", word[:3])
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))[:2]


def _stop_words(tools: LanguageTools) -> frozenset[str]:
    if tools.code in (None, "en"):
        return _ENGLISH_STOP_WORDS
    found = _SHORT_STOP_WORDS.get(tools.code)
    if found is None:
        found = frozenset(w for w in tools.stop_words if len(w) <= _MAX_STOP_WORD_LETTERS)
        _SHORT_STOP_WORDS[tools.code] = found
    return found


_SHORT_STOP_WORDS: dict[str, frozenset[str]] = {}


def _candidates(
    text: str, tools: LanguageTools, qa: Sequence[QAPair], page_qa: Sequence[QAPair], only: frozenset[str]
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    seen: set[str] = set()
    for sentence in split_sentences(text, tools.code):
        if sentence.is_question or sentence.words < MIN_PASSAGE_WORDS or sentence.text in seen:
            continue
        seen.add(sentence.text)
        candidates.append(_Candidate(sentence.text, "text", sentence.index, terms_of(sentence.text, tools, only=only)))
    kinds: tuple[tuple[Literal["qa", "page_qa"], Sequence[QAPair]], ...] = (("page_qa", page_qa), ("qa", qa))
    for source, pairs in kinds:
        for i, pair in enumerate(pairs):
            answer = " ".join((pair.answer or "").split())
            if not answer:
                continue
            terms = terms_of(f"{pair.question} {answer}", tools, only=only)
            candidates.append(_Candidate(answer, source, i, terms))
    return candidates


def _names(question: str, tools: LanguageTools) -> set[str]:
    """The stems of the capitalised words of the question that do not open it (names, in most languages)."""
    words = WORD_RE.findall(question_text(question))
    return {tools.stem(w.lower()) for w in words[1:] if w[:1].isupper() and not w.isupper()}


def _term_weights(
    terms: list[str], candidates: list[_Candidate], tools: LanguageTools, title: str | None, names: set[str]
) -> dict[str, float]:
    """Each question term's rarity in the article (BM25's idf over the candidates); unused terms weigh most."""
    count = len(candidates)
    frequency: Counter[str] = Counter()
    for candidate in candidates:
        frequency.update(set(candidate.terms))
    in_title = set(terms_of(title or "", tools))
    rarest = math.log(1 + (count - 1 + 0.5) / 1.5)
    weights: dict[str, float] = {}
    for term in terms:
        df = frequency.get(term, 0)
        if df:
            weight = math.log(1 + (count - df + 0.5) / (df + 0.5))
        else:
            weight = (UNKNOWN_NAME_FACTOR if term in names else UNKNOWN_TERM_FACTOR) * rarest
        if term in in_title and len(terms) > 1:
            weight *= TITLE_TERM_WEIGHT
        weights[term] = weight
    return weights


def _unique(ranked: list[Passage]) -> list[Passage]:
    """One passage per text: a stored answer that is also a sentence of the article is listed once."""
    seen: set[str] = set()
    unique: list[Passage] = []
    for passage in ranked:
        key = " ".join(passage.text.casefold().split())
        if key not in seen:
            seen.add(key)
            unique.append(passage)
    return unique
